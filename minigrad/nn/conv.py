"""Conv1d and Conv2d: PyTorch's signatures, defaults, initialization and padding modes."""

from __future__ import annotations

import math

import numpy as np

from minigrad import dtypes
from minigrad.nn import functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn import init
from minigrad.nn.functional_conv import int_tuple
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """A convolution layer over `_dims` spatial axes: y = conv(x, weight) + bias.

    weight: (out_channels, in_channels / groups, *kernel_size); bias: (out_channels,).
    Initialized as PyTorch: kaiming_uniform_ with a = sqrt(5) for the weight (bound
    1/sqrt(fan_in)) and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias, fan_in =
    in_channels / groups * prod(kernel_size). `padding` is an int, a tuple, "valid" or
    "same"; `padding_mode` other than "zeros" pads with `F.pad` first.
    """

    _dims = 0

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 dtype=None) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._dims
        for what, n in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("groups", groups)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
                raise ValueError(f"{name}: {what} must be a positive int, got {n!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: groups={groups} must divide in_channels={in_channels} "
                             f"and out_channels={out_channels}")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {PADDING_MODES}, "
                             f"got {padding_mode!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = int_tuple(kernel_size, nd, "kernel_size", name)
        self.stride = int_tuple(stride, nd, "stride", name)
        self.dilation = int_tuple(dilation, nd, "dilation", name)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: padding must be an int, a tuple, 'valid' or "
                                 f"'same', got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided "
                                 f"convolutions (stride={self.stride})")
            self.padding = padding
        else:
            self.padding = int_tuple(padding, nd, "padding", name, minimum=0)
        self.groups, self.padding_mode = int(groups), padding_mode
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype))
        self.bias = Parameter(np.empty(self.out_channels, dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialization again (see the class docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.fan_in_and_fan_out(self.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
            init.uniform_(self.bias, -bound, bound)

    def _mode_padding(self) -> tuple[int, ...]:
        """F.pad's (last axis first) amounts for a padding_mode other than zeros."""
        if self.padding == "valid":
            return (0, 0) * self._dims
        if self.padding == "same":
            totals = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            pairs = [(t // 2, t - t // 2) for t in totals]
        else:
            pairs = [(p, p) for p in self.padding]
        return tuple(n for pair in reversed(pairs) for n in pair)

    def forward(self, x: Tensor) -> Tensor:
        nd, name = self._dims, type(self).__name__
        if x.ndim not in (nd + 1, nd + 2) or x.shape[-nd - 1] != self.in_channels:
            raise ValueError(
                f"{name}({self.in_channels}, {self.out_channels}): expected an input of shape "
                f"(N, {self.in_channels}, ...) or ({self.in_channels}, ...) with {nd} spatial "
                f"axes, got {x.shape}"
            )
        conv = F.conv1d if nd == 1 else F.conv2d
        if self.padding_mode == "zeros":
            return conv(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)
        x = F.pad(x, self._mode_padding(), mode=self.padding_mode)
        return conv(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self._dims:
            text += f", padding={self.padding!r}"
        if self.dilation != (1,) * self._dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode!r}"
        return text


class Conv1d(_ConvNd):
    """1-D convolution of (N, C_in, L) or (C_in, L) inputs (see `F.conv1d`).

    >>> Conv1d(2, 4, 3, padding="same")(mg.ones(8, 2, 10)).shape
    (8, 4, 10)
    """

    _dims = 1


class Conv2d(_ConvNd):
    """2-D convolution of (N, C_in, H, W) or (C_in, H, W) inputs (see `F.conv2d`).

    >>> Conv2d(1, 32, 3, padding=1)(mg.ones(64, 1, 28, 28)).shape
    (64, 32, 28, 28)
    """

    _dims = 2
