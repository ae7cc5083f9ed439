"""Tensor factories. Shapes are given as ints or as one tuple: `zeros(2, 3)`, `zeros((2, 3))`.

Floating results take the default dtype unless `dtype` says otherwise.
"""

from __future__ import annotations

import numpy as np

from minigrad import dtypes, random
from minigrad.shapes import new_shape
from minigrad.tensor import Tensor


def _make(array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(array, requires_grad=requires_grad)


def _float_dtype(dtype) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _sample_dtype(dtype, factory: str) -> np.dtype:
    """The dtype of random samples: floating, since truncating samples to integers would
    silently give mostly zeros."""
    dtype = _float_dtype(dtype)
    if not dtypes.is_floating(dtype):
        raise TypeError(f"{factory}: samples need a floating dtype, got {dtype}")
    return dtype


def zeros(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given shape (sizes as arguments or one tuple), in the
    default float dtype unless `dtype` says otherwise.

    >>> mg.zeros(2, 3).shape
    (2, 3)
    """
    return _make(np.zeros(new_shape(shape, "zeros"), _float_dtype(dtype)), requires_grad)


def ones(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given shape; see `zeros`.

    >>> mg.ones(3)
    tensor([1., 1., 1.], dtype=float32)
    """
    return _make(np.ones(new_shape(shape, "ones"), _float_dtype(dtype)), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of `shape` filled with `fill_value`. Without `dtype`, as PyTorch: a bool
    gives bool, an integer int64, a float (NumPy's too) the default float dtype.

    >>> mg.full((2,), 7.0)
    tensor([7., 7.], dtype=float32)
    """
    shape = new_shape((shape,), "full")
    if dtype is None:
        kind = dtypes.as_array(fill_value).dtype.kind
        dtype = {"b": np.bool_, "i": np.int64, "u": np.int64}.get(
            kind, dtypes.get_default_dtype())
    return _make(np.full(shape, fill_value, np.dtype(dtype)), requires_grad)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of `t` (or `dtype`); a new leaf, never in `t`'s graph.

    >>> mg.zeros_like(mg.ones(2, 2)).shape
    (2, 2)
    """
    return _make(np.zeros(t.shape, t.dtype if dtype is None else dtype), requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of `t` (or `dtype`); see `zeros_like`.

    >>> mg.ones_like(mg.zeros(2))
    tensor([1., 1.], dtype=float32)
    """
    return _make(np.ones(t.shape, t.dtype if dtype is None else dtype), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop); integers unless a bound or `dtype` is float.

    >>> mg.arange(5)
    tensor([0, 1, 2, 3, 4], dtype=int64)
    >>> mg.arange(0.0, 1.0, 0.25)
    tensor([0.  , 0.25, 0.5 , 0.75], dtype=float32)
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero (got step=0)")
    all_ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
    if dtype is None:
        dtype = np.int64 if all_ints else dtypes.get_default_dtype()
    return _make(np.arange(start, stop, step, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False) -> Tensor:
    """The identity matrix with `n` rows and `m` columns (`n` by default).

    >>> mg.eye(2)
    tensor([[1., 0.],
            [0., 1.]], dtype=float32)
    """
    new_shape((n, n if m is None else m), "eye")
    return _make(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def randn(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the generator that `manual_seed` seeds.

    >>> mg.manual_seed(0)
    >>> mg.randn(2, 2)
    tensor([[ 0.1257, -0.1321],
            [ 0.6404,  0.1049]], dtype=float32)
    """
    dtype = _sample_dtype(dtype, "randn")
    sample = random.generator().standard_normal(new_shape(shape, "randn"))
    return _make(sample.astype(dtype), requires_grad)


def rand(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the generator that `manual_seed` seeds.

    >>> mg.rand(2, 3).shape
    (2, 3)
    >>> x = mg.rand(1000)
    >>> bool(x.min() >= 0.0), bool(x.max() < 1.0)
    (True, True)
    """
    dtype = _sample_dtype(dtype, "rand")
    sample = random.generator().random(new_shape(shape, "rand"))
    return _make(sample.astype(dtype), requires_grad)


def tensor(data, dtype=None, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """A new tensor holding a copy of `data` (as `torch.tensor`).

    >>> mg.tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], dtype=float32, requires_grad=True)
    >>> mg.tensor([[1, 2]]), mg.tensor([[1, 2]], dtype=np.float64).dtype
    (tensor([[1, 2]], dtype=int64), dtype('float64'))
    """
    if isinstance(data, Tensor):
        data = data.data
    array = np.array(dtypes.as_array(data, dtype), copy=True)
    return Tensor(array, requires_grad=requires_grad, name=name)


def linspace(start: float, end: float, steps: int, dtype=None,
             requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end, both included.

    >>> mg.linspace(0.0, 1.0, 5)
    tensor([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    if steps < 0:
        raise ValueError(f"linspace: steps must not be negative, got {steps}")
    return _make(np.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad)


def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype=None,
             requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps).

    >>> mg.logspace(0.0, 2.0, 3)
    tensor([  1.,  10., 100.], dtype=float32)
    """
    if steps < 0:
        raise ValueError(f"logspace: steps must not be negative, got {steps}")
    values = np.logspace(start, end, steps, base=base)
    return _make(values.astype(_float_dtype(dtype)), requires_grad)


def randint(low: int, high: int | None = None, size=(), dtype=None) -> Tensor:
    """Integers drawn uniformly from [low, high) (from [0, low) when `high` is omitted),
    int64 by default, from the generator that `manual_seed` seeds.

    >>> mg.manual_seed(0)
    >>> mg.randint(0, 10, (5,))
    tensor([8, 6, 5, 2, 3], dtype=int64)
    """
    if high is None:
        low, high = 0, low
    if high <= low:
        raise ValueError(f"randint: need low < high, got low={low}, high={high}")
    shape = new_shape((size,) if isinstance(size, int) else tuple(size), "randint")
    values = random.generator().integers(low, high, shape)
    return Tensor(values.astype(np.int64 if dtype is None else dtype))


def empty(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape whose values must not be relied on (zeros, here).

    >>> mg.empty(2, 3).shape
    (2, 3)
    """
    return zeros(*shape, dtype=dtype, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of t's shape (and dtype, unless given) filled with `fill_value`.

    >>> mg.full_like(mg.zeros(2, 2), 7.0)
    tensor([[7., 7.],
            [7., 7.]], dtype=float32)
    """
    return full(t.shape, fill_value, dtype=t.dtype if dtype is None else dtype,
                requires_grad=requires_grad)
