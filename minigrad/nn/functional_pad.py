"""F.pad with PyTorch's pad order and modes. Re-exported by `minigrad.nn.functional`.

`pad` lists (before, after) pairs starting from the LAST axis: (left, right) pads the last
axis, (left, right, top, bottom) the last two, and so on. Negative amounts crop.

No primitive of its own: constant padding places x into a tensor of the padded shape
(`index_add` with slices, whose VJP slices the gradient back out); reflect, replicate and
circular padding gather x along each padded axis with an index array (`getitem`, whose VJP
adds the gradient of every copy back to its source).
"""

from __future__ import annotations

import numpy as np

from minigrad.ops.shape import IndexAdd
from minigrad.routines import as_tensor
from minigrad.tensor import Tensor

__all__ = ["pad"]

MODES = ("constant", "reflect", "replicate", "circular")


def _source_index(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of the padded axis, the position of x it copies."""
    positions = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    if mode == "circular":
        return positions % size
    period = 2 * (size - 1)  # reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...
    folded = np.abs(positions) % period if period else np.zeros_like(positions)
    return np.where(folded < size, folded, period - folded)


def _check(x: Tensor, pad, mode: str) -> list[tuple[int, int]]:
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {MODES}, got {mode!r}")
    if not isinstance(pad, (tuple, list)) or len(pad) % 2 or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pad):
        raise ValueError(f"pad: pad must be a sequence of ints of even length "
                         f"(left, right, top, bottom, ...), got {pad!r}")
    if len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: {len(pad)} padding values pad {len(pad) // 2} axes, but the "
                         f"input of shape {x.shape} has only {x.ndim}")
    pairs = [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)]
    for k, (before, after) in enumerate(pairs):
        axis = x.ndim - 1 - k
        size = x.shape[axis]
        if size + before + after < 0:
            raise ValueError(f"pad: padding {(before, after)} of axis {axis} (size {size}) "
                             f"leaves a negative size")
        if mode == "constant":
            continue
        if mode == "reflect" and max(before, after) >= size:
            raise ValueError(
                f"pad: reflect padding of axis {axis} must be smaller than its size {size}, "
                f"got {(before, after)} (input shape {x.shape})"
            )
        if mode == "circular" and max(before, after) > size:
            raise ValueError(f"pad: circular padding of axis {axis} must be at most its size "
                             f"{size}, got {(before, after)} (input shape {x.shape})")
        if size == 0:
            raise ValueError(f"pad: cannot {mode}-pad the empty axis {axis} of shape {x.shape}")
    return pairs


def pad(x: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """x padded on its last len(pad) / 2 axes: `pad = (left, right, top, bottom, ...)`.

    Modes: "constant" (`value`, default 0), "reflect" (mirror without repeating the edge),
    "replicate" (repeat the edge), "circular" (wrap around).

    >>> pad(mg.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]], dtype=float32)
    """
    x = as_tensor(x)
    pairs = _check(x, pad, mode)
    if mode != "constant":
        if value not in (None, 0):
            raise ValueError(f"pad: a value is only used by mode='constant', not {mode!r}")
        for k, (before, after) in enumerate(pairs):
            axis = x.ndim - 1 - k
            index = _source_index(x.shape[axis], before, after, mode)
            x = x[(slice(None),) * axis + (index,)]
        return x
    # Crop first (negative amounts), then place the rest inside the padded shape.
    crop = [slice(0, n) for n in x.shape]
    place = [slice(None)] * x.ndim
    shape = list(x.shape)
    for k, (before, after) in enumerate(pairs):
        axis = x.ndim - 1 - k
        crop[axis] = slice(max(-before, 0), x.shape[axis] - max(-after, 0))
        kept = crop[axis].stop - crop[axis].start
        place[axis] = slice(max(before, 0), max(before, 0) + kept)
        shape[axis] = kept + max(before, 0) + max(after, 0)
    if any(part != slice(0, n) for part, n in zip(crop, x.shape)):
        x = x[tuple(crop)]
    if tuple(shape) == x.shape:
        return x
    y = IndexAdd.apply(x, shape=tuple(shape), index=tuple(place))
    if value:
        border = np.full(shape, value, x.dtype)
        border[tuple(place)] = 0
        y = y + Tensor.wrap(border)
    return y
