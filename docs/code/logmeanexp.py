import numpy as np

import minigrad as mg
from minigrad.autograd import Function


class LogMeanExp(Function):
    """z = log(mean(exp(a))) over the last axis, computed as m + log(mean(exp(a - m))) with
    m = max(a), so that exp never overflows.

    VJP: a_bar = g * softmax(a) = g * exp(a - m) / sum(exp(a - m)).
    """

    name = "logmeanexp"  # the name error messages and drawings show

    @staticmethod
    def forward(ctx, a):
        # NumPy arrays in, a NumPy array out. m is a constant of the computation (the
        # result does not depend on it), so backward may reuse it as it is.
        m = a.max(axis=-1, keepdims=True)
        ctx.save_for_backward(m)
        return np.log(np.mean(np.exp(a - m), axis=-1)) + m[..., 0]

    @staticmethod
    def backward(ctx, g):
        # Tensors in, Tensors out: written with minigrad's own ops, this VJP records a
        # graph of its own under create_graph=True, so second derivatives work too.
        (m,) = ctx.saved
        a = ctx.inputs[0]
        e = (a - mg.tensor(m)).exp()
        return g.unsqueeze(-1) * e / e.sum(axis=-1, keepdims=True)


def logmeanexp(a: mg.Tensor) -> mg.Tensor:
    """log(mean(exp(a))) over the last axis, differentiable to any order."""
    return LogMeanExp.apply(a)
