"""Elementwise math as functions: `minigrad.exp(x)` is `x.exp()`, `minigrad.sin(x)` is `x.sin()`."""

from __future__ import annotations

from minigrad.routines.convert import as_tensor
from minigrad.tensor import Tensor


def exp(x, *args, **kwargs) -> Tensor:
    """e**x, elementwise. `minigrad.exp(x, ...)` is `Tensor.exp(x, ...)`.

    >>> mg.exp([0.0, 1.0])
    tensor([1.    , 2.7183], dtype=float32)
    """
    return as_tensor(x).exp(*args, **kwargs)


def log(x, *args, **kwargs) -> Tensor:
    """The natural logarithm, elementwise. `minigrad.log(x, ...)` is `Tensor.log(x, ...)`.

    >>> mg.log([1.0, np.e])
    tensor([0., 1.], dtype=float32)
    """
    return as_tensor(x).log(*args, **kwargs)


def sqrt(x, *args, **kwargs) -> Tensor:
    """The square root, elementwise. `minigrad.sqrt(x, ...)` is `Tensor.sqrt(x, ...)`.

    >>> mg.sqrt([4.0, 9.0])
    tensor([2., 3.], dtype=float32)
    """
    return as_tensor(x).sqrt(*args, **kwargs)


def abs(x, *args, **kwargs) -> Tensor:  # noqa: A001 - the NumPy and PyTorch name
    """The absolute value, elementwise. `minigrad.abs(x, ...)` is `Tensor.abs(x, ...)`.

    >>> mg.abs([-1.5, 2.0])
    tensor([1.5, 2. ], dtype=float32)
    """
    return as_tensor(x).abs(*args, **kwargs)


def erf(x, *args, **kwargs) -> Tensor:
    """The error function, elementwise. `minigrad.erf(x, ...)` is `Tensor.erf(x, ...)`.

    >>> mg.erf([0.0, 1.0])
    tensor([0.    , 0.8427], dtype=float32)
    """
    return as_tensor(x).erf(*args, **kwargs)


def relu(x, *args, **kwargs) -> Tensor:
    """max(x, 0), elementwise. `minigrad.relu(x, ...)` is `Tensor.relu(x, ...)`.

    >>> mg.relu([-1.0, 2.0])
    tensor([0., 2.], dtype=float32)
    """
    return as_tensor(x).relu(*args, **kwargs)


