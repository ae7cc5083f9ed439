"""Convolution: `conv` and the two maps its VJP needs, `conv_transpose` and `conv_weight`.

Shapes, for any number of spatial axes (1 for conv1d, 2 for conv2d): the input x is
(N, C, *size), the weight w is (O, C/G, *kernel), the output y is (N, O, *out), with G
groups. Each primitive takes the same geometry parameters: `stride` and `dilation` (one int
per spatial axis), `padding` (a (before, after) pair of zeros per spatial axis) and `groups`.

    y[n, o, p] = sum over c, k of x_pad[n, group(o) C/G + c, p stride + k dilation] w[o, c, k]

Why the VJP is a transposed convolution. The three primitives share one trilinear form,

    T(x, w, g) = <conv(x, w), g> = <x, conv_transpose(g, w)> = <w, conv_weight(x, g)>,

so each is the gradient of T with respect to one argument. y = conv(x, w) is linear in x,
y = A_w x, and x_bar = A_w^T g: every output gradient goes back over the window it was
computed from, weighted by w, which is the transposed convolution. Differentiating T again
only ever produces the three maps, so each VJP below calls the other two and grad-of-grad
works to any order.

How it is computed (no Python loop over pixels): im2col. `sliding_window_view` gives every
window of the padded input as a strided view (free); one reshape copies the windows into
columns of shape (G, C/G * K, N * P), and one matrix product per group with the weight
(G, O/G, C/G * K) gives the output. `conv_transpose` multiplies by the weight's transpose
and adds the columns back into place (col2im: one slice-add per kernel offset). One large
product per group, not one per sample: small products cannot use BLAS's threads, which
stall instead (measured in docs/performance.md).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minigrad.autograd.function import Function
from minigrad.registry import register

GEOMETRY = ("stride", "padding", "dilation", "groups")


def geometry(params: dict) -> dict:
    """The geometry parameters of a node's params (without the shape the op also records)."""
    return {key: params[key] for key in GEOMETRY}


def output_size(size, kernel, stride, padding, dilation) -> tuple[int, ...]:
    """floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1, per axis."""
    return tuple(
        (n + before + after - d * (k - 1) - 1) // s + 1
        for n, k, s, (before, after), d in zip(size, kernel, stride, padding, dilation)
    )


def _pad(x: np.ndarray, padding) -> np.ndarray:
    if not any(before or after for before, after in padding):
        return x
    return np.pad(x, ((0, 0), (0, 0), *padding))


