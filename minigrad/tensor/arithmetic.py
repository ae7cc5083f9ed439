"""Operators, elementwise math and casts: the Tensor methods over `minigrad.ops.elementwise`
and `minigrad.ops.activation`.

Each method converts its operands (numbers take the tensor's dtype, integers beside floats
take the float's) and applies one primitive, looked up in the registry (`prim.add` is the
`Add` primitive), so this module imports nothing above the tensor layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from minigrad import dtypes, shapes
from minigrad.dtypes import promote
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor


class Arithmetic:
    """Mixin of `Tensor`: operators, comparisons, elementwise math, casts."""

    __slots__ = ()

    # --- arithmetic -----------------------------------------------------------------
    def __add__(self, other): return prim.add.apply(*promote(self, self._operand(other)))
    def __radd__(self, other): return prim.add.apply(*promote(self._operand(other), self))
    def __sub__(self, other): return prim.sub.apply(*promote(self, self._operand(other)))
    def __rsub__(self, other): return prim.sub.apply(*promote(self._operand(other), self))
    def __mul__(self, other): return prim.mul.apply(*promote(self, self._operand(other)))
    def __rmul__(self, other): return prim.mul.apply(*promote(self._operand(other), self))
    def __truediv__(self, other): return prim.div.apply(*promote(self, self._operand(other), True))
    def __rtruediv__(self, other):
        return prim.div.apply(*promote(self._operand(other), self, True))
    def __pow__(self, other): return prim.pow.apply(*promote(self, self._operand(other)))
    def __rpow__(self, other): return prim.pow.apply(*promote(self._operand(other), self))
    def __neg__(self): return prim.neg.apply(self)
    def __pos__(self): return self

    def __matmul__(self, other):
        other = self._operand(other)
        shapes.check_matmul_shapes(self.shape, other.shape)
        return prim.matmul.apply(self, other)

    def __rmatmul__(self, other):
        return self._operand(other).__matmul__(self)

    def __abs__(self): return self.abs()

    # PyTorch's method spellings of the operators: `x.add(y, alpha=2)` is `x + 2 * y`.
    def add(self, other, *, alpha=1) -> Tensor:
        """`self + alpha * other`.

        >>> mg.tensor([1.0, 2.0]).add(1.0, alpha=2)
        tensor([3., 4.], dtype=float32)
        """
        return self + (other if alpha == 1 else self._operand(other) * alpha)

    def sub(self, other, *, alpha=1) -> Tensor:
        """`self - alpha * other`; `subtract` is the same.

        >>> mg.tensor([3.0, 4.0]).sub(1.0, alpha=2)
        tensor([1., 2.], dtype=float32)
        """
        return self - (other if alpha == 1 else self._operand(other) * alpha)

    def mul(self, other) -> Tensor:
        """`self * other`; `multiply` is the same.

        >>> mg.tensor([1.0, 2.0]).mul(3.0)
        tensor([3., 6.], dtype=float32)
        """
        return self * other

    def div(self, other, *, rounding_mode: str | None = None) -> Tensor:
        """`self / other` (true division); `true_divide` is the same.

        >>> mg.tensor([1.0, 3.0]).div(2.0)
        tensor([0.5, 1.5], dtype=float32)
        """
        if rounding_mode is not None:
            raise ValueError(f"div: rounding_mode={rounding_mode!r} is not supported (only "
                             "true division, rounding_mode=None)")
        return self / other

    def pow(self, exponent) -> Tensor:
        """`self ** exponent`.

        >>> mg.tensor([2.0, 3.0]).pow(2)
        tensor([4., 9.], dtype=float32)
        """
        return self**exponent

    def neg(self) -> Tensor:
        """`-self`; `negative` is the same.

        >>> mg.tensor([1.0, -2.0]).neg()
        tensor([-1.,  2.], dtype=float32)
        """
        return -self

    def square(self) -> Tensor:
        """`self * self`.

        >>> mg.tensor([-2.0, 3.0]).square()
        tensor([4., 9.], dtype=float32)
        """
        return self * self

    def matmul(self, other) -> Tensor:
        """`self @ other`.

        >>> a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> a.matmul(mg.tensor([1.0, 1.0]))
        tensor([3., 7.], dtype=float32)
        """
        return self @ other

    def mm(self, other) -> Tensor:
        """The product of two 2-D tensors (PyTorch's `mm`; `matmul` broadcasts).

        >>> a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> a.mm(mg.tensor([[0.0, 1.0], [1.0, 0.0]]))
        tensor([[2., 1.],
                [4., 3.]], dtype=float32)
        """
        return self._product_of(other, 2, "mm")

    def dot(self, other) -> Tensor:
        """The inner product of two 1-D tensors.

        >>> mg.tensor([1.0, 2.0, 3.0]).dot(mg.tensor([4.0, 5.0, 6.0]))
        tensor(32., dtype=float32)
        """
        return self._product_of(other, 1, "dot")

    def _product_of(self, other, ndim: int, op: str) -> Tensor:
        """`self @ other` for two tensors of exactly `ndim` dims, as `op` requires."""
        other = self._operand(other)
        if self.ndim != ndim or other.ndim != ndim:
            raise ValueError(f"{op}: expects two {ndim}-D tensors, got shapes {self.shape} "
                             f"and {other.shape}")
        return self @ other

    true_divide = div
    multiply = mul
    subtract = sub
    negative = neg

    # Comparisons give bool tensors outside the graph: their derivative is zero.
    def __lt__(self, other): return self.wrap(self._data < self._operand(other)._data)
    def __le__(self, other): return self.wrap(self._data <= self._operand(other)._data)
    def __gt__(self, other): return self.wrap(self._data > self._operand(other)._data)
    def __ge__(self, other): return self.wrap(self._data >= self._operand(other)._data)
    def __eq__(self, other):
        try:
            other = self._operand(other)
        except TypeError:  # not numeric: let the other side (or identity) decide
            return NotImplemented
        return self.wrap(self._data == other._data)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else self.wrap(~result._data)

    # --- elementwise math -----------------------------------------------------------
    # Integer tensors become floating point first (the default float dtype).
    def exp(self) -> Tensor:
        """e**x, elementwise.   VJP: x_bar = g * exp(x).

        >>> mg.tensor([0.0, 1.0]).exp()
        tensor([1.    , 2.7183], dtype=float32)
        """
        return prim.exp.apply(dtypes.as_float(self))

    def log(self) -> Tensor:
        """The natural logarithm, elementwise (-inf at 0).   VJP: x_bar = g / x.

        >>> mg.tensor([1.0, np.e]).log()
        tensor([0., 1.], dtype=float32)
        """
        return prim.log.apply(dtypes.as_float(self))

    def sqrt(self) -> Tensor:
        """The square root, elementwise.   VJP: x_bar = g / (2 sqrt(x)).

        >>> mg.tensor([4.0, 9.0]).sqrt()
        tensor([2., 3.], dtype=float32)
        """
        return prim.sqrt.apply(dtypes.as_float(self))

    def abs(self) -> Tensor:
        """|x|, elementwise.   VJP: x_bar = g * sign(x) (0 at 0 and at NaN).

        >>> mg.tensor([-1.5, 2.0]).abs()
        tensor([1.5, 2. ], dtype=float32)
        """
        return prim.abs.apply(self)

    def erf(self) -> Tensor:
        """The error function, elementwise.   VJP: x_bar = g * 2/sqrt(pi) * exp(-x^2).

        >>> mg.tensor([0.0, 1.0]).erf()
        tensor([0.    , 0.8427], dtype=float32)
        """
        return prim.erf.apply(dtypes.as_float(self))

    def relu(self) -> Tensor:
        """max(x, 0), elementwise.   VJP: x_bar = g where x > 0, else 0.

        >>> mg.tensor([-1.0, 2.0]).relu()
        tensor([0., 2.], dtype=float32)
        """
        return prim.relu.apply(self)

    def tanh(self) -> Tensor:
        """The hyperbolic tangent, elementwise.   VJP: x_bar = g * (1 - tanh(x)^2).

        >>> mg.tensor([0.0, 1.0]).tanh()
        tensor([0.    , 0.7616], dtype=float32)
        """
        return prim.tanh.apply(dtypes.as_float(self))

    def sigmoid(self) -> Tensor:
        """1 / (1 + e**-x), elementwise.   VJP: x_bar = g * s * (1 - s), s = sigmoid(x).

        >>> mg.tensor([0.0, 2.0]).sigmoid()
        tensor([0.5   , 0.8808], dtype=float32)
        """
        return prim.sigmoid.apply(dtypes.as_float(self))

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """log(1 + exp(beta x)) / beta, elementwise, without overflow, and x itself where
        beta x > threshold (PyTorch's switch to the linear function; the two agree to
        within exp(-threshold)).   VJP: x_bar = g * sigmoid(beta x).

        >>> mg.tensor([0.0, 30.0]).softplus()
        tensor([ 0.6931, 30.    ], dtype=float32)
        """
        x = dtypes.as_float(self)
        scaled = x if beta == 1 else x * beta
        out = prim.softplus.apply(scaled)
        if beta != 1:
            out = out / beta
        linear = scaled._data > threshold
        return prim.where.apply(self.wrap(linear), x, out) if linear.any() else out

    def gelu(self, approximate: str = "none") -> Tensor:
        """x * Phi(x); `approximate="tanh"` gives the tanh approximation, as PyTorch.

        >>> mg.tensor([-1.0, 0.0, 1.0]).gelu()
        tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
        """
        if approximate == "tanh":
            inner = (self + self * self * self * 0.044715) * float(np.sqrt(2.0 / np.pi))
            return self * 0.5 * (inner.tanh() + 1)
        if approximate != "none":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return prim.gelu.apply(dtypes.as_float(self))

    def maximum(self, other) -> Tensor:
        """The larger of `self` and `other`, elementwise (broadcasting); ties share the
        gradient.

        >>> mg.tensor([1.0, 5.0]).maximum(3.0)
        tensor([3., 5.], dtype=float32)
        """
        return prim.maximum.apply(*promote(self, self._operand(other)))

    def minimum(self, other) -> Tensor:
        """The smaller of `self` and `other`, elementwise (broadcasting); see `maximum`.

        >>> mg.tensor([1.0, 5.0]).minimum(3.0)
        tensor([1., 3.], dtype=float32)
        """
        return prim.minimum.apply(*promote(self, self._operand(other)))

    def clip(self, min=None, max=None) -> Tensor:  # noqa: A002 - NumPy/PyTorch names
        """Values limited to [min, max] (either bound may be None); `clamp` is the same.
        VJP: x_bar = g within [min, max], 0 outside. Tensor bounds are differentiable, as
        in PyTorch: where x is below `min` the gradient goes to `min`, above `max` to `max`.

        >>> mg.tensor([-2.0, 0.5, 2.0]).clip(-1.0, 1.0)
        tensor([-1. ,  0.5,  1. ], dtype=float32)
        """
        if min is None and max is None:
            raise ValueError("clip: give at least one of min and max")
        if isinstance(min, Arithmetic) or isinstance(max, Arithmetic):
            out = self
            if min is not None:
                low = self._operand(min)
                out = prim.where.apply(self.wrap(out._data < low._data), *promote(low, out))
            if max is not None:
                high = self._operand(max)
                out = prim.where.apply(self.wrap(out._data > high._data), *promote(high, out))
            return out
        return prim.clip.apply(self, low=min, high=max)

    clamp = clip
