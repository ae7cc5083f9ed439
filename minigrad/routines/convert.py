"""Converting arguments: `as_tensor`."""

from __future__ import annotations

from minigrad.tensor import Tensor


def as_tensor(value, dtype=None) -> Tensor:
    """`value` itself if it is a tensor (converted when `dtype` differs), else a tensor made
    from it (no copy of arrays of that dtype), as `torch.as_tensor`.

    >>> a = np.array([1.0, 2.0])
    >>> mg.as_tensor(a).numpy() is a
    True
    >>> mg.as_tensor([1.0, 2.0])
    tensor([1., 2.], dtype=float32)
    """
    if isinstance(value, Tensor):
        return value if dtype is None else value.to(dtype)
    return Tensor(value, dtype=dtype)


__all__ = [
    "as_tensor",
]
