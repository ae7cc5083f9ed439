"""More elementwise math: trigonometric and hyperbolic functions, logarithms and
exponentials in other bases, and the rounding family.

Same conventions as `elementwise`: NumPy forward beside a VJP in Tensor ops; `g` is the
gradient of the output, `z` the output. The rounding functions (sign, floor, ceil, round,
trunc) are piecewise constant: their gradient is zero everywhere, as in PyTorch, and is
returned as `g * 0` so that it keeps g's shape and dtype.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.elementwise import _Broadcasting
from minigrad.registry import register

_LN2 = math.log(2.0)


def _unary(name: str, forward, vjp, doc: str) -> type[Function]:
    """A registered elementwise primitive: z = forward(a), a_bar = vjp(ctx, g)."""
    cls = type(name.capitalize(), (Function,), {
        "__doc__": doc,
        "name": name,
        "forward": staticmethod(lambda ctx, a: forward(a)),
        "backward": staticmethod(vjp),
    })
    cls.__module__ = __name__
    return register(cls)


def _input(ctx):
    return ctx.inputs[0]


# --- trigonometric and hyperbolic -------------------------------------------------------
Sin = _unary("sin", np.sin, lambda ctx, g: g * _input(ctx).cos(),
             "z = sin(a).   VJP: a_bar = g cos(a).")
Cos = _unary("cos", np.cos, lambda ctx, g: -g * _input(ctx).sin(),
             "z = cos(a).   VJP: a_bar = -g sin(a).")
Tan = _unary("tan", np.tan, lambda ctx, g: g * (1 + ctx.output * ctx.output),
             "z = tan(a).   VJP: a_bar = g (1 + z^2).")
Asin = _unary("asin", np.arcsin, lambda ctx, g: g * (1 - _input(ctx) ** 2).rsqrt(),
              "z = asin(a), |a| <= 1.   VJP: a_bar = g / sqrt(1 - a^2).")
Acos = _unary("acos", np.arccos, lambda ctx, g: -g * (1 - _input(ctx) ** 2).rsqrt(),
              "z = acos(a), |a| <= 1.   VJP: a_bar = -g / sqrt(1 - a^2).")
Atan = _unary("atan", np.arctan, lambda ctx, g: g / (1 + _input(ctx) ** 2),
              "z = atan(a).   VJP: a_bar = g / (1 + a^2).")
Sinh = _unary("sinh", np.sinh, lambda ctx, g: g * _input(ctx).cosh(),
              "z = sinh(a).   VJP: a_bar = g cosh(a).")
Cosh = _unary("cosh", np.cosh, lambda ctx, g: g * _input(ctx).sinh(),
              "z = cosh(a).   VJP: a_bar = g sinh(a).")

# --- logarithms and exponentials --------------------------------------------------------
Log1p = _unary("log1p", np.log1p, lambda ctx, g: g / (1 + _input(ctx)),
               "z = log(1 + a), exact for small a.   VJP: a_bar = g / (1 + a).")
Expm1 = _unary("expm1", np.expm1, lambda ctx, g: g * (ctx.output + 1),
               "z = exp(a) - 1, exact for small a.   VJP: a_bar = g (z + 1).")
Log2 = _unary("log2", np.log2, lambda ctx, g: g / (_input(ctx) * _LN2),
              "z = log2(a).   VJP: a_bar = g / (a ln 2).")
Exp2 = _unary("exp2", np.exp2, lambda ctx, g: g * ctx.output * _LN2,
              "z = 2^a.   VJP: a_bar = g z ln 2.")
Rsqrt = _unary("rsqrt", lambda a: 1 / np.sqrt(a),
               lambda ctx, g: g * ctx.output ** 3 * -0.5,
               "z = 1 / sqrt(a).   VJP: a_bar = -g z^3 / 2.")


# --- rounding: piecewise constant, zero gradient ----------------------------------------
def _zero_gradient(ctx, g):
    return g * 0


Sign = _unary("sign", lambda a: ((a > 0).astype(a.dtype) - (a < 0)).astype(a.dtype),
               _zero_gradient, "z = sign(a) in {-1, 0, 1}, 0 for NaN (as PyTorch).   VJP: 0.")
Floor = _unary("floor", np.floor, _zero_gradient, "z = floor(a).   VJP: 0.")
Ceil = _unary("ceil", np.ceil, _zero_gradient, "z = ceil(a).   VJP: 0.")
Round = _unary("round", np.round, _zero_gradient,
               "z = a rounded to the nearest integer, halves to even (as PyTorch).   VJP: 0.")
Trunc = _unary("trunc", np.trunc, _zero_gradient, "z = a rounded toward zero.   VJP: 0.")


@register
class Atan2(_Broadcasting):
    """z = atan2(a, b), the angle of the point (b, a).

    VJP: a_bar = g b / (a^2 + b^2),  b_bar = -g a / (a^2 + b^2).
    """

    name = "atan2"

    @staticmethod
    def forward(ctx, a, b):
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        scaled = g / (a * a + b * b)
        return scaled * b, -scaled * a
