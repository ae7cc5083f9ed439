"""Normalization that also scales: `x_hat = (x - mu) / sigma`, `x = W u + b`.

A hidden layer of a digits classifier is normalized with the mean and standard deviation of
each unit over the whole training set (every step sees the whole set), then goes through a
ReLU and a learned linear classifier. `W`, `b` and the classifier are trained together.

The forward pass is the same function of `W` in both modes, and it is invariant to the
scale of each row of `W`: `x_hat(c W_j) = x_hat(W_j)` for c > 0. What differs is the
gradient.

* `stats="batch"` (differentiated, as Batch Normalization): the gradient of a scale
  invariant loss is orthogonal to each row, `<W_j, g_j> = 0`, so a gradient step only turns
  `W_j`, and `||W_j||^2` grows by exactly `lr^2 ||g_j||^2` per step (second order).
  `dl/db = 0`.
* `stats="detached"` (mu and sigma treated as constants by the gradient): the gradient
  keeps a radial part, `<W_j, g_j> = sum_i d_ij x_hat_ij + (mu_j - b_j)/sigma_j sum_i d_ij`
  with `d = dl/dx_hat`, which the next normalization undoes. It does not shrink with the
  step, so `||W_j||^2` moves by about `-2 lr <W_j, g_j>` every step: it grows (and the
  effective step size `lr / ||W_j||^2` shrinks) or it collapses toward 0 (and the effective
  step size explodes). `b` drifts as in `bias_drift`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

import minigrad as mg
from minigrad.experiments.checks import check_choice, check_positive
from minigrad.experiments.datasets import DIGITS_CLASSES, Split, load_digits, one_hot
from minigrad.tensor import Tensor

Stats = Literal["batch", "detached"]
Head = Literal["classifier", "regression"]
STATS: tuple[str, ...] = ("batch", "detached")
HEADS: tuple[str, ...] = ("classifier", "regression")
REGRESSION_TARGET = 0.5  # the regression head's target for the true class (0 elsewhere)


def normalize(x: Tensor, stats: str = "batch", eps: float = 0.0) -> Tensor:
    """`(x - mean) / sqrt(var + eps)` per column, with the biased variance over axis 0.

    `stats="detached"` uses the same values but cuts the gradient through them.
    """
    check_choice("normalize", "stats", stats, STATS)
    mean, var = x.mean(axis=0), x.var(axis=0, correction=0)
    if stats == "detached":
        mean, var = mean.detach(), var.detach()
    std = (var + eps).sqrt() if eps else var.sqrt()
    return (x - mean) / std


def cross_entropy(logits: Tensor, targets: np.ndarray) -> Tensor:
    """Mean negative log-likelihood of integer class `targets` under softmax(`logits`).

    The value of `F.cross_entropy(logits, targets)` (the fused primitive), written here with
    primitives (log_softmax, a product with the one-hot targets, a sum).
    """
    picked = logits.log_softmax(axis=1) * one_hot(targets, logits.shape[1], logits.dtype)
    return -picked.sum() * (1.0 / logits.shape[0])


def scale_drift(stats: Stats = "detached", steps: int = 200, lr: float = 0.5, seed: int = 0,
                *, head: Head = "classifier", hidden: int | None = None,
                data: Split | None = None) -> dict[str, np.ndarray]:
    """Train the normalized digits layer with full-batch gradient descent, in float64.

    Args:
        stats: "batch" (differentiate through the training-set mean and std) or "detached".
        steps: number of gradient steps, each on the whole training set.
        lr: learning rate of plain gradient descent.
        seed: seeds the data split and the initial weights.
        head: what the normalized layer feeds. "classifier": ReLU, then a learned linear
            layer and cross-entropy (the downstream layer gains from larger activations).
            "regression": no learned head, one unit per class regressed onto
            `0.5 * one_hot(label)` with squared error (the targets are smaller than the
            unit-variance outputs, so the gradient keeps asking the layer to shrink);
            accuracy is the argmax of `x_hat`.
        hidden: width of the normalized layer (classifier only; default 32).
        data: a `Split` to train on instead of the digits.

    Returns:
        Per-step arrays (state before update k): `loss`, `w_norm` (||W||, Frobenius),
        `w_row_norms` (steps, hidden), `radial` (<W, g_W>), `radial_rows` (steps, hidden),
        `radial_cos` (<W, g>/(||W|| ||g||)), `grad_w_norm`, `b_norm`, `grad_b_norm`,
        `train_accuracy`, `test_accuracy`.

    Example:
        >>> r = scale_drift("batch", steps=2)
        >>> float(abs(r["radial_cos"]).max()) < 1e-12
        True
    """
    check_choice("scale_drift", "stats", stats, STATS)
    check_choice("scale_drift", "head", head, HEADS)
    check_positive("scale_drift", steps=steps, lr=lr)
    width = _layer_width(head, hidden, DIGITS_CLASSES if data is None else _classes(data))
    split = load_digits(seed=seed) if data is None else data
    model = _Model(split, head, width, np.random.default_rng(seed))
    record: dict[str, list] = {key: [] for key in (
        "loss", "w_norm", "w_row_norms", "radial", "radial_rows", "radial_cos",
        "grad_w_norm", "b_norm", "grad_b_norm", "train_accuracy", "test_accuracy")}
    for _ in range(steps):
        scores, loss = model.forward(model.u_train, model.y_train, stats)
        grads = [g.data for g in mg.grad(loss, model.params)]
        w, g_w = model.w.data, grads[0]
        radial_rows = (w * g_w).sum(axis=1)
        w_norm, grad_w_norm = float(np.linalg.norm(w)), float(np.linalg.norm(g_w))
        record["loss"].append(loss.item())
        record["w_norm"].append(w_norm)
        record["w_row_norms"].append(np.linalg.norm(w, axis=1))
        record["radial"].append(float(radial_rows.sum()))
        record["radial_rows"].append(radial_rows)
        record["radial_cos"].append(float(radial_rows.sum()) / (w_norm * grad_w_norm))
        record["grad_w_norm"].append(grad_w_norm)
        record["b_norm"].append(float(np.linalg.norm(model.b.data)))
        record["grad_b_norm"].append(float(np.linalg.norm(grads[1])))
        record["train_accuracy"].append(_accuracy(scores.data, split.y_train))
        record["test_accuracy"].append(_accuracy(model.test_scores().data, split.y_test))
        with mg.no_grad():
            for param, grad in zip(model.params, grads):
                param.data -= lr * grad
    return {key: np.array(values) for key, values in record.items()}


def _classes(split: Split) -> int:
    return int(max(split.y_train.max(), split.y_test.max())) + 1


def _layer_width(head: str, hidden: int | None, classes: int) -> int:
    """The width of the normalized layer: `hidden` (default 32) for the classifier, one unit
    per class for the regression head."""
    if head == "regression" and hidden not in (None, classes):
        raise ValueError(f"scale_drift: the regression head has one unit per class "
                         f"({classes}); got hidden={hidden}")
    width = classes if head == "regression" else (32 if hidden is None else hidden)
    check_positive("scale_drift", hidden=width)
    return width


class _Model:
    """`x = u W^T + b`, normalized, then the chosen head; float64 parameters."""

    def __init__(self, split: Split, head: str, width: int, rng: np.random.Generator) -> None:
        classes = _classes(split)
        inputs = split.x_train.shape[1]
        self.head, self.classes, self.split = head, classes, split
        self.u_train, self.u_test = mg.tensor(split.x_train), mg.tensor(split.x_test)
        self.y_train = split.y_train
        self.w = mg.tensor(rng.standard_normal((width, inputs)) / np.sqrt(inputs),
                           requires_grad=True)
        self.b = mg.zeros(width, dtype=np.float64, requires_grad=True)
        self.params = [self.w, self.b]
        if head == "classifier":
            self.v = mg.tensor(rng.standard_normal((classes, width)) / np.sqrt(width),
                               requires_grad=True)
            self.c = mg.zeros(classes, dtype=np.float64, requires_grad=True)
            self.params += [self.v, self.c]

    def scores(self, x_hat: Tensor) -> Tensor:
        """Class scores: the classifier's logits, or `x_hat` itself for the regression."""
        return x_hat.relu() @ self.v.T + self.c if self.head == "classifier" else x_hat

    def forward(self, u: Tensor, labels: np.ndarray, stats: str) -> tuple[Tensor, Tensor]:
        scores = self.scores(normalize(u @ self.w.T + self.b, stats))
        if self.head == "classifier":
            return scores, cross_entropy(scores, labels)
        diff = scores - REGRESSION_TARGET * one_hot(labels, self.classes)
        return scores, (diff * diff).sum() * (0.5 / len(labels))

    def test_scores(self) -> Tensor:
        """Test inputs normalized with the training set's statistics, as at inference."""
        with mg.no_grad():
            x_train = self.u_train @ self.w.T + self.b
            mean, std = x_train.mean(axis=0), x_train.std(axis=0, correction=0)
            return self.scores((self.u_test @ self.w.T + self.b - mean) / std)


def _accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    return float((logits.argmax(axis=1) == labels).mean())
