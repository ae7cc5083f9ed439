"""The affine map of a fully connected layer as one primitive: `y = x W^T + b`."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.registry import register


@register
class LinearFunction(Function):
    """y = x W^T + b, for x of shape (..., in), W of shape (out, in), b of shape (out,).

    VJP (x and g flattened to matrices over their leading axes):
        x_bar = g @ W,    W_bar = g^T @ x,    b_bar = sum of g over the leading axes.

    One node instead of three (transpose, matmul, add) keeps the graph readable and the step
    fast: `W^T` is a view that BLAS reads transposed, never a copy, and no gradient is
    computed for an input that does not need one (the data fed to the first layer).
    The bias is optional: `LinearFunction.apply(x, W)` computes `x W^T`.
    """

    name = "linear"

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        y = np.matmul(x, weight.T)
        if bias is None:
            return y
        if np.result_type(y, bias) != y.dtype:
            return y + bias
        y += bias  # y is a fresh array: adding in place saves one pass over memory
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.inputs[0], ctx.inputs[1]
        x_bar = g @ weight if x.requires_grad else None
        w_bar = b_bar = None
        if weight.requires_grad:
            w_bar = g.reshape(-1, g.shape[-1]).mT @ x.reshape(-1, x.shape[-1])
        if len(ctx.inputs) == 3 and ctx.inputs[2].requires_grad:
            b_bar = g.sum(axis=tuple(range(g.ndim - 1))) if g.ndim > 1 else g
        return x_bar, w_bar, b_bar
