"""Unbroadcasting: the gradient of a broadcast value is summed back to the value's shape.

Done once, by the engine, for every input of every op: a VJP may return a gradient in the
broadcast shape, and the engine sums it to the input's shape here. `BroadcastTo`'s own VJP
is the same sum.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.tensor import Tensor


def sum_to_shape(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a gradient over the axes along which its source was broadcast.

    Broadcasting repeats a value along new leading axes and along axes of length 1; each
    repetition sends gradient back, so the source's gradient is the sum over those axes.

    >>> sum_to_shape(mg.ones(4, 2, 3), (1, 3))
    tensor([[8., 8., 8.]], dtype=float32)
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0:
        raise RuntimeError(f"cannot sum a gradient of shape {grad.shape} to shape {shape}")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, size in enumerate(shape) if size == 1 and grad.shape[lead + i] != 1
    )
    summed = grad.sum(axis=axes, keepdims=True) if axes else grad
    if summed.size != math.prod(shape):
        raise RuntimeError(f"cannot sum a gradient of shape {grad.shape} to shape {shape}")
    return summed.reshape(shape)
