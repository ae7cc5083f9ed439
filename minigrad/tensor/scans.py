"""Scans, products, norms and logical reductions: cumsum, cumprod, prod, norm, all, any.

PyTorch's spellings (`dim`, `keepdim`) with NumPy's (`axis`, `keepdims`) as aliases;
passing both spellings of one argument is an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from minigrad import shapes
from minigrad.registry import primitives as prim
from minigrad.tensor.reductions import pick

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor


def one_dim(op: str, dim, axis, ndim: int) -> int:
    """The single axis `dim` (alias `axis`), required, as a non-negative int."""
    dim = pick(op, "dim", dim, "axis", axis)
    if dim is None:
        raise TypeError(f"{op}: missing the dimension to work along (dim=)")
    return shapes.single_axis(dim, max(ndim, 1), op)


class Scans:
    """Mixin of `Tensor`: scans, products, norms, all/any."""

    __slots__ = ()

    def _scanned(self, op, name: str, dim, axis) -> Tensor:
        if self.ndim == 0:
            return op.apply(self.reshape(1), axis=0).reshape(())
        return op.apply(self, axis=one_dim(name, dim, axis, self.ndim))

    def cumsum(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """Running sums along `dim`: z_j = sum_{i<=j} x_i.

        >>> mg.tensor([1.0, 2.0, 3.0]).cumsum(0)
        tensor([1., 3., 6.], dtype=float32)
        """
        return self._scanned(prim.cumsum, "cumsum", dim, axis)

    def cumprod(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """Running products along `dim`: z_j = prod_{i<=j} x_i (gradient exact at zeros).

        >>> mg.tensor([1.0, 2.0, 3.0]).cumprod(0)
        tensor([1., 2., 6.], dtype=float32)
        """
        return self._scanned(prim.cumprod, "cumprod", dim, axis)

    def prod(self, dim=None, keepdim: bool | None = None, *, axis=None,
             keepdims: bool | None = None) -> Tensor:
        """The product over `dim` (all axes by default); gradient exact at zeros.

        >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).prod()
        tensor(24., dtype=float32)
        """
        dim = pick("prod", "dim", dim, "axis", axis)
        keep = pick("prod", "keepdim", keepdim, "keepdims", keepdims, False)
        axes = shapes.normalize_axis(dim, self.ndim, "prod")
        return prim.prod.apply(self, axes=axes, keepdims=bool(keep))

    def norm(self, p=2, dim=None, keepdim: bool | None = None, *, axis=None,
             keepdims: bool | None = None) -> Tensor:
        """The p-norm over `dim` (all elements by default): (sum |x|^p)^(1/p); p may be
        a positive number, inf, -inf, 0 (the count of nonzeros) or "fro" (= 2).

        >>> x = mg.tensor([3.0, -4.0])
        >>> x.norm(), x.norm(p=1)
        (tensor(5., dtype=float32), tensor(7., dtype=float32))
        """
        dim = pick("norm", "dim", dim, "axis", axis)
        keepdim = bool(pick("norm", "keepdim", keepdim, "keepdims", keepdims, False))
        if p == "fro":
            p = 2
        if isinstance(p, str) or (not p >= 0 and p != -np.inf):
            raise ValueError(f"norm: p must be a non-negative number, inf, -inf or 'fro', "
                             f"got {p!r}")
        size = self.abs()
        if p == np.inf:
            return size.amax(() if dim is None else dim, keepdim)
        if p == -np.inf:
            return size.amin(() if dim is None else dim, keepdim)
        if p == 0:
            return (size != 0).astype(self.dtype).sum(dim, keepdims=keepdim)
        if p == 1:
            return size.sum(dim, keepdims=keepdim)
        total = (self * self if p == 2 else size ** p).sum(dim, keepdims=keepdim)
        # The root's derivative is infinite at 0, where PyTorch's norm has gradient 0: take
        # the root of 1 there instead, and put the 0 back with a constant selection.
        nonzero = self.wrap(total.data > 0)
        one, zero = (self.wrap(np.array(v, total.dtype)) for v in (1.0, 0.0))
        root = prim.where.apply(nonzero, total, one)
        root = root.sqrt() if p == 2 else root ** (1.0 / p)
        return prim.where.apply(nonzero, root, zero)

    def _logical(self, reduce, name: str, dim, keepdim, axis, keepdims) -> Tensor:
        dim = pick(name, "dim", dim, "axis", axis)
        keep = bool(pick(name, "keepdim", keepdim, "keepdims", keepdims, False))
        axes = shapes.normalize_axis(dim, self.ndim, name)
        return self.wrap(reduce(self.data, axis=axes, keepdims=keep))

    def all(self, dim=None, keepdim: bool | None = None, *, axis=None,
            keepdims: bool | None = None) -> Tensor:
        """True where every element along `dim` is nonzero (a bool tensor, no gradient).

        >>> mg.tensor([1.0, 2.0]).all()
        tensor(True, dtype=bool)
        """
        return self._logical(np.all, "all", dim, keepdim, axis, keepdims)

    def any(self, dim=None, keepdim: bool | None = None, *, axis=None,
            keepdims: bool | None = None) -> Tensor:
        """True where some element along `dim` is nonzero (a bool tensor, no gradient).

        >>> mg.tensor([[0.0, 0.0], [0.0, 1.0]]).any(dim=1)
        tensor([False,  True], dtype=bool)
        """
        return self._logical(np.any, "any", dim, keepdim, axis, keepdims)
