"""Reductions and the normalized exponentials: sum, mean, var, max, min, logsumexp,
softmax, log_softmax.

A reduction over `axis` (an int, a tuple, or None for all axes) drops those axes unless
`keepdims`. Every VJP first puts the dropped axes back as length 1 (`_keep_dims`), after
which NumPy broadcasting spreads the gradient over the reduced elements.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad import dtypes
from minigrad.autograd.function import Function
from minigrad.registry import register
from minigrad.tensor import Tensor


def _keep_dims(g: Tensor, input_shape: tuple[int, ...], axes: tuple[int, ...]) -> Tensor:
    """Reshape a reduced gradient so that it broadcasts against the input."""
    kept = tuple(1 if i in axes else n for i, n in enumerate(input_shape))
    return g if g.shape == kept else g.reshape(kept)


def _result_dtype(a: np.ndarray) -> np.dtype | None:
    """None (NumPy keeps the dtype) for floating input; the default float dtype for integer
    and bool input, whose mean, variance or logsumexp is not an integer (NumPy would give
    float64 whatever the default)."""
    return None if a.dtype.kind == "f" else dtypes.get_default_dtype()


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    return math.prod(shape[a] for a in axes)


@register
class Sum(Function):
    """z = sum of a over axes.   VJP: a_bar = g broadcast back over the summed axes."""

    name = "sum"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        return np.sum(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        return _keep_dims(g, a.shape, ctx.params["axes"]).broadcast_to(a.shape)


@register
class Mean(Function):
    """z = sum(a) / n over axes.   VJP: a_bar = g / n broadcast back."""

    name = "mean"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        return np.mean(a, axis=axes, keepdims=keepdims, dtype=_result_dtype(a))

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        axes = ctx.params["axes"]
        scaled = g / _count(a.shape, axes)
        return _keep_dims(scaled, a.shape, axes).broadcast_to(a.shape)


@register
class Var(Function):
    """z = sum((a - mean(a))^2) / (n - ddof) over axes.

    VJP: a_bar = g * 2 (a - mean(a)) / (n - ddof).
    """

    name = "var"

    @staticmethod
    def forward(ctx, a, axes=(), ddof=0, keepdims=False):
        count = _count(a.shape, axes)
        if ddof >= count:
            raise ValueError(
                f"var: ddof={ddof} leaves no degrees of freedom: the reduction covers {count} "
                f"element(s) (shape {a.shape}, axes {axes})"
            )
        return np.var(a, axis=axes, ddof=ddof, keepdims=keepdims, dtype=_result_dtype(a))

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        axes, ddof = ctx.params["axes"], ctx.params["ddof"]
        centered = a - a.mean(axis=axes, keepdims=True)
        return _keep_dims(g, a.shape, axes) * centered * (2.0 / (_count(a.shape, axes) - ddof))


def _check_not_empty(a: np.ndarray, axes: tuple[int, ...], op: str) -> None:
    if a.size == 0:
        raise ValueError(f"{op}: cannot reduce an empty tensor (shape {a.shape}, axes {axes})")


def _extremum_backward(ctx, g):
    """g shared evenly among the elements equal to the extremum (ties split, as PyTorch)."""
    a = ctx.inputs[0]
    axes = ctx.params["axes"]
    extremum = ctx.output.data if ctx.params["keepdims"] else np.expand_dims(ctx.output.data, axes)
    hits = a.data == extremum
    share = hits / hits.sum(axis=axes, keepdims=True, dtype=a.dtype)
    return _keep_dims(g, a.shape, axes) * Tensor.wrap(share.astype(a.dtype, copy=False))


@register
class Max(Function):
    """z = max of a over axes.   VJP: g to the maximal elements, split evenly between ties."""

    name = "max"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        _check_not_empty(a, axes, "max")
        return np.max(a, axis=axes, keepdims=keepdims)

    backward = staticmethod(_extremum_backward)


@register
class Min(Function):
    """z = min of a over axes.   VJP: g to the minimal elements, split evenly between ties."""

    name = "min"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        _check_not_empty(a, axes, "min")
        return np.min(a, axis=axes, keepdims=keepdims)

    backward = staticmethod(_extremum_backward)


@register
class LogSumExp(Function):
    """z = log(sum(exp(a))) over axes, computed as m + log(sum(exp(a - m))), m = max(a).

    VJP: a_bar = g * softmax(a) = g * exp(a - m) / sum(exp(a - m)).
    The shift by m (a constant: the quotient does not depend on it) keeps the VJP exact
    at large |a|, where exp(a - z) would lose |z| * ulp to the rounding of z.
    """

    name = "logsumexp"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        a = a.astype(_result_dtype(a) or a.dtype, copy=False)
        m = np.max(a, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) slices: avoid inf - inf
        ctx.save_for_backward(m)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer there
            out = np.log(np.sum(np.exp(a - m), axis=axes, keepdims=True)) + m
        return out if keepdims else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        axes = ctx.params["axes"]
        (m,) = ctx.saved
        e = (a - Tensor.wrap(m)).exp()
        return _keep_dims(g, a.shape, axes) * (e / e.sum(axis=axes, keepdims=True))


@register
class Softmax(Function):
    """y = exp(a - max(a)) / sum(exp(a - max(a))) along `axis`.

    VJP: a_bar = y * (g - sum(g * y)), the sum along `axis`.
    """

    name = "softmax"

    @staticmethod
    def forward(ctx, a, axis=-1):
        e = np.exp(a - np.max(a, axis=axis, keepdims=True))
        e /= np.sum(e, axis=axis, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, g):
        y = ctx.output
        return y * (g - (g * y).sum(axis=ctx.params["axis"], keepdims=True))


@register
class LogSoftmax(Function):
    """y = a - logsumexp(a) along `axis`.   VJP: a_bar = g - softmax(a) * sum(g)."""

    name = "log_softmax"

    @staticmethod
    def forward(ctx, a, axis=-1):
        shifted = a - np.max(a, axis=axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))

    @staticmethod
    def backward(ctx, g):
        axis = ctx.params["axis"]
        return g - ctx.output.exp() * g.sum(axis=axis, keepdims=True)
