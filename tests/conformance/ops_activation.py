"""Activations and erf: Tensor methods, module functions and their nn.functional names."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as tnf

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - PyTorch's spelling
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _unary(name, op, ref, covers, draw=gen.normal, **options):
    return OpInfo(name, op, ref, lambda d: gen.unary(d, draw), covers, **options)


def _softplus_samples(dtype):
    return gen.unary(dtype) + [
        Sample((gen.normal((2, 3), dtype) * 10,), {"beta": 2.0, "threshold": 5.0}, "beta"),
        Sample((gen.normal((4,), dtype) * 30,), {"threshold": 20.0}, "threshold")]


def _gelu_samples(dtype):
    tanh_form = Sample((gen.normal((2, 3), dtype),), {"approximate": "tanh"}, "tanh",
                       second_order=True)
    return [*gen.unary(dtype, edges=dtype == np.float64), tanh_form]


OPS = [
    _unary("relu", mg.relu, torch.relu, ("relu", "Tensor.relu", "mg.relu", "F.relu")),
    _unary("F.relu", F.relu, tnf.relu, ()),
    _unary("tanh", mg.tanh, torch.tanh, ("tanh", "Tensor.tanh", "mg.tanh", "F.tanh")),
    _unary("F.tanh", F.tanh, torch.tanh, ()),
    _unary("sigmoid", mg.sigmoid, torch.sigmoid,
           ("sigmoid", "Tensor.sigmoid", "mg.sigmoid", "F.sigmoid")),
    _unary("F.sigmoid", F.sigmoid, torch.sigmoid, ()),
    OpInfo("softplus", mg.softplus, tnf.softplus, _softplus_samples,
           ("softplus", "Tensor.softplus", "mg.softplus")),
    OpInfo("F.softplus", F.softplus, tnf.softplus, _softplus_samples, ("F.softplus",)),
    OpInfo("gelu", mg.gelu, tnf.gelu, _gelu_samples, ("gelu", "Tensor.gelu", "mg.gelu"),
           differences=(Difference(
               "gelu(+inf) is +inf in float32 as in float64",
               "PyTorch's float32 CPU kernel gives NaN there (its float64 one gives inf); "
               "the float32 edge values are left out of the table for that reason"),)),
    OpInfo("F.gelu", F.gelu, tnf.gelu, _gelu_samples, ("F.gelu",)),
    _unary("erf", mg.erf, torch.erf, ("erf", "Tensor.erf", "mg.erf")),
    OpInfo("F.softmax", F.softmax, tnf.softmax,
           lambda d: [Sample((gen.normal((2, 3), d),), {"dim": 0}, "dim=0", second_order=True),
                      Sample((gen.normal((2, 3), d),), {"dim": -1}, "dim=-1")],
           ("F.softmax",)),
    OpInfo("F.log_softmax", F.log_softmax, tnf.log_softmax,
           lambda d: [Sample((gen.normal((2, 3), d),), {"dim": 1}, "dim=1", second_order=True)],
           ("F.log_softmax",)),
]
