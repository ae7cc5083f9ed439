"""Stateless neural-network functions, PyTorch's names and semantics: `import
minigrad.nn.functional as F`.

Layers, activations and losses; each validates its arguments and says what it expected.
The fused primitives live in `minigrad.ops` (`linear`, `batch_norm`, `cross_entropy`), each
named after the function here that checks the arguments and applies it; everything else
is composed from Tensor operations, so its graph shows each step.
Losses take `reduction="mean" | "sum" | "none"`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from minigrad import random
from minigrad.ops.linalg import LinearFunction
from minigrad.ops.loss import CrossEntropyFunction, cross_entropy_composed
from minigrad.routines import as_tensor
from minigrad.tensor import Tensor

__all__ = [
    "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "gelu",
    "layer_norm", "linear", "log_softmax", "mse_loss", "relu", "sigmoid", "softmax",
    "tanh",
]

REDUCTIONS = ("mean", "sum", "none")


def _check_same_dtype(fn: str, x: Tensor, *others: tuple[str, Tensor | None]) -> None:
    for what, t in others:
        if t is not None and t.dtype != x.dtype:
            raise TypeError(
                f"{fn}: the input is {x.dtype} but {what} is {t.dtype}; convert one of them "
                f"(for example x.astype('{t.dtype}'))"
            )


# --- layers -----------------------------------------------------------------------------

def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b: x of shape (..., in), W of shape (out, in), b of shape (out,).

    >>> y = linear(mg.ones(2, 3), mg.ones(4, 3))   # shape (2, 4), every entry 3
    """
    x = as_tensor(x)
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out, in), got shape {weight.shape}")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: the input of shape {x.shape} has {x.shape[-1] if x.ndim else 0} "
            f"features in its last axis, but the weight of shape {weight.shape} expects "
            f"{weight.shape[1]}"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(
            f"linear: bias must have shape ({weight.shape[0]},) to match the weight of shape "
            f"{weight.shape}, got {bias.shape}"
        )
    _check_same_dtype("linear", x, ("the weight", weight), ("the bias", bias))
    if bias is None:
        return LinearFunction.apply(x, weight)
    return LinearFunction.apply(x, weight, bias)


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted dropout),
    so the expected value is unchanged; the identity when not training. The mask comes from
    the generator `minigrad.manual_seed` seeds, and is a constant of the graph.

    >>> mg.manual_seed(0)
    >>> F.dropout(mg.ones(8), p=0.5)
    tensor([2., 2., 2., 0., 0., 0., 0., 0.], dtype=float32)
    >>> F.dropout(mg.ones(3), p=0.5, training=False)
    tensor([1., 1., 1.], dtype=float32)
    """
    x = as_tensor(x)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = random.generator().random(x.shape, dtype=np.float32) >= p
    mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - p))
    return x * Tensor.wrap(mask)


def layer_norm(x: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the last axes (`normalized_shape`), per sample:
    y = (x - mean) / sqrt(var + eps) * weight + bias, with the biased variance.

    >>> F.layer_norm(mg.tensor([[1.0, 3.0]]), 2)
    tensor([[-1.,  1.]], dtype=float32)
    """
    x = as_tensor(x)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.shape[x.ndim - k:] != shape or x.ndim < k:
        raise ValueError(
            f"layer_norm: the input of shape {x.shape} does not end with the normalized shape "
            f"{shape}"
        )
    for what, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != shape:
            raise ValueError(f"layer_norm: {what} must have shape {shape}, got {t.shape}")
    _check_same_dtype("layer_norm", x, ("the weight", weight), ("the bias", bias))
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True, correction=0)
    y = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


# --- activations ------------------------------------------------------------------------

def relu(x: Tensor) -> Tensor:
    """max(x, 0).

    >>> F.relu(mg.tensor([-1.0, 2.0]))
    tensor([0., 2.], dtype=float32)
    """
    return as_tensor(x).relu()


