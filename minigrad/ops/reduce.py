"""Reductions and the normalized exponentials: sum, mean, var, std, max, min, logsumexp,
softmax, log_softmax.

A reduction over `axis` (an int, a tuple, or None for all axes) drops those axes unless
`keepdims`. Every VJP first puts the dropped axes back as length 1 (`keep_dims`), after
which NumPy broadcasting spreads the gradient over the reduced elements.
"""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from minigrad import dtypes
from minigrad.autograd.function import Function
from minigrad.ops.elementwise import Where
from minigrad.registry import register
from minigrad.tensor import Tensor


def keep_dims(g: Tensor, input_shape: tuple[int, ...], axes: tuple[int, ...]) -> Tensor:
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
        return keep_dims(g, a.shape, ctx.params["axes"]).broadcast_to(a.shape)


@register
class Mean(Function):
    """z = sum(a) / n over axes (NaN over an empty axis, as PyTorch).
    VJP: a_bar = g / n broadcast back."""

    name = "mean"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        total = np.sum(a, axis=axes, keepdims=keepdims, dtype=_result_dtype(a))
        with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 = nan when empty
            return np.true_divide(total, _count(a.shape, axes), dtype=total.dtype)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        axes = ctx.params["axes"]
        scaled = g / builtins.max(_count(a.shape, axes), 1)  # n = 0: a has no elements
        return keep_dims(scaled, a.shape, axes).broadcast_to(a.shape)


class DegreesOfFreedomWarning(UserWarning, RuntimeWarning):
    """No degree of freedom is left for a variance: a UserWarning as PyTorch's, and a
    RuntimeWarning as NumPy's."""


def _divisor(shape: tuple[int, ...], axes: tuple[int, ...], correction: float,
             op: str) -> float:
    """n - correction, floored at 0 (so the result is NaN or inf, as in PyTorch), with
    PyTorch's warning when no degree of freedom is left."""
    count = _count(shape, axes)
    if count - correction <= 0:
        warnings.warn(
            f"{op}: degrees of freedom <= 0 (the reduction covers {count} element(s) of shape "
            f"{shape}, correction={correction}); the result is NaN or inf",
            DegreesOfFreedomWarning, stacklevel=5,
        )
    return float(builtins.max(count - correction, 0))


def _variance(a: np.ndarray, axes, correction, keepdims, op: str) -> np.ndarray:
    dtype = _result_dtype(a) or a.dtype
    with np.errstate(invalid="ignore", divide="ignore"):
        centered = a - np.sum(a, axis=axes, keepdims=True, dtype=dtype) / _count(a.shape, axes)
        squares = np.sum(centered * centered, axis=axes, keepdims=keepdims, dtype=dtype)
        return np.true_divide(squares, _divisor(a.shape, axes, correction, op), dtype=dtype)


def _variance_vjp(a: Tensor, g_kept: Tensor, axes, correction) -> Tensor:
    """d var / d a contracted with `g_kept` (already broadcastable against a):
    g * 2 (a - mean(a)) / (n - correction)."""
    divisor = builtins.max(_count(a.shape, axes) - correction, 0)
    with np.errstate(divide="ignore"):
        scale = np.float64(2.0) / np.float64(divisor)  # inf for no degrees of freedom
    return g_kept * (a - a.mean(axis=axes, keepdims=True)) * float(scale)


@register
class Var(Function):
    """z = sum((a - mean(a))^2) / (n - correction) over axes.

    VJP: a_bar = g * 2 (a - mean(a)) / (n - correction).
    """

    name = "var"

    @staticmethod
    def forward(ctx, a, axes=(), correction=1, keepdims=False):
        return _variance(a, axes, correction, keepdims, "var")

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        axes = ctx.params["axes"]
        return _variance_vjp(a, keep_dims(g, a.shape, axes), axes, ctx.params["correction"])


@register
class Std(Function):
    """z = sqrt(var(a)) over axes, with var's `correction`.

    VJP: a_bar = var's VJP applied to g / (2 z), taken as 0 where z = 0 (a constant slice),
    as PyTorch, rather than the 0 * inf = NaN that differentiating sqrt(var) would give.
    """

    name = "std"

    @staticmethod
    def forward(ctx, a, axes=(), correction=1, keepdims=False):
        return np.sqrt(_variance(a, axes, correction, keepdims, "std"))

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        axes = ctx.params["axes"]
        z = keep_dims(ctx.output, a.shape, axes)
        flat = Tensor.wrap(z.data == 0)
        one, zero = Tensor.wrap(np.ones((), g.dtype)), Tensor.wrap(np.zeros((), g.dtype))
        half_g = keep_dims(g, a.shape, axes) / (Where.apply(flat, one, z) * 2)
        g_var = Where.apply(flat, zero, half_g)
        return _variance_vjp(a, g_var, axes, ctx.params["correction"])


def _check_not_empty(a: np.ndarray, axes: tuple[int, ...], op: str) -> None:
    """max and min have no identity: reducing over a dim of length 0 is an error (as in
    PyTorch); an empty tensor along other dims gives an empty result."""
    if any(a.shape[axis] == 0 for axis in axes) or (a.size == 0 and not axes):
        raise ValueError(
            f"{op}: cannot reduce over a dim of length 0 (shape {a.shape}, dims {axes}); "
            "max and min have no value for an empty set"
        )


def _extremum_backward(ctx, g):
    """g shared evenly among the elements equal to the extremum (ties split, as PyTorch)."""
    a = ctx.inputs[0]
    axes = ctx.params["axes"]
    extremum = ctx.output.data if ctx.params["keepdims"] else np.expand_dims(ctx.output.data, axes)
    hits = a.data == extremum
    share = hits / hits.sum(axis=axes, keepdims=True, dtype=a.dtype)
    return keep_dims(g, a.shape, axes) * Tensor.wrap(share.astype(a.dtype, copy=False))


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
        m = np.max(a, axis=axes, keepdims=True, initial=-np.inf)  # empty: log(0) = -inf
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
        return keep_dims(g, a.shape, axes) * (e / e.sum(axis=axes, keepdims=True))


@register
class Softmax(Function):
    """y = exp(a - max(a)) / sum(exp(a - max(a))) along `axis`.

    VJP: a_bar = y * (g - sum(g * y)), the sum along `axis`.
    """

    name = "softmax"

    @staticmethod
    def forward(ctx, a, axis=-1):
        e = np.exp(a - np.max(a, axis=axis, keepdims=True, initial=-np.inf))
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
        shifted = a - np.max(a, axis=axis, keepdims=True, initial=-np.inf)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))

    @staticmethod
    def backward(ctx, g):
        axis = ctx.params["axis"]
        return g - ctx.output.exp() * g.sum(axis=axis, keepdims=True)