def tanh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic tangent, elementwise. `minigrad.tanh(x, ...)` is `Tensor.tanh(x, ...)`.

    >>> mg.tanh([0.0, 1.0])
    tensor([0.    , 0.7616], dtype=float32)
    """
    return as_tensor(x).tanh(*args, **kwargs)


def sigmoid(x, *args, **kwargs) -> Tensor:
    """1 / (1 + e**-x), elementwise. `minigrad.sigmoid(x, ...)` is `Tensor.sigmoid(x, ...)`.

    >>> mg.sigmoid([0.0, 2.0])
    tensor([0.5   , 0.8808], dtype=float32)
    """
    return as_tensor(x).sigmoid(*args, **kwargs)


def softplus(x, *args, **kwargs) -> Tensor:
    """log(1 + e**x), elementwise. `minigrad.softplus(x, ...)` is `Tensor.softplus(x, ...)`.

    >>> mg.softplus([0.0, 30.0])
    tensor([ 0.6931, 30.    ], dtype=float32)
    """
    return as_tensor(x).softplus(*args, **kwargs)


def gelu(x, *args, **kwargs) -> Tensor:
    """x * Phi(x), elementwise (`approximate="tanh"` for the tanh form).
    `minigrad.gelu(x, ...)` is `Tensor.gelu(x, ...)`.

    >>> mg.gelu([-1.0, 0.0, 1.0])
    tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
    """
    return as_tensor(x).gelu(*args, **kwargs)


def clip(x, *args, **kwargs) -> Tensor:
    """Values limited to [min, max]. `minigrad.clip(x, ...)` is `Tensor.clip(x, ...)`.

    >>> mg.clip([-2.0, 0.5, 2.0], -1.0, 1.0)
    tensor([-1. ,  0.5,  1. ], dtype=float32)
    >>> mg.clamp([-2.0, 0.5, 2.0], min=0.0)
    tensor([0. , 0.5, 2. ], dtype=float32)
    """
    return as_tensor(x).clip(*args, **kwargs)


clamp = clip


def sin(x, *args, **kwargs) -> Tensor:
    """The sine, elementwise. `minigrad.sin(x)` is `Tensor.sin(x)`.

    >>> mg.sin([0.0, np.pi / 2])
    tensor([0., 1.], dtype=float32)
    """
    return as_tensor(x).sin(*args, **kwargs)


def cos(x, *args, **kwargs) -> Tensor:
    """The cosine, elementwise. `minigrad.cos(x)` is `Tensor.cos(x)`.

    >>> mg.cos([0.0, np.pi])
    tensor([ 1., -1.], dtype=float32)
    """
    return as_tensor(x).cos(*args, **kwargs)


def tan(x, *args, **kwargs) -> Tensor:
    """The tangent, elementwise. `minigrad.tan(x)` is `Tensor.tan(x)`.

    >>> mg.tan([0.0, np.pi / 4])
    tensor([0., 1.], dtype=float32)
    """
    return as_tensor(x).tan(*args, **kwargs)


def asin(x, *args, **kwargs) -> Tensor:
    """The inverse sine, elementwise. `minigrad.asin(x)` is `Tensor.asin(x)`.

    >>> mg.asin([0.0, 1.0])
    tensor([0.    , 1.5708], dtype=float32)
    """
    return as_tensor(x).asin(*args, **kwargs)


def acos(x, *args, **kwargs) -> Tensor:
    """The inverse cosine, elementwise. `minigrad.acos(x)` is `Tensor.acos(x)`.

    >>> mg.acos([1.0, 0.0])
    tensor([0.    , 1.5708], dtype=float32)
    """
    return as_tensor(x).acos(*args, **kwargs)


def atan(x, *args, **kwargs) -> Tensor:
    """The inverse tangent, elementwise. `minigrad.atan(x)` is `Tensor.atan(x)`.

    >>> mg.atan([0.0, 1.0])
    tensor([0.    , 0.7854], dtype=float32)
    """
    return as_tensor(x).atan(*args, **kwargs)


def atan2(x, other) -> Tensor:
    """The angle of the point (other, x), elementwise. `minigrad.atan2(y, x)` is
    `Tensor.atan2(y, x)`.

    >>> mg.atan2(mg.tensor([1.0, 0.0]), mg.tensor([0.0, -1.0]))
    tensor([1.5708, 3.1416], dtype=float32)
    """
    return as_tensor(x).atan2(other)


def sinh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic sine, elementwise. `minigrad.sinh(x)` is `Tensor.sinh(x)`.

    >>> mg.sinh([0.0, 1.0])
    tensor([0.    , 1.1752], dtype=float32)
    """
    return as_tensor(x).sinh(*args, **kwargs)


