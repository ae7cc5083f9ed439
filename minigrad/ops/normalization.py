"""Batch Normalization as one primitive, with the paper's analytic backward.

For an input of shape (N, C, *spatial), each channel c is normalized over the m = N * prod(
spatial) values it takes in the batch (Ioffe & Szegedy 2015, Algorithm 1):

    mu = (1/m) sum_i x_i              sigma^2 = (1/m) sum_i (x_i - mu)^2   (biased)
    x_hat_i = (x_i - mu) / sqrt(sigma^2 + eps)
    y_i = gamma * x_hat_i + beta

`stats` says where mu and sigma^2 come from and whether the gradient sees them:

* "batch": the mini-batch statistics, differentiated through (real BatchNorm). With
  s = sqrt(sigma^2 + eps) and dx_hat = gamma * dy, the gradient in the paper's compact form is

      dx = 1/(m s) * (m dx_hat - sum(dx_hat) - x_hat * sum(dx_hat * x_hat)).

  Summed over the batch, dx is zero (sum(x_hat) = 0): a bias added before the normalization
  gets no gradient, which is why BatchNorm drops it and beta takes its role.
* "detached": the same mini-batch statistics, but treated as constants by the gradient, as
  if the normalization were computed outside the gradient step (section 2 of the paper):
  dx = gamma / s * dy, whose batch sum is not zero.
* "running": the running statistics (evaluation mode), constants by nature: dx = gamma/s * dy.

In every mode  dgamma = sum(dy * x_hat)  and  dbeta = sum(dy)  (sums over all axes but 1).

The forward pass and the first-order backward run in NumPy with few passes over memory;
when a graph of the backward is requested (`create_graph=True`), the same formulas are
evaluated with Tensor operations instead, so gradients of gradients work.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.autograd.function import Function
from minigrad.autograd.grad_mode import is_grad_enabled
from minigrad.registry import register
from minigrad.tensor import Tensor

STATS_MODES = ("batch", "detached", "running")
TRAINING_STATS = ("batch", "detached")


class RunningStats:
    """The running-statistics buffers a batch_norm call reads (mode "running") or updates
    (training modes): `running = (1 - momentum) * running + momentum * batch`, with the
    *unbiased* batch variance for the variance, as PyTorch does."""

    __slots__ = ("mean", "momentum", "var")

    def __init__(self, mean: Tensor, var: Tensor, momentum: float) -> None:
        self.mean, self.var, self.momentum = mean, var, momentum

    def update(self, batch_mean: np.ndarray, batch_var: np.ndarray, count: int) -> None:
        """Blend one batch's statistics (`batch_var` biased, over `count` values) in place."""
        unbiased = batch_var * (count / (count - 1))
        for buffer, batch in ((self.mean.data, batch_mean), (self.var.data, unbiased)):
            buffer *= 1.0 - self.momentum
            buffer += self.momentum * batch.astype(buffer.dtype, copy=False)

    def __repr__(self) -> str:
        return f"RunningStats(momentum={self.momentum})"


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


def _split_affine(affine: tuple, has_weight: bool, has_bias: bool):
    weight = affine[0] if has_weight else None
    bias = affine[-1] if has_bias else None
    return weight, bias


@register
class BatchNormFunction(Function):
    """y = gamma * (x - mu) / sqrt(sigma^2 + eps) + beta over all axes but 1; see the module
    docstring for the modes and the VJP.

    Inputs: x, then the weight gamma if `has_weight`, then the bias beta if `has_bias`.
    `running` (a `RunningStats` or None) supplies the statistics in mode "running" and is
    updated with the batch statistics in the training modes.
    """

    name = "batch_norm"

    @staticmethod
    def forward(ctx, x, *affine, stats="batch", eps=1e-5, running=None, has_weight=False,
                has_bias=False):
        weight, bias = _split_affine(affine, has_weight, has_bias)
        ch = Channels(x.shape)
        xv = x.reshape(ch.view)
        if stats == "running":
            # Copies: the buffers may be updated by a training step before this backward runs.
            mean = running.mean.data.astype(x.dtype)
            var = running.var.data.astype(x.dtype)
            centered = np.subtract(xv, ch.column(mean))
        else:
            # Five passes over memory in all (sum, subtract, dot, scale, shift); the
            # variance is the exact two-pass one, taken without writing centered^2.
            mean = ch.sum(xv)
            mean /= ch.count
            centered = np.subtract(xv, ch.column(mean))
            var = ch.dot(centered, centered)
            var /= ch.count
            if running is not None:
                running.update(mean, var, ch.count)
        inv_std = 1.0 / np.sqrt(var + eps)
        out = np.multiply(centered, ch.column(inv_std if weight is None else inv_std * weight))
        if bias is not None:
            out += ch.column(bias)
        ctx.save_for_backward(centered, mean, inv_std)
        return out.reshape(x.shape)

    @staticmethod
    def expand(node) -> Tensor:
        """The node's computation spelled with primitives (`batch_norm_composed`) on its
        inputs; training modes pass no running statistics, so nothing is updated."""
        params = node.params
        weight, bias = _split_affine(node.inputs[1:], params["has_weight"], params["has_bias"])
        running = params["running"] if params["stats"] == "running" else None
        return batch_norm_composed(node.inputs[0], weight, bias, stats=params["stats"],
                                   eps=params["eps"], running=running)

    @staticmethod
    def backward(ctx, g):
        if is_grad_enabled():  # create_graph=True: a differentiable backward
            return _backward_with_tensors(ctx, g)
        return _backward_with_numpy(ctx, g)


