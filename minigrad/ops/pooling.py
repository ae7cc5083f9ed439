"""Max pooling: the `max_pool` primitive (average pooling is a convolution with a constant
kernel, so it needs no primitive of its own: see `minigrad.nn.functional_pool`).

Shapes, for any number of spatial axes: x (N, C, *size) -> y (N, C, *out). Parameters:
`kernel_size`, `stride`, `dilation` (one int per spatial axis), `padding` ((before, after)
per axis, filled with -inf so that padding never wins).

    y[n, c, p] = max over k of x_pad[n, c, p * stride + k * dilation]

The VJP routes each output gradient to the one input element that won its window, as
PyTorch does: the first maximum in the window's row-major order when several tie (NumPy's
argmax gives the same), and a NaN wins over any number. Overlapping windows that share a
winner add their gradients there. The routing is a scatter by the winners' flat indices
(`index_add`), whose own VJP is a gather: grad-of-grad works.
"""

from __future__ import annotations

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


@register
class MaxPool(Function):
    """y = the maximum of each window of x.   VJP: x_bar = g added at each window's winner."""

    name = "max_pool"

    @staticmethod
    def forward(ctx, x, kernel_size=(), stride=(), padding=(), dilation=()):
        nd = len(kernel_size)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        view = windows(x, kernel_size, stride, padding, dilation, fill)
        out = view.shape[2:2 + nd]
        flat = view.reshape(*view.shape[:2 + nd], math.prod(kernel_size))
        winner = flat.argmax(axis=-1)  # the first maximum; NaN counts as the maximum
        y = np.take_along_axis(flat, winner[..., None], axis=-1)[..., 0]
        # The winner's position in x: p * stride + k * dilation - before, per spatial axis.
        # Only a window of -inf can elect its padded corner; clipping moves it to the
        # window's first real element, which is PyTorch's choice there.
        offsets = np.unravel_index(winner, kernel_size)
        grid = np.meshgrid(*(np.arange(m) for m in out), indexing="ij")
        coords = [
            np.clip(grid[i] * stride[i] + offsets[i] * dilation[i] - padding[i][0], 0,
                    x.shape[2 + i] - 1)
            for i in range(nd)
        ]
        n, c = x.shape[:2]
        batch = np.arange(n).reshape(n, 1, *(1,) * nd)
        channel = np.arange(c).reshape(1, c, *(1,) * nd)
        ctx.save_for_backward(np.ravel_multi_index((batch, channel, *coords), x.shape))
        return y

    @staticmethod
    def backward(ctx, g):
        (winners,) = ctx.saved
        x = ctx.inputs[0]
        routed = IndexAdd.apply(g.reshape(-1), shape=(x.data.size,), index=winners.reshape(-1))
        return routed.reshape(x.shape)
