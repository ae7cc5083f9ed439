"""Whole-training-set statistics recomputed every k steps, against real BatchNorm.

The paper's section 2 considers "whitening activations at every training step or at some
interval", with the normalization computed outside the gradient step. This experiment
trains the same digits network three ways with mini-batch SGD:

* `mode="interval"`: `Linear -> PopulationNorm -> ReLU -> Linear`, where `PopulationNorm`
  normalizes with the mean and variance of its input over the *whole training set*,
  recomputed every `every` steps (before the step's forward pass) and treated as constants
  by the gradient;
* `mode="batch"`: the same network with `BatchNorm1d`: mini-batch statistics,
  differentiated (evaluation uses the running averages);
* `mode="detached"`: `BatchNorm1d(stats="detached")`: mini-batch statistics, as constants.

The first layer keeps its bias `b` so that its drift can be watched, and both
normalizations have a learnable scale and shift (gamma, beta).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.experiments.checks import check_choice, check_positive
from minigrad.experiments.datasets import Split, load_digits, minibatches
from minigrad.nn import functional as F  # noqa: N812 - the customary name

Mode = Literal["interval", "batch", "detached"]
MODES: tuple[str, ...] = ("interval", "batch", "detached")


def interval_model(mode: str, inputs: int, hidden: int, classes: int, every: int = 1,
                   dtype=np.float64) -> nn.Sequential:
    """`Linear(inputs, hidden) -> normalization -> ReLU -> Linear(hidden, classes)`."""
    check_choice("interval_model", "mode", mode, MODES)
    if mode == "interval":
        norm = nn.PopulationNorm(hidden, every=every, dtype=dtype)
    else:
        norm = nn.BatchNorm1d(hidden, stats="batch" if mode == "batch" else "detached",
                              dtype=dtype)
    return nn.Sequential(nn.Linear(inputs, hidden, dtype=dtype), norm, nn.ReLU(),
                         nn.Linear(hidden, classes, dtype=dtype))


def interval_stats(mode: Mode = "interval", every: int = 10, steps: int = 300,
                   lr: float = 0.1, batch_size: int = 64, seed: int = 0, *,
                   hidden: int = 32, data: Split | None = None) -> dict[str, np.ndarray]:
    """Train the digits network with mini-batch SGD and record what happens per step.

    Args:
        mode: "interval" (training-set statistics every `every` steps, outside the
            gradient), "batch" (BatchNorm) or "detached" (BatchNorm, statistics detached).
        every: steps between recomputations of the statistics ("interval" only).
        steps: number of SGD steps.
        lr: learning rate of plain SGD.
        batch_size: size of the shuffled mini-batches.
        seed: seeds the split, the initialization and the batch order.
        hidden: width of the normalized layer.
        data: a `Split` to train on instead of the digits.

    Returns:
        Per-step arrays: `loss` (the mini-batch loss), `test_accuracy` (evaluation mode),
        `w_norm` and `b_norm` (the first layer's weight and bias), `radial_cos` (the share
        of the first layer's weight gradient along the weight), `refreshed` (1 where the
        training-set statistics were recomputed before the step, "interval" only).
        `test_accuracy` is measured after the step's update, the rest before it. If the
        loss stops being finite (the model blew up), the run stops there and the remaining
        steps are NaN; `diverged_at` holds that step (-1 if it never happened).
    """
    check_choice("interval_stats", "mode", mode, MODES)
    check_positive("interval_stats", every=every, steps=steps, lr=lr, batch_size=batch_size,
                   hidden=hidden)
    if mode != "interval" and batch_size < 2:
        raise ValueError(f"interval_stats: BatchNorm (mode={mode!r}) needs a batch_size of at "
                         f"least 2, got {batch_size}")
    split = load_digits(seed=seed) if data is None else data
    classes = int(max(split.y_train.max(), split.y_test.max())) + 1
    mg.manual_seed(seed)
    model = interval_model(mode, split.x_train.shape[1], hidden, classes, every)
    first = model[0]
    params = list(model.parameters())
    x_train, x_test = mg.tensor(split.x_train), mg.tensor(split.x_test)
    rng = np.random.default_rng(seed)

    record: dict[str, list] = {key: [] for key in (
        "loss", "test_accuracy", "w_norm", "b_norm", "radial_cos", "refreshed")}
    batches = iter(())
    diverged_at = -1
    for step in range(steps):
        batch = next(batches, None)
        if batch is None:
            batches = minibatches(len(split.y_train), batch_size, rng)
            batch = next(batches)
        refreshed = bool(nn.refresh_population_norms(model, x_train)) if mode == "interval" \
            else False
        model.train()
        with np.errstate(over="ignore", invalid="ignore"):
            loss = F.cross_entropy(model(x_train[batch]), mg.tensor(split.y_train[batch]))
        if not np.isfinite(loss.item()):
            diverged_at = step
            break
        grads = mg.grad(loss, params)
        w, g_w = first.weight.data, grads[0].data
        record["loss"].append(loss.item())
        record["w_norm"].append(float(np.linalg.norm(w)))
        record["b_norm"].append(float(np.linalg.norm(first.bias.data)))
        with np.errstate(over="ignore", invalid="ignore"):
            record["radial_cos"].append(
                float((w * g_w).sum() / (np.linalg.norm(w) * np.linalg.norm(g_w))))
        record["refreshed"].append(float(refreshed))
        with mg.no_grad():
            for param, grad in zip(params, grads):
                param.data -= lr * grad.data
        record["test_accuracy"].append(_evaluate(model, x_test, split.y_test))
    result = {key: _padded(values, steps) for key, values in record.items()}
    result["diverged_at"] = np.array(diverged_at)
    return result


def _padded(values: list, steps: int) -> np.ndarray:
    return np.array(values + [np.nan] * (steps - len(values)))


def _evaluate(model: nn.Module, x: mg.Tensor, labels: np.ndarray) -> float:
    model.eval()
    with mg.no_grad(), np.errstate(over="ignore", invalid="ignore"):
        predictions = model(x).data.argmax(axis=1)
    return float((predictions == labels).mean())
