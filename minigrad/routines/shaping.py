"""Shapes, reordering and joining: `minigrad.reshape(x, ...)` is `x.reshape(...)`, and the
joins with no method counterpart (`concatenate`/`cat`, `stack`)."""

from __future__ import annotations

from collections.abc import Sequence

from minigrad import ops, shapes
from minigrad.routines.convert import as_tensor
from minigrad.tensor import Tensor
from minigrad.tensor.reductions import pick


def reshape(x, *args, **kwargs) -> Tensor:
    """The same elements in a new shape. `minigrad.reshape(x, ...)` is `Tensor.reshape(x, ...)`.

    >>> mg.reshape(mg.arange(6), (2, 3))
    tensor([[0, 1, 2],
            [3, 4, 5]], dtype=int64)
    """
    return as_tensor(x).reshape(*args, **kwargs)


def transpose(x, *args, **kwargs) -> Tensor:
    """Axes permuted. `minigrad.transpose(x, ...)` is `Tensor.transpose(x, ...)`.

    >>> mg.transpose(mg.zeros(2, 3), 0, 1).shape
    (3, 2)
    """
    return as_tensor(x).transpose(*args, **kwargs)


def squeeze(x, *args, **kwargs) -> Tensor:
    """Axes of length 1 removed. `minigrad.squeeze(x, ...)` is `Tensor.squeeze(x, ...)`.

    >>> mg.squeeze(mg.zeros(1, 3, 1)).shape
    (3,)
    """
    return as_tensor(x).squeeze(*args, **kwargs)


def unsqueeze(x, *args, **kwargs) -> Tensor:
    """An axis of length 1 inserted. `minigrad.unsqueeze(x, ...)` is `Tensor.unsqueeze(x, ...)`.

    >>> mg.unsqueeze(mg.zeros(3), 0).shape
    (1, 3)
    """
    return as_tensor(x).unsqueeze(*args, **kwargs)


def flatten(x, *args, **kwargs) -> Tensor:
    """A range of axes merged into one. `minigrad.flatten(x, ...)` is `Tensor.flatten(x, ...)`.

    >>> mg.flatten(mg.zeros(2, 3, 4), 1).shape
    (2, 12)
    """
    return as_tensor(x).flatten(*args, **kwargs)


def broadcast_to(x, *args, **kwargs) -> Tensor:
    """Broadcast to a shape. `minigrad.broadcast_to(x, ...)` is `Tensor.broadcast_to(x, ...)`.

    >>> mg.broadcast_to([1.0, 2.0], (2, 2))
    tensor([[1., 2.],
            [1., 2.]], dtype=float32)
    """
    return as_tensor(x).broadcast_to(*args, **kwargs)


def permute(x, *args, **kwargs) -> Tensor:
    """Dims reordered. `minigrad.permute(x, ...)` is `Tensor.permute(x, ...)`.

    >>> mg.permute(mg.zeros(1, 2, 3), (2, 0, 1)).shape
    (3, 1, 2)
    """
    return as_tensor(x).permute(*args, **kwargs)


def clone(x, *args, **kwargs) -> Tensor:
    """A differentiable copy. `minigrad.clone(x)` is `Tensor.clone(x)`.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> mg.clone(x)
    tensor([1., 2.], dtype=float32, grad_fn=<clone>)
    """
    return as_tensor(x).clone(*args, **kwargs)


def swapaxes(x, *args, **kwargs) -> Tensor:
    """Two axes swapped. `minigrad.swapaxes(x, ...)` is `Tensor.swapaxes(x, ...)`.

    >>> mg.swapaxes(mg.zeros(2, 3, 4), 0, 2).shape
    (4, 3, 2)
    """
    return as_tensor(x).swapaxes(*args, **kwargs)


def _check_joinable(tensors: Sequence[Tensor], op: str) -> list[Tensor]:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a sequence (list or tuple) of tensors, "
                        f"got {type(tensors).__name__}")
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors")
    return tensors