def cosh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic cosine, elementwise. `minigrad.cosh(x)` is `Tensor.cosh(x)`.

    >>> mg.cosh([0.0, 1.0])
    tensor([1.    , 1.5431], dtype=float32)
    """
    return as_tensor(x).cosh(*args, **kwargs)


def log1p(x, *args, **kwargs) -> Tensor:
    """log(1 + x), exact for small x. `minigrad.log1p(x)` is `Tensor.log1p(x)`.

    >>> mg.log1p([0.0, 1e-10])
    tensor([0.e+00, 1.e-10], dtype=float32)
    """
    return as_tensor(x).log1p(*args, **kwargs)


def expm1(x, *args, **kwargs) -> Tensor:
    """exp(x) - 1, exact for small x. `minigrad.expm1(x)` is `Tensor.expm1(x)`.

    >>> mg.expm1([0.0, 1e-10])
    tensor([0.e+00, 1.e-10], dtype=float32)
    """
    return as_tensor(x).expm1(*args, **kwargs)


def log2(x, *args, **kwargs) -> Tensor:
    """The base-2 logarithm. `minigrad.log2(x)` is `Tensor.log2(x)`.

    >>> mg.log2([1.0, 8.0])
    tensor([0., 3.], dtype=float32)
    """
    return as_tensor(x).log2(*args, **kwargs)


def exp2(x, *args, **kwargs) -> Tensor:
    """2 ** x. `minigrad.exp2(x)` is `Tensor.exp2(x)`.

    >>> mg.exp2([0.0, 3.0])
    tensor([1., 8.], dtype=float32)
    """
    return as_tensor(x).exp2(*args, **kwargs)


def rsqrt(x, *args, **kwargs) -> Tensor:
    """1 / sqrt(x). `minigrad.rsqrt(x)` is `Tensor.rsqrt(x)`.

    >>> mg.rsqrt([4.0, 16.0])
    tensor([0.5 , 0.25], dtype=float32)
    """
    return as_tensor(x).rsqrt(*args, **kwargs)


def sign(x, *args, **kwargs) -> Tensor:
    """-1, 0 or 1 (zero gradient). `minigrad.sign(x)` is `Tensor.sign(x)`.

    >>> mg.sign([-2.0, 0.0, 3.0])
    tensor([-1.,  0.,  1.], dtype=float32)
    """
    return as_tensor(x).sign(*args, **kwargs)


def floor(x, *args, **kwargs) -> Tensor:
    """Rounded down (zero gradient). `minigrad.floor(x)` is `Tensor.floor(x)`.

    >>> mg.floor([-1.5, 1.5])
    tensor([-2.,  1.], dtype=float32)
    """
    return as_tensor(x).floor(*args, **kwargs)


def ceil(x, *args, **kwargs) -> Tensor:
    """Rounded up (zero gradient). `minigrad.ceil(x)` is `Tensor.ceil(x)`.

    >>> mg.ceil([-1.5, 1.5])
    tensor([-1.,  2.], dtype=float32)
    """
    return as_tensor(x).ceil(*args, **kwargs)


def round(x, *args, **kwargs) -> Tensor:  # noqa: A001 - PyTorch's name
    """Rounded half to even (zero gradient). `minigrad.round(x)` is `Tensor.round(x)`.

    >>> mg.round([0.5, 1.5, 2.5])
    tensor([0., 2., 2.], dtype=float32)
    """
    return as_tensor(x).round(*args, **kwargs)


def trunc(x, *args, **kwargs) -> Tensor:
    """Rounded toward zero (zero gradient). `minigrad.trunc(x)` is `Tensor.trunc(x)`.

    >>> mg.trunc([-1.5, 1.5])
    tensor([-1.,  1.], dtype=float32)
    """
    return as_tensor(x).trunc(*args, **kwargs)


def isnan(x) -> Tensor:
    """True where x is NaN. `minigrad.isnan(x)` is `Tensor.isnan(x)`.

    >>> mg.isnan(mg.tensor([1.0, np.nan]))
    tensor([False,  True], dtype=bool)
    """
    return as_tensor(x).isnan()


def isinf(x) -> Tensor:
    """True where x is +-inf. `minigrad.isinf(x)` is `Tensor.isinf(x)`.

    >>> mg.isinf(mg.tensor([1.0, np.inf]))
    tensor([False,  True], dtype=bool)
    """
    return as_tensor(x).isinf()


def isfinite(x) -> Tensor:
    """True where x is neither NaN nor infinite. `minigrad.isfinite(x)` is `Tensor.isfinite(x)`.

    >>> mg.isfinite(mg.tensor([1.0, np.inf, np.nan]))
    tensor([ True, False, False], dtype=bool)
    """
    return as_tensor(x).isfinite()


def isclose(x, other, *args, **kwargs) -> Tensor:
    """|x - other| <= atol + rtol |other|. `minigrad.isclose(x, y)` is `Tensor.isclose(x, y)`.

    >>> mg.isclose(mg.tensor([1.0, 1.1]), mg.tensor([1.0, 1.0]))
    tensor([ True, False], dtype=bool)
    """
    return as_tensor(x).isclose(other, *args, **kwargs)


def all(x, *args, **kwargs) -> Tensor:  # noqa: A001 - PyTorch's name
    """True where every element is nonzero. `minigrad.all(x)` is `Tensor.all(x)`.

    >>> mg.all(mg.tensor([[True, False], [True, True]]), dim=1)
    tensor([False,  True], dtype=bool)
    """
    return as_tensor(x).all(*args, **kwargs)


def any(x, *args, **kwargs) -> Tensor:  # noqa: A001 - PyTorch's name
    """True where some element is nonzero. `minigrad.any(x)` is `Tensor.any(x)`.

    >>> mg.any(mg.tensor([0.0, 2.0]))
    tensor(True, dtype=bool)
    """
    return as_tensor(x).any(*args, **kwargs)


def lerp(x, end, weight) -> Tensor:
    """x + weight (end - x). `minigrad.lerp(x, end, w)` is `Tensor.lerp(x, end, w)`.

    >>> mg.lerp(mg.tensor([0.0, 10.0]), mg.tensor([1.0, 20.0]), 0.5)
    tensor([ 0.5, 15. ], dtype=float32)
    """
    return as_tensor(x).lerp(end, weight)


__all__ = [
    "abs", "acos", "all", "any", "asin", "atan", "atan2", "ceil", "clamp", "clip", "cos",
    "cosh", "erf", "exp", "exp2", "expm1", "floor", "gelu", "isclose", "isfinite", "isinf",
    "isnan", "lerp", "log", "log1p", "log2", "relu", "round", "rsqrt", "sigmoid", "sign",
    "sin", "sinh", "softplus", "sqrt", "tan", "tanh", "trunc",
]
