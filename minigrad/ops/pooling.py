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
from minigrad.tensor import Tensor


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


def _max_and_winner(x: np.ndarray, kernel_size, stride, padding, dilation):
    """Each window's maximum, the kernel offset that holds it, and the offsets' order."""
    floating = x.dtype.kind == "f"
    fill = -np.inf if floating else np.iinfo(x.dtype).min
    view = windows(x, kernel_size, stride, padding, dilation, fill)
    offsets = list(itertools.product(*map(range, kernel_size)))
    y, winner = _running_max(view, offsets, nan_aware=False)
    if floating and np.isnan(y).any():  # rare: redo with comparisons that see NaN
        y, winner = _running_max(view, offsets, nan_aware=True)
    return y, winner, offsets


def max_pool_indices(x: np.ndarray, kernel_size, stride, padding, dilation) -> np.ndarray:
    """Where each window's maximum is, as PyTorch's `return_indices` gives it: the flat
    index (int64) into its input plane's spatial positions, h * W + w in 2-D."""
    _, winner, offsets = _max_and_winner(x, kernel_size, stride, padding, dilation)
    flat = _flat_positions(winner, x.shape, offsets, stride, padding, dilation)
    return (flat % math.prod(x.shape[2:])).astype(np.int64)


@register
class MaxPool(Function):
    """y = the maximum of each window of x.   VJP: x_bar = g added at each window's winner."""

    name = "max_pool"

    @staticmethod
    def forward(ctx, x, kernel_size=(), stride=(), padding=(), dilation=()):
        y, winner, offsets = _max_and_winner(x, kernel_size, stride, padding, dilation)
        if any(before or after for before, after in padding):
            # A padded window of -inf may elect padding: flat indices, clipped to x
            ctx.save_for_backward(_flat_positions(winner, x.shape, offsets, stride, padding,
                                                  dilation))
        else:
            ctx.save_for_backward(winner)
        return y

    @staticmethod
    def backward(ctx, g):
        (saved,) = ctx.saved
        x, params = ctx.inputs[0], ctx.params
        if not any(before or after for before, after in params["padding"]):  # saved: winner
            return MaxPoolRoute.apply(g, Tensor.wrap(saved), input_shape=x.shape,
                                      kernel_size=params["kernel_size"],
                                      stride=params["stride"], dilation=params["dilation"])
        routed = IndexAdd.apply(g.reshape(-1), shape=(x.data.size,), index=saved.reshape(-1))
        return routed.reshape(x.shape)


def _offset_slices(kernel_size, stride, dilation, out):
    """For each kernel offset k, the slices of x that the windows' k-th elements form."""
    for offset in itertools.product(*map(range, kernel_size)):
        yield (..., *(slice(o * d, o * d + s * (m - 1) + 1, s)
                      for o, d, s, m in zip(offset, dilation, stride, out)))


def _masked(values: np.ndarray, finite: bool, mask: np.ndarray) -> np.ndarray:
    """values where mask, else 0: a product when every value is finite (fast), np.where
    otherwise (0 * inf would be NaN)."""
    return values * mask if finite else np.where(mask, values, 0)


@register
class MaxPoolRoute(Function):
    """x_bar = each g added at its window's winner (no padding): the gradient of max
    pooling, one masked add per kernel offset (cheaper than scattering by flat indices).
    `winner` holds, per output, the kernel offset that won (a constant).

    VJP: g_bar = max_pool_select(x_bar_bar, winner), the value at each winner.
    """

    name = "max_pool_route"

    @staticmethod
    def forward(ctx, g, winner, input_shape=(), kernel_size=(), stride=(), dilation=()):
        x = np.zeros(input_shape, g.dtype)
        finite = bool(np.isfinite(g).all())
        # Windows that cannot overlap (stride at least the window's extent, as in the usual
        # MaxPool2d(2)) have disjoint targets: each product is written straight into place,
        # without a temporary and a second pass.
        disjoint = all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel_size, stride, dilation))
        for k, target in enumerate(_offset_slices(kernel_size, stride, dilation, g.shape[2:])):
            if finite and disjoint:
                np.multiply(g, winner == k, out=x[target])
            else:
                x[target] += _masked(g, finite, winner == k)
        return x

    @staticmethod
    def backward(ctx, x_bar):
        winner = ctx.inputs[1]
        params = {key: ctx.params[key] for key in ("kernel_size", "stride", "dilation")}
        return MaxPoolSelect.apply(x_bar, winner, **params), None


@register
class MaxPoolSelect(Function):
    """y = a at each window's winner (no padding), the adjoint of `max_pool_route`.

    VJP: a_bar = max_pool_route(y_bar, winner).
    """

    name = "max_pool_select"

    @staticmethod
    def forward(ctx, a, winner, kernel_size=(), stride=(), dilation=()):
        y = np.zeros(winner.shape, a.dtype)
        finite = bool(np.isfinite(a).all())
        sources = _offset_slices(kernel_size, stride, dilation, winner.shape[2:])
        for k, source in enumerate(sources):
            y += _masked(a[source], finite, winner == k)
        return y

    @staticmethod
    def backward(ctx, y_bar):
        a, winner = ctx.inputs
        return MaxPoolRoute.apply(y_bar, winner, input_shape=a.shape,
                                  **{key: ctx.params[key] for key in
                                     ("kernel_size", "stride", "dilation")}), None


@register
class MaxUnpool(Function):
    """z = zeros (planes, plane_size) with each x[p, i] written at z[p, index[p, i]]: the
    inverse of max pooling given its indices (`index` a constant).

    VJP: x_bar[p, i] = z_bar[p, index[p, i]], a gather, as PyTorch: where overlapping
    windows shared a maximum, each copy reads the gradient (the copies hold one value).
    """

    name = "max_unpool"

    @staticmethod
    def forward(ctx, x, index=None, plane_size=0):
        z = np.zeros((x.shape[0], plane_size), x.dtype)
        np.put_along_axis(z, index, x, axis=1)
        return z

    @staticmethod
    def backward(ctx, z_bar):
        index = ctx.params["index"]
        return z_bar[np.arange(index.shape[0])[:, None], index]
