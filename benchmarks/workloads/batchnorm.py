"""batchnorm: BatchNorm1d forward + backward on a float32 (1024, 512) batch, training mode.

The input requires grad (as inside a network), the upstream gradient is a fixed random
array, and the gradients are reset to None before each repetition, so every repetition
does the same work: normalize, update the running statistics, and compute dx, dgamma,
dbeta. minigrad runs its fused node with each kernel implementation (NumPy, the default;
numba's compiled loops where `pip install minigrad[fast]` installed numba) and the
composed graph of primitives (mean -> sub -> var -> add -> sqrt -> div -> mul -> add).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.workloads.base import Check, Medians, Metric, Workload, ratio_check
from benchmarks.workloads.numpy_nn import BatchNorm

CONSECUTIVE_STEPS = 5  # fused steps timed in a row, per repetition, in each kernel mode


def _settings(quick: bool) -> dict:
    return {"shape": (64, 16) if quick else (1024, 512), "reps": 3 if quick else 50,
            "warmup": 1 if quick else 5}


def _metrics(settings: dict) -> list[Metric]:
    n, c = settings["shape"]
    return [Metric("fwd_bwd", f"({n}, {c}) fwd+bwd, fused (NumPy)", "ms"),
            Metric("forward", "  forward, fused (NumPy)", "ms"),
            Metric("backward", "  backward, fused (NumPy)", "ms"),
            Metric("numba_fwd_bwd", "  fwd+bwd, fused (numba)", "ms", compare_to="fwd_bwd"),
            Metric("composed_fwd_bwd", "  fwd+bwd, composed", "ms", compare_to="fwd_bwd")]


def _data(settings: dict) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(settings["shape"], dtype=np.float32) * 3 + 1
    upstream = rng.standard_normal(settings["shape"], dtype=np.float32)
    return x, upstream


def _phases(forward, backward, prefix: str = "") -> dict[str, float]:
    t0 = time.perf_counter()
    out = forward()
    t1 = time.perf_counter()
    backward(out)
    t2 = time.perf_counter()
    if prefix:
        return {f"{prefix}fwd_bwd": (t2 - t0) * 1e3}
    return {"fwd_bwd": (t2 - t0) * 1e3, "forward": (t1 - t0) * 1e3,
            "backward": (t2 - t1) * 1e3}


def _build_minigrad(settings: dict):
    import minigrad as mg
    from minigrad import nn
    from minigrad.ops import normalization_kernels as kernels

    x_data, upstream = _data(settings)
    x, g = mg.Tensor(x_data, requires_grad=True), mg.Tensor(upstream)
    channels = settings["shape"][1]
    fused, composed = nn.BatchNorm1d(channels), nn.BatchNorm1d(channels, fused=False)
    implementations = [name for name in ("numpy", "numba") if name in kernels.available()]

    def run_with(bn, prefix=""):
        def forward():
            x.grad = bn.weight.grad = bn.bias.grad = None
            return bn(x)
        return _phases(forward, lambda out: out.backward(g), prefix)

    def repetition() -> dict[str, float]:
        timings = run_with(composed, "composed_")
        for name in implementations:
            kernels.use(name)
            # Untimed: the composed graph's many frees make glibc return memory to the
            # kernel, and every fresh array of the next step would page-fault. A loop of
            # fused steps (what the fused figure stands for) reuses its heap and finds its
            # data in the caches, as the other libraries' loops do: the median of a few
            # consecutive steps stands for it.
            run_with(fused)
            steps = [run_with(fused, "" if name == "numpy" else f"{name}_")
                     for _ in range(CONSECUTIVE_STEPS)]
            timings.update({key: statistics.median(step[key] for step in steps)
                            for key in steps[0]})
        return timings

    return repetition


def _build_torch(settings: dict):
    import torch

    x_data, upstream = _data(settings)
    x = torch.from_numpy(x_data).requires_grad_()
    g = torch.from_numpy(upstream)
    bn = torch.nn.BatchNorm1d(settings["shape"][1])

    def forward():
        x.grad = bn.weight.grad = bn.bias.grad = None
        return bn(x)

    return lambda: _phases(forward, lambda out: out.backward(g))


def _build_numpy(settings: dict):
    x, upstream = _data(settings)
    bn = BatchNorm(settings["shape"][1])
    grads: list = []

    def backward(out):
        grads[:] = bn.backward(upstream, out[1])  # out is (y, what backward needs)

    return lambda: _phases(lambda: bn.forward(x), backward)


def _checks(medians: Medians, settings: dict) -> list[Check]:
    # The 1.5x target holds for what a user runs; if NumPy alone cannot reach it, the
    # compiled loops may, and parity is their own target.
    return [ratio_check(medians, "batchnorm: fused, NumPy kernels", "fwd_bwd", "torch", 1.5),
            ratio_check(medians, "batchnorm: fused, numba kernels", "numba_fwd_bwd", "torch",
                        1.5, reference_key="fwd_bwd"),
            ratio_check(medians, "batchnorm: numba kernels, parity", "numba_fwd_bwd", "torch",
                        1.0, reference_key="fwd_bwd")]


WORKLOAD = Workload(
    name="batchnorm",
    title="BatchNorm1d forward + backward",
    settings=_settings,
    metrics=_metrics,
    builders={"minigrad": _build_minigrad, "numpy": _build_numpy, "torch": _build_torch},
    checks=_checks,
)
