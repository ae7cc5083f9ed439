"""The paper's section-2 experiments as importable functions.

* `bias_drift`: `x = u + b`, `x_hat = x - E[x]`; with E[x] detached the loss never moves
  while `b` drifts by the same step forever; differentiated, `dl/db = 0` exactly.
* `scale_drift`: `x_hat = (x - mu) / sigma`, `x = W u + b` on the digits; the radial part
  of the gradient that detached statistics leave behind, and what it does to `||W||`.
* `interval_stats`: statistics recomputed over the whole training set every k steps,
  outside the gradient step, against real Batch Normalization.

Each returns a dict of per-step NumPy arrays, is deterministic under its seed and runs in
seconds.
"""

from minigrad.experiments.bias_drift import bias_drift, section2_problem
from minigrad.experiments.interval_stats import interval_model, interval_stats
from minigrad.experiments.scale_drift import normalize, scale_drift
from minigrad.section2 import section2_layer

__all__ = ["bias_drift", "interval_model", "interval_stats", "normalize", "scale_drift",
           "section2_layer", "section2_problem"]
