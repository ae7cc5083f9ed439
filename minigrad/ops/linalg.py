"""Matrix products: `matmul` (NumPy's rules for 1-D operands and batch broadcasting) and
the fused affine map of a fully connected layer, `linear` (y = x W^T + b)."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.registry import register


@register
class MatMul(Function):
    """z = a @ b.

    VJP (for matrices; batch axes broadcast and the engine sums them back):
        a_bar = g @ b^T,   b_bar = a^T @ g.
    A 1-D `a` is treated as a row (1, k) and a 1-D `b` as a column (k, 1), as NumPy does,
    and the added axis is removed again from the gradient.
    """

    name = "matmul"

    @staticmethod
    def forward(ctx, a, b):
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        a2 = a.reshape(1, a.shape[0]) if a.ndim == 1 else a
        b2 = b.reshape(b.shape[0], 1) if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g2 = g.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        a_bar = b_bar = None
        if a.requires_grad:
            a_bar = g2 @ b2.mT
            if a.ndim == 1:  # drop the row axis that was added: (..., 1, k) -> (..., k)
                a_bar = a_bar.reshape(a_bar.shape[:-2] + a_bar.shape[-1:])
        if b.requires_grad:
            b_bar = a2.mT @ g2
            if b.ndim == 1:  # drop the column axis that was added: (..., k, 1) -> (..., k)
                b_bar = b_bar.reshape(b_bar.shape[:-1])
        return a_bar, b_bar


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
    def expand(node):
        """`x @ W^T (+ b)` as `matmul` of the transposed weight and `add`."""
        x, weight, *bias = node.inputs
        y = x @ weight.mT
        return y + bias[0] if bias else y

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