def _columns(x: np.ndarray, kernel, stride, padding, dilation, groups) -> np.ndarray:
    """im2col: the windows of padded x as columns (G, C/G * K, N * P)."""
    nd = len(kernel)
    spatial = tuple(range(2, 2 + nd))
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    windows = sliding_window_view(_pad(x, padding), extent, axis=spatial)  # (N, C, *all, *ext)
    strided = windows[(slice(None), slice(None), *(slice(None, None, s) for s in stride),
                       *(slice(None, None, d) for d in dilation))]  # (N, C, *out, *kernel)
    n, c = x.shape[:2]
    out = strided.shape[2:2 + nd]
    grouped = strided.reshape(n, groups, c // groups, *out, *kernel)
    # (G, C/G, *kernel, N, *out): the reshape below is the one copy of the input's windows.
    order = (1, 2, *range(3 + nd, 3 + 2 * nd), 0, *range(3, 3 + nd))
    return grouped.transpose(order).reshape(groups, c // groups * math.prod(kernel),
                                            n * math.prod(out))


def _grouped_output_gradient(g: np.ndarray, groups: int) -> np.ndarray:
    """g of shape (N, O, *out) as (G, O/G, N * P), the layout of the columns."""
    n, o = g.shape[:2]
    return g.reshape(n, groups, o // groups, -1).transpose(1, 2, 0, 3).reshape(
        groups, o // groups, -1)


@register
class Conv(Function):
    """y = conv(x, w): the cross-correlation of PyTorch's conv1d/conv2d, without the bias.

    VJP: x_bar = conv_transpose(g, w),  w_bar = conv_weight(x, g)  (see the module docstring).
    """

    name = "conv"

    @staticmethod
    def forward(ctx, x, w, stride=(), padding=(), dilation=(), groups=1):
        kernel = w.shape[2:]
        cols = _columns(x, kernel, stride, padding, dilation, groups)
        o = w.shape[0]
        out = output_size(x.shape[2:], kernel, stride, padding, dilation)
        y = np.matmul(w.reshape(groups, o // groups, -1), cols)  # (G, O/G, N * P)
        n = x.shape[0]
        y = y.reshape(groups, o // groups, n, *out)
        return np.moveaxis(y, 2, 0).reshape(n, o, *out)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.inputs
        geo = geometry(ctx.params)
        x_bar = ConvTranspose.apply(g, w, input_size=x.shape[2:], **geo) \
            if x.requires_grad else None
        w_bar = ConvWeight.apply(x, g, kernel_size=w.shape[2:], **geo) \
            if w.requires_grad else None
        return x_bar, w_bar


@register
class ConvTranspose(Function):
    """x = conv_transpose(g, w), the adjoint of conv in its input: each g[n, o, p] is spread
    over the window of x that produced y[n, o, p], weighted by w. `input_size` is x's
    spatial size (with a stride above 1, several sizes give the same output size).

    VJP (of <x, x_bar>): g_bar = conv(x_bar, w),  w_bar = conv_weight(x_bar, g).
    """

    name = "conv_transpose"

    @staticmethod
    def forward(ctx, g, w, input_size=(), stride=(), padding=(), dilation=(), groups=1):
        kernel = w.shape[2:]
        n, out = g.shape[0], g.shape[2:]
        og, cg, taps = w.shape[0] // groups, w.shape[1], math.prod(kernel)
        # Columns kernel-offset-major, (G, K C/G, N * P): one large product per group (many
        # small ones stall multithreaded BLAS: 10x slower on two busy cores, measured), and
        # each offset's slab contiguous for the col2im adds below.
        weight = w.reshape(groups, og, cg, taps).transpose(0, 3, 2, 1).reshape(
            groups, taps * cg, og)  # (G, K C/G, O/G), a small copy
        cols = np.matmul(weight, _grouped_output_gradient(g, groups))
        cols = cols.reshape(groups, taps, cg, -1)  # (G, K, C/G, N * P)
        padded = tuple(size + before + after for size, (before, after) in zip(input_size, padding))
        # col2im in the columns' (C, N, ...) order, so that both sides of each add run along
        # memory; one transposing copy to (N, C, ...) at the end (adding straight into
        # (N, C, ...) was 3x slower, measured on the cnn_step shapes).
        x = np.zeros((groups, cg, n, *padded), dtype=np.result_type(g, w))
        for index, offset in enumerate(itertools.product(*map(range, kernel))):
            target = tuple(slice(k * d, k * d + s * (m - 1) + 1, s)
                           for k, d, s, m in zip(offset, dilation, stride, out))
            x[(slice(None),) * 3 + target] += cols[:, index].reshape(groups, cg, n, *out)
        crop = tuple(slice(before, before + size) for size, (before, _) in zip(input_size, padding))
        x = x.reshape(groups * cg, n, *padded)[(slice(None), slice(None), *crop)]
        return np.ascontiguousarray(np.swapaxes(x, 0, 1))

    @staticmethod
    def backward(ctx, x_bar):
        g, w = ctx.inputs
        geo = geometry(ctx.params)
        g_bar = Conv.apply(x_bar, w, **geo) if g.requires_grad else None
        w_bar = ConvWeight.apply(x_bar, g, kernel_size=w.shape[2:], **geo) \
            if w.requires_grad else None
        return g_bar, w_bar


@register
class ConvWeight(Function):
    """w = conv_weight(x, g), the adjoint of conv in its weight: the correlation of the
    input's windows with the output gradient, w[o, c, k] = sum over n, p of
    g[n, o, p] x_pad[n, group(o) * C/G + c, p * stride + k * dilation].

    VJP (of <w, w_bar>): x_bar = conv_transpose(g, w_bar),  g_bar = conv(x, w_bar).
    """

    name = "conv_weight"

    @staticmethod
    def forward(ctx, x, g, kernel_size=(), stride=(), padding=(), dilation=(), groups=1):
        cols = _columns(x, kernel_size, stride, padding, dilation, groups)
        w = np.matmul(_grouped_output_gradient(g, groups), cols.transpose(0, 2, 1))
        return w.reshape(g.shape[1], x.shape[1] // groups, *kernel_size)

    @staticmethod
    def backward(ctx, w_bar):
        x, g = ctx.inputs
        geo = geometry(ctx.params)
        x_bar = ConvTranspose.apply(g, w_bar, input_size=x.shape[2:], **geo) \
            if x.requires_grad else None
        g_bar = Conv.apply(x, w_bar, **geo) if g.requires_grad else None
        return x_bar, g_bar
