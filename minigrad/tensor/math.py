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
        """The sine, elementwise (radians).

        >>> mg.tensor([0.0, np.pi / 2]).sin()
        tensor([0., 1.], dtype=float32)
        """
        return prim.sin.apply(dtypes.as_float(self))
    def cos(self) -> Tensor:
        """The cosine, elementwise (radians).

        >>> mg.tensor([0.0, np.pi]).cos()
        tensor([ 1., -1.], dtype=float32)
        """
        return prim.cos.apply(dtypes.as_float(self))
    def tan(self) -> Tensor:
        """The tangent, elementwise (radians).

        >>> mg.tensor([0.0, np.pi / 4]).tan()
        tensor([0., 1.], dtype=float32)
        """
        return prim.tan.apply(dtypes.as_float(self))
    def asin(self) -> Tensor:
        """The inverse sine, in [-pi/2, pi/2]; NaN outside [-1, 1].

        >>> mg.tensor([0.0, 1.0]).asin()
        tensor([0.    , 1.5708], dtype=float32)
        """
        return prim.asin.apply(dtypes.as_float(self))
    def acos(self) -> Tensor:
        """The inverse cosine, in [0, pi]; NaN outside [-1, 1].

        >>> mg.tensor([1.0, 0.0]).acos()
        tensor([0.    , 1.5708], dtype=float32)
        """
        return prim.acos.apply(dtypes.as_float(self))
    def atan(self) -> Tensor:
        """The inverse tangent, in (-pi/2, pi/2).

        >>> mg.tensor([0.0, 1.0]).atan()
        tensor([0.    , 0.7854], dtype=float32)
        """
        return prim.atan.apply(dtypes.as_float(self))
    def sinh(self) -> Tensor:
        """The hyperbolic sine.

        >>> mg.tensor([0.0, 1.0]).sinh()
        tensor([0.    , 1.1752], dtype=float32)
        """
        return prim.sinh.apply(dtypes.as_float(self))
    def cosh(self) -> Tensor:
        """The hyperbolic cosine.

        >>> mg.tensor([0.0, 1.0]).cosh()
        tensor([1.    , 1.5431], dtype=float32)
        """
        return prim.cosh.apply(dtypes.as_float(self))
    def log1p(self) -> Tensor:
        """log(1 + x), exact for small x.

        >>> mg.tensor([0.0, 1e-10]).log1p()
        tensor([0.e+00, 1.e-10], dtype=float32)
        """
        return prim.log1p.apply(dtypes.as_float(self))
    def expm1(self) -> Tensor:
        """exp(x) - 1, exact for small x.

        >>> mg.tensor([0.0, 1e-10]).expm1()
        tensor([0.e+00, 1.e-10], dtype=float32)
        """
        return prim.expm1.apply(dtypes.as_float(self))
    def log2(self) -> Tensor:
        """The base-2 logarithm.

        >>> mg.tensor([1.0, 8.0]).log2()
        tensor([0., 3.], dtype=float32)
        """
        return prim.log2.apply(dtypes.as_float(self))
    def exp2(self) -> Tensor:
        """2 ** x.

        >>> mg.tensor([0.0, 3.0]).exp2()
        tensor([1., 8.], dtype=float32)
        """
        return prim.exp2.apply(dtypes.as_float(self))
    def rsqrt(self) -> Tensor:
        """1 / sqrt(x).

        >>> mg.tensor([4.0, 16.0]).rsqrt()
        tensor([0.5 , 0.25], dtype=float32)
        """
        return prim.rsqrt.apply(dtypes.as_float(self))
    arcsin, arccos, arctan = asin, acos, atan

    def atan2(self, other) -> Tensor:
        """The angle of the point (other, self), in (-pi, pi].

        >>> mg.tensor([1.0, 0.0]).atan2(mg.tensor([0.0, -1.0]))
        tensor([1.5708, 3.1416], dtype=float32)
        """
        return prim.atan2.apply(*promote(self, self._operand(other), True))

    arctan2 = atan2

    # --- rounding: zero gradient ------------------------------------------------------
    def sign(self) -> Tensor:
        """-1, 0 or 1 by the sign of x (0 for NaN, as PyTorch); zero gradient.

        >>> mg.tensor([-2.0, 0.0, 3.0]).sign()
        tensor([-1.,  0.,  1.], dtype=float32)
        """
        return prim.sign.apply(self)

    def _rounded(self, op) -> Tensor:
        return self if self.dtype.kind in "iub" else op.apply(self)

    def floor(self) -> Tensor:
        """Rounded down; zero gradient.

        >>> mg.tensor([-1.5, 1.5]).floor()
        tensor([-2.,  1.], dtype=float32)
        """
        return self._rounded(prim.floor)
    def ceil(self) -> Tensor:
        """Rounded up; zero gradient.

        >>> mg.tensor([-1.5, 1.5]).ceil()
        tensor([-1.,  2.], dtype=float32)
        """
        return self._rounded(prim.ceil)
    def trunc(self) -> Tensor:
        """Rounded toward zero; zero gradient.

        >>> mg.tensor([-1.5, 1.5]).trunc()
        tensor([-1.,  1.], dtype=float32)
        """
        return self._rounded(prim.trunc)

    def round(self, decimals: int = 0) -> Tensor:
        """Round half to even (as PyTorch and NumPy), to `decimals` decimal places.

        >>> mg.tensor([0.5, 1.5, 2.5]).round()
        tensor([0., 2., 2.], dtype=float32)
        >>> mg.tensor([1.2345]).round(decimals=2)
        tensor([1.23], dtype=float32)
        """
        if decimals == 0:
            return self._rounded(prim.round)
        scale = 10.0 ** decimals
        return (self * scale)._rounded(prim.round) / scale

    # --- predicates: bool tensors outside the graph -----------------------------------
    def isnan(self) -> Tensor:
        """True where x is NaN (a bool tensor, no gradient).

        >>> mg.tensor([1.0, np.nan]).isnan()
        tensor([False,  True], dtype=bool)
        """
        return self.wrap(np.isnan(self.data))
    def isinf(self) -> Tensor:
        """True where x is +inf or -inf.

        >>> mg.tensor([1.0, -np.inf]).isinf()
        tensor([False,  True], dtype=bool)
        """
        return self.wrap(np.isinf(self.data))
    def isfinite(self) -> Tensor:
        """True where x is neither NaN nor infinite.

        >>> mg.tensor([1.0, np.inf, np.nan]).isfinite()
        tensor([ True, False, False], dtype=bool)
        """
        return self.wrap(np.isfinite(self.data))

    def isclose(self, other, rtol: float = 1e-5, atol: float = 1e-8,
                equal_nan: bool = False) -> Tensor:
        """|self - other| <= atol + rtol |other|, elementwise (PyTorch's defaults).

        >>> mg.tensor([1.0, 1.1]).isclose(mg.tensor([1.0, 1.0]))
        tensor([ True, False], dtype=bool)
        """
        return self.wrap(np.isclose(self.data, self._operand(other).data, rtol, atol,
                                    equal_nan))

    def allclose(self, other, rtol: float = 1e-5, atol: float = 1e-8,
                 equal_nan: bool = False) -> bool:
        """True when `isclose` holds everywhere (a Python bool).

        >>> mg.tensor([1.0, 2.0]).allclose(mg.tensor([1.0, 2.0 + 1e-7]))
        True
        """
        return bool(self.isclose(other, rtol, atol, equal_nan).data.all())

    def lerp(self, end, weight) -> Tensor:
        """self + weight (end - self), differentiable in all three.

        >>> mg.tensor([0.0, 10.0]).lerp(mg.tensor([1.0, 20.0]), 0.5)
        tensor([ 0.5, 15. ], dtype=float32)
        """
        end = self._operand(end)
        return self + self._operand(weight) * (end - self)
