"""Scans and products: cumsum, cumprod (along one axis) and prod (over axes).

    cumsum:  z_j = sum_{i<=j} a_i          VJP: a_bar_i = sum_{j>=i} g_j (a reversed cumsum)
    cumprod: z_j = prod_{i<=j} a_i         VJP: a_bar_i = sum_{j>=i} g_j prod_{k<=j, k!=i} a_k
    prod:    z = prod_i a_i                VJP: a_bar_i = g prod_{k!=i} a_k

Dividing by a_i gives the products that leave a_i out, but not where a_i = 0, and inputs
with zeros are common (after a ReLU, a mask). So each VJP divides only when no input is
zero and otherwise forms the products without a_i explicitly: for prod, the exclusive
products from the left and from the right (two cumprods); for cumprod, the products of
a_{i+1..j} for every pair i <= j (an n x n cumprod along the axis).
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.elementwise import Where
from minigrad.ops.reduce import keep_dims
from minigrad.ops.shape import Concatenate
from minigrad.registry import register
from minigrad.tensor import Tensor


def _reversed_cumsum(g: Tensor, axis: int) -> Tensor:
    return g.flip(axis).cumsum(axis).flip(axis)


def _exclusive_cumprod(a: Tensor) -> Tensor:
    """prod_{k<i} a_k along the last axis (1 for i = 0)."""
    ones = Tensor.wrap(np.ones((*a.shape[:-1], 1), a.dtype))
    return Concatenate.apply(ones, a[..., :-1].cumprod(-1), axis=a.ndim - 1)


@register
class Cumsum(Function):
    """z = cumulative sum of a along `axis`.   VJP: a_bar = reversed cumsum of g."""

    name = "cumsum"

    @staticmethod
    def forward(ctx, a, axis=0):
        return np.cumsum(a, axis=axis, dtype=a.dtype if a.dtype.kind == "f" else None)

    @staticmethod
    def backward(ctx, g):
        return _reversed_cumsum(g, ctx.params["axis"])


@register
class Cumprod(Function):
    """z = cumulative product of a along `axis`.

    VJP: a_bar_i = sum_{j>=i} g_j z_j / a_i without zeros in a; otherwise
    a_bar_i = (prod_{k<i} a_k) sum_{j>=i} g_j prod_{i<k<=j} a_k.
    """

    name = "cumprod"

    @staticmethod
    def forward(ctx, a, axis=0):
        return np.cumprod(a, axis=axis, dtype=a.dtype if a.dtype.kind == "f" else None)

    @staticmethod
    def backward(ctx, g):
        a, axis = ctx.inputs[0], ctx.params["axis"]
        if np.all(a.data != 0):
            return _reversed_cumsum(g * ctx.output, axis) / a
        a_last, g_last = a.swapaxes(axis, -1), g.swapaxes(axis, -1)
        n = a_last.shape[-1]
        after = Tensor.wrap(np.triu(np.ones((n, n), bool), 1))  # [i, j]: j > i
        one = Tensor.wrap(np.ones((), a.dtype))
        # spans[..., i, j] = prod_{i<k<=j} a_k for j >= i
        spans = Where.apply(after, a_last.unsqueeze(-2), one).cumprod(-1)
        upper = Tensor.wrap(np.triu(np.ones((n, n), a.dtype)))  # [i, j]: j >= i
        inner = (g_last.unsqueeze(-2) * spans * upper).sum(-1)
        return (_exclusive_cumprod(a_last) * inner).swapaxes(axis, -1)


@register
class Prod(Function):
    """z = product of a over `axes`.

    VJP: a_bar = g z / a without zeros in a; otherwise g times the product of the others,
    the exclusive products from the left and from the right.
    """

    name = "prod"

    @staticmethod
    def forward(ctx, a, axes=(), keepdims=False):
        return np.prod(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        a, axes = ctx.inputs[0], ctx.params["axes"]
        g = keep_dims(g, a.shape, axes)
        if np.all(a.data != 0):
            return g * keep_dims(ctx.output, a.shape, axes) / a
        others = [i for i in range(a.ndim) if i not in axes]
        order = (*others, *axes)
        moved = a.permute(*order)
        rows = moved.reshape(*moved.shape[:len(others)], -1)
        left = _exclusive_cumprod(rows)
        right = _exclusive_cumprod(rows.flip(-1)).flip(-1)
        without = (left * right).reshape(moved.shape).permute(*np.argsort(order).tolist())
        return g * without
