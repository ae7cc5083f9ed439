"""Matrix products and the neural-network functionals: linear, losses, normalization."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as tnf

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - PyTorch's spelling
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _matmul_samples(dtype):
    n = gen.normal
    return [Sample((n((2, 3), dtype), n((3, 4), dtype, 1)), {}, "matrix", second_order=True),
            Sample((n((3,), dtype), n((3, 4), dtype, 1)), {}, "vector-matrix"),
            Sample((n((2, 3), dtype), n((3,), dtype, 1)), {}, "matrix-vector"),
            Sample((n((3,), dtype), n((3,), dtype, 1)), {}, "dot"),
            Sample((n((2, 1, 2, 3), dtype), n((4, 3, 2), dtype, 1)), {}, "batch-broadcast"),
            Sample((n((0, 3), dtype), n((3, 2), dtype, 1)), {}, "empty"),
            Sample((gen.non_contiguous(dtype), gen.negative_stride(dtype)[:4, :3]), {}, "views")]


def _linear_samples(dtype):
    n = gen.normal
    return [Sample((n((4, 3), dtype), n((2, 3), dtype, 1), n((2,), dtype, 2)), {}, "bias",
                   second_order=True),
            Sample((n((5, 4, 3), dtype), n((2, 3), dtype, 1)), {}, "no-bias-batch"),
            Sample((n((3,), dtype), n((2, 3), dtype, 1), n((2,), dtype, 2)), {}, "1-d"),
            Sample((n((0, 3), dtype), n((2, 3), dtype, 1)), {}, "empty")]


def _ce_samples(dtype):
    n = gen.normal
    logits, probs = n((4, 5), dtype), gen.rng(3).dirichlet(np.ones(5), 4).astype(dtype)
    weight = gen.positive((5,), dtype, 4)
    targets = np.array([0, 4, 2, 2])
    return [
        Sample((logits, targets), {}, "indices", second_order=True),
        Sample((logits, np.array([0, -100, 2, 1])), {"label_smoothing": 0.2}, "ignore-smooth"),
        Sample((logits, targets), {"reduction": "sum"}, "sum"),
        Sample((logits, targets), {"reduction": "none"}, "none"),
        Sample((logits, np.array([1, 1, -1, 3]), weight), {"ignore_index": -1}, "weight",
               second_order=True),
        Sample((logits, targets, weight), {"label_smoothing": 0.1, "reduction": "none"},
               "weight-smooth"),
        Sample((logits, probs), {}, "probabilities", second_order=True),
        Sample((logits, probs, weight), {"label_smoothing": 0.3}, "probabilities-weight"),
        Sample((n((2, 5, 3), dtype), np.array([[0, 1, 4], [2, 3, 3]])), {}, "spatial"),
        Sample((n((5,), dtype), np.array(3)), {}, "unbatched"),
    ]


def _ce(x, target, weight=None, **kwargs):
    return F.cross_entropy(x, target, weight, **kwargs)


def _ce_torch(x, target, weight=None, **kwargs):
    return tnf.cross_entropy(x, target, weight, **kwargs)


def _mse_samples(dtype):
    n = gen.normal
    return [Sample((n((3, 4), dtype), n((3, 4), dtype, 1)), {}, "mean", second_order=True),
            Sample((n((3, 4), dtype), n((3, 4), dtype, 1)), {"reduction": "sum"}, "sum"),
            Sample((n((3, 4), dtype), n((3, 4), dtype, 1)), {"reduction": "none"}, "none")]


def _bce_samples(dtype):
    x, t = gen.normal((3, 4), dtype), gen.rng(5).uniform(0, 1, (3, 4)).astype(dtype)
    return [Sample((x, t), {}, "mean", second_order=True),
            Sample((x * 50, t), {"reduction": "sum"}, "large-logits"),
            Sample((x, t, gen.positive((3, 4), dtype)), {"reduction": "none"}, "weight"),
            Sample((x, t), {"pos_weight": gen.positive((4,), dtype, 2)}, "pos_weight")]


def _bce(x, t, weight=None, **kwargs):
    if "pos_weight" in kwargs:
        kwargs["pos_weight"] = mg.tensor(kwargs["pos_weight"])
    return F.binary_cross_entropy_with_logits(x, t, weight, **kwargs)


def _bce_torch(x, t, weight=None, **kwargs):
    if "pos_weight" in kwargs:
        kwargs["pos_weight"] = torch.tensor(kwargs["pos_weight"])
    return tnf.binary_cross_entropy_with_logits(x, t, weight, **kwargs)


def _layer_norm_samples(dtype):
    n = gen.normal
    return [Sample((n((4, 3), dtype), (3,), n((3,), dtype, 1), n((3,), dtype, 2)), {},
                   "affine", second_order=True),
            Sample((n((2, 3, 4), dtype), (3, 4)), {}, "two-dims")]


def _batch_norm_samples(dtype):
    n = gen.normal
    x, w, b = n((6, 3), dtype), gen.positive((3,), dtype, 1), n((3,), dtype, 2)
    mean, var = n((3,), dtype, 3), gen.positive((3,), dtype, 4)
    return [Sample((x, mean, var, w, b), {"training": True}, "train", second_order=True),
            Sample((n((4, 3, 5), dtype), mean, var), {"training": True, "momentum": 0.3},
                   "train-3d"),
            Sample((x, mean, var, w, b), {"training": False}, "eval")]


def _batch_norm(x, mean, var, weight=None, bias=None, **kwargs):
    # running statistics are buffers (they never require grad); fresh copies each call
    return F.batch_norm(x, mg.tensor(mean.data.copy()), mg.tensor(var.data.copy()), weight,
                        bias, **kwargs)


def _batch_norm_torch(x, mean, var, weight=None, bias=None, **kwargs):
    return tnf.batch_norm(x, mean.detach().clone(), var.detach().clone(), weight, bias,
                         **kwargs)


def _dropout_samples(dtype):
    return [Sample((gen.normal((3, 4), dtype),), {"p": 0.0}, "p=0", second_order=True),
            Sample((gen.normal((3, 4), dtype),), {"p": 0.5, "training": False}, "eval")]


OPS = [
    OpInfo("matmul", mg.matmul, torch.matmul, _matmul_samples,
           ("matmul", "Tensor.__matmul__", "mg.matmul")),
    OpInfo("rmatmul", lambda b: gen.normal((2, 3), b.dtype) @ b,
           lambda b: torch.tensor(gen.normal((2, 3), str(b.dtype).split(".")[-1])) @ b,
           lambda d: [Sample((gen.normal((3, 4), d, 1),), {}, "array@tensor")],
           ("Tensor.__rmatmul__",)),
    OpInfo("mm", lambda a, b: a.mm(b), lambda a, b: a.mm(b),
           lambda d: _matmul_samples(d)[:1], ("Tensor.mm", "Tensor.matmul")),
    OpInfo("mg.mm", mg.mm, torch.mm, lambda d: _matmul_samples(d)[:1], ("mg.mm",)),
    OpInfo("dot", lambda a, b: a.dot(b), lambda a, b: a.dot(b),
           lambda d: [s for s in _matmul_samples(d) if s.name == "dot"],
           ("Tensor.dot", "mg.dot")),
    OpInfo("linear", F.linear, tnf.linear, _linear_samples, ("linear", "F.linear")),
    OpInfo("cross_entropy", _ce, _ce_torch, _ce_samples,
           ("cross_entropy", "F.cross_entropy"), grad_args=(0, 1),
           differences=(Difference(
               "nn.CrossEntropyLoss takes reduction, label_smoothing and ignore_index first "
               "and weight by keyword",
               "existing positional calls keep their meaning; F.cross_entropy has PyTorch's "
               "order"),)),
    OpInfo("mse_loss", F.mse_loss, tnf.mse_loss, _mse_samples, ("F.mse_loss",),
           differences=(Difference(
               "mse_loss and binary_cross_entropy_with_logits refuse inputs and targets of "
               "different shapes",
               "PyTorch broadcasts them with a warning; that is almost always a bug"),)),
    OpInfo("bce_with_logits", _bce, _bce_torch, _bce_samples,
           ("F.binary_cross_entropy_with_logits",), grad_args=(0, 1)),
    OpInfo("layer_norm", F.layer_norm, tnf.layer_norm, _layer_norm_samples, ("F.layer_norm",)),
    OpInfo("batch_norm", _batch_norm, _batch_norm_torch, _batch_norm_samples,
           # its gradients, compared with PyTorch's, are batch_norm_backward's forward
           ("batch_norm", "batch_norm_backward", "F.batch_norm"), grad_args=(0, 3, 4)),
    OpInfo("dropout-off", F.dropout, tnf.dropout, _dropout_samples, ()),
]
