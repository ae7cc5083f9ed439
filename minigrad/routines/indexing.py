"""Indexing and sorting as functions: `minigrad.gather(x, dim, index)` is
`x.gather(dim, index)`."""

from __future__ import annotations

from minigrad.routines.convert import as_tensor
from minigrad.tensor import Tensor


def gather(x, dim: int, index) -> Tensor:
    """Values read at index along dim. `minigrad.gather(x, dim, index)` is `Tensor.gather`.

    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.gather(x, 1, mg.tensor([[1], [0]]))
    tensor([[2.],
            [3.]], dtype=float32)
    """
    return as_tensor(x).gather(dim, index)


def scatter(x, dim: int, index, src=None, **kwargs) -> Tensor:
    """Values written at index along dim. `minigrad.scatter(x, ...)` is `Tensor.scatter`.

    >>> mg.scatter(mg.zeros(3), 0, mg.tensor([2, 0]), mg.tensor([5.0, 6.0]))
    tensor([6., 0., 5.], dtype=float32)
    """
    return as_tensor(x).scatter(dim, index, src, **kwargs)


def scatter_add(x, dim: int, index, src) -> Tensor:
    """Values added at index along dim. `minigrad.scatter_add(x, ...)` is `Tensor.scatter_add`.

    >>> mg.scatter_add(mg.zeros(3), 0, mg.tensor([2, 2, 0]), mg.tensor([1.0, 1.0, 4.0]))
    tensor([4., 0., 2.], dtype=float32)
    """
    return as_tensor(x).scatter_add(dim, index, src)


def scatter_reduce(x, dim: int, index, src, reduce: str, *, include_self: bool = True) -> Tensor:
    """Values combined at index along dim by `reduce`. `minigrad.scatter_reduce(x, ...)` is
    `Tensor.scatter_reduce`.

    >>> src = mg.tensor([1.0, 2.0, 3.0])
    >>> mg.scatter_reduce(mg.zeros(2), 0, mg.tensor([0, 0, 1]), src, "amax")
    tensor([2., 3.], dtype=float32)
    """
    return as_tensor(x).scatter_reduce(dim, index, src, reduce, include_self=include_self)


def index_select(x, dim: int, index) -> Tensor:
    """Entries along dim. `minigrad.index_select(x, dim, index)` is `Tensor.index_select`.

    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.index_select(x, 0, mg.tensor([1, 1, 0]))
    tensor([[3., 4.],
            [3., 4.],
            [1., 2.]], dtype=float32)
    """
    return as_tensor(x).index_select(dim, index)


def masked_fill(x, mask, value) -> Tensor:
    """value where mask. `minigrad.masked_fill(x, mask, v)` is `Tensor.masked_fill(x, mask, v)`.

    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.masked_fill(x, x > 2, 0.0)
    tensor([[1., 2.],
            [0., 0.]], dtype=float32)
    """
    return as_tensor(x).masked_fill(mask, value)


def sort(x, *args, **kwargs):
    """(values, indices) sorted along dim. `minigrad.sort(x, ...)` is `Tensor.sort(x, ...)`.

    >>> mg.sort(mg.tensor([3.0, 1.0, 2.0]), descending=True).values
    tensor([3., 2., 1.], dtype=float32)
    """
    return as_tensor(x).sort(*args, **kwargs)


def argsort(x, *args, **kwargs) -> Tensor:
    """The sorting indices. `minigrad.argsort(x, ...)` is `Tensor.argsort(x, ...)`.

    >>> mg.argsort(mg.tensor([3.0, 1.0, 2.0]))
    tensor([1, 2, 0], dtype=int64)
    """
    return as_tensor(x).argsort(*args, **kwargs)


def topk(x, *args, **kwargs):
    """(values, indices) of the k largest. `minigrad.topk(x, k)` is `Tensor.topk(x, k)`.

    >>> mg.topk(mg.tensor([3.0, 1.0, 2.0]), 2).indices
    tensor([0, 2], dtype=int64)
    """
    return as_tensor(x).topk(*args, **kwargs)


__all__ = [
    "argsort", "gather", "index_select", "masked_fill", "scatter", "scatter_add",
    "scatter_reduce", "sort", "topk",
]