def concatenate(tensors: Sequence[Tensor], dim: int | None = None, *,
                axis: int | None = None) -> Tensor:
    """Join tensors along an existing dim (0 by default); all other dims must match.

    >>> mg.cat([mg.tensor([1.0]), mg.tensor([2.0, 3.0])])
    tensor([1., 2., 3.], dtype=float32)
    >>> mg.cat([mg.zeros(2, 3), mg.ones(2, 1)], dim=1).shape
    (2, 4)
    """
    axis = pick("concatenate", "dim", dim, "axis", axis, 0)
    tensors = _check_joinable(tensors, "concatenate")
    (axis,) = shapes.normalize_axis(axis, tensors[0].ndim, "concatenate")
    first = tensors[0].shape
    for i, t in enumerate(tensors[1:], start=1):
        if t.ndim != len(first) or t.shape[:axis] + t.shape[axis + 1:] != \
                first[:axis] + first[axis + 1:]:
            raise ValueError(
                f"concatenate: tensor {i} has shape {t.shape}, which does not match "
                f"{first} outside axis {axis}"
            )
    return ops.Concatenate.apply(*tensors, axis=axis)


cat = concatenate


def stack(tensors: Sequence[Tensor], dim: int | None = None, *,
          axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dim (0 by default).

    >>> mg.stack([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])])
    tensor([[1., 2.],
            [3., 4.]], dtype=float32)
    """
    axis = pick("stack", "dim", dim, "axis", axis, 0)
    tensors = _check_joinable(tensors, "stack")
    distinct = {t.shape for t in tensors}
    if len(distinct) != 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(distinct)}")
    (axis,) = shapes.normalize_axis(axis, tensors[0].ndim + 1, "stack")
    return concatenate([t.unsqueeze(axis) for t in tensors], axis=axis)


def flip(x, *args, **kwargs) -> Tensor:
    """Reversed along dims. `minigrad.flip(x, dims)` is `Tensor.flip(x, dims)`.

    >>> mg.flip(mg.arange(4), 0)
    tensor([3, 2, 1, 0], dtype=int64)
    """
    return as_tensor(x).flip(*args, **kwargs)


def roll(x, *args, **kwargs) -> Tensor:
    """Shifted cyclically. `minigrad.roll(x, shifts, dims)` is `Tensor.roll(x, shifts, dims)`.

    >>> mg.roll(mg.arange(4), 1)
    tensor([3, 0, 1, 2], dtype=int64)
    """
    return as_tensor(x).roll(*args, **kwargs)


def tile(x, *args, **kwargs) -> Tensor:
    """Repeated along axes. `minigrad.tile(x, dims)` is `Tensor.tile(x, dims)`.

    >>> mg.tile(mg.tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2], dtype=int64)
    """
    return as_tensor(x).tile(*args, **kwargs)


def split(x, *args, **kwargs) -> tuple[Tensor, ...]:
    """Pieces along dim. `minigrad.split(x, size, dim)` is `Tensor.split(x, size, dim)`.

    >>> mg.split(mg.arange(5), 2)
    (tensor([0, 1], dtype=int64), tensor([2, 3], dtype=int64), tensor([4], dtype=int64))
    """
    return as_tensor(x).split(*args, **kwargs)


def chunk(x, *args, **kwargs) -> tuple[Tensor, ...]:
    """Equal pieces along dim. `minigrad.chunk(x, n, dim)` is `Tensor.chunk(x, n, dim)`.

    >>> mg.chunk(mg.arange(6), 3)
    (tensor([0, 1], dtype=int64), tensor([2, 3], dtype=int64), tensor([4, 5], dtype=int64))
    """
    return as_tensor(x).chunk(*args, **kwargs)


def tril(x, *args, **kwargs) -> Tensor:
    """The lower triangle. `minigrad.tril(x, k)` is `Tensor.tril(x, k)`.

    >>> mg.tril(mg.ones(3, 3))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]], dtype=float32)
    """
    return as_tensor(x).tril(*args, **kwargs)


def triu(x, *args, **kwargs) -> Tensor:
    """The upper triangle. `minigrad.triu(x, k)` is `Tensor.triu(x, k)`.

    >>> mg.triu(mg.ones(3, 3), 1)
    tensor([[0., 1., 1.],
            [0., 0., 1.],
            [0., 0., 0.]], dtype=float32)
    """
    return as_tensor(x).triu(*args, **kwargs)


def diagonal(x, *args, **kwargs) -> Tensor:
    """A diagonal as the last axis. `minigrad.diagonal(x, ...)` is `Tensor.diagonal(x, ...)`.

    >>> mg.diagonal(mg.tensor([[1, 2], [3, 4]]))
    tensor([1, 4], dtype=int64)
    """
    return as_tensor(x).diagonal(*args, **kwargs)


__all__ = [
    "broadcast_to", "cat", "chunk", "clone", "concatenate", "diagonal", "flatten", "flip",
    "permute", "reshape", "roll", "split", "squeeze", "stack", "swapaxes", "tile", "transpose",
    "tril", "triu", "unsqueeze",
]
