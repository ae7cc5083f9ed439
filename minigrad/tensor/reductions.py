"""Reductions: the Tensor methods over `minigrad.ops.reduce` (sum, mean, var, max,
softmax, ...). Axes are checked once here and passed to the primitive as a sorted tuple."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from minigrad import dtypes, shapes
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor

Axis = int | Sequence[int] | None


class Reductions:
    """Mixin of `Tensor`: reductions along axes."""

    __slots__ = ()

    # --- reductions -----------------------------------------------------------------
    def _reduce(self, op, axis: Axis, keepdims: bool, **params) -> Tensor:
        axes = shapes.normalize_axis(axis, self.ndim, op.name)
        return op.apply(self, axes=axes, keepdims=keepdims, **params)

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The sum over `axis` (an int, a tuple, or None for all).   VJP: g broadcast back.

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
        tensor([4., 6.], dtype=float32)
        """
        return self._reduce(prim.sum, axis, keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The mean over `axis` (all axes when None).   VJP: g / n broadcast back.

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1)
        tensor([1.5, 3.5], dtype=float32)
        """
        return self._reduce(prim.mean, axis, keepdims)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Variance; `ddof=0` is the biased estimate (divide by n), `ddof=1` the unbiased."""
        return self._reduce(prim.var, axis, keepdims, ddof=ddof)

    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """The standard deviation, sqrt(var(axis, ddof)); see `var`."""
        return self.var(axis, ddof, keepdims).sqrt()

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The largest value over `axis` (all axes when None); tied maxima share the
        gradient equally.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).max(axis=0)
        tensor([3., 5.], dtype=float32)
        """
        return self._reduce(prim.max, axis, keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The smallest value over `axis`; see `max`."""
        return self._reduce(prim.min, axis, keepdims)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """log(sum(exp(x))) over `axis`, computed without overflow.
        VJP: x_bar = g * softmax(x)."""
        return self._reduce(prim.logsumexp, axis, keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis` (default the last), computed stably.

        >>> mg.tensor([0.0, 0.0]).softmax()
        tensor([0.5, 0.5], dtype=float32)
        """
        axis = shapes.single_axis(axis, self.ndim, "softmax")
        return prim.softmax.apply(dtypes.as_float(self), axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along `axis` (default the last): log-probabilities."""
        axis = shapes.single_axis(axis, self.ndim, "log_softmax")
        return prim.log_softmax.apply(dtypes.as_float(self), axis=axis)

    def argmax(self, axis: int | None = None) -> Tensor:
        """Indices of the largest values along `axis` (of the flattened tensor when None);
        an integer tensor outside the graph.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).argmax(axis=1)
        tensor([1, 0], dtype=int64)
        """
        return self.wrap(np.asarray(np.argmax(self.data, axis=axis)))

    def argmin(self, axis: int | None = None) -> Tensor:
        """Indices of the smallest values along `axis`; see `argmax`."""
        return self.wrap(np.asarray(np.argmin(self.data, axis=axis)))
