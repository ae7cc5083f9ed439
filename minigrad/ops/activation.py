"""Activation primitives (relu, tanh, sigmoid, softplus, gelu) and erf, behind the GELU.

Same conventions as `elementwise`: NumPy forward beside a VJP in Tensor ops; `g` is the
gradient of the output.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from minigrad.autograd.function import Function
from minigrad.registry import register
from minigrad.tensor import Tensor

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@functools.cache
def _erf_kernel():
    """SciPy's erf when SciPy is installed (fast), else math.erf per element (exact, slower).

    Looked up on first use: importing scipy.special costs about 0.3 s."""
    try:
        from scipy.special import erf

        return erf
    except ImportError:  # pragma: no cover - exercised only where SciPy is absent
        return np.frompyfunc(math.erf, 1, 1)


def _erf(x: np.ndarray) -> np.ndarray:
    return np.asarray(_erf_kernel()(x)).astype(x.dtype, copy=False)


@register
class Erf(Function):
    """z = erf(a).   VJP: a_bar = g * 2/sqrt(pi) * exp(-a^2)."""

    name = "erf"

    @staticmethod
    def forward(ctx, a):
        return _erf(a)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        return g * (-(a * a)).exp() * _TWO_OVER_SQRT_PI


# --- activations -------------------------------------------------------------------

@register
class ReLU(Function):
    """z = max(a, 0).   VJP: a_bar = g * [not a <= 0] (g passes at NaN, as PyTorch)."""

    name = "relu"

    @staticmethod
    def forward(ctx, a):
        return np.maximum(a, 0, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * Tensor.wrap(~(ctx.inputs[0].data <= 0))


@register
class Tanh(Function):
    """z = tanh(a).   VJP: a_bar = g * (1 - z^2)."""

    name = "tanh"

    @staticmethod
    def forward(ctx, a):
        return np.tanh(a)

    @staticmethod
    def backward(ctx, g):
        z = ctx.output
        return g * (1 - z * z)


@register
class Sigmoid(Function):
    """z = 1 / (1 + exp(-a)), computed without overflow.   VJP: a_bar = g * z * (1 - z)."""

    name = "sigmoid"

    @staticmethod
    def forward(ctx, a):
        # exp of a non-positive number never overflows: use exp(-|a|) on both branches.
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        z = ctx.output
        return g * z * (1 - z)


@register
class Softplus(Function):
    """z = log(1 + exp(a)), computed without overflow.   VJP: a_bar = g * sigmoid(a)."""

    name = "softplus"

    @staticmethod
    def forward(ctx, a):
        return np.logaddexp(a, 0).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.inputs[0].sigmoid()


@register
class GELU(Function):
    """z = a * Phi(a), Phi the standard normal CDF (the exact GELU).

    VJP: a_bar = g * (Phi(a) + a * phi(a)), phi(a) = exp(-a^2 / 2) / sqrt(2 pi).
    """

    name = "gelu"

    @staticmethod
    def forward(ctx, a):
        return (a * 0.5 * (1 + _erf(a * _INV_SQRT2))).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        cdf = ((a * _INV_SQRT2).erf() + 1) * 0.5
        pdf = (a * a * -0.5).exp() * _INV_SQRT_2PI
        return g * (cdf + a * pdf)
