"""Matrix multiplication, with NumPy's rules for 1-D operands and batch broadcasting."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.registry import register


def check_matmul_shapes(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    """Raise a ValueError naming both shapes when `a @ b` is undefined."""
    if not a_shape or not b_shape:
        raise ValueError(f"matmul: shapes {a_shape} and {b_shape}: operands must be at least 1-D")
    inner_a, inner_b = a_shape[-1], b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape} are not aligned ({inner_a} != {inner_b})"
        )
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape}: batch dimensions "
            f"{a_shape[:-2]} and {b_shape[:-2]} do not broadcast"
        ) from None


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
