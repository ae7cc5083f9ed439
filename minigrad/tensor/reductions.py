"""Reductions: the Tensor methods over `minigrad.ops.reduce` (sum, mean, var, max,
softmax, ...).

PyTorch's signatures and defaults, `dim`/`keepdim`, with NumPy's `axis`/`keepdims`
(and `ddof` for the variance) accepted as aliases. Axes are checked once here and passed to
the primitive as a sorted tuple; a 0-d tensor accepts `dim=0` and `dim=-1`, as in PyTorch.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from minigrad import dtypes, shapes
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor

Axis = int | Sequence[int] | None

# `x.max(dim)` and `x.min(dim)` return both, as PyTorch's `torch.return_types.max`.
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def pick(op: str, name: str, value, alias: str, alias_value, default=None):
    """PyTorch's argument `name`, or its NumPy alias `alias`. `value` equal to `default`
    counts as not given (`keepdim=False` is the signature's default); two different values
    are an error."""
    if alias_value is None:
        return default if value is None else value
    if value is not None and value is not default and value != alias_value:
        raise TypeError(f"{op}: got both {name}= and its NumPy alias {alias}=; give one")
    return alias_value


def check_out(op: str, out) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (minigrad never writes into a tensor)")


def correction_from(op: str, unbiased, correction, ddof) -> float:
    """The variance's correction: `correction`, `unbiased` (True is 1, False is 0) or NumPy's
    `ddof`, at most one of them; PyTorch's default is 1 (the unbiased estimate)."""
    given = [name for name, v in (("unbiased", unbiased), ("correction", correction),
                                  ("ddof", ddof)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: give one of {' and '.join(given)}, they say the same thing")
    if unbiased is not None:
        return 1 if unbiased else 0
    value = correction if correction is not None else ddof
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: the correction must be a number, got {value!r}")
    return value


class Reductions:
    """Mixin of `Tensor`: reductions along dims."""

    __slots__ = ()

    def _reduce(self, op, dim: Axis, keepdim: bool, **params) -> Tensor:
        if isinstance(dim, (tuple, list)) and not dim:
            dim = None  # PyTorch: an empty tuple of dims reduces over all of them
        axes = shapes.normalize_axis(dim, self.ndim, op.name)
        return op.apply(self, axes=axes, keepdims=bool(keepdim), **params)

    def sum(self, dim: Axis = None, keepdim: bool = False, *, dtype=None, axis: Axis = None,
            keepdims: bool | None = None, out=None) -> Tensor:
        """The sum over `dim` (all dims when None); `dtype` casts the input first.
        VJP: g broadcast back.

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(dim=0)
        tensor([4., 6.], dtype=float32)
        """
        check_out("sum", out)
        source = self if dtype is None else self.astype(dtype)
        return source._reduce(prim.sum, pick("sum", "dim", dim, "axis", axis),
                              pick("sum", "keepdim", keepdim, "keepdims", keepdims, False))

    def mean(self, dim: Axis = None, keepdim: bool = False, *, dtype=None, axis: Axis = None,
             keepdims: bool | None = None, out=None) -> Tensor:
        """The mean over `dim` (all dims when None); NaN over an empty dim, as PyTorch.
        VJP: g / n broadcast back.

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(dim=1)
        tensor([1.5, 3.5], dtype=float32)
        """
        check_out("mean", out)
        source = self if dtype is None else self.astype(dtype)
        return source._reduce(prim.mean, pick("mean", "dim", dim, "axis", axis),
                              pick("mean", "keepdim", keepdim, "keepdims", keepdims, False))

    def var(self, dim: Axis = None, unbiased: bool | None = None, keepdim: bool = False, *,
            correction: float | None = None, axis: Axis = None, keepdims: bool | None = None,
            ddof: float | None = None, dtype=None, out=None) -> Tensor:
        """sum((x - mean)^2) / (n - correction) over `dim`; `correction=1` by default (the
        unbiased estimate, as PyTorch). `correction=0` (or `unbiased=False`, `ddof=0`) is the
        biased one. With n <= correction the result is NaN or inf, with a warning.

        >>> x = mg.tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var(), x.var(correction=0)
        (tensor(1.6667, dtype=float32), tensor(1.25, dtype=float32))
        """
        check_out("var", out)
        if dtype is not None:  # NumPy's np.var passes dtype=None; a real dtype casts first
            return self.astype(dtype).var(dim, unbiased, keepdim, correction=correction,
                                          axis=axis, keepdims=keepdims, ddof=ddof)
        return self._reduce(prim.var, pick("var", "dim", dim, "axis", axis),
                            pick("var", "keepdim", keepdim, "keepdims", keepdims, False),
                            correction=correction_from("var", unbiased, correction, ddof))

    def std(self, dim: Axis = None, unbiased: bool | None = None, keepdim: bool = False, *,
            correction: float | None = None, axis: Axis = None, keepdims: bool | None = None,
            ddof: float | None = None, dtype=None, out=None) -> Tensor:
        """sqrt(var(...)) with the same arguments; its gradient is 0 where it is 0, as
        PyTorch (not the 0 * inf of differentiating the square root).

        >>> mg.tensor([1.0, 2.0, 3.0]).std()
        tensor(1., dtype=float32)
        """
        check_out("std", out)
        if dtype is not None:
            return self.astype(dtype).std(dim, unbiased, keepdim, correction=correction,
                                          axis=axis, keepdims=keepdims, ddof=ddof)
        return self._reduce(prim.std, pick("std", "dim", dim, "axis", axis),
                            pick("std", "keepdim", keepdim, "keepdims", keepdims, False),
                            correction=correction_from("std", unbiased, correction, ddof))

    def _extremum(self, op, arg, other, dim, keepdim, axis, keepdims, out):
        """max/min: of everything, along `dim` (values and indices, as PyTorch), along
        `axis` (values only, as NumPy), or against another tensor (elementwise)."""
        name = op.name
        check_out(name, out)
        if isinstance(dim, Reductions) or other is not None:
            other = dim if other is None else other
            return self.maximum(other) if name == "max" else self.minimum(other)
        keep = pick(name, "keepdim", keepdim, "keepdims", keepdims, False)
        if axis is not None or dim is None or not isinstance(dim, (int, np.integer)):
            return self._reduce(op, pick(name, "dim", dim, "axis", axis), keep)
        indices = arg(self, dim, keepdim=True)
        (axis,) = shapes.normalize_axis(dim, self.ndim, name) or (None,)
        if axis is None:  # a 0-d tensor: the value itself, index 0
            return ValuesIndices(self, indices.reshape(()))
        # Gather the winner: its gradient goes to that one element, as PyTorch's max(dim).
        index = tuple(indices._data if a == axis else np.arange(n).reshape(
            [-1 if b == a else 1 for b in range(self.ndim)])
            for a, n in enumerate(self.shape))
        values = self[index]
        if not keep:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return ValuesIndices(values, indices)

    def max(self, dim=None, keepdim: bool | None = None, *, other=None, axis: Axis = None,
            keepdims: bool | None = None, out=None):
        """`max()`: the largest element (its gradient shared by ties); `max(dim)`: the named
        pair (values, indices) along `dim`, the gradient going to the index returned;
        `max(axis=...)`: the values only (NumPy); `max(other)`: the elementwise maximum.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).max(axis=0)
        tensor([3., 5.], dtype=float32)
        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).max(dim=0).indices
        tensor([1, 0], dtype=int64)
        """
        return self._extremum(prim.max, Reductions.argmax, other, dim, keepdim, axis,
                              keepdims, out)

    def min(self, dim=None, keepdim: bool | None = None, *, other=None, axis: Axis = None,
            keepdims: bool | None = None, out=None):
        """As `max`, for the smallest elements.

        >>> x = mg.tensor([[1.0, 5.0], [3.0, 2.0]])
        >>> x.min()
        tensor(1., dtype=float32)
        >>> x.min(dim=1).values
        tensor([1., 2.], dtype=float32)
        """
        return self._extremum(prim.min, Reductions.argmin, other, dim, keepdim, axis,
                              keepdims, out)

    def amax(self, dim: Axis = (), keepdim: bool = False, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        """The maximum over `dim` (all dims for `()`), values only; ties share the gradient.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).amax(dim=1)
        tensor([5., 3.], dtype=float32)
        """
        dim = pick("amax", "dim", dim, "axis", axis, ())
        return self._reduce(prim.max, None if dim == () else dim,
                            pick("amax", "keepdim", keepdim, "keepdims", keepdims, False))

    def amin(self, dim: Axis = (), keepdim: bool = False, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        """The minimum over `dim` (all dims for `()`), values only; ties share the gradient.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).amin(dim=0)
        tensor([1., 2.], dtype=float32)
        """
        dim = pick("amin", "dim", dim, "axis", axis, ())
        return self._reduce(prim.min, None if dim == () else dim,
                            pick("amin", "keepdim", keepdim, "keepdims", keepdims, False))

    def logsumexp(self, dim: Axis = None, keepdim: bool = False, *, axis: Axis = None,
                  keepdims: bool | None = None) -> Tensor:
        """log(sum(exp(x))) over `dim` (all dims when None), computed stably; -inf over an
        empty dim.

        >>> mg.tensor([0.0, 0.0]).logsumexp()
        tensor(0.6931, dtype=float32)
        """
        return dtypes.as_float(self)._reduce(
            prim.logsumexp, pick("logsumexp", "dim", dim, "axis", axis),
            pick("logsumexp", "keepdim", keepdim, "keepdims", keepdims, False))

    def _normalized_exponential(self, op, dim, axis, dtype) -> Tensor:
        source = dtypes.as_float(self if dtype is None else self.astype(dtype))
        dim = pick(op.name, "dim", dim, "axis", axis, default=-1)
        if source.ndim == 0:  # PyTorch treats a 0-d tensor as one element along dim 0/-1
            shapes.single_axis(dim, 1, op.name)
            return op.apply(source.reshape(1), axis=0).reshape(())
        return op.apply(source, axis=shapes.single_axis(dim, self.ndim, op.name))

    def softmax(self, dim: int | None = None, *, dtype=None, axis: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along `dim` (default the last), computed stably.

        >>> mg.tensor([0.0, 0.0]).softmax()
        tensor([0.5, 0.5], dtype=float32)
        """
        return self._normalized_exponential(prim.softmax, dim, axis, dtype)

    def log_softmax(self, dim: int | None = None, *, dtype=None,
                    axis: int | None = None) -> Tensor:
        """x - logsumexp(x) along `dim` (default the last).

        >>> mg.tensor([0.0, 0.0]).log_softmax()
        tensor([-0.6931, -0.6931], dtype=float32)
        """
        return self._normalized_exponential(prim.log_softmax, dim, axis, dtype)

    def _arg_extremum(self, find, op: str, dim, keepdim, axis, keepdims) -> Tensor:
        dim = pick(op, "dim", dim, "axis", axis)
        keep = pick(op, "keepdim", keepdim, "keepdims", keepdims, False)
        data = self._data
        if dim is None:
            if data.size == 0:
                raise ValueError(f"{op}: cannot take the {op} of an empty tensor")
            index = np.asarray(find(data.reshape(-1)))
            return self.wrap(index.reshape((1,) * data.ndim) if keep else index)
        (axis,) = shapes.normalize_axis(dim, data.ndim, op) or (None,)
        if axis is None:  # 0-d
            return self.wrap(np.zeros((), np.int64))
        if data.shape[axis] == 0:
            raise ValueError(
                f"{op}: cannot reduce over dim {dim} of length 0 (shape {data.shape})"
            )
        return self.wrap(np.asarray(find(data, axis=axis, keepdims=bool(keep))))

    def argmax(self, dim: int | None = None, keepdim: bool = False, *,
               axis: int | None = None, keepdims: bool | None = None) -> Tensor:
        """Indices of the maxima along `dim` (of the flattened tensor when None); the first
        on ties. An integer tensor outside the graph.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).argmax(dim=1)
        tensor([1, 0], dtype=int64)
        """
        return self._arg_extremum(np.argmax, "argmax", dim, keepdim, axis, keepdims)

    def argmin(self, dim: int | None = None, keepdim: bool = False, *,
               axis: int | None = None, keepdims: bool | None = None) -> Tensor:
        """Indices of the minima along `dim`; the first on ties. Not differentiable.

        >>> mg.tensor([[1.0, 5.0], [3.0, 2.0]]).argmin(dim=1)
        tensor([0, 1], dtype=int64)
        """
        return self._arg_extremum(np.argmin, "argmin", dim, keepdim, axis, keepdims)
