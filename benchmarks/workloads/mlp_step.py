"""mlp_step: one full training step of a BatchNorm MLP, float32, batch 256.

    Linear(784, 512, bias=False) -> BatchNorm1d -> ReLU
    -> Linear(512, 512, bias=False) -> BatchNorm1d -> ReLU -> Linear(512, 10)
    cross-entropy, Adam (lr 1e-3)

One step is zero_grad, forward, backward, optimizer step; the phases are timed too
(forward includes zero_grad). The `memory` workload reuses `make_step`.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.workloads import frameworks
from benchmarks.workloads.base import Check, Medians, Metric, Workload, ratio_check
from benchmarks.workloads.frameworks import Framework
from benchmarks.workloads.numpy_nn import Adam, BatchNorm, cross_entropy, init_linear

FULL = {"batch": 256, "inputs": 784, "hidden": 512, "classes": 10}
QUICK = {"batch": 32, "inputs": 64, "hidden": 32, "classes": 10}
PHASES = ("forward", "backward", "optimizer")


def batch(sizes: dict) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((sizes["batch"], sizes["inputs"]), dtype=np.float32)
    labels = rng.integers(0, sizes["classes"], sizes["batch"])
    return x, labels


def _timed_step(zero_and_forward, backward, update):
    """Run one step, returning its phases' durations and the total."""
    def step() -> dict[str, float]:
        t0 = time.perf_counter()
        loss = zero_and_forward()
        t1 = time.perf_counter()
        backward(loss)
        t2 = time.perf_counter()
        update()
        t3 = time.perf_counter()
        return {"step": (t3 - t0) * 1e3, "forward": (t1 - t0) * 1e3,
                "backward": (t2 - t1) * 1e3, "optimizer": (t3 - t2) * 1e3}
    return step


def make_step_autograd(sizes: dict, fw: Framework):
    """The step as a user writes it; the same text runs on minigrad and on PyTorch."""
    nn = fw.nn
    fw.manual_seed(0)
    d, h, c = sizes["inputs"], sizes["hidden"], sizes["classes"]
    model = nn.Sequential(nn.Linear(d, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(),
                          nn.Linear(h, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(),
                          nn.Linear(h, c))
    opt = fw.optim.Adam(model.parameters(), lr=1e-3)
    return classifier_step(fw, model, opt, *batch(sizes))


def classifier_step(fw: Framework, model, opt, x_data: np.ndarray, labels: np.ndarray):
    """One timed training step of a classifier, as a user writes it: zero the gradients,
    cross-entropy of `model(x)`, backward, the optimizer's update."""
    x, target = fw.from_numpy(x_data), fw.from_numpy(labels)

    def zero_and_forward():
        opt.zero_grad()
        return fw.F.cross_entropy(model(x), target)

    return _timed_step(zero_and_forward, lambda loss: loss.backward(), opt.step)


class NumpyMLP:
    """The same network by hand: forward keeps what backward needs; no graph at all."""

    def __init__(self, sizes: dict) -> None:
        rng = np.random.default_rng(0)
        d, h, c = sizes["inputs"], sizes["hidden"], sizes["classes"]
        self.w1, _ = init_linear(rng, d, h, bias=False)
        self.w2, _ = init_linear(rng, h, h, bias=False)
        self.w3, self.b3 = init_linear(rng, h, c, bias=True)
        self.bn1, self.bn2 = BatchNorm(h), BatchNorm(h)
        # The order of minigrad's and PyTorch's model.parameters().
        self.params = [self.w1, self.bn1.gamma, self.bn1.beta, self.w2, self.bn2.gamma,
                       self.bn2.beta, self.w3, self.b3]
        self._saved: tuple = ()

    def forward(self, x: np.ndarray, labels: np.ndarray) -> float:
        z1, cache1 = self.bn1.forward(x @ self.w1.T)
        a1 = np.maximum(z1, 0.0, out=z1)  # ReLU in place: z1 is not needed again
        z2, cache2 = self.bn2.forward(a1 @ self.w2.T)
        a2 = np.maximum(z2, 0.0, out=z2)
        logits = a2 @ self.w3.T
        logits += self.b3
        loss, d_logits = cross_entropy(logits, labels)
        self._saved = (x, cache1, a1, cache2, a2, d_logits)
        return loss

    def backward(self) -> list[np.ndarray]:
        """The gradients of the last forward's loss, in the order of `params`."""
        x, cache1, a1, cache2, a2, d_logits = self._saved
        self._saved = ()
        g_w3, g_b3 = d_logits.T @ a2, d_logits.sum(axis=0)
        d_a2 = d_logits @ self.w3
        d_a2 *= a2 > 0  # ReLU: the output is positive exactly where the input was
        d_h2, g_gamma2, g_beta2 = self.bn2.backward(d_a2, cache2)
        g_w2 = d_h2.T @ a1
        d_a1 = d_h2 @ self.w2
        d_a1 *= a1 > 0
        d_h1, g_gamma1, g_beta1 = self.bn1.backward(d_a1, cache1)
        g_w1 = d_h1.T @ x  # the input needs no gradient
        return [g_w1, g_gamma1, g_beta1, g_w2, g_gamma2, g_beta2, g_w3, g_b3]


def make_step_numpy(sizes: dict):
    model = NumpyMLP(sizes)
    adam = Adam(model.params)
    x, labels = batch(sizes)
    grads: list = []

    def backward(_loss):
        grads[:] = model.backward()

    return _timed_step(lambda: model.forward(x, labels), backward, lambda: adam.step(grads))


# sizes -> one timed step, per library (the `memory` workload loops over these)
BUILDERS = {**frameworks.builders(make_step_autograd), "numpy": make_step_numpy}


def _settings(quick: bool) -> dict:
    return {"sizes": QUICK if quick else FULL, "reps": 3 if quick else 40,
            "warmup": 1 if quick else 5}


def phase_metrics(total_label: str) -> list[Metric]:
    """Rows for a timed step: its total, then each phase."""
    return [Metric("step", total_label, "ms"),
            *(Metric(phase, f"  {phase}", "ms") for phase in PHASES)]


def sized(builders: dict) -> dict:
    """Builders of a workload (taking its settings) from builders taking its sizes."""
    return {lib: (lambda settings, make=make: make(settings["sizes"]))
            for lib, make in builders.items()}


def _metrics(settings: dict) -> list[Metric]:
    return phase_metrics(f"one step, batch {settings['sizes']['batch']} (total)")


def _checks(medians: Medians, settings: dict) -> list[Check]:
    checks = [ratio_check(medians, "mlp_step: one step", "step", "torch", 1.5)]
    mine, numpy_time = medians.get("minigrad", {}).get("step"), medians.get("numpy", {}).get("step")
    if mine is not None and numpy_time:
        checks.append(Check("mlp_step: vs handwritten NumPy", "minigrad < numpy",
                            f"{mine / numpy_time:.2f}x", mine < numpy_time))
    return checks


WORKLOAD = Workload(
    name="mlp_step",
    title="BatchNorm MLP training step",
    settings=_settings,
    metrics=_metrics,
    builders=sized(BUILDERS),
    checks=_checks,
)
