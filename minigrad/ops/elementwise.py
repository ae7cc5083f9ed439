"""Elementwise primitives: arithmetic, unary math, selections, casts.

Each class keeps its forward (NumPy) beside its VJP (Tensor ops, so it is differentiable
again). Inputs broadcast as in NumPy; a VJP returns gradients of the broadcast shape and
the engine sums them back to each input's shape. `g` is the gradient of the output.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.registry import register
from minigrad.tensor import Tensor


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


class _Broadcasting(Function):
    """Base of ops whose inputs broadcast: a mismatch names the op and every shape."""

    @classmethod
    def explain_error(cls, inputs: tuple[Tensor, ...], error: ValueError) -> Exception | None:
        shapes = [t.shape for t in inputs]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            listed = ", ".join(map(str, shapes[:-1])) + f" and {shapes[-1]}"
            return ValueError(f"{cls.name}: shapes {listed} cannot be broadcast together")
        return None  # the shapes broadcast: the error is about something else


# --- arithmetic --------------------------------------------------------------------

@register
class Add(_Broadcasting):
    """z = a + b.   VJP: a_bar = g,  b_bar = g."""

    name = "add"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        return (g if a.requires_grad else None), (g if b.requires_grad else None)


@register
class Sub(_Broadcasting):
    """z = a - b.   VJP: a_bar = g,  b_bar = -g."""

    name = "sub"

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        return (g if a.requires_grad else None), (-g if b.requires_grad else None)


@register
class Mul(_Broadcasting):
    """z = a * b.   VJP: a_bar = g * b,  b_bar = g * a."""

    name = "mul"

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        return (g * b if a.requires_grad else None), (g * a if b.requires_grad else None)


@register
class Div(_Broadcasting):
    """z = a / b.   VJP: a_bar = g / b,  b_bar = -g * a / b^2."""

    name = "div"

    @staticmethod
    def forward(ctx, a, b):
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        a_bar = g / b if a.requires_grad else None
        b_bar = -g * a / (b * b) if b.requires_grad else None
        return a_bar, b_bar


@register
class Pow(_Broadcasting):
    """z = a ** b.   VJP: a_bar = g * b * a^(b-1),  b_bar = g * z * log(a).

    As PyTorch: where b = 0, z = 1 is constant in a and a_bar = 0, also at a = 0 (not
    0 * inf = nan); where a = 0 and b >= 0, b_bar = 0 (z = 0 or 1 there, and 0 * -inf would
    be nan); elsewhere b_bar is z * log(a) as it is: -inf at a = 0 with b < 0, NaN at a < 0.
    """

    name = "pow"

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind in "iu" and b.dtype.kind in "iu" and np.any(b < 0):
            raise ValueError(
                f"pow: integers to negative integer powers are not allowed (exponent "
                f"{b.min()}); convert the base to a floating dtype first"
            )
        return a**b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        one = Tensor.wrap(np.ones((), a.dtype))
        a_bar = b_bar = None
        if a.requires_grad:
            base = a
            zero_exponent = b.data == 0
            if zero_exponent.any():  # base 1 there: b * 1^(b-1) = 0 exactly
                base = Where.apply(Tensor.wrap(zero_exponent), one, a)
            a_bar = g * b * base ** (b - 1)
        if b.requires_grad:
            constant = (a.data == 0) & (b.data >= 0)
            safe_a = Where.apply(Tensor.wrap(constant), one, a) if constant.any() else a
            b_bar = g * ctx.output * safe_a.log()
        return a_bar, b_bar


@register
class Neg(Function):
    """z = -a.   VJP: a_bar = -g."""

    name = "neg"

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


# --- unary math --------------------------------------------------------------------

@register
class Exp(Function):
    """z = exp(a).   VJP: a_bar = g * z."""

    name = "exp"

    @staticmethod
    def forward(ctx, a):
        return np.exp(a)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.output


@register
class Log(Function):
    """z = log(a).   VJP: a_bar = g / a."""

    name = "log"

    @staticmethod
    def forward(ctx, a):
        return np.log(a)

    @staticmethod
    def backward(ctx, g):
        return g / ctx.inputs[0]


@register
class Sqrt(Function):
    """z = sqrt(a).   VJP: a_bar = g / (2 z)."""

    name = "sqrt"

    @staticmethod
    def forward(ctx, a):
        return np.sqrt(a)

    @staticmethod
    def backward(ctx, g):
        return g / (ctx.output * 2)


@register
class Abs(Function):
    """z = |a|.   VJP: a_bar = g * sign(a)  (0 at a = 0 and at NaN, as PyTorch)."""

    name = "abs"

    @staticmethod
    def forward(ctx, a):
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0].data
        return g * Tensor.wrap(np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype, copy=False))


# --- selections --------------------------------------------------------------------

def _tie_split(winner: np.ndarray, loser: np.ndarray, dtype) -> Tensor:
    """1 where `winner` wins, 1/2 on ties, 0 where it loses: ties share the gradient. Where
    either is NaN (the result is NaN) both get all of it, as in PyTorch."""
    return Tensor.wrap((1.0 - (winner < loser) - 0.5 * (winner == loser)).astype(dtype))


@register
class Maximum(_Broadcasting):
    """z = max(a, b) elementwise.   VJP: g to the larger input, split evenly on ties."""

    name = "maximum"

    @staticmethod
    def forward(ctx, a, b):
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        return g * _tie_split(a.data, b.data, g.dtype), g * _tie_split(b.data, a.data, g.dtype)


@register
class Minimum(_Broadcasting):
    """z = min(a, b) elementwise.   VJP: g to the smaller input, split evenly on ties."""

    name = "minimum"

    @staticmethod
    def forward(ctx, a, b):
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        return g * _tie_split(b.data, a.data, g.dtype), g * _tie_split(a.data, b.data, g.dtype)


@register
class Where(_Broadcasting):
    """z = a where cond else b.   VJP: a_bar = g where cond else 0,  b_bar = the rest."""

    name = "where"

    @staticmethod
    def forward(ctx, cond, a, b):
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond = ctx.inputs[0]
        zero = Tensor.wrap(np.zeros((), g.dtype))
        return None, Where.apply(cond, g, zero), Where.apply(cond, zero, g)


@register
class Clip(Function):
    """z = min(max(a, low), high).   VJP: a_bar = g where low <= a <= high, else 0."""

    name = "clip"

    @staticmethod
    def forward(ctx, a, low=None, high=None):
        for bound in (low, high):
            if np.ndim(bound) and not _broadcasts_to(np.shape(bound), a.shape):
                raise ValueError(
                    f"clip: a bound of shape {np.shape(bound)} must broadcast to the tensor's "
                    f"shape {a.shape}"
                )
        out = np.clip(a, low, high)
        # bounds are scalars: like any scalar, they must not upcast a floating tensor
        return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0].data
        low, high = ctx.params["low"], ctx.params["high"]
        inside = np.ones(a.shape, bool)
        if low is not None:
            inside &= a >= low
        if high is not None:
            inside &= a <= high
        return g * Tensor.wrap(inside)


@register
class Clone(Function):
    """z = a copied into new memory.   VJP: a_bar = g."""

    name = "clone"

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


@register
class Cast(Function):
    """z = a as another dtype.   VJP: a_bar = g cast back to a's dtype.

    Only floating results are differentiable: an integer or bool result is a constant
    outside the graph (it cannot require grad), as in PyTorch.
    """

    name = "cast"

    @classmethod
    def apply(cls, a: Tensor, dtype=None) -> Tensor:
        if np.dtype(dtype).kind != "f":
            return Tensor.wrap(a.data.astype(dtype))
        return super().apply(a, dtype=dtype)

    @staticmethod
    def forward(ctx, a, dtype=None):
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.inputs[0].dtype)
