"""F.conv1d and F.conv2d: PyTorch's signatures, layouts and numerics, over the `conv`
primitive (`minigrad.ops.conv`). Re-exported by `minigrad.nn.functional`.

The arguments are checked here, once, so that a wrong channel count or a kernel larger than
the padded input is reported in the user's terms (the op, the shapes, what was expected)
before any array is touched.
"""

from __future__ import annotations

import numpy as np

from minigrad.ops.conv import Conv, output_size
from minigrad.routines import as_tensor
from minigrad.tensor import Tensor

__all__ = ["conv1d", "conv2d"]


def int_tuple(value, n: int, what: str, op: str, minimum: int = 1) -> tuple[int, ...]:
    """An int or a sequence of n ints, each >= minimum, as a tuple of n ints."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else value
    if not isinstance(values, (tuple, list)) or len(values) != n or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: {what} must be an int or a tuple of {n} ints, got {value!r}")
    if any(v < minimum for v in values):
        bound = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{op}: {what} must be {bound}, got {value!r}")
    return tuple(int(v) for v in values)


def conv_padding(padding, kernel, dilation, stride, op: str) -> tuple[tuple[int, int], ...]:
    """(before, after) zeros per spatial axis from an int, a tuple, "valid" or "same".

    "same" pads d (k - 1) in total, the extra one after (as PyTorch), and needs stride 1."""
    n = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding != "same":
            raise ValueError(f"{op}: padding must be an int, a tuple, 'valid' or 'same', "
                             f"got {padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(f"{op}: padding='same' is not supported for strided "
                             f"convolutions (stride={stride})")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in int_tuple(padding, n, "padding", op, minimum=0))


def conv_nd(x, weight: Tensor, bias: Tensor | None, stride, padding, dilation, groups: int,
            nd: int) -> Tensor:
    """The checked convolution over the last `nd` axes; an unbatched input (one axis fewer)
    is treated as a batch of one, as PyTorch does."""
    op = f"conv{nd}d"
    x = as_tensor(x)
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{op}: expected a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) "
                         f"input, got shape {x.shape}")
    if x.ndim == nd + 1:
        return conv_nd(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups,
                       nd).squeeze(0)
    if weight.ndim != nd + 2:
        raise ValueError(f"{op}: the weight must be {nd + 2}-D (out_channels, "
                         f"in_channels / groups, *kernel), got shape {weight.shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    out_channels, kernel = weight.shape[0], weight.shape[2:]
    if out_channels % groups:
        raise ValueError(f"{op}: groups={groups} does not divide the weight's "
                         f"{out_channels} output channels (weight shape {weight.shape})")
    if x.shape[1] != weight.shape[1] * groups:
        raise ValueError(
            f"{op}: the input of shape {x.shape} has {x.shape[1]} channels, but the weight "
            f"of shape {weight.shape} with groups={groups} expects "
            f"{weight.shape[1] * groups}"
        )
    stride = int_tuple(stride, nd, "stride", op)
    dilation = int_tuple(dilation, nd, "dilation", op)
    pads = conv_padding(padding, kernel, dilation, stride, op)
    out = output_size(x.shape[2:], kernel, stride, pads, dilation)
    if any(n < 1 for n in out):
        padded = tuple(n + a + b for n, (a, b) in zip(x.shape[2:], pads))
        extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        raise ValueError(
            f"{op}: the kernel {tuple(kernel)} (dilated extent {extent}) is larger than the "
            f"padded input {padded} (input shape {x.shape}, padding {pads})"
        )
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},) for a weight of shape "
                         f"{weight.shape}, got {bias.shape}")
    for what, t in (("the weight", weight), ("the bias", bias)):
        if t is not None and t.dtype != x.dtype:
            raise TypeError(f"{op}: the input is {x.dtype} but {what} is {t.dtype}")
    y = Conv.apply(x, weight, stride=stride, padding=pads, dilation=dilation, groups=int(groups))
    if bias is None:
        return y
    return y + bias.reshape(out_channels, *(1,) * nd)


def conv1d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """1-D cross-correlation: x (N, C, L) or (C, L), weight (O, C / groups, k), bias (O,).

    y[n, o, l] = b[o] + sum over c, j of x_pad[n, c, l * stride + j * dilation] w[o, c, j].
    `padding` is an int, a 1-tuple, "valid" (none) or "same" (output length = input
    length, stride 1). The VJP is a transposed convolution (see `minigrad.ops.conv`).

    >>> conv1d(mg.ones(1, 2, 5), mg.ones(3, 2, 3)).shape
    (1, 3, 3)
    """
    return conv_nd(x, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation: x (N, C, H, W) or (C, H, W), weight (O, C / groups, kh, kw).

    y[n, o, i, j] = b[o] + sum over c, p, q of
    x_pad[n, c, i * sh + p * dh, j * sw + q * dw] w[o, c, p, q]. `stride`, `dilation` and
    `padding` are ints or pairs; `padding` may also be "valid" or "same".

    >>> conv2d(mg.ones(2, 3, 8, 8), mg.ones(4, 3, 3, 3), padding=1).shape
    (2, 4, 8, 8)
    """
    return conv_nd(x, weight, bias, stride, padding, dilation, groups, 2)
