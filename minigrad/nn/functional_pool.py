"""Pooling functionals with PyTorch's signatures: max_pool1d/2d, avg_pool1d/2d,
adaptive_avg_pool1d/2d, max_unpool1d/2d. Re-exported by `minigrad.nn.functional`.

Max pooling is the `max_pool` primitive (`minigrad.ops.pooling`). Average pooling is a
convolution of each channel with a kernel of ones, divided by the window's count, so its
gradient (a transposed convolution) and every higher one come from `minigrad.ops.conv`.
Adaptive average pooling is a fixed averaging matrix on each spatial axis, applied by matmul.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.nn.functional_conv import int_tuple
from minigrad.ops.conv import Conv
from minigrad.ops.pooling import MaxPool, MaxUnpool, max_pool_indices, windows
from minigrad.routines import as_tensor
from minigrad.tensor import Tensor

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "avg_pool1d", "avg_pool2d",
           "max_pool1d", "max_pool2d", "max_unpool1d", "max_unpool2d"]


def _batched(x, nd: int, op: str) -> tuple[Tensor, bool]:
    """x as (N, C, *size); True when it was unbatched (C, *size) and gained an axis."""
    x = as_tensor(x)
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{op}: expected a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) "
                         f"input, got shape {x.shape}")
    if x.ndim == nd + 1:
        return x.unsqueeze(0), True
    return x, False


def _geometry(x: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool, nd: int,
              op: str):
    """kernel, stride, (before, after) padding and dilation per axis, after PyTorch's checks.

    With `ceil_mode`, a last window may start inside the input (or its left padding) and
    hang over the end; the overhang is added to the padding after the input."""
    kernel = int_tuple(kernel_size, nd, "kernel_size", op)
    stride = kernel if stride is None or stride == [] else int_tuple(stride, nd, "stride", op)
    pad = int_tuple(padding, nd, "padding", op, minimum=0)
    dilation = int_tuple(dilation, nd, "dilation", op)
    if any(p > k // 2 for p, k in zip(pad, kernel)):
        raise ValueError(f"{op}: padding {pad} must be at most half the kernel size {kernel}")
    pads = []
    for n, k, s, p, d in zip(x.shape[2:], kernel, stride, pad, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        if span < 0:
            raise ValueError(f"{op}: the kernel {kernel} (dilation {dilation}) is larger than "
                             f"the padded input (input shape {x.shape}, padding {pad})")
        out = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= n + p:
            out -= 1  # the last window would start in the right padding
        pads.append((p, p + max(0, (out - 1) * s + d * (k - 1) + 1 - (n + 2 * p))))
    return kernel, stride, tuple(pads), dilation


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd):
    op = f"max_pool{nd}d"
    x, unbatched = _batched(x, nd, op)
    kernel, stride, pads, dilation = _geometry(x, kernel_size, stride, padding, dilation,
                                               ceil_mode, nd, op)
    y = MaxPool.apply(x, kernel_size=kernel, stride=stride, padding=pads, dilation=dilation)
    if not return_indices:
        return y.squeeze(0) if unbatched else y
    indices = Tensor.wrap(max_pool_indices(x.data, kernel, stride, pads, dilation))
    return (y.squeeze(0), indices.squeeze(0)) if unbatched else (y, indices)


def max_pool1d(x: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each window along the last axis of (N, C, L) or (C, L); `stride`
    defaults to `kernel_size`. The gradient goes to each window's first maximum. With
    `return_indices`, also where each maximum is (int64, a position along L).

    >>> F.max_pool1d(mg.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
    tensor([[[3., 5.]]], dtype=float32)
    """
    return _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1)


