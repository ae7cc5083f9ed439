"""moons: micrograd's demo problem, one SGD step of a 2-16-16-1 ReLU MLP on 100 points.

The loss is the demo's: the mean hinge loss relu(1 - y * score) over the 100 points plus
1e-4 times the sum of squared parameters; a step is forward over the whole set, zero_grad,
backward and a plain SGD update. micrograd, when installed, runs its own demo code (one
scalar `Value` per number); its steps take most of a second, so it runs only a few.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from benchmarks.workloads import frameworks
from benchmarks.workloads.base import Check, Medians, Metric, Workload, get
from benchmarks.workloads.frameworks import Framework

POINTS, ALPHA, LR = 100, 1e-4, 0.1
LAYERS = (2, 16, 16, 1)


def make_moons(n: int = POINTS, noise: float = 0.1, seed: int = 0):
    """Two interleaved half circles, labels -1 and +1 (scikit-learn's construction)."""
    rng = np.random.default_rng(seed)
    outer, inner = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    x += rng.normal(0.0, noise, x.shape)
    y = np.concatenate([-np.ones(outer), np.ones(inner)])
    return x.astype(np.float32), y.astype(np.float32)


def _settings(quick: bool) -> dict:
    return {"reps": 3 if quick else 200, "warmup": 1 if quick else 10,
            "reps_for": {"micrograd": 1 if quick else 3}, "warmup_for": {"micrograd": 0}}


def _metrics(settings: dict) -> list[Metric]:
    return [Metric("step", "one SGD step, 100 points", "ms")]


def _timed(step):
    def run() -> dict[str, float]:
        start = time.perf_counter()
        step()
        return {"step": (time.perf_counter() - start) * 1e3}
    return run


def _build_autograd(settings: dict, fw: Framework):
    """The same text runs on minigrad and on PyTorch."""
    nn = fw.nn
    fw.manual_seed(0)
    x_data, y_data = make_moons()
    x, y = fw.from_numpy(x_data), fw.from_numpy(y_data.reshape(-1, 1))
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                          nn.Linear(16, 1))
    params = list(model.parameters())
    opt = fw.optim.SGD(params, lr=LR)

    def step():
        scores = model(x)
        data_loss = (1 - y * scores).relu().mean()
        loss = data_loss + ALPHA * sum((p * p).sum() for p in params)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return _timed(step)


def _build_numpy(settings: dict):
    rng = np.random.default_rng(0)
    x, y_flat = make_moons()
    y = y_flat.reshape(-1, 1)
    weights = []
    for fan_in, fan_out in itertools.pairwise(LAYERS):
        bound = 1.0 / np.sqrt(fan_in)
        weights += [rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                    rng.uniform(-bound, bound, fan_out).astype(np.float32)]
    w1, b1, w2, b2, w3, b3 = weights
    n = np.float32(len(x))

    def step():
        h1 = x @ w1 + b1
        a1 = np.maximum(h1, 0.0)
        h2 = a1 @ w2 + b2
        a2 = np.maximum(h2, 0.0)
        scores = a2 @ w3 + b3
        margins = 1.0 - y * scores
        loss = np.maximum(margins, 0.0).mean() + ALPHA * sum(np.vdot(p, p) for p in weights)
        d_scores = np.where(margins > 0, -y / n, np.float32(0.0))
        d_a2 = d_scores @ w3.T
        d_h2 = d_a2 * (h2 > 0)
        d_a1 = d_h2 @ w2.T
        d_h1 = d_a1 * (h1 > 0)
        grads = [x.T @ d_h1, d_h1.sum(0), a1.T @ d_h2, d_h2.sum(0), a2.T @ d_scores,
                 d_scores.sum(0)]
        for p, g in zip(weights, grads):
            g += (2 * ALPHA) * p  # the L2 term's gradient
            g *= LR
            p -= g
        return loss

    return _timed(step)


def _build_micrograd(settings: dict):
    """micrograd's own demo step (its notebook's `loss()` and update), unchanged in spirit."""
    import random

    from micrograd.engine import Value
    from micrograd.nn import MLP

    random.seed(0)
    x_data, y_data = make_moons()
    model = MLP(2, [16, 16, 1])
    inputs = [list(map(Value, row)) for row in x_data.astype(float)]
    labels = [float(v) for v in y_data]

    def step():
        scores = list(map(model, inputs))
        losses = [(1 + -yi * score).relu() for yi, score in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= LR * p.grad

    return _timed(step)


def _checks(medians: Medians, settings: dict) -> list[Check]:
    mine, theirs = get(medians, "minigrad", "step"), get(medians, "micrograd", "step")
    target = "micrograd / minigrad >= 1000x"
    if mine is None or theirs is None:
        return [Check("moons: vs micrograd", target, "not measured", None)]
    speedup = theirs / mine
    verdict = "met" if speedup >= 1000 else f"missed by {1000 / speedup:.2f}x"
    return [Check("moons: vs micrograd", target, f"{speedup:.0f}x ({verdict})", speedup >= 1000)]


WORKLOAD = Workload(
    name="moons",
    title="2-16-16-1 MLP, 100 points, one SGD step",
    settings=_settings,
    metrics=_metrics,
    builders={**frameworks.builders(_build_autograd), "numpy": _build_numpy,
              "micrograd": _build_micrograd},
    checks=_checks,
)
