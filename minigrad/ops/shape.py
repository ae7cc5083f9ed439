"""Shape primitives: reshape, transpose, broadcast_to, indexing, concatenate.

They move elements without changing them, so each VJP moves the gradient back:
reshape undoes the reshape, transpose applies the inverse permutation, broadcasting sums,
indexing scatters (adding where an index repeats), concatenation slices.
"""

from __future__ import annotations

import itertools

import numpy as np

from minigrad.autograd.function import Function
from minigrad.autograd.unbroadcast import sum_to_shape
from minigrad.registry import register


@register
class Reshape(Function):
    """z = a with a new shape (same elements, C order).   VJP: a_bar = g reshaped back."""

    name = "reshape"

    @staticmethod
    def forward(ctx, a, shape=()):
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.inputs[0].shape)


@register
class Transpose(Function):
    """z = a with axes permuted by `axes`.   VJP: a_bar = g permuted by the inverse."""

    name = "transpose"

    @staticmethod
    def forward(ctx, a, axes=()):
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, g):
        return g.permute(*np.argsort(ctx.params["axes"]).tolist())


@register
class BroadcastTo(Function):
    """z = a repeated to `shape` by NumPy broadcasting.   VJP: a_bar = g summed back."""

    name = "broadcast_to"

    @staticmethod
    def forward(ctx, a, shape=()):
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to_shape(g, ctx.inputs[0].shape)


def is_basic_index(index) -> bool:
    """True for indices made of ints, slices, None and Ellipsis: no element repeats."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts
    )


@register
class GetItem(Function):
    """z = a[index] (slices, integer arrays, boolean masks).

    VJP: a_bar = zeros like a, with g added at `index` (repeated indices add up).
    """

    name = "getitem"

    @staticmethod
    def forward(ctx, a, index=()):
        return a[index]

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.apply(g, shape=ctx.inputs[0].shape, index=ctx.params["index"])


@register
class IndexAdd(Function):
    """z = zeros(shape) with g added at `index`: the scatter that undoes indexing.

    VJP: g_bar = z_bar[index].
    """

    name = "index_add"

    @staticmethod
    def forward(ctx, g, shape=(), index=()):
        out = np.zeros(shape, dtype=g.dtype)
        if is_basic_index(index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    @staticmethod
    def backward(ctx, g):
        return g[ctx.params["index"]]


@register
class Concatenate(Function):
    """z = the inputs joined along `axis`.   VJP: each input gets its slice of g."""

    name = "concatenate"

    @staticmethod
    def forward(ctx, *arrays, axis=0):
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, g):
        axis = ctx.params["axis"]
        bounds = np.cumsum([0] + [t.shape[axis] for t in ctx.inputs]).tolist()
        prefix = (slice(None),) * axis
        return tuple(
            g[prefix + (slice(start, stop),)] for start, stop in itertools.pairwise(bounds)
        )
