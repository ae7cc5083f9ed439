"""deep_chain: build and backpropagate through 100,000 and 1,000,000 chained ops.

The chain is the one of `tiny_ops` (alternating `* c` and `+ d` on shape-(1,) tensors),
only long. Build + backward is the headline; forward (building the graph), backward and
freeing the graph afterwards are also timed separately, for each length; time linear in
the length means the 1M figures are 10x the 100k ones.
"""

from __future__ import annotations

import gc
import time

import numpy as np

from benchmarks.workloads import frameworks
from benchmarks.workloads.base import Check, Medians, Metric, Workload, get, ratio_check
from benchmarks.workloads.frameworks import Framework

C, D, X0 = 1.0001, 0.001, 0.5
LINEAR_TOLERANCE = 1.25  # 1M/100k may exceed 10x by this factor before growth counts as superlinear


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def _settings(quick: bool) -> dict:
    return {"sizes": (1_000, 10_000) if quick else (100_000, 1_000_000),
            "reps": 1 if quick else 2, "warmup": 0}


def _metrics(settings: dict) -> list[Metric]:
    metrics = []
    for n in settings["sizes"]:
        size = _label(n)
        metrics += [Metric(f"{size}_total", f"{size} ops: build + backward", "s"),
                    Metric(f"{size}_forward", f"{size} ops: forward (build)", "s"),
                    Metric(f"{size}_backward", f"{size} ops: backward", "s"),
                    Metric(f"{size}_free", f"{size} ops: free the graph", "s",
                           no_ratio_with=("numpy",))]  # NumPy has no graph to free
    return metrics


def _timed(settings: dict, chain) -> dict[str, float]:
    """Run `chain(n)` (a generator yielding after forward and after backward) per size."""
    results = {}
    for n in settings["sizes"]:
        gc.collect()
        size = _label(n)
        steps = chain(n)
        t0 = time.perf_counter()
        next(steps)
        t1 = time.perf_counter()
        next(steps)
        t2 = time.perf_counter()
        next(steps, None)  # the generator drops its graph here
        t3 = time.perf_counter()
        results.update({f"{size}_total": t2 - t0, f"{size}_forward": t1 - t0,
                        f"{size}_backward": t2 - t1, f"{size}_free": t3 - t2})
    return results


def _warmed(settings: dict, chain):
    _timed({"sizes": (1000,)}, chain)  # first calls, caches, lazily imported modules
    return lambda: _timed(settings, chain)


def _build_autograd(settings: dict, fw: Framework):
    """The same text runs on minigrad and on PyTorch."""
    c = fw.from_numpy(np.array([C], np.float32))
    d = fw.from_numpy(np.array([D], np.float32))
    ones = fw.from_numpy(np.ones(1, np.float32))

    def chain(n):
        x = fw.leaf(np.array([X0], np.float32))
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + d
        yield
        y.backward(ones)
        yield
        del x, y

    return _warmed(settings, chain)


def _build_numpy(settings: dict):
    c = np.array([C], np.float32)
    d = np.array([D], np.float32)

    def chain(n):
        y = np.array([X0], np.float32)
        for _ in range(n // 2):
            y = y * c
            y = y + d
        yield
        grad = np.ones(1, np.float32)
        for _ in range(n // 2):  # an add passes the gradient through unchanged
            grad = grad * c
        yield
        del y, grad

    return _warmed(settings, chain)


def _checks(medians: Medians, settings: dict) -> list[Check]:
    small, large = (_label(n) for n in settings["sizes"])
    checks = [ratio_check(medians, f"deep_chain: {small} build + backward", f"{small}_total",
                          "torch", 1.0)]
    growth_limit = 10 * LINEAR_TOLERANCE
    for phase in ("total", "forward", "backward"):
        a = get(medians, "minigrad", f"{small}_{phase}")
        b = get(medians, "minigrad", f"{large}_{phase}")
        target = f"{large}/{small} <= {growth_limit:g} (linear: 10)"
        name = f"deep_chain: {'build + backward' if phase == 'total' else phase} growth"
        if a and b is not None:
            checks.append(Check(name, target, f"{b / a:.1f}x", b / a <= growth_limit))
        else:
            checks.append(Check(name, target, "not measured", None))
    return checks


WORKLOAD = Workload(
    name="deep_chain",
    title="backward through long chains",
    settings=_settings,
    metrics=_metrics,
    builders={**frameworks.builders(_build_autograd), "numpy": _build_numpy},
    checks=_checks,
    tracemalloc_pass=False,  # a million-op graph under tracemalloc takes minutes
)
