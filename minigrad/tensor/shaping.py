"""Shape and indexing: the Tensor methods over `minigrad.ops.shape` (reshape, permute,
transpose, broadcasting, indexing), with PyTorch's names and meanings (`dim`; NumPy's `axis`
as an alias). A method that would not change anything returns the tensor itself."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np

from minigrad import shapes
from minigrad.registry import primitives as prim
from minigrad.tensor.reductions import pick

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor
    from minigrad.tensor.reductions import Axis


class Shaping:
    """Mixin of `Tensor`: shapes, axes and indexing."""

    __slots__ = ()

    # --- shape ----------------------------------------------------------------------
    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape; one entry may be -1 (inferred).

        >>> mg.arange(6.0).reshape(2, -1)
        tensor([[0., 1., 2.],
                [3., 4., 5.]], dtype=float32)
        """
        new_shape = shapes.resolve_shape(shapes.shape_argument(shape, "reshape"), self.shape)
        return self if new_shape == self.shape else prim.reshape.apply(self, shape=new_shape)

    view = reshape

    def permute(self, *dims, **keyword) -> Tensor:
        """The dims reordered: `permute(2, 0, 1)` or `permute(dims=(2, 0, 1))` puts dim 2
        first (as PyTorch and NumPy's `transpose(axes)`); `permute()` reverses them.

        >>> mg.zeros(1, 2, 3).permute(2, 0, 1).shape
        (3, 1, 2)
        """
        if keyword:
            if dims or set(keyword) != {"dims"}:
                raise TypeError(f"permute: give the dims positionally or as dims=, got "
                                f"{dims} and {sorted(keyword)}")
            dims = (keyword["dims"],)
        order = shapes.permutation(dims, self.ndim)
        if order == tuple(range(self.ndim)):
            return self
        return prim.transpose.apply(self, axes=order)

    def transpose(self, *dims, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """PyTorch's `transpose(dim0, dim1)`: the two dims swapped.

        Other numbers of arguments keep NumPy's meaning, which PyTorch does not have:
        `transpose()` reverses the dims and `transpose(*order)` (three or more dims, or one
        tuple) permutes them, as `permute`.

        >>> mg.zeros(2, 3, 4).transpose(0, 2).shape
        (4, 3, 2)
        """
        if dim0 is not None or dim1 is not None:
            dims = (*dims, *(d for d in (dim0, dim1) if d is not None))
            if len(dims) != 2:
                raise TypeError(f"transpose: dim0 and dim1 name two dims, got {dims}")
        if len(dims) == 2 and not isinstance(dims[0], (tuple, list)):
            return self.permute(shapes.swapped(self.ndim, *dims))
        return self.permute(*dims)

    def t(self) -> Tensor:
        """The transpose of a tensor of at most 2 dims (PyTorch's `t()`).

        >>> mg.zeros(2, 3).t().shape
        (3, 2)
        """
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor with <= 2 dims, got shape {self.shape}; "
                             "use transpose(dim0, dim1) or mT")
        return self.permute()

    def contiguous(self) -> Tensor:
        """The tensor itself: minigrad's ops accept any memory layout.

        >>> x = mg.zeros(2, 3).T
        >>> x.contiguous() is x
        True
        """
        return self

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        """The two dims swapped (NumPy's name for `transpose(dim0, dim1)`).

        >>> mg.zeros(2, 3, 4).swapaxes(0, 2).shape
        (4, 3, 2)
        """
        return self.permute(shapes.swapped(self.ndim, axis0, axis1, "swapaxes"))

    swapdims = swapaxes

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """Dims reversed (the matrix transpose for 2-D tensors).

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).T
        tensor([[1., 3.],
                [2., 4.]], dtype=float32)
        """
        return self.permute()

    @property
    def mT(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """The last two dims swapped (a batch of transposed matrices).

        >>> mg.zeros(4, 2, 3).mT.shape
        (4, 3, 2)
        """
        if self.ndim < 2:
            raise ValueError(f"mT: needs at least 2 dims, got shape {self.shape}")
        return self.swapaxes(-1, -2)

    def squeeze(self, dim: Axis = None, *, axis: Axis = None) -> Tensor:
        """Remove dims of length 1 (all of them, or those in `dim` that have length 1).

        >>> x = mg.zeros(1, 3, 1)
        >>> x.squeeze().shape, x.squeeze(0).shape
        ((3,), (3, 1))
        """
        dim = pick("squeeze", "dim", dim, "axis", axis)
        return self.reshape(shapes.squeezed(self.shape, dim))

    def unsqueeze(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """Insert a dim of length 1 at position `dim` (of the result).

        >>> mg.zeros(3).unsqueeze(0).shape
        (1, 3)
        """
        dim = pick("unsqueeze", "dim", dim, "axis", axis)
        if dim is None:
            raise TypeError("unsqueeze: missing the dim to insert")
        (position,) = shapes.normalize_axis(dim, self.ndim + 1, "unsqueeze")
        return self.reshape((*self.shape[:position], 1, *self.shape[position:]))

    def flatten(self, start_dim: int = 0, end_dim: int = -1, *, start_axis: int | None = None,
                end_axis: int | None = None) -> Tensor:
        """Merge dims `start_dim..end_dim` (inclusive) into one.

        >>> mg.zeros(2, 3, 4).flatten(1).shape
        (2, 12)
        """
        start = pick("flatten", "start_dim", None if start_dim == 0 else start_dim,
                     "start_axis", start_axis, 0)
        end = pick("flatten", "end_dim", None if end_dim == -1 else end_dim,
                   "end_axis", end_axis, -1)
        return self.reshape(shapes.flattened(self.shape, start, end))

    def broadcast_to(self, *shape) -> Tensor:
        """Repeat along new leading dims and dims of length 1 (NumPy broadcasting).

        >>> mg.tensor([1.0, 2.0]).broadcast_to(3, 2)
        tensor([[1., 2.],
                [1., 2.],
                [1., 2.]], dtype=float32)
        """
        shape = shapes.broadcast_target(self.shape, shapes.shape_argument(shape, "broadcast_to"))
        return self if shape == self.shape else prim.broadcast_to.apply(self, shape=shape)

    def expand(self, *sizes) -> Tensor:
        """`broadcast_to`, where -1 keeps that dim's size (PyTorch's `expand`).

        >>> mg.zeros(3, 1).expand(-1, 4).shape
        (3, 4)
        """
        sizes = shapes.shape_argument(sizes, "expand")
        offset = len(sizes) - self.ndim
        sizes = tuple(self.shape[i - offset] if n == -1 and i >= offset else n
                      for i, n in enumerate(sizes))
        return self.broadcast_to(sizes)

    def expand_as(self, other) -> Tensor:
        """`broadcast_to(other.shape)`.

        >>> mg.zeros(3, 1).expand_as(mg.zeros(2, 3, 4)).shape
        (2, 3, 4)
        """
        return self.broadcast_to(other.shape)

    def view_as(self, other) -> Tensor:
        """`reshape(other.shape)`.

        >>> mg.arange(6.0).view_as(mg.zeros(3, 2)).shape
        (3, 2)
        """
        return self.reshape(other.shape)

    def __getitem__(self, index) -> Tensor:
        parts = index if isinstance(index, tuple) else (index,)
        if any(isinstance(part, Shaping) for part in parts):  # tensor indices: their arrays
            parts = tuple(part.data if isinstance(part, Shaping) else part for part in parts)
            index = parts if isinstance(index, tuple) else parts[0]
        index = shapes.normalize_index(index, self.shape)
        try:
            two_steps = shapes.integers_first(index, self.ndim)
            if two_steps is not None:
                basic, advanced = two_steps
                selected = prim.getitem.apply(self, index=basic)
                return prim.getitem.apply(selected, index=advanced)
            return prim.getitem.apply(self, index=index)
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None

    # --- split ----------------------------------------------------------------------
    def split(self, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces along `dim`: of `split_size` each (the last may be smaller), or of the
        listed sizes (which must add up to the axis' length).

        >>> [piece.tolist() for piece in mg.arange(5).split([1, 4])]
        [[0], [1, 2, 3, 4]]
        """
        axis = shapes.single_axis(dim, self.ndim, "split")
        n = self.shape[axis]
        if isinstance(split_size_or_sections, (int, np.integer)):
            size = int(split_size_or_sections)
            if size <= 0:
                raise ValueError(f"split: split_size must be positive, got {size}")
            sizes = [min(size, n - start) for start in range(0, n, size)] or [0]
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != n or any(s < 0 for s in sizes):
                raise ValueError(f"split: sections {sizes} must be non-negative and add up "
                                 f"to {n}, the length of dimension {axis} (shape {self.shape})")
        bounds = np.cumsum([0, *sizes]).tolist()
        return tuple(self._along(axis, slice(a, b)) for a, b in itertools.pairwise(bounds))

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """At most `chunks` pieces of equal length (ceil(n / chunks)) along `dim`.

        >>> [piece.shape for piece in mg.zeros(5, 2).chunk(2)]
        [(3, 2), (2, 2)]
        """
        if chunks <= 0:
            raise ValueError(f"chunk: chunks must be positive, got {chunks}")
        n = self.shape[shapes.single_axis(dim, self.ndim, "chunk")]
        return self.split(max(1, math.ceil(n / chunks)), dim)
