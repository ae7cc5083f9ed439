"""The layer of section 2 of the Batch Normalization paper: `x = u + b`, `x_hat = x - E[x]`.

One definition, used by the experiments (`minigrad.experiments.bias_drift`) and by the
example graphs that `python -m minigrad graph` draws (`minigrad.viz.examples`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

MODES: tuple[str, ...] = ("detached", "full")


def section2_layer(u: Tensor, b: Tensor, mode: str = "full") -> tuple[Tensor, Tensor, Tensor]:
    """`x = u + b`, `x_hat = x - E[x]` with the mean over the samples (axis 0).

    Returns `(x, mean, x_hat)`. With `mode="detached"` the mean is `detach()`ed: the value
    is the same, but the gradient treats it as a constant.
    """
    if mode not in MODES:
        raise ValueError(f"section2_layer: mode must be one of 'detached', 'full', got {mode!r}")
    x = u + b
    mean = x.mean(axis=0)
    used_mean = mean.detach() if mode == "detached" else mean
    return x, mean, x - used_mean
