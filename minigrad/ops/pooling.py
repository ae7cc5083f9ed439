"""Max pooling: the `max_pool` primitive (average pooling is a convolution with a constant
kernel, so it needs no primitive of its own: see `minigrad.nn.functional_pool`).

Shapes, for any number of spatial axes: x (N, C, *size) -> y (N, C, *out). Parameters:
`kernel_size`, `stride`, `dilation` (one int per spatial axis), `padding` ((before, after)
per axis, filled with -inf so that padding never wins).

    y[n, c, p] = max over k of x_pad[n, c, p * stride + k * dilation]

The VJP routes each output gradient to the one input element that won its window, as
PyTorch does: the first maximum in the window's row-major order when several tie, and a
NaN wins over any number. Overlapping windows that share a
winner add their gradients there. The routing is a scatter by the winners' flat indices
(`index_add`), whose own VJP is a gather: grad-of-grad works.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minigrad.autograd.function import Function
from minigrad.ops.shape import IndexAdd
from minigrad.registry import register


def windows(x: np.ndarray, kernel, stride, padding, dilation, fill) -> np.ndarray:
    """Every pooling window of x padded with `fill`, as a strided view (N, C, *out, *kernel)."""
    nd = len(kernel)
    if any(before or after for before, after in padding):
        x = np.pad(x, ((0, 0), (0, 0), *padding), constant_values=fill)
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, extent, axis=tuple(range(2, 2 + nd)))
    return view[(slice(None), slice(None), *(slice(None, None, s) for s in stride),
                 *(slice(None, None, d) for d in dilation))]


def _flat_positions(winner, shape, offsets, stride, padding, dilation) -> np.ndarray:
    """The index in x.reshape(-1) of each window's winner: p * stride + k * dilation -
    before on each spatial axis, in x's row-major strides.

    Only a window of -inf can elect a padded position; clipping moves it to the window's
    first real element, which is PyTorch's choice (done per axis, so only with padding)."""
    nd = len(stride)
    strides = [math.prod(shape[a + 1:]) for a in range(len(shape))]  # in elements
    table = np.array(offsets).T * np.array(dilation)[:, None]  # (nd, K) offset per axis
    grids = [np.arange(n).reshape(n, *(1,) * (nd + 1 - a)) * strides[a] for a, n in
             enumerate(shape[:2])]
    if not any(before or after for before, after in padding):
        for i in range(nd):
            steps = np.arange(winner.shape[2 + i]) * (stride[i] * strides[2 + i])
            grids.append(steps.reshape(-1, *(1,) * (nd - 1 - i)))
        base = sum(grids[1:], grids[0])  # broadcast: one output-sized array
        return base + (table.T @ np.array(strides[2:]))[winner]
    flat = sum(grids[1:], grids[0])
    for i in range(nd):
        position = (np.arange(winner.shape[2 + i]) * stride[i] - padding[i][0]).reshape(
            -1, *(1,) * (nd - 1 - i))
        coordinate = np.clip(position + table[i][winner], 0, shape[2 + i] - 1)
        flat = flat + coordinate * strides[2 + i]
    return flat


def _running_max(view: np.ndarray, offsets: list, nan_aware: bool):
    """The maximum of each window and which kernel offset holds it, in one pass per offset
    over output-sized arrays (an argmax over a copy of every window is several times
    slower). A later offset wins only when strictly larger, so ties keep the first; with
    `nan_aware`, a NaN wins and stays ("not <=" holds for a NaN candidate, "y == y" fails
    for a NaN maximum).

    The winner is uint8 arithmetic, w += better * (k - w) modulo 256, because
    `np.copyto(..., where=)` and `np.where` cost several times more (measured)."""
    y = view[(..., *offsets[0])].copy()
    winner = np.zeros(y.shape, np.uint8 if len(offsets) <= 256 else np.intp)
    for k, offset in enumerate(offsets[1:], start=1):
        candidate = view[(..., *offset)]
        better = ~(candidate <= y) & (y == y) if nan_aware else candidate > y
        np.maximum(y, candidate, out=y)  # NaN propagates, as the winner's value must
        step = np.subtract(k, winner, dtype=winner.dtype)
        step *= better
        winner += step
    return y, winner


@register
class MaxPool(Function):
    """y = the maximum of each window of x.   VJP: x_bar = g added at each window's winner."""

    name = "max_pool"

    @staticmethod
    def forward(ctx, x, kernel_size=(), stride=(), padding=(), dilation=()):
        floating = x.dtype.kind == "f"
        fill = -np.inf if floating else np.iinfo(x.dtype).min
        view = windows(x, kernel_size, stride, padding, dilation, fill)
        offsets = list(itertools.product(*map(range, kernel_size)))
        y, winner = _running_max(view, offsets, nan_aware=False)
        if floating and np.isnan(y).any():  # rare: redo with comparisons that see NaN
            y, winner = _running_max(view, offsets, nan_aware=True)
        ctx.save_for_backward(_flat_positions(winner, x.shape, offsets, stride, padding,
                                              dilation))
        return y

    @staticmethod
    def backward(ctx, g):
        (winners,) = ctx.saved
        x = ctx.inputs[0]
        routed = IndexAdd.apply(g.reshape(-1), shape=(x.data.size,), index=winners.reshape(-1))
        return routed.reshape(x.shape)