def tanh(x: Tensor) -> Tensor:
    """The hyperbolic tangent, elementwise (`x.tanh()`).   VJP: x_bar = g * (1 - tanh(x)^2).

    >>> tanh(mg.zeros(2))
    tensor([0., 0.], dtype=float32)
    """
    return as_tensor(x).tanh()


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)).

    >>> F.sigmoid(mg.tensor([0.0, 2.0]))
    tensor([0.5   , 0.8808], dtype=float32)
    """
    return as_tensor(x).sigmoid()


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x); `approximate="tanh"` is the tanh approximation.

    >>> F.gelu(mg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
    """
    return as_tensor(x).gelu(approximate=approximate)


def softmax(x: Tensor, dim: int | None = None, *, dtype=None, axis: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim` (the last when None), computed stably.

    >>> F.softmax(mg.tensor([[0.0, 0.0], [1.0, 1.0]]), dim=1)
    tensor([[0.5, 0.5],
            [0.5, 0.5]], dtype=float32)
    """
    return as_tensor(x).softmax(dim, dtype=dtype, axis=axis)


def log_softmax(x: Tensor, dim: int | None = None, *, dtype=None,
                axis: int | None = None) -> Tensor:
    """x - logsumexp(x) along `dim` (the last when None).

    >>> F.log_softmax(mg.tensor([0.0, 0.0]), dim=0)
    tensor([-0.6931, -0.6931], dtype=float32)
    """
    return as_tensor(x).log_softmax(dim, dtype=dtype, axis=axis)


# --- losses -----------------------------------------------------------------------------

def check_reduction(fn: str, reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _check_same_shape(fn: str, x: Tensor, target: Tensor) -> None:
    if x.shape != target.shape:
        raise ValueError(
            f"{fn}: the input has shape {x.shape} but the target has shape {target.shape}; "
            "they must match (broadcasting them is almost always a bug)"
        )


def mse_loss(x: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """(x - target)^2, reduced.

    >>> F.mse_loss(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 4.0]))
    tensor(2., dtype=float32)
    >>> F.mse_loss(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 4.0]), reduction="none")
    tensor([0., 4.], dtype=float32)
    """
    x, target = as_tensor(x), as_tensor(target)
    check_reduction("mse_loss", reduction)
    _check_same_shape("mse_loss", x, target)
    diff = x - target
    return _reduce(diff * diff, reduction)


def binary_cross_entropy_with_logits(x: Tensor, target: Tensor, weight: Tensor | None = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """-w [pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))], computed from logits without
    overflow: with softplus(x) = log(1 + exp(x)), it is w [(1 - t) softplus(x) +
    pw t softplus(-x)], which is softplus(x) - t x when pw = 1.

    >>> F.binary_cross_entropy_with_logits(mg.tensor([0.0, 0.0]), mg.tensor([1.0, 0.0]))
    tensor(0.6931, dtype=float32)
    """
    x, target = as_tensor(x), as_tensor(target)
    check_reduction("binary_cross_entropy_with_logits", reduction)
    _check_same_shape("binary_cross_entropy_with_logits", x, target)
    if pos_weight is None:
        loss = x.softplus() - x * target
    else:
        loss = (1 - target) * x.softplus() + as_tensor(pos_weight) * target * (-x).softplus()
    if weight is not None:
        loss = loss * as_tensor(weight)
    return _reduce(loss, reduction)


def _classes_last(x: Tensor) -> Tensor:
    """Logits (N, C, d1, ...) as rows (N * d1 * ..., C); (C,) as one row; (N, C) as is."""
    if x.ndim == 1:
        return x.reshape(1, x.shape[0])
    if x.ndim == 2:
        return x
    return x.permute(0, *range(2, x.ndim), 1).reshape(-1, x.shape[1])


def cross_entropy(x: Tensor, target: Tensor | np.ndarray | Sequence[int],
                  weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits and targets, as PyTorch's.

    Logits of shape (N, C) with targets (N,), (C,) with a 0-d target, or (N, C, d1, ...)
    with targets (N, d1, ...): integer class indices (one fused node), or class
    probabilities of the logits' shape (floating targets). `weight` (C,) rescales each
    class; `label_smoothing` mixes the target with the uniform distribution; index targets
    equal to `ignore_index` count for nothing.

    >>> cross_entropy(mg.zeros(2, 4), [0, 3])    # log(4)
    tensor(1.3863, dtype=float32)
    """
    x = as_tensor(x)
    given = target
    check_reduction("cross_entropy", reduction)
    if isinstance(weight, str) or size_average is not None or reduce is not None:
        raise TypeError("cross_entropy: pass reduction= by keyword (size_average and reduce are "
                        "PyTorch's deprecated spellings; the third positional argument is "
                        "weight)")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if x.dtype.kind != "f":
        raise TypeError(f"cross_entropy: the logits must be floating point, got {x.dtype}")
    if x.ndim == 0:
        raise ValueError("cross_entropy: the logits must have a class axis, got a 0-d tensor")
    classes = x.shape[0 if x.ndim == 1 else 1]
    if weight is not None:
        weight = as_tensor(weight)
        if weight.shape != (classes,):
            raise ValueError(f"cross_entropy: weight must have shape ({classes},) (one per "
                             f"class), got {weight.shape}")
        _check_same_dtype("cross_entropy", x, ("the weight", weight))
    target_array = np.asarray(target.data if isinstance(target, Tensor) else target)
    if target_array.dtype.kind == "f":  # class probabilities
        target = as_tensor(target).astype(x.dtype)
        if target.shape != x.shape:
            raise ValueError(
                f"cross_entropy: a floating target holds class probabilities and must have "
                f"the logits' shape {x.shape}, got {target.shape} (class indices must be "
                f"integers, e.g. target.astype(np.int64))"
            )
        batch_shape = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])
        loss = cross_entropy_composed(_classes_last(x), _classes_last(target), weight,
                                      reduction, float(label_smoothing), int(ignore_index))
        return loss.reshape(batch_shape) if reduction == "none" else loss
    target = target_array
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: the target must hold integer class indices or floating class "
            f"probabilities, got {target.dtype}"
        )
    batch_shape = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])
    if target.shape != batch_shape:
        raise ValueError(
            f"cross_entropy: logits of shape {x.shape} need a target of shape {batch_shape}, "
            f"got {target.shape}"
        )
    bad = (target != ignore_index) & ((target < 0) | (target >= classes))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise IndexError(
            f"cross_entropy: target {int(target[where])} at position {where} is not a class "
            f"index in [0, {classes})"
        )
    rows = _classes_last(x)
    # The caller's target tensor itself when it has the right layout, so a drawn graph
    # shows it under its own name.
    flat_target = given if isinstance(given, Tensor) and given.ndim == 1 else \
        Tensor.wrap(target.reshape(-1))
    if weight is not None:
        loss = cross_entropy_composed(rows, flat_target, weight, reduction,
                                      float(label_smoothing), int(ignore_index))
    else:
        loss = CrossEntropyFunction.apply(
            rows, flat_target, reduction=reduction,
            label_smoothing=float(label_smoothing), ignore_index=int(ignore_index),
        )
    return loss.reshape(batch_shape) if reduction == "none" else loss


# --- batch normalization, convolution, pooling and padding: their own modules, part of
# this namespace -------------------------------------------------------------------------

from minigrad.nn.functional_conv import *  # noqa: E402, F403
from minigrad.nn.functional_conv import __all__ as _conv_names  # noqa: E402
from minigrad.nn.functional_more import *  # noqa: E402, F403
from minigrad.nn.functional_more import __all__ as _more_names  # noqa: E402
from minigrad.nn.functional_norm import *  # noqa: E402, F403
from minigrad.nn.functional_norm import __all__ as _norm_names  # noqa: E402
from minigrad.nn.functional_pad import *  # noqa: E402, F403
from minigrad.nn.functional_pad import __all__ as _pad_names  # noqa: E402
from minigrad.nn.functional_pool import *  # noqa: E402, F403
from minigrad.nn.functional_pool import __all__ as _pool_names  # noqa: E402

__all__ += [*_conv_names, *_norm_names, *_more_names, *_pad_names, *_pool_names]
