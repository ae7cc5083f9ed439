"""tiny_ops: the fixed cost of one op, forward and backward, on shape-(1,) tensors.

A chain of 100 ops alternates `y = y * c` and `y = y + d` with constant tensors `c`, `d`
(they need no gradient), starting from a leaf `x` that does. One chain is: build the chain,
then backward from its end with an explicit gradient of ones, which accumulates into
`x.grad`. The arrays are so small that this measures per-op bookkeeping only: wrapper
objects, graph nodes, dispatch. Reported as microseconds per op (forward + backward).

The NumPy version does the same arithmetic with no graph: the forward loop, then the
backward loop multiplying the gradient by each `c` in reverse (an add passes it through).
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.workloads import frameworks
from benchmarks.workloads.base import Check, Medians, Metric, Workload, ratio_check
from benchmarks.workloads.frameworks import Framework

C, D, X0 = 1.0001, 0.001, 0.5


def _settings(quick: bool) -> dict:
    return {"ops": 100, "chains": 5 if quick else 100, "reps": 2 if quick else 15,
            "warmup": 1 if quick else 3}


def _metrics(settings: dict) -> list[Metric]:
    return [Metric("per_op", f"per op, fwd+bwd ({settings['ops']}-op chain)", "us")]


def _per_op(settings: dict, one_chain) -> dict[str, float]:
    start = time.perf_counter()
    for _ in range(settings["chains"]):
        one_chain()
    elapsed = time.perf_counter() - start
    return {"per_op": elapsed / (settings["chains"] * settings["ops"]) * 1e6}


def _build_autograd(settings: dict, fw: Framework):
    """The chain as a user writes it; the same text runs on minigrad and on PyTorch."""
    c = fw.from_numpy(np.array([C], np.float32))
    d = fw.from_numpy(np.array([D], np.float32))
    ones = fw.from_numpy(np.ones(1, np.float32))
    seed = np.array([X0], np.float32)
    pairs = settings["ops"] // 2

    def one_chain():
        x = fw.leaf(seed)
        y = x
        for _ in range(pairs):
            y = y * c
            y = y + d
        y.backward(ones)

    return lambda: _per_op(settings, one_chain)


def _build_numpy(settings: dict):
    c = np.array([C], np.float32)
    d = np.array([D], np.float32)
    seed = np.array([X0], np.float32)
    pairs = settings["ops"] // 2

    def one_chain():
        y = seed
        for _ in range(pairs):
            y = y * c
            y = y + d
        grad = np.ones(1, np.float32)
        for _ in range(pairs):  # an add passes the gradient through unchanged
            grad = grad * c
        return y, grad

    return lambda: _per_op(settings, one_chain)


def _checks(medians: Medians, settings: dict) -> list[Check]:
    return [ratio_check(medians, "tiny_ops: per-op cost", "per_op", "torch", 1.0)]


WORKLOAD = Workload(
    name="tiny_ops",
    title="100-op chain on shape-(1,) tensors",
    settings=_settings,
    metrics=_metrics,
    builders={**frameworks.builders(_build_autograd), "numpy": _build_numpy},
    checks=_checks,
)
