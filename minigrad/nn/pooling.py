"""Pooling layers: MaxPool1d/2d, MaxUnpool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d (see
`minigrad.nn.functional_pool`)."""

from __future__ import annotations

from minigrad.nn import functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class _MaxPoolNd(Module):
    _pool = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.dilation, self.ceil_mode, self.return_indices = dilation, ceil_mode, return_indices

    def forward(self, x: Tensor) -> Tensor:
        return type(self)._pool(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window along the last axis.

    >>> nn.MaxPool1d(2)(mg.tensor([[[1.0, 3.0, 2.0, 5.0]]]))
    tensor([[[3., 5.]]], dtype=float32)
    """

    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The maximum of each kernel_size window (stride defaults to kernel_size).

    >>> x = mg.arange(16.0).reshape(1, 1, 4, 4)
    >>> nn.MaxPool2d(2)(x)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]], dtype=float32)
    """

    _pool = staticmethod(F.max_pool2d)


class _MaxUnpoolNd(Module):
    _unpool = None

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding

    def forward(self, x: Tensor, indices, output_size=None) -> Tensor:
        return type(self)._unpool(x, indices, self.kernel_size, self.stride, self.padding,
                                  output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """Puts each value back where MaxPool1d(return_indices=True) found it; zeros elsewhere.

    >>> y, i = nn.MaxPool1d(2, return_indices=True)(mg.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    >>> nn.MaxUnpool1d(2)(y, i)
    tensor([[[0., 3., 2., 0.]]], dtype=float32)
    """

    _unpool = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """Puts each value back where MaxPool2d(return_indices=True) found it; zeros elsewhere.

    >>> y, i = nn.MaxPool2d(2, return_indices=True)(mg.arange(16.0).reshape(1, 1, 4, 4))
    >>> nn.MaxUnpool2d(2)(y, i)[0, 0]
    tensor([[ 0.,  0.,  0.,  0.],
            [ 0.,  5.,  0.,  7.],
            [ 0.,  0.,  0.,  0.],
            [ 0., 13.,  0., 15.]], dtype=float32)
    """

    _unpool = staticmethod(F.max_unpool2d)


class AvgPool1d(Module):
    """The mean of each window along the last axis.

    >>> nn.AvgPool1d(2)(mg.tensor([[[1.0, 3.0, 2.0, 5.0]]]))
    tensor([[[2. , 3.5]]], dtype=float32)
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(AvgPool1d):
    """The mean of each kernel_size window (stride defaults to kernel_size).

    >>> x = mg.arange(16.0).reshape(1, 1, 4, 4)
    >>> nn.AvgPool2d(2)(x)
    tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]], dtype=float32)
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool1d(Module):
    """Average pooling to a fixed output length, whatever the input length.

    >>> nn.AdaptiveAvgPool1d(1)(mg.tensor([[[1.0, 3.0, 2.0, 5.0]]]))
    tensor([[[2.75]]], dtype=float32)
    """

    _pool = staticmethod(F.adaptive_avg_pool1d)

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return type(self)._pool(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(AdaptiveAvgPool1d):
    """Average pooling to a fixed (H, W), whatever the input size.

    >>> x = mg.arange(16.0).reshape(1, 1, 4, 4)
    >>> nn.AdaptiveAvgPool2d(1)(x)
    tensor([[[[7.5]]]], dtype=float32)
    >>> nn.AdaptiveAvgPool2d((1, 2))(x).shape
    (1, 1, 1, 2)
    """

    _pool = staticmethod(F.adaptive_avg_pool2d)
