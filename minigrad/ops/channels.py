"""The per-channel view of an (N, C, *spatial) array that BatchNorm works on, and the
statistics its forward pass hands to its backward pass.

Both the fused `batch_norm` and its backward primitive `batch_norm_backward` normalize
each channel c over the m = N * prod(spatial) values it takes in the batch; this module is
what they share.
"""

from __future__ import annotations

import math

import numpy as np


class Channels:
    """The channel layout of an (N, C, *spatial) array.

    NumPy work happens on a view of shape (N, C) (no spatial axes) or (N, C, S); a
    per-channel vector broadcasts against it as (C,) or (C, 1). Keeping the last axis long
    keeps NumPy's inner loops fast (an (N, C, 1) view would make them run one element at a
    time)."""

    __slots__ = ("axes", "c", "count", "n", "s", "view")

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.n, self.c = shape[0], shape[1]
        self.s = math.prod(shape[2:])
        self.count = self.n * self.s
        self.view = (self.n, self.c) if self.s == 1 else (self.n, self.c, self.s)
        self.axes = (0, *range(2, len(shape)))  # every axis but the channel axis

    def column(self, vector: np.ndarray) -> np.ndarray:
        """A (C,) vector shaped to broadcast against the view."""
        return vector if self.s == 1 else vector.reshape(self.c, 1)

    def sum(self, a: np.ndarray) -> np.ndarray:
        """Per-channel sums of an array in the view shape, in its dtype.

        Summing over N first adds whole rows with vector instructions; a BLAS matrix-vector
        product with a ones vector is faster on an idle machine, but its threads slow it
        down 10-100x when the cores are busy, so plain NumPy it is."""
        columns = a.sum(axis=0)
        return columns if self.s == 1 else columns.sum(axis=1)

    def broadcast_shape(self) -> tuple[int, ...]:
        """The shape (1, C, 1, ...) a per-channel tensor takes beside the input."""
        return (1, self.c) + (1,) * (len(self.axes) - 1)

    def dot(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per-channel sums of a * b, without writing the product to memory."""
        return np.einsum("nc,nc->c" if self.s == 1 else "ncs,ncs->c", a, b)


class Statistics:
    """What the fused forward hands to the backward: the per-channel mean and
    inv_std = 1 / sqrt(var + eps) it normalized with, and, where the kernel wrote it anyway,
    `centered` = x - mean in the view shape (None otherwise: the backward recomputes it).

    In mode "batch" these are the statistics of x itself; in modes "detached" and
    "running" they are constants as far as gradients go."""

    __slots__ = ("centered", "inv_std", "mean", "pool")

    def __init__(self, mean: np.ndarray, inv_std: np.ndarray,
                 centered: np.ndarray | None = None, pool=None) -> None:
        self.mean, self.inv_std, self.centered = mean, inv_std, centered
        self.pool = pool  # where `centered` was borrowed from, if it was

    def __del__(self) -> None:
        # Freed with the graph that saved it: the borrowed array is no longer in use.
        if self.pool is not None:
            self.pool.give_back(self.centered)

    @classmethod
    def of(cls, x: np.ndarray, eps: float) -> Statistics:
        """The batch statistics of an (N, C, *spatial) array (biased variance)."""
        ch = Channels(x.shape)
        xv = x.reshape(ch.view)
        mean = ch.sum(xv) / ch.count
        centered = xv - ch.column(mean)
        var = ch.dot(centered, centered) / ch.count
        return cls(mean, 1.0 / np.sqrt(var + eps), centered)

    def __repr__(self) -> str:
        return f"Statistics(channels={self.mean.shape[0]})"
