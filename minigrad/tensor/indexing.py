"""Reordering, repeating, splitting and indexing along axes: flip, roll, repeat, tile,
split, chunk, tril, triu, diagonal, gather, scatter, scatter_add, scatter_reduce,
index_select,
masked_fill, sort, argsort, topk.

All are compositions of existing primitives: reading by index is `getitem` (whose VJP adds
the gradient back where it was read, repeats included), writing by index is `index_add`
(whose VJP reads the gradient back) and `where`. So every one is differentiable to any
order. PyTorch's names and argument order; `axis` is accepted for `dim`.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import TYPE_CHECKING

import numpy as np

from minigrad import shapes
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor

SortResult = namedtuple("SortResult", ["values", "indices"])
SCATTER_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
SCATTER_REDUCE_NAMES = {"add": "sum", "multiply": "prod"}  # Tensor.scatter's spellings


def _identity(reduce: str, dtype: np.dtype):
    """The value that leaves the reduction unchanged: 0, 1, or the lowest/highest value."""
    floating = dtype.kind == "f"
    if reduce == "amax":
        return -np.inf if floating else np.iinfo(dtype).min
    if reduce == "amin":
        return np.inf if floating else np.iinfo(dtype).max
    return 1 if reduce == "prod" else 0


def _integer_index(op: str, index, size: int | None = None, what: str = "index") -> np.ndarray:
    """An integer index array, every entry within [0, size) when `size` is given."""
    array = np.asarray(getattr(index, "data", index))
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: {what} must hold integers, got {array.dtype}")
    if size is not None and array.size and (array.min() < 0 or array.max() >= size):
        bad = array[(array < 0) | (array >= size)].flat[0]
        raise IndexError(f"{op}: {what} {int(bad)} is out of range for a dimension of size "
                         f"{size}")
    return array


class Indexing:
    """Mixin of `Tensor`: reordering and indexing along axes."""

    __slots__ = ()

    def _along(self, axis: int, index) -> Tensor:
        """self[..., index, ...] with `index` on `axis`."""
        return self[(slice(None),) * axis + (index,)]

    # --- reorder and repeat ---------------------------------------------------------
    def flip(self, *dims) -> Tensor:
        """Reverse the order of the elements along `dims`.

        >>> mg.arange(4).flip(0)
        tensor([3, 2, 1, 0], dtype=int64)
        """
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        axes = shapes.normalize_axis(tuple(dims), self.ndim, "flip")
        index = [slice(None)] * self.ndim
        for axis in axes:
            index[axis] = slice(None, None, -1)
        return self[tuple(index)] if axes else self

    def roll(self, shifts, dims=None) -> Tensor:
        """Shift the elements by `shifts` along `dims` cyclically (flattened without dims).

        >>> mg.tensor([[1, 2], [3, 4]]).roll(1, 1)
        tensor([[2, 1],
                [4, 3]], dtype=int64)
        """
        if dims is None:
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if len(shifts) != len(dims):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims")
        out = self
        for shift, dim in zip(shifts, dims):
            axis = shapes.single_axis(dim, self.ndim, "roll")
            n = self.shape[axis]
            out = out._along(axis, (np.arange(n) - shift) % n) if n else out
        return out

    def repeat(self, *sizes) -> Tensor:
        """PyTorch's repeat: tile the tensor `sizes[i]` times along axis i (sizes may add
        leading axes). This is NumPy's `tile`, not NumPy's `repeat`.

        >>> mg.tensor([[1, 2]]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]], dtype=int64)
        """
        sizes = shapes.shape_argument(sizes, "repeat")
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: {len(sizes)} repeat counts for a tensor with "
                             f"{self.ndim} dimensions; give at least {self.ndim}")
        if any(s < 0 for s in sizes):
            raise ValueError(f"repeat: counts must not be negative, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        spread = tuple(x for pair in zip((1,) * len(shape), shape) for x in pair)
        target = tuple(x for pair in zip(sizes, shape) for x in pair)
        out = self.reshape(spread).broadcast_to(target)
        return out.reshape(tuple(r * n for r, n in zip(sizes, shape)))

    def tile(self, *dims) -> Tensor:
        """Repeat along each axis; fewer counts than axes count the last axes.

        >>> mg.tensor([1, 2]).tile(2)
        tensor([1, 2, 1, 2], dtype=int64)
        """
        dims = shapes.shape_argument(dims, "tile")
        return self.repeat(*(1,) * (self.ndim - len(dims)), *dims)

    # --- triangles and diagonals ----------------------------------------------------
    def _triangle(self, keep: np.ndarray, op: str) -> Tensor:
        if self.ndim < 2:
            raise ValueError(f"{op}: expected a tensor with at least 2 dimensions, got shape "
                             f"{self.shape}")
        zero = self.wrap(np.zeros((), self.dtype))
        return prim.where.apply(self.wrap(keep), self, zero)

    def tril(self, diagonal: int = 0) -> Tensor:
        """Zero the elements above the `diagonal`-th diagonal of the last two axes.

        >>> mg.ones(2, 2).tril()
        tensor([[1., 0.],
                [1., 1.]], dtype=float32)
        """
        return self._triangle(np.tri(*self.shape[-2:], k=diagonal, dtype=bool), "tril")

    def triu(self, diagonal: int = 0) -> Tensor:
        """Zero the elements below the `diagonal`-th diagonal of the last two axes.

        >>> mg.ones(2, 2).triu()
        tensor([[1., 1.],
                [0., 1.]], dtype=float32)
        """
        return self._triangle(~np.tri(*self.shape[-2:], k=diagonal - 1, dtype=bool), "triu")

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal of the matrices in axes dim1, dim2, as a new last axis.

        >>> mg.tensor([[1, 2], [3, 4]]).diagonal()
        tensor([1, 4], dtype=int64)
        """
        a = shapes.single_axis(dim1, self.ndim, "diagonal")
        b = shapes.single_axis(dim2, self.ndim, "diagonal")
        if a == b:
            raise ValueError(f"diagonal: dim1 and dim2 are the same axis ({a})")
        rest = [i for i in range(self.ndim) if i not in (a, b)]
        moved = self.permute(*rest, a, b)
        rows, cols = moved.shape[-2:]
        start_row, start_col = max(-offset, 0), max(offset, 0)
        length = max(0, min(rows - start_row, cols - start_col))
        steps = np.arange(length)
        return moved[(..., steps + start_row, steps + start_col)]

    # --- gather and scatter -----------------------------------------------------------
    def _positions(self, op: str, dim: int, index) -> tuple[int, np.ndarray, tuple]:
        """The axis, the index array and the full NumPy index that reads index[i, j, ...]
        on `dim` and i, j, ... on the other axes (PyTorch's gather/scatter addressing)."""
        axis = shapes.single_axis(dim, self.ndim, op)
        index = _integer_index(op, index, self.shape[axis])
        if index.ndim != self.ndim:
            raise ValueError(f"{op}: the index has {index.ndim} dimensions but the tensor of "
                             f"shape {self.shape} has {self.ndim}; they must match")
        if any(i > n for a, (i, n) in enumerate(zip(index.shape, self.shape)) if a != axis):
            raise ValueError(f"{op}: the index of shape {index.shape} is larger than the "
                             f"tensor of shape {self.shape} outside dimension {axis}")
        grid = np.indices(index.shape, sparse=True)
        return axis, index, tuple(index if a == axis else g for a, g in enumerate(grid))

    def gather(self, dim: int, index) -> Tensor:
        """`out[i][j] = self[index[i][j]][j]` for dim 0 (`self[i][index[i][j]]` for dim 1).

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, mg.tensor([[1], [0]]))
        tensor([[2.],
                [3.]], dtype=float32)
        """
        _, _, where = self._positions("gather", dim, index)
        return self[where]

    def _scattered(self, op: str, dim: int, index, src) -> tuple[Tensor, np.ndarray, tuple]:
        _, index, where = self._positions(op, dim, index)
        src = self._operand(src)
        if src.ndim and any(i > n for i, n in zip(index.shape, src.shape)):
            raise ValueError(f"{op}: the index of shape {index.shape} is larger than the "
                             f"source of shape {src.shape}")
        src = src.broadcast_to(index.shape) if not src.ndim else \
            src[tuple(slice(0, n) for n in index.shape)]
        return src.astype(self.dtype), index, where

    def scatter_add(self, dim: int, index, src) -> Tensor:
        """self with `src[i][j]` added at `[index[i][j]][j]` (dim 0); repeats add up.

        >>> mg.zeros(3).scatter_add(0, mg.tensor([2, 2, 0]), mg.tensor([1.0, 1.0, 4.0]))
        tensor([4., 0., 2.], dtype=float32)
        """
        src, _, where = self._scattered("scatter_add", dim, index, src)
        return self + prim.index_add.apply(src, shape=self.shape, index=where)

    def scatter(self, dim: int, index, src=None, *, value=None, reduce: str | None = None
                ) -> Tensor:
        """self with `src[i][j]` (or `value`) written at `[index[i][j]][j]` (dim 0). Where an
        index repeats, the last write in row-major order wins. With `reduce="add"` or
        `"multiply"`, each value is added to (multiplied into) what is there instead, as
        `scatter_reduce(..., "sum" | "prod")`; unlike PyTorch, this is differentiable.

        >>> mg.zeros(3).scatter(0, mg.tensor([2, 0]), mg.tensor([5.0, 6.0]))
        tensor([6., 0., 5.], dtype=float32)
        """
        if (src is None) == (value is None):
            raise TypeError("scatter: give exactly one of src and value")
        if reduce is not None:
            if reduce not in SCATTER_REDUCE_NAMES:
                raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r} "
                                 f"(scatter_reduce has {SCATTER_REDUCTIONS})")
            return self._scatter_reduce("scatter", dim, index, value if src is None else src,
                                        SCATTER_REDUCE_NAMES[reduce], True)
        src, index, where = self._scattered("scatter", dim, index,
                                            value if src is None else src)
        targets = np.ravel_multi_index(where, self.shape).ravel()
        writer = np.full(math.prod(self.shape), -1)
        writer[targets] = np.arange(targets.size)  # a later write replaces an earlier one
        hit = writer >= 0
        written = src.reshape(-1)[np.where(hit, writer, 0)].reshape(self.shape)
        return prim.where.apply(self.wrap(hit.reshape(self.shape)), written, self)

    def scatter_reduce(self, dim: int, index, src, reduce: str, *,
                       include_self: bool = True) -> Tensor:
        """self with each `src[i][j]` combined into `[index[i][j]][j]` (dim 0) by `reduce`:
        "sum", "prod", "mean", "amax" or "amin". With `include_self=False`, self's value
        takes no part where an index points, and stays where none does.

        Built from differentiable pieces, so every order of gradient works: the values that
        meet at each position of self are laid out in a row of slots (index_add), padded
        with the reduction's identity, and the rows reduced; amax and amin split the
        gradient evenly among ties, as PyTorch.

        >>> index, src = mg.tensor([0, 0, 1]), mg.tensor([2.0, 3.0, 4.0])
        >>> mg.ones(2).scatter_reduce(0, index, src, "prod")
        tensor([6., 4.], dtype=float32)
        >>> mg.zeros(2).scatter_reduce(0, index, src, "mean", include_self=False)
        tensor([2.5, 4. ], dtype=float32)
        """
        return self._scatter_reduce("scatter_reduce", dim, index, src, reduce, include_self)

    def _scatter_reduce(self, op: str, dim: int, index, src, reduce: str,
                        include_self: bool) -> Tensor:
        if reduce not in SCATTER_REDUCTIONS:
            raise ValueError(f"{op}: reduce must be one of {SCATTER_REDUCTIONS}, "
                             f"got {reduce!r}")
        src, _, where = self._scattered(op, dim, index, src)
        targets = np.ravel_multi_index(where, self.shape).ravel()
        size = math.prod(self.shape)
        hits = np.bincount(targets, minlength=size)
        order = np.argsort(targets, kind="stable")  # the k-th value to reach a position
        rank = np.empty_like(targets)  # goes to its slot k (after self's, if included)
        rank[order] = np.arange(targets.size) - np.searchsorted(targets[order], targets[order])
        first = int(include_self)
        width = max(1, first + int(hits.max(initial=0)))  # amax/amin need a slot
        slots = prim.index_add.apply(src.reshape(-1), shape=(size, width),
                                     index=(targets, rank + first))
        if include_self:
            slots = slots + prim.index_add.apply(self.reshape(-1), shape=(size, width),
                                                 index=(np.arange(size), 0))
        counts = hits + first
        empty = np.arange(width) >= counts[:, None]
        if empty.any():  # pad with the identity, so that a short row reduces to its values
            slots = slots + self.wrap(np.where(empty, _identity(reduce, self.dtype), 0)
                                      .astype(self.dtype))
        if reduce == "mean":
            total, count = slots.sum(1), self.wrap(np.maximum(counts, 1).astype(self.dtype))
            # integers: PyTorch rounds the mean down (no gradient to keep)
            reduced = self.wrap(total.data // count.data) if self.dtype.kind in "iu" else \
                total / count
        else:
            reduced = {"sum": slots.sum, "prod": slots.prod, "amax": slots.amax,
                       "amin": slots.amin}[reduce](1)
        reduced = reduced.reshape(self.shape)
        if include_self:
            return reduced
        return prim.where.apply(self.wrap((hits > 0).reshape(self.shape)), reduced, self)

    def index_select(self, dim: int, index) -> Tensor:
        """The entries `index` (a 1-D integer tensor) along `dim`.

        >>> mg.tensor([10.0, 20.0, 30.0]).index_select(0, mg.tensor([2, 0]))
        tensor([30., 10.], dtype=float32)
        """
        axis = shapes.single_axis(dim, self.ndim, "index_select")
        index = _integer_index("index_select", index, self.shape[axis])
        if index.ndim > 1:
            raise ValueError(f"index_select: the index must be 1-D, got shape {index.shape}")
        return self._along(axis, index.reshape(-1))

    def masked_fill(self, mask, value) -> Tensor:
        """`value` where `mask` is true, self elsewhere (mask broadcasts to self's shape).

        >>> x = mg.tensor([1.0, -2.0, 3.0])
        >>> x.masked_fill(x < 0, 0.0)
        tensor([1., 0., 3.], dtype=float32)
        """
        mask = np.asarray(getattr(mask, "data", mask))
        if mask.dtype != bool:
            raise TypeError(f"masked_fill: the mask must be bool, got {mask.dtype}")
        shapes.broadcast_target(mask.shape, np.broadcast_shapes(mask.shape, self.shape))
        if np.broadcast_shapes(mask.shape, self.shape) != self.shape:
            raise ValueError(f"masked_fill: a mask of shape {mask.shape} does not broadcast "
                             f"to the tensor's shape {self.shape}")
        return prim.where.apply(self.wrap(mask), self._operand(value), self)

    # --- sorting: values differentiable (a gather), indices constant ----------------
    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False, *,
                axis: int | None = None) -> Tensor:
        """The indices that sort along `dim` (NaN counts as the largest, as PyTorch); the
        order is always stable.

        >>> mg.tensor([3.0, 1.0, 2.0]).argsort(descending=True)
        tensor([0, 2, 1], dtype=int64)
        """
        axis = shapes.single_axis(dim if axis is None else axis, max(self.ndim, 1), "argsort")
        data = self.data if self.ndim else self.data.reshape(1)
        if descending:  # the ascending order of the reversed data, reversed: ties keep
            # their order and NaN comes first, for every dtype (no negation to overflow)
            reversed_order = np.argsort(np.flip(data, axis), axis=axis, kind="stable")
            order = data.shape[axis] - 1 - np.flip(reversed_order, axis)
        else:
            order = np.argsort(data, axis=axis, kind="stable")
        return self.wrap(order.reshape(self.shape))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> SortResult:
        """(values, indices) sorted along `dim`; the values carry the gradient.

        >>> result = mg.tensor([3.0, 1.0, 2.0]).sort()
        >>> result.values, result.indices
        (tensor([1., 2., 3.], dtype=float32), tensor([1, 2, 0], dtype=int64))
        """
        indices = self.argsort(dim, descending, stable)
        if not self.ndim:
            return SortResult(self, indices)
        return SortResult(self.gather(dim, indices.data), indices)

    def topk(self, k: int, dim: int = -1, largest: bool = True,
             sorted: bool = True) -> SortResult:  # noqa: A002 - PyTorch's name
        """The k largest (or smallest) entries along `dim`, with their indices.

        >>> mg.tensor([3.0, 1.0, 2.0]).topk(2).values
        tensor([3., 2.], dtype=float32)
        """
        axis = shapes.single_axis(dim, max(self.ndim, 1), "topk")
        n = self.shape[axis] if self.ndim else 1
        if not 0 <= k <= n:
            raise ValueError(f"topk: k={k} is out of range for a dimension of size {n}")
        order = self.argsort(dim, descending=largest).data
        indices = order[(slice(None),) * axis + (slice(0, k),)] if self.ndim else order
        return SortResult(self.gather(dim, indices) if self.ndim else self,
                          self.wrap(indices))
