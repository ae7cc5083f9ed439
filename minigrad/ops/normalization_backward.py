"""The fused BatchNorm's backward as a primitive of its own, so that the fused op has
exactly one backward and its double backward is this primitive's VJP (as in PyTorch,
where `native_batch_norm_backward` has a derivative formula of its own).

For each channel, with m values, s = 1/sqrt(sigma^2 + eps), x_hat = (x - mu) s and
a = gamma s, the forward of `batch_norm_backward` maps (dy, x, gamma) to

    dx     = a (dy - (sum(dy) + x_hat sum(dy x_hat)) / m)     mode "batch" (compact form)
    dx     = a dy                                             modes "detached", "running"
    dgamma = sum(dy x_hat)          dbeta = sum(dy)

In mode "batch" mu and s are the statistics of x and its VJP differentiates through them;
in the other modes they are constants (the `Statistics` the forward used).

**Several outputs, one primitive.** The engine knows single-output nodes only, so the
three results travel packed in one flat array, `[dx (x.size values), dgamma (C), dbeta
(C)]`, and `unpack` takes them out as views (a `getitem` and a `reshape`, which copy
nothing). A gradient flowing back into any of the three reaches this node through those
views, and the VJP below unpacks the packed cotangent the same way.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops import normalization_kernels as kernels
from minigrad.ops.channels import Channels, Statistics
from minigrad.registry import register
from minigrad.tensor import Tensor


def unpack(packed: Tensor, shape: tuple[int, ...]) -> tuple[Tensor, Tensor, Tensor]:
    """(dx, dgamma, dbeta) as views of a packed `batch_norm_backward` output (or of its
    cotangent); dx takes `shape`."""
    size, c = packed.shape[0] - 2 * shape[1], shape[1]
    if not packed.requires_grad:  # constants: plain views, nothing to record
        array = packed.data
        return (Tensor.wrap(array[:size].reshape(shape)), Tensor.wrap(array[size:size + c]),
                Tensor.wrap(array[size + c:]))
    return packed[:size].reshape(shape), packed[size:size + c], packed[size + c:]


@register
class BatchNormBackward(Function):
    """(dy, x, gamma) -> packed (dx, dgamma, dbeta) of `batch_norm`; see the module
    docstring for the math and the packing.

    Inputs: the upstream gradient dy, the input x, then gamma if `has_weight`. Params:
    `stats` (the forward's mode), `eps`, and `statistics`: the forward's `Statistics`
    (required in modes "detached" and "running"; in mode "batch", computed from x when
    None).

    VJP, for cotangents u (of dx), p (of dgamma) and q (of dbeta), with
    P(v) = s (v - mean(v) - x_hat mean(v x_hat)) (the normalization's own VJP):

        constant statistics:  dy_bar = a u + p x_hat + q
                              x_bar = p s dy
                              gamma_bar = sum(u s dy)
        batch statistics:     dy_bar = gamma P(u) + p x_hat + q
                              gamma_bar = sum(u dx) / gamma
                              x_bar = P(v) - (s^2 / m) x_hat L_s, where
                              v = p dy - (a / m) (dy sum(u x_hat) + u sum(dy x_hat)) and
                              L_s = gamma (sum(u dy) - sum(dy) sum(u) / m
                                           - sum(dy x_hat) sum(u x_hat) / m)

    (x_bar differentiates L = sum(u dx) + p dgamma + q dbeta through x_hat at fixed s, then
    through s = (var + eps)^(-1/2), whose derivative is ds/dx = -s^2 x_hat / m.) The VJP is
    written with Tensor operations, so it is differentiable again.
    """

    name = "batch_norm_backward"

    @staticmethod
    def forward(ctx, g, x, *weight, stats="batch", eps=1e-5, statistics=None,
                has_weight=False):
        ch = Channels(x.shape)
        if statistics is None:
            if stats != "batch":
                raise ValueError(f"batch_norm_backward: mode {stats!r} needs the statistics "
                                 "the forward pass used (statistics=...)")
            statistics = Statistics.of(x, eps)
        packed = np.empty(x.size + 2 * ch.c, dtype=x.dtype)
        dx = packed[:x.size].reshape(ch.view)
        sums = packed[x.size:].reshape(2, ch.c)
        kernels.active().backward(g.reshape(ch.view), x.reshape(ch.view), ch, statistics,
                                  weight[0] if has_weight else None, stats == "batch", dx,
                                  sums)
        return packed

    @staticmethod
    def backward(ctx, packed_grad):
        params = ctx.params
        g, x = ctx.inputs[:2]
        weight = ctx.inputs[2] if params["has_weight"] else None
        ch = Channels(x.shape)
        shape = ch.broadcast_shape()
        u, p, q = unpack(packed_grad, x.shape)
        p, q = p.reshape(shape), q.reshape(shape)
        if params["stats"] == "batch":
            mean = x.mean(ch.axes, keepdims=True)
            s = 1.0 / (x.var(ch.axes, keepdims=True, correction=0) + params["eps"]).sqrt()
        else:  # constants: the statistics the forward pass used
            statistics = params["statistics"]
            mean = Tensor.wrap(statistics.mean.reshape(shape))
            s = Tensor.wrap(statistics.inv_std.reshape(shape))
        x_hat = (x - mean) * s
        gamma = None if weight is None else weight.reshape(shape)
        a = s if gamma is None else gamma * s

        def total(t):
            return t.sum(ch.axes, keepdims=True)

        if params["stats"] != "batch":
            g_bar = a * u + p * x_hat + q
            x_bar = p * s * g
            weight_bar = None if gamma is None else (u * s * g).sum(ch.axes)
            return (g_bar, x_bar) + (() if gamma is None else (weight_bar,))

        m = ch.count

        def project(v):  # the normalization's VJP: P(v)
            return s * (v - total(v) / m - x_hat * (total(v * x_hat) / m))

        sum_g, sum_g_xhat = total(g), total(g * x_hat)
        sum_u, sum_u_xhat = total(u), total(u * x_hat)
        pu = project(u)
        g_bar = (pu if gamma is None else gamma * pu) + p * x_hat + q
        v = p * g - (a / m) * (g * sum_u_xhat + u * sum_g_xhat)
        l_s = total(u * g) - sum_g * sum_u / m - sum_g_xhat * sum_u_xhat / m
        if gamma is not None:
            l_s = gamma * l_s
        x_bar = project(v) - (s * s / m) * x_hat * l_s
        if gamma is None:
            return g_bar, x_bar
        weight_bar = (u * s * (g - (sum_g + x_hat * sum_g_xhat) / m)).sum(ch.axes)
        return g_bar, x_bar, weight_bar
