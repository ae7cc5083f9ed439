"""Array attributes and conversions: shape, dtype, size, numel, NumPy interop, `to`, `clone`.

The names are PyTorch's. One name has two readings, because both habits are common:
`x.size` used as a number is NumPy's element count (`x.size == 6`), called it is PyTorch's
(`x.size()` is the shape, `x.size(0)` one dimension). `numel()` is the element count under
PyTorch's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from minigrad import dtypes, shapes
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor


class Size(int):
    """The element count, which can also be called as PyTorch's `size(dim=None)`.

    >>> x = mg.zeros(2, 3)
    >>> x.size, x.size(), x.size(-1)
    (6, (2, 3), 3)
    """

    def __new__(cls, shape: tuple[int, ...]) -> Size:
        count = 1
        for n in shape:
            count *= n
        size = super().__new__(cls, count)
        size._shape = shape
        return size

    def __call__(self, dim: int | None = None):
        if dim is None:
            return self._shape
        return self._shape[shapes.single_axis(dim, len(self._shape), "size")]


class Conversions:
    """Mixin of `Tensor`: array attributes, conversions to Python and NumPy, casts."""

    __slots__ = ()

    # --- array attributes -------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The sizes of the dims, a tuple (PyTorch's `size()`, NumPy's `shape`).

        >>> mg.zeros(2, 3).shape
        (2, 3)
        """
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dims.

        >>> mg.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions (PyTorch's name for `ndim`).

        >>> mg.zeros(2, 3).dim()
        2
        """
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the data (float32 unless said otherwise).

        >>> mg.tensor([1.0, 2.0]).dtype
        dtype('float32')
        """
        return self._data.dtype

    @property
    def size(self) -> Size:
        """The number of elements; call it for the shape (`size()`) or one dim (`size(d)`).

        >>> x = mg.zeros(2, 3)
        >>> x.size, x.size(), x.size(0)
        (6, (2, 3), 2)
        """
        return Size(self._data.shape)

    def numel(self) -> int:
        """The number of elements.

        >>> mg.zeros(2, 3).numel()
        6
        """
        return self._data.size

    @property
    def device(self) -> str:
        """Always "cpu": minigrad computes with NumPy.

        >>> mg.zeros(2).device
        'cpu'
        """
        return "cpu"

    # --- conversions ------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The data as a NumPy array (shared, not copied).

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).numpy()
        array([[1., 2.],
               [3., 4.]], dtype=float32)
        """
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """NumPy interop: `np.asarray(x)` is the data (outside the graph)."""
        array = self._data
        if dtype is not None and np.dtype(dtype) != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number.

        >>> mg.tensor([2.5]).item()
        2.5
        """
        if self._data.size != 1:
            raise ValueError(f"item: the tensor has {self._data.size} elements, not 1")
        return self._data.item()

    def tolist(self):
        """The data as nested Python lists (numbers for a 0-d tensor).

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist()
        [[1.0, 2.0], [3.0, 4.0]]
        """
        return self._data.tolist()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError(
                f"only integer tensors of one element can be used as an index, got "
                f"{self._data.dtype} of shape {self._data.shape}"
            )
        return int(self._data.item())

    # --- casts and copies -------------------------------------------------------------
    def astype(self, dtype) -> Tensor:
        """This tensor converted to `dtype` (differentiable between floating dtypes).

        >>> mg.tensor([1.0, 2.0]).astype(np.float64)
        tensor([1., 2.], dtype=float64)
        """
        dtype = dtypes.numeric_dtype(dtype, "astype")
        return self if dtype == self._data.dtype else prim.cast.apply(self, dtype=dtype)

    def to(self, *args, dtype=None, device=None, copy: bool = False) -> Tensor:
        """PyTorch's `to`: `x.to(np.float64)`, `x.to(other)` (its dtype), `x.to("cpu")`.

        The tensor itself when nothing changes (unless `copy`); the cast is differentiable.

        >>> x = mg.tensor([1.0, 2.0])
        >>> x.to(np.float64).dtype
        dtype('float64')
        >>> x.to("cpu") is x
        True
        """
        for arg in args:
            if isinstance(arg, Conversions):
                dtype = arg.dtype
            elif isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
                device = arg
            else:
                dtype = arg
        if device is not None and str(device) != "cpu":
            raise ValueError(f"to: minigrad computes on the CPU only, got device {device!r}")
        result = self if dtype is None else self.astype(dtypes.numeric_dtype(dtype, "to"))
        return result.clone() if copy and result is self else result

    def float(self) -> Tensor:
        """`to(float32)`.

        >>> mg.tensor([1, 2]).float()
        tensor([1., 2.], dtype=float32)
        """
        return self.astype(np.float32)

    def double(self) -> Tensor:
        """`to(float64)`.

        >>> mg.tensor([1.0, 2.0]).double().dtype
        dtype('float64')
        """
        return self.astype(np.float64)

    def half(self) -> Tensor:
        """`to(float16)`.

        >>> mg.tensor([1.0, 2.0]).half().dtype
        dtype('float16')
        """
        return self.astype(np.float16)

    def long(self) -> Tensor:
        """`to(int64)` (outside the graph).

        >>> mg.tensor([1.7, -2.5]).long()
        tensor([ 1, -2], dtype=int64)
        """
        return self.astype(np.int64)

    def int(self) -> Tensor:
        """`to(int32)` (outside the graph).

        >>> mg.tensor([1.7, -2.5]).int()
        tensor([ 1, -2], dtype=int32)
        """
        return self.astype(np.int32)

    def bool(self) -> Tensor:
        """`to(bool)` (outside the graph).

        >>> mg.tensor([0.0, 2.0]).bool()
        tensor([False,  True], dtype=bool)
        """
        return self.astype(np.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor in `other`'s dtype.

        >>> mg.tensor([1, 2]).type_as(mg.zeros(2))
        tensor([1., 2.], dtype=float32)
        """
        return self.astype(other.dtype)

    def clone(self) -> Tensor:
        """A copy with its own memory; gradients flow through it to this tensor.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> (x.clone() * 3).sum().backward()
        >>> x.grad
        tensor([3., 3.], dtype=float32)
        """
        return prim.clone.apply(self)
