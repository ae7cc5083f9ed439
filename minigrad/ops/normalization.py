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

The forward pass runs in NumPy (or in numba's compiled loops, see
`minigrad.ops.normalization_kernels`) with few passes over memory. The backward is one
primitive of its own, `batch_norm_backward` (minigrad.ops.normalization_backward): its
forward computes the three gradients above, and its VJP, written with Tensor operations,
is the double backward, so gradients of gradients work.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops import normalization_kernels as kernels
from minigrad.ops.channels import Channels, Statistics
from minigrad.ops.normalization_backward import BatchNormBackward, unpack
from minigrad.registry import register
from minigrad.tensor import Tensor

__all__ = ["STATS_MODES", "TRAINING_STATS", "BatchNormFunction", "Channels", "RunningStats",
           "Statistics", "batch_norm_composed"]

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
        kernel = kernels.active()
        if stats == "running":
            # Copies: the buffers may be updated by a training step before this backward runs.
            out, _, statistics = kernel.forward(xv, ch, weight, bias, eps,
                                                mean=running.mean.data.astype(x.dtype),
                                                var=running.var.data.astype(x.dtype))
        else:
            out, var, statistics = kernel.forward(xv, ch, weight, bias, eps)
            if running is not None:
                running.update(statistics.mean, var, ch.count)
        ctx.save_for_backward(statistics)
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
        """One VJP for every grad mode: the primitive `batch_norm_backward`, whose own VJP
        makes this one differentiable."""
        params = ctx.params
        x, *affine = ctx.inputs
        weight, bias = _split_affine(affine, params["has_weight"], params["has_bias"])
        (statistics,) = ctx.saved
        packed = BatchNormBackward.apply(g, x, *(() if weight is None else (weight,)),
                                         stats=params["stats"], eps=params["eps"],
                                         statistics=statistics,
                                         has_weight=weight is not None)
        dx, dweight, dbias = unpack(packed, x.shape)
        # The packed node depends on all its inputs, each gradient only on some: dx on dy,
        # gamma and (through the batch statistics) x; dgamma = sum(dy x_hat) on dy and x;
        # dbeta = sum(dy) on dy. One whose sources are all constants is a constant, as in
        # the composed graph, not part of a graph.
        through_stats = (x,) if params["stats"] == "batch" else ()
        dx = _constant_unless(dx, g, weight, *through_stats)
        dweight = _constant_unless(dweight, g, x)
        dbias = _constant_unless(dbias, g)
        return (dx,) + (() if weight is None else (dweight,)) + \
            (() if bias is None else (dbias,))


def _constant_unless(t: Tensor, *sources: Tensor | None) -> Tensor:
    """`t`, or its value as a constant when none of the tensors it depends on is in a graph."""
    if any(s is not None and s.requires_grad for s in sources):
        return t
    return Tensor.wrap(t.data)


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
