"""Long runs: thousands of training steps with flat memory and finite losses, and a
checkpoint taken mid-run that resumes to the bit-identical result.

Bounded for CI (a few seconds); the step count can be raised by hand with
MINIGRAD_SOAK_STEPS=100000 python -m pytest tests/test_soak.py -m slow
"""

from __future__ import annotations

import gc
import os
import tracemalloc
import weakref

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.autograd.function import Node
from minigrad.tensor import Tensor

pytestmark = pytest.mark.slow

STEPS = int(os.environ.get("MINIGRAD_SOAK_STEPS", "2000"))
WINDOW = 150                 # steps per measured window
SETTLE = 5                   # traced steps before a window
BATCH, FEATURES, CLASSES = 32, 8, 3
EPOCH = 50                   # steps per learning-rate schedule step


class Run:
    """A small classifier (Linear, BatchNorm, ReLU) trained with AdamW and a cosine schedule
    on a fixed synthetic problem; batch k is the same in every run."""

    def __init__(self, seed: int) -> None:
        mg.manual_seed(seed)
        self.model = nn.Sequential(nn.Linear(FEATURES, 32), nn.BatchNorm1d(32), nn.ReLU(),
                                   nn.Linear(32, CLASSES))
        self.optimizer = mg.optim.AdamW(self.model.parameters(), lr=3e-3, weight_decay=1e-2)
        self.schedule = mg.optim.CosineAnnealingLR(self.optimizer, T_max=STEPS // EPOCH)
        self.step_count = 0
        data = np.random.default_rng(2024)
        self.x = data.standard_normal((16 * BATCH, FEATURES)).astype(np.float32)
        centers = data.standard_normal((CLASSES, FEATURES)).astype(np.float32)
        self.y = np.argmin(((self.x[:, None] - centers) ** 2).sum(-1), axis=1)

    def step(self) -> float:
        k = self.step_count % (len(self.x) // BATCH)
        rows = slice(k * BATCH, (k + 1) * BATCH)
        self.optimizer.zero_grad()
        loss = F.cross_entropy(self.model(Tensor(self.x[rows])), Tensor(self.y[rows]))
        loss.backward()
        self.optimizer.step()
        self.step_count += 1
        if self.step_count % EPOCH == 0:
            self.schedule.step()
        return loss.item()

    def state(self) -> dict:
        return {"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "schedule": self.schedule.state_dict(), "step": self.step_count}

    def load(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self.step_count = int(state["step"])

    def parameters_bytes(self) -> list[bytes]:
        return [value.tobytes() for value in _arrays(self.model.state_dict())]


def _arrays(state: dict) -> list[np.ndarray]:
    return [np.asarray(v.data if isinstance(v, Tensor) else v) for v in state.values()]


def _live(kind: type) -> int:
    gc.collect()
    return sum(isinstance(obj, kind) for obj in gc.get_objects())


def _measured(run: Run, losses: list[float]) -> tuple[int, int, int, int]:
    """Train one window under tracemalloc: how much the traced memory grew over the window
    (a leak shows here), the window's peak, and the live nodes and tensors at its end.

    Tracing starts a few steps before the window, so that the arrays each step replaces
    (gradients, optimizer scratch, running statistics) are traced at both ends. A full
    collection before each reading also empties CPython's free lists (spare tuples, floats,
    dicts), which would otherwise count as growth."""
    tracemalloc.start()
    try:
        losses += [run.step() for _ in range(SETTLE)]
        gc.collect()
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        window = np.empty(WINDOW)  # allocated before the reading: the list grows after
        for i in range(WINDOW):
            window[i] = run.step()
        gc.collect()
        end, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    losses += window.tolist()
    return end - start, peak, _live(Node), _live(Tensor)


def test_thousands_of_steps_keep_memory_flat_and_losses_finite():
    run = Run(seed=0)
    losses = [run.step() for _ in range(WINDOW)]  # warm-up: optimizer state, caches
    early = _measured(run, losses)
    losses += [run.step() for _ in range(STEPS - 3 * WINDOW - 2 * SETTLE)]  # full speed
    late = _measured(run, losses)

    assert len(losses) == STEPS
    assert np.isfinite(losses).all()
    first, last = np.mean(losses[:WINDOW]), np.mean(losses[-WINDOW:])
    assert last < 0.5 * first, (first, last)  # it trains, so the run is not vacuous

    early_growth, early_peak, early_nodes, early_tensors = early
    late_growth, late_peak, late_nodes, late_tensors = late
    assert early_nodes == late_nodes == 0, "a graph outlived its step"
    assert late_tensors == early_tensors, "tensors accumulate across steps"
    # A leak of one small object per step would grow a window by WINDOW times its size.
    slack = 4 * 1024
    assert early_growth < slack and late_growth < slack, (early_growth, late_growth)
    assert late_peak <= early_peak * 1.1 + slack, f"peak grew: {early_peak} -> {late_peak}"


def test_each_step_frees_its_graph():
    run = Run(seed=0)
    run.optimizer.zero_grad()
    loss = F.cross_entropy(run.model(Tensor(run.x[:BATCH])), Tensor(run.y[:BATCH]))
    root = weakref.ref(loss.grad_fn)
    loss.backward()
    run.optimizer.step()
    del loss
    gc.collect()
    assert root() is None


def test_checkpoint_mid_run_resumes_bit_identically(tmp_path):
    total, middle = 600, 300
    reference = Run(seed=0)
    losses = [reference.step() for _ in range(middle)]
    path = tmp_path / "mid-run.npz"
    mg.save(reference.state(), path)
    losses += [reference.step() for _ in range(total - middle)]

    resumed = Run(seed=1)  # other initial weights: everything must come from the file
    assert resumed.parameters_bytes() != reference.parameters_bytes()
    resumed.load(mg.load(path))
    resumed_losses = [resumed.step() for _ in range(total - middle)]

    assert resumed.step_count == reference.step_count == total
    assert resumed_losses == losses[middle:]  # every loss, bit for bit
    assert resumed.parameters_bytes() == reference.parameters_bytes()
    for (name, a), b in zip(reference.optimizer.state_dict()["state"].items(),
                            resumed.optimizer.state_dict()["state"].values()):
        for key in a:
            assert np.asarray(a[key]).tobytes() == np.asarray(b[key]).tobytes(), (name, key)
    assert resumed.optimizer.param_groups[0]["lr"] == reference.optimizer.param_groups[0]["lr"]