def _backward_with_numpy(ctx, g: Tensor) -> tuple:
    """The VJP in NumPy, in the compact form; nothing is computed for inputs that do not
    need a gradient."""
    params = ctx.params
    x = ctx.inputs[0]
    weight, bias = _split_affine(ctx.inputs[1:], params["has_weight"], params["has_bias"])
    centered, _, inv_std = ctx.saved
    ch = Channels(x.shape)
    gv = g.data.reshape(ch.view)
    through_stats = params["stats"] == "batch"
    need_x = x.requires_grad
    need_weight = weight is not None and weight.requires_grad
    need_bias = bias is not None and bias.requires_grad

    # sum(dy) and sum(dy * x_hat) = inv_std * sum(dy * centered): reductions, no writes
    sum_g = ch.sum(gv) if need_bias or (need_x and through_stats) else None
    sum_g_xhat = None
    if need_weight or (need_x and through_stats):
        sum_g_xhat = ch.dot(gv, centered)
        sum_g_xhat *= inv_std
    dx = None
    if need_x:
        a = inv_std if weight is None else inv_std * weight.data  # gamma / s
        if through_stats:
            # dx = a (dy - x_hat mean(dy x_hat) - mean(dy)), x_hat = centered * inv_std:
            # four passes, one new array.
            dx = np.multiply(centered, ch.column(inv_std * sum_g_xhat / ch.count))
            np.subtract(gv, dx, out=dx)
            dx -= ch.column(sum_g / ch.count)
            dx *= ch.column(a)
        else:
            dx = np.multiply(gv, ch.column(a))
        dx = Tensor.wrap(dx.reshape(x.shape))
    grads = [dx]
    if weight is not None:
        grads.append(Tensor.wrap(sum_g_xhat) if need_weight else None)
    if bias is not None:
        grads.append(Tensor.wrap(sum_g) if need_bias else None)
    return tuple(grads)


def _backward_with_tensors(ctx, g: Tensor) -> tuple:
    """The same VJP written with Tensor operations, so it is differentiable again."""
    params = ctx.params
    x = ctx.inputs[0]
    weight, bias = _split_affine(ctx.inputs[1:], params["has_weight"], params["has_bias"])
    ch = Channels(x.shape)
    shape = ch.broadcast_shape()
    through_stats = params["stats"] == "batch"
    if through_stats:
        mean = x.mean(ch.axes, keepdims=True)
        inv_std = 1.0 / (x.var(ch.axes, keepdims=True, correction=0) + params["eps"]).sqrt()
    else:  # constants: the saved statistics
        _, mean_array, inv_std_array = ctx.saved
        mean = Tensor.wrap(mean_array.reshape(shape))
        inv_std = Tensor.wrap(inv_std_array.reshape(shape))
    x_hat = (x - mean) * inv_std
    g_hat = g if weight is None else g * weight.reshape(shape)
    if through_stats:
        dx = (g_hat - g_hat.mean(ch.axes, keepdims=True)
              - x_hat * (g_hat * x_hat).mean(ch.axes, keepdims=True)) * inv_std
    else:
        dx = g_hat * inv_std
    grads = [dx]
    if weight is not None:
        grads.append((g * x_hat).sum(ch.axes))
    if bias is not None:
        grads.append(g.sum(ch.axes))
    return tuple(grads)


def batch_norm_composed(x: Tensor, weight: Tensor | None, bias: Tensor | None, *, stats: str,
                        eps: float, running: RunningStats | None = None) -> Tensor:
    """`batch_norm` spelled with primitives, one per step of Algorithm 1 of the paper, so a
    drawing of the graph shows each step:

        mean -> sub -> var -> add (eps) -> sqrt -> div -> mul (gamma) -> add (beta)

    It computes what the fused op computes (the tests hold the two to 1e-10 in float64, in
    every mode and layout) and updates `running` the same way. With `stats="detached"` the
    mean and the standard deviation sqrt(var + eps) are detached where they enter `sub` and
    `div`: a drawing shows the two cut edges through which no gradient flows. (Detaching
    the variance itself would leave nothing to draw: `add` and `sqrt` applied to a constant
    are not recorded.)
    """
    mode = stats
    ch = Channels(x.shape)
    shape = ch.broadcast_shape()
    if mode == "running":
        mean = Tensor.wrap(running.mean.data.astype(x.dtype).reshape(shape))
        var = Tensor.wrap(running.var.data.astype(x.dtype).reshape(shape))
    else:
        mean = x.mean(ch.axes, keepdims=True)
        var = x.var(ch.axes, keepdims=True, correction=0)
        if running is not None:
            running.update(mean.data.reshape(ch.c), var.data.reshape(ch.c), ch.count)
    std = (var + eps).sqrt()
    if mode == "detached":
        mean, std = mean.detach(), std.detach()
    y = (x - mean) / std
    if weight is not None:
        y = y * (weight if x.ndim == 2 else weight.reshape(shape))
    if bias is not None:
        y = y + (bias if x.ndim == 2 else bias.reshape(shape))
    return y