def max_pool2d(x: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each window of (N, C, H, W) or (C, H, W); `stride` defaults to
    `kernel_size`; padding is -inf. The gradient goes to each window's first maximum
    (row-major), as PyTorch routes it. With `return_indices`, returns (output, indices):
    where each maximum is, as an int64 flat index h * W + w into its input plane.

    >>> max_pool2d(mg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.], [13., 15.]]]], dtype=float32)
    """
    return _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def _unpool_size(x: Tensor, kernel, stride, pad, output_size, nd: int, op: str):
    """The unpooled spatial size: PyTorch's default (n - 1) s - 2 p + k per axis, or
    `output_size` (its last nd entries), which must lie strictly within a stride of it."""
    default = [(n - 1) * s - 2 * p + k for n, s, p, k in zip(x.shape[2:], stride, pad, kernel)]
    if output_size is None:
        return tuple(default)
    size = tuple(output_size)
    if len(size) not in (nd, nd + 2):
        raise ValueError(f"{op}: output_size must hold {nd} or {nd + 2} sizes, got "
                         f"{output_size!r}")
    size = size[-nd:]
    for axis, (n, d, s) in enumerate(zip(size, default, stride)):
        if not d - s < n < d + s:
            raise ValueError(f"{op}: output_size {output_size!r} is invalid: size {axis} "
                             f"must be between {d - s} and {d + s} (exclusive), got {n}")
    return size


def _max_unpool(x, indices, kernel_size, stride, padding, output_size, nd: int) -> Tensor:
    op = f"max_unpool{nd}d"
    x = as_tensor(x)
    indices = np.asarray(getattr(indices, "data", indices))
    if indices.shape != x.shape:
        raise ValueError(f"{op}: the indices have shape {indices.shape} and the input "
                         f"{x.shape}; they must match")
    x, unbatched = _batched(x, nd, op)
    kernel = int_tuple(kernel_size, nd, "kernel_size", op)
    stride = kernel if stride is None else int_tuple(stride, nd, "stride", op)
    pad = int_tuple(padding, nd, "padding", op, minimum=0)
    size = _unpool_size(x, kernel, stride, pad, output_size, nd, op)
    planes, plane = x.shape[0] * x.shape[1], math.prod(size)
    flat_indices = indices.reshape(planes, -1)
    if flat_indices.size and (flat_indices.min() < 0 or flat_indices.max() >= plane):
        bad = flat_indices[(flat_indices < 0) | (flat_indices >= plane)][0]
        raise IndexError(f"{op}: index {bad} is out of range for an output plane of size "
                         f"{size} ({plane} positions)")
    y = MaxUnpool.apply(x.reshape(planes, -1), index=flat_indices, plane_size=plane)
    y = y.reshape(*x.shape[:2], *size)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(x: Tensor, indices, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """The inverse of `max_pool1d(..., return_indices=True)`: zeros, with each value of x
    put back where `indices` says its maximum was.

    >>> y, i = F.max_pool1d(mg.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2, return_indices=True)
    >>> F.max_unpool1d(y, i, 2)
    tensor([[[0., 3., 2., 0.]]], dtype=float32)
    """
    return _max_unpool(x, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(x: Tensor, indices, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """The inverse of `max_pool2d(..., return_indices=True)`: zeros of (N, C, *size), with
    each value of x put at its flat plane index (the `max_unpool` primitive); the gradient
    reads it back from there.
    `size` is (H - 1) * stride - 2 * padding + kernel_size per axis, or `output_size`.

    >>> y, i = max_pool2d(mg.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
    >>> max_unpool2d(y, i, 2)[0, 0, 1]
    tensor([0., 5., 0., 7.], dtype=float32)
    """
    return _max_unpool(x, indices, kernel_size, stride, padding, output_size, 2)


def _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
              nd):
    op = f"avg_pool{nd}d"
    x, unbatched = _batched(x, nd, op)
    kernel, stride, pads, ones = _geometry(x, kernel_size, stride, padding, 1, ceil_mode, nd, op)
    if divisor_override is not None and divisor_override <= 0:
        raise ValueError(f"{op}: divisor_override must be positive, got {divisor_override}")
    n, c, *size = x.shape
    planes = x.reshape(n * c, 1, *size)  # every channel pooled alike: one 1-channel conv
    kernel_of_ones = Tensor.wrap(np.ones((1, 1, *kernel), x.dtype))
    sums = Conv.apply(planes, kernel_of_ones, stride=stride, padding=pads, dilation=ones,
                      groups=1)
    if divisor_override is not None:
        divisor = np.asarray(divisor_override, x.dtype)
    else:  # how many counted elements each window holds (never the ceil_mode overhang)
        counted = np.zeros([m + before + after for m, (before, after) in zip(size, pads)],
                           x.dtype)
        counted[tuple(slice(0 if count_include_pad else before, before + m + (
            before if count_include_pad else 0)) for m, (before, _) in zip(size, pads))] = 1
        divisor = windows(counted[None, None], kernel, stride, ((0, 0),) * nd, ones, 0)
        divisor = divisor.sum(axis=tuple(range(-nd, 0)))
    y = (sums / Tensor.wrap(divisor.astype(x.dtype))).reshape(n, c, *sums.shape[2:])
    return y.squeeze(0) if unbatched else y


def avg_pool1d(x: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window along the last axis of (N, C, L) or (C, L).

    >>> F.avg_pool1d(mg.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
    tensor([[[2. , 3.5]]], dtype=float32)
    """
    return _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


def avg_pool2d(x: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window of (N, C, H, W) or (C, H, W): the window's sum divided by
    its size (with `count_include_pad=False`, by the number of input elements in it; with
    `divisor_override`, by that number).

    >>> avg_pool2d(mg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5,  4.5], [10.5, 12.5]]]], dtype=float32)
    """
    return _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2)


def averaging_matrix(size: int, out: int, dtype) -> np.ndarray:
    """(out, size): row i averages elements floor(i size / out) .. ceil((i + 1) size / out)."""
    matrix = np.zeros((out, size), dtype)
    for i in range(out):
        start, stop = (i * size) // out, -(-((i + 1) * size) // out)
        matrix[i, start:stop] = 1.0 / (stop - start)
    return matrix


def _adaptive_avg_pool(x, output_size, nd: int) -> Tensor:
    op = f"adaptive_avg_pool{nd}d"
    x, unbatched = _batched(x, nd, op)
    sizes = (output_size,) * nd if isinstance(output_size, (int, np.integer)) or \
        output_size is None else tuple(output_size)
    if len(sizes) != nd:
        raise ValueError(f"{op}: output_size must be an int or a tuple of {nd}, "
                         f"got {output_size!r}")
    sizes = tuple(n if s is None else s for s, n in zip(sizes, x.shape[2:]))
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise ValueError(f"{op}: output_size must hold positive ints, got {output_size!r}")
    if math.prod(x.shape[2:]) == 0:
        raise ValueError(f"{op}: cannot pool an empty input of shape {x.shape}")
    y = x
    for axis, out in zip(range(2, 2 + nd), sizes):  # y <- A y along each axis
        matrix = Tensor.wrap(averaging_matrix(x.shape[axis], out, x.dtype))
        y = (y.swapaxes(axis, -1) @ matrix.T).swapaxes(axis, -1)
    return y.squeeze(0) if unbatched else y


def adaptive_avg_pool1d(x: Tensor, output_size) -> Tensor:
    """Average pooling to a given length: window i covers floor(i L / out) to
    ceil((i + 1) L / out), as PyTorch (windows may overlap when L is not a multiple).

    >>> F.adaptive_avg_pool1d(mg.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
    tensor([[[2. , 3.5]]], dtype=float32)
    """
    return _adaptive_avg_pool(x, output_size, 1)


def adaptive_avg_pool2d(x: Tensor, output_size) -> Tensor:
    """Average pooling of (N, C, H, W) to (N, C, *output_size); an entry None keeps that
    size. `adaptive_avg_pool2d(x, 1)` is the global average pool.

    >>> F.adaptive_avg_pool2d(mg.arange(16.0).reshape(1, 1, 4, 4), 1)
    tensor([[[[7.5]]]], dtype=float32)
    """
    return _adaptive_avg_pool(x, output_size, 2)
