"""Conversions to Python and NumPy, and the factories: values and dtypes as PyTorch's."""

from __future__ import annotations

import numpy as np
import torch

import minigrad as mg
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _scalar(dtype):
    return [Sample((np.array([2.5], dtype),), {}, "one-element")]


def _factory(name, op, ref, covers, **options):
    """A factory called with no tensor input: the sample carries the dtype's name."""
    def samples(dtype):
        return [Sample((), {"dtype": np.dtype(dtype)}, dtype.name,
                       ref_kwargs={"dtype": getattr(torch, dtype.name)})]
    return OpInfo(name, op, ref, samples, covers, differentiable=False, **options)


def _like(name, op, ref, covers):
    return OpInfo(name, op, ref, lambda d: [Sample((gen.normal((2, 3), d),), {}, "2x3")], covers,
                  differentiable=False)


PRECISION = Difference(
    "Python floats (and lists of them) become the default dtype, float32, as in PyTorch; "
    "NumPy float64 arrays and scalars keep float64 (PyTorch's torch.tensor does the same for "
    "arrays)",
    "a NumPy array's dtype is the user's explicit choice")

OPS = [
    OpInfo("item", lambda a: a.item(), lambda a: a.item(), _scalar, ("Tensor.item",),
           differentiable=False),
    OpInfo("float()", lambda a: float(a), lambda a: float(a), _scalar, ("Tensor.__float__",),
           differentiable=False),
    OpInfo("int()", lambda a: int(a), lambda a: int(a), _scalar, ("Tensor.__int__",),
           differentiable=False),
    OpInfo("bool()", lambda a: bool(a), lambda a: bool(a), _scalar, ("Tensor.__bool__",),
           differentiable=False),
    OpInfo("index", lambda a: [10, 20, 30][a.long()], lambda a: [10, 20, 30][a.long()],
           lambda d: [Sample((np.array(1.0, d),), {}, "0-d")], ("Tensor.__index__",),
           differentiable=False),
    OpInfo("tolist", lambda a: a.tolist(), lambda a: a.tolist(),
           lambda d: [Sample((gen.normal((2, 3), d),), {}, "2x3")], ("Tensor.tolist",),
           differentiable=False),
    OpInfo("numpy", lambda a: a.numpy(), lambda a: a.detach().numpy(),
           lambda d: [Sample((gen.normal((2, 3), d),), {}, "2x3")], ("Tensor.numpy",),
           differences=(Difference(
               "x.numpy() works on a tensor that requires grad (the shared array, outside the "
               "graph)", "PyTorch asks for x.detach().numpy(); the array is the same"),),
           differentiable=False),
    OpInfo("detach", lambda a: a.detach(), lambda a: a.detach(),
           lambda d: [Sample((gen.normal((2, 3), d),), {}, "2x3")], ("Tensor.detach",),
           differentiable=False),
    _factory("zeros", lambda **k: mg.zeros(2, 3, **k), lambda **k: torch.zeros(2, 3, **k),
             ("mg.zeros",)),
    _factory("ones", lambda **k: mg.ones((2, 3), **k), lambda **k: torch.ones((2, 3), **k),
             ("mg.ones",)),
    _factory("full", lambda **k: mg.full((2, 3), 0.1, **k),
             lambda **k: torch.full((2, 3), 0.1, **k), ("mg.full",)),
    _factory("eye", lambda **k: mg.eye(3, 2, **k), lambda **k: torch.eye(3, 2, **k),
             ("mg.eye",)),
    _factory("arange", lambda **k: mg.arange(0.1, 1.0, 0.2, **k),
             lambda **k: torch.arange(0.1, 1.0, 0.2, **k), ("mg.arange",)),
    _factory("tensor", lambda **k: mg.tensor([[0.1, 1e-8], [3.3, -2.7]], **k),
             lambda **k: torch.tensor([[0.1, 1e-8], [3.3, -2.7]], **k), ("mg.tensor",),
             differences=(PRECISION,)),
    _factory("as_tensor", lambda **k: mg.as_tensor([0.1, 0.7], **k),
             lambda **k: torch.as_tensor([0.1, 0.7], **k), ("mg.as_tensor",)),
    _factory("tensor-of-tensor", lambda **k: mg.tensor(mg.tensor([0.1], dtype=np.float64), **k),
             lambda **k: torch.tensor(torch.tensor([0.1], dtype=torch.float64), **k), ()),
    _factory("zeros_like-dtype", lambda **k: mg.zeros_like(mg.ones(2), **k),
             lambda **k: torch.zeros_like(torch.ones(2), **k), ()),
    OpInfo("default-dtype", lambda: (mg.tensor(0.1), mg.tensor([1.5, 2]), mg.zeros(1),
                                     mg.tensor(3), mg.tensor(True), mg.arange(3),
                                     mg.tensor([np.float64(0.1), 2.0]), mg.tensor(np.float64(0.1)),
                                     mg.tensor([np.float32(0.1)]), mg.full((2,), 7),
                                     mg.full((1,), np.float64(0.1)), mg.full((1,), np.int32(3)),
                                     mg.tensor([[1, 2]], dtype=np.float64) + 0.1),
           lambda: (torch.tensor(0.1), torch.tensor([1.5, 2]), torch.zeros(1),
                    torch.tensor(3), torch.tensor(True), torch.arange(3),
                    torch.tensor([np.float64(0.1), 2.0]), torch.tensor(np.float64(0.1)),
                    torch.tensor([np.float32(0.1)]), torch.full((2,), 7),
                    torch.full((1,), np.float64(0.1)), torch.full((1,), np.int32(3)),
                    torch.tensor([[1, 2]], dtype=torch.float64) + 0.1),
           lambda d: [Sample((), {}, "python-numbers")], (), differentiable=False,
           dtypes=(np.float32,)),
    _like("zeros_like", mg.zeros_like, torch.zeros_like, ("mg.zeros_like",)),
    _like("ones_like", mg.ones_like, torch.ones_like, ("mg.ones_like",)),
]
