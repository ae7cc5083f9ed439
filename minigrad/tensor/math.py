"""Elementwise math beyond arithmetic: trigonometric, hyperbolic, logarithms and
exponentials in other bases, rounding, and the predicates (isnan, isclose, ...): the
Tensor methods over `minigrad.ops.math`.

Integer tensors are converted to the default float dtype first (as `exp` does), except by
the rounding functions, for which an integer is already rounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from minigrad import dtypes
from minigrad.dtypes import promote
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor


class Math:
    """Mixin of `Tensor`: more elementwise functions."""

    __slots__ = ()

    def sin(self) -> Tensor:
        """The sine, elementwise (radians)."""
        return prim.sin.apply(dtypes.as_float(self))
    def cos(self) -> Tensor:
        """The cosine, elementwise (radians)."""
        return prim.cos.apply(dtypes.as_float(self))
    def tan(self) -> Tensor:
        """The tangent, elementwise (radians)."""
        return prim.tan.apply(dtypes.as_float(self))
    def asin(self) -> Tensor:
        """The inverse sine, in [-pi/2, pi/2]; NaN outside [-1, 1]."""
        return prim.asin.apply(dtypes.as_float(self))
    def acos(self) -> Tensor:
        """The inverse cosine, in [0, pi]; NaN outside [-1, 1]."""
        return prim.acos.apply(dtypes.as_float(self))
    def atan(self) -> Tensor:
        """The inverse tangent, in (-pi/2, pi/2)."""
        return prim.atan.apply(dtypes.as_float(self))
    def sinh(self) -> Tensor:
        """The hyperbolic sine."""
        return prim.sinh.apply(dtypes.as_float(self))
    def cosh(self) -> Tensor:
        """The hyperbolic cosine."""
        return prim.cosh.apply(dtypes.as_float(self))
    def log1p(self) -> Tensor:
        """log(1 + x), exact for small x."""
        return prim.log1p.apply(dtypes.as_float(self))
    def expm1(self) -> Tensor:
        """exp(x) - 1, exact for small x."""
        return prim.expm1.apply(dtypes.as_float(self))
    def log2(self) -> Tensor:
        """The base-2 logarithm."""
        return prim.log2.apply(dtypes.as_float(self))
    def exp2(self) -> Tensor:
        """2 ** x."""
        return prim.exp2.apply(dtypes.as_float(self))
    def rsqrt(self) -> Tensor:
        """1 / sqrt(x)."""
        return prim.rsqrt.apply(dtypes.as_float(self))
    arcsin, arccos, arctan = asin, acos, atan

    def atan2(self, other) -> Tensor:
        """The angle of the point (other, self), in (-pi, pi]."""
        return prim.atan2.apply(*promote(self, self._operand(other), True))

    arctan2 = atan2

    # --- rounding: zero gradient ------------------------------------------------------
    def sign(self) -> Tensor:
        """-1, 0 or 1 by the sign of x (0 for NaN, as PyTorch); zero gradient."""
        return prim.sign.apply(self)

    def _rounded(self, op) -> Tensor:
        return self if self.dtype.kind in "iub" else op.apply(self)

    def floor(self) -> Tensor:
        """Rounded down; zero gradient."""
        return self._rounded(prim.floor)
    def ceil(self) -> Tensor:
        """Rounded up; zero gradient."""
        return self._rounded(prim.ceil)
    def trunc(self) -> Tensor:
        """Rounded toward zero; zero gradient."""
        return self._rounded(prim.trunc)

    def round(self, decimals: int = 0) -> Tensor:
        """Round half to even (as PyTorch and NumPy), to `decimals` decimal places."""
        if decimals == 0:
            return self._rounded(prim.round)
        scale = 10.0 ** decimals
        return (self * scale)._rounded(prim.round) / scale

    # --- predicates: bool tensors outside the graph -----------------------------------
    def isnan(self) -> Tensor:
        """True where x is NaN (a bool tensor, no gradient)."""
        return self.wrap(np.isnan(self.data))
    def isinf(self) -> Tensor:
        """True where x is +inf or -inf."""
        return self.wrap(np.isinf(self.data))
    def isfinite(self) -> Tensor:
        """True where x is neither NaN nor infinite."""
        return self.wrap(np.isfinite(self.data))

    def isclose(self, other, rtol: float = 1e-5, atol: float = 1e-8,
                equal_nan: bool = False) -> Tensor:
        """|self - other| <= atol + rtol |other|, elementwise (PyTorch's defaults)."""
        return self.wrap(np.isclose(self.data, self._operand(other).data, rtol, atol,
                                    equal_nan))

    def allclose(self, other, rtol: float = 1e-5, atol: float = 1e-8,
                 equal_nan: bool = False) -> bool:
        """True when `isclose` holds everywhere (a Python bool)."""
        return bool(self.isclose(other, rtol, atol, equal_nan).data.all())

    def lerp(self, end, weight) -> Tensor:
        """self + weight (end - self), differentiable in all three."""
        end = self._operand(end)
        return self + self._operand(weight) * (end - self)
