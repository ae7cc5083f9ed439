"""Cross-entropy from logits as one primitive: log_softmax and the pick of the target in a
single node, with the well-known gradient softmax - target distribution."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.registry import register
from minigrad.tensor import Tensor


def target_distribution(target: np.ndarray, classes: int, smoothing: float,
                        dtype) -> np.ndarray:
    """q: one-hot rows of `target`, mixed with the uniform distribution by `smoothing`:
    q = (1 - smoothing) * onehot + smoothing / C. Rows of ignored targets are left as they
    are; their weight is zero."""
    q = np.full((target.shape[0], classes), smoothing / classes, dtype=dtype)
    q[np.arange(target.shape[0]), target] += 1.0 - smoothing
    return q


def _row_weights(target: np.ndarray, ignore_index: int, reduction: str,
                 dtype) -> tuple[np.ndarray, np.ndarray]:
    """Targets with ignored rows pointed at class 0 (any valid index; their weight is 0),
    and each row's weight: 0 if ignored, else 1 (1/count for "mean")."""
    kept = target != ignore_index
    weight = kept.astype(dtype)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):  # all ignored: nan, as PyTorch
            weight /= kept.sum(dtype=dtype)
    return np.where(kept, target, 0), weight


@register
class CrossEntropyFunction(Function):
    """Loss of logits z (N, C) against integer targets t (N,), with label smoothing eps:

        p = softmax(z),   q = (1 - eps) onehot(t) + eps / C,
        l_i = -sum_c q_ic log p_ic = -(1 - eps) log p_i,t_i - (eps / C) sum_c log p_ic.

    Rows whose target equals `ignore_index` contribute nothing; `reduction` is "none" (the
    vector l), "sum", or "mean" (divided by the number of rows not ignored).

    VJP: z_bar_i = g_i * w_i * (p_i - q_i), where w_i is 0 for ignored rows and otherwise 1
    (1/count for "mean"); the targets get no gradient.

    Users call `F.cross_entropy` (minigrad.nn.functional), which checks the arguments, takes
    any layout to rows (N, C) and applies this op; the op carries that function's name.
    """

    name = "cross_entropy"

    @staticmethod
    def forward(ctx, logits, target, reduction="mean", label_smoothing=0.0, ignore_index=-100):
        n, classes = logits.shape
        safe_target, weight = _row_weights(target, ignore_index, reduction, logits.dtype)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = log_p[np.arange(n), safe_target] * -(1.0 - label_smoothing)
        if label_smoothing:
            loss -= log_p.sum(axis=1) * (label_smoothing / classes)
        loss *= target != ignore_index
        ctx.save_for_backward(safe_target, weight)
        if reduction == "none":
            return loss
        return np.asarray(np.dot(loss, weight) if reduction == "mean" else loss.sum())

    @staticmethod
    def expand(node):
        """`-(q * log_softmax(z)).sum(-1)`, weighted per row and reduced, as primitives."""
        logits, target = node.inputs
        params = node.params
        safe_target, weight = _row_weights(target.data, params["ignore_index"],
                                           params["reduction"], logits.dtype)
        q = target_distribution(safe_target, logits.shape[1], params["label_smoothing"],
                                logits.dtype)
        loss = -(logits.log_softmax(axis=-1) * Tensor.wrap(q)).sum(axis=-1)
        if params["reduction"] == "none":
            return loss * Tensor.wrap(weight)
        return (loss * Tensor.wrap(weight)).sum()

    @staticmethod
    def backward(ctx, g):
        logits = ctx.inputs[0]
        safe_target, weight = ctx.saved
        p = logits.softmax(axis=-1)
        q = target_distribution(safe_target, logits.shape[1], ctx.params["label_smoothing"],
                                logits.dtype)
        row_scale = g.reshape(-1, 1) * Tensor.wrap(weight.reshape(-1, 1))
        return (p - Tensor.wrap(q)) * row_scale, None


def cross_entropy_composed(rows: Tensor, target: Tensor, weight: Tensor | None, reduction: str,
                           label_smoothing: float, ignore_index: int) -> Tensor:
    """Cross-entropy with class weights or class-probability targets, composed of
    primitives (so every derivative, the target's included, comes from them), with
    PyTorch's definitions. `rows` are logits (M, C); `target` is (M,) class indices or
    (M, C) probabilities; `weight` (C,) scales each class.

    Indices: l_i = -(1 - eps) w_t_i log p_i,t_i - (eps / C) sum_c w_c log p_ic, zero for
    ignored rows; "mean" divides the sum by sum_i w_t_i over the rows not ignored.
    Probabilities: q = (1 - eps) target + eps / C, l_i = -sum_c w_c q_ic log p_ic; "mean"
    divides by M.
    """
    classes = rows.shape[1]
    log_p = rows.log_softmax(dim=1)
    weighted = log_p if weight is None else log_p * weight
    if target.dtype.kind == "f":
        q = target if not label_smoothing else target * (1.0 - label_smoothing) + \
            label_smoothing / classes
        loss = -(weighted * q).sum(dim=1)
        if reduction == "mean":
            return loss.mean()
        return loss.sum() if reduction == "sum" else loss
    indices = target.data
    kept = indices != ignore_index
    safe = np.where(kept, indices, 0)
    rows_at = np.arange(rows.shape[0])
    kept_t = Tensor.wrap(kept.astype(rows.dtype))
    w_t = kept_t if weight is None else weight[safe] * kept_t
    loss = -weighted[rows_at, safe] * kept_t * (1.0 - label_smoothing)
    if label_smoothing:
        loss = loss - weighted.sum(dim=1) * kept_t * (label_smoothing / classes)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / w_t.sum()
