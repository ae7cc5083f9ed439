"""Linear, Identity and Flatten."""

from __future__ import annotations

import math

import numpy as np

from minigrad import dtypes, shapes
from minigrad.nn import functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features).

    Initialized as PyTorch does: W and b from U(-1/sqrt(in_features), 1/sqrt(in_features))
    (kaiming_uniform with a = sqrt(5)), in the default float dtype unless `dtype` says.

    >>> layer = Linear(3, 2)
    >>> layer(mg.ones(5, 3)).shape
    (5, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype=None) -> None:
        super().__init__()
        for what, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"Linear: {what} must be a non-negative int, got {n!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialization: weight from kaiming_uniform_(a=sqrt(5)), bias uniform
        in +-1/sqrt(in_features)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self!r}: the input of shape {x.shape} has "
                f"{x.shape[-1] if x.ndim else 0} features in its last axis, expected "
                f"in_features={self.in_features}"
            )
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """Returns its input unchanged (a placeholder, for instance where a norm is optional).

    >>> nn.Identity()(mg.tensor([1.0, 2.0]))
    tensor([1., 2.], dtype=float32)
    """

    def forward(self, x):
        return x


class Flatten(Module):
    """Merge axes `start_dim..end_dim` into one (by default all but the batch axis).

    >>> nn.Flatten()(mg.zeros(4, 2, 3)).shape
    (4, 6)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis `dim` into `unflattened_size` (the inverse of Flatten).

    >>> nn.Unflatten(1, (2, 3))(mg.zeros(4, 6)).shape
    (4, 2, 3)
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x: Tensor) -> Tensor:
        axis = shapes.single_axis(self.dim, x.ndim, "Unflatten")
        try:
            return x.reshape(*x.shape[:axis], *self.unflattened_size, *x.shape[axis + 1:])
        except ValueError:
            raise ValueError(f"Unflatten: cannot split axis {axis} of size {x.shape[axis]} "
                             f"(input shape {x.shape}) into {self.unflattened_size}") from None

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
