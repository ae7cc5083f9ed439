"""Shapes, views and indexing: reshape, permute/transpose, squeeze, broadcasting, getitem,
concatenation."""

from __future__ import annotations

import numpy as np
import torch

import minigrad as mg
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _one(name, op, ref, calls, covers, **options):
    """Samples: each `(shape, args, kwargs)` in `calls` on a fresh normal array, and the
    first call again on a non-contiguous view and on a negative-stride view of that shape."""
    def samples(dtype):
        out = [Sample((gen.normal(shape, dtype), *args), kwargs, f"{shape}-{args}-{kwargs}",
                      second_order=k == 0) for k, (shape, args, kwargs) in enumerate(calls)]
        shape, args, kwargs = calls[0]
        if shape:
            wide = gen.normal((*shape[:-1], 2 * shape[-1]), dtype, 1)[..., ::2]
            out += [Sample((wide, *args), kwargs, "non-contiguous"),
                    Sample((gen.normal(shape, dtype, 2)[::-1], *args), kwargs, "negative-stride")]
        return out
    return OpInfo(name, op, ref, samples, covers, **options)


def _m(name):
    return lambda a, *args, **kwargs: getattr(a, name)(*args, **kwargs)


def _index_samples(dtype):
    x = gen.normal((3, 5, 4), dtype)
    return [
        Sample((x, (1, slice(None), [0, 1])), {}, "int-slice-list", second_order=True),
        Sample((x, ([0, 2], 1)), {}, "list-int"),
        Sample((x, (slice(0, 3, 2), ..., 2)), {}, "step"),
        Sample((x, ([0, 0, 2],)), {}, "repeated"),
        Sample((x, (x[..., 0] > 0,)), {}, "mask"),
        Sample((x, (None, 1, Ellipsis)), {}, "none-ellipsis"),
        Sample((x, (slice(None), [1, 3], [0, 2])), {}, "two-lists"),
        Sample((x, ([1, 2], slice(None), [0, 1])), {}, "lists-around-slice"),
        Sample((gen.normal((), dtype), ()), {}, "0-d"),
    ]


def _getitem(a, index):
    return a[tuple(np.asarray(i) if isinstance(i, list) else i for i in index)]


def _getitem_torch(a, index):
    return a[tuple(torch.tensor(i) if isinstance(i, (list, np.ndarray)) else i
                   for i in index)]


def _join_samples(dtype):
    return [Sample(([gen.normal((2, 3), dtype), gen.normal((2, 3), dtype, 1)],), {"dim": 1},
                   "dim=1", second_order=True),
            Sample(([gen.normal((2, 3), dtype), gen.normal((2, 3), dtype, 1)],), {"axis": 0},
                   "axis-alias", ref_kwargs={"dim": 0}),
            Sample(([gen.normal((0, 3), dtype), gen.normal((2, 3), dtype, 1)],), {}, "empty")]


def _stack_samples(dtype):
    return [s for s in _join_samples(dtype) if s.name != "empty"]


def _broadcast_samples(dtype):
    return [Sample((gen.normal((3, 1), dtype),), {}, "(3,1)->(2,3,4)", second_order=True),
            Sample((gen.normal((), dtype),), {}, "0-d")]


TRANSPOSE = Difference(
    "transpose() with no argument reverses the dims and transpose(*order) with three or "
    "more dims permutes them (NumPy's meanings); transpose(dim0, dim1) swaps two dims as "
    "PyTorch's",
    "PyTorch refuses those calls; accepting them keeps NumPy habits without changing any "
    "call PyTorch accepts")
SIZE = Difference(
    "x.size is also a number (the element count, as NumPy's attribute); called, x.size() "
    "and x.size(d) are PyTorch's",
    "both habits keep working: the value is an int that can be called")

OPS = [
    _one("reshape", _m("reshape"), _m("reshape"),
         [((2, 6), (3, 4), {}), ((2, 3, 2), (-1,), {}), ((), (1, 1), {})],
         ("reshape", "Tensor.reshape", "mg.reshape")),
    _one("view", _m("view"), _m("reshape"), [((2, 6), (4, 3), {})], ("Tensor.view",)),
    _one("view_as", lambda a: a.view_as(mg.zeros(3, 4)), lambda a: a.reshape(3, 4),
         [((2, 6), (), {})], ("Tensor.view_as",)),
    _one("permute", _m("permute"), _m("permute"),
         [((2, 3, 4), (2, 0, 1), {}), ((2, 3), (1, 0), {}), ((2, 3, 4), (), {"dims": (1, 2, 0)})],
         ("transpose", "Tensor.permute", "mg.permute")),
    _one("transpose", _m("transpose"), _m("transpose"),
         [((2, 3), (0, 1), {}), ((2, 3, 4), (0, 2), {}), ((2, 3, 4), (-1, 1), {}),
          ((2, 3), (1, 1), {}), ((2, 3, 4), (), {"dim0": 2, "dim1": 0})],
         ("Tensor.transpose", "mg.transpose"), differences=(TRANSPOSE,)),
    _one("swapaxes", _m("swapaxes"), _m("swapaxes"), [((2, 3, 4), (0, 2), {})],
         ("Tensor.swapaxes", "Tensor.swapdims", "mg.swapaxes")),
    _one("T", lambda a: a.T, lambda a: a.T, [((2, 3), (), {})], ("Tensor.T",)),
    _one("t", _m("t"), _m("t"), [((2, 3), (), {}), ((3,), (), {}), ((), (), {})], ("Tensor.t",)),
    _one("contiguous", lambda a: a.contiguous() * 1.0, lambda a: a.contiguous() * 1.0,
         [((2, 3), (), {})], ("Tensor.contiguous",)),
    _one("mT", lambda a: a.mT, lambda a: a.mT, [((2, 3, 4), (), {}), ((2, 3), (), {})],
         ("Tensor.mT",)),
    _one("squeeze", _m("squeeze"), _m("squeeze"),
         [((2, 1, 3), (), {}), ((2, 1, 3), (1,), {}), ((2, 1, 3), (0,), {}),
          ((1, 1), (), {"dim": (0, 1)}), ((), (0,), {})],
         ("Tensor.squeeze", "mg.squeeze")),
    _one("unsqueeze", _m("unsqueeze"), _m("unsqueeze"),
         [((2, 3), (1,), {}), ((2, 3), (-1,), {}), ((), (0,), {})],
         ("Tensor.unsqueeze", "mg.unsqueeze")),
    _one("flatten", _m("flatten"), _m("flatten"),
         [((2, 3, 4), (), {}), ((2, 3, 4), (1,), {}), ((2, 3, 4), (), {"end_dim": 1}),
          ((), (), {})],
         ("Tensor.flatten", "mg.flatten")),
    OpInfo("broadcast_to", lambda a: a.broadcast_to((2, 3, 4)),
           lambda a: a.broadcast_to((2, 3, 4)), _broadcast_samples,
           ("broadcast_to", "Tensor.broadcast_to", "mg.broadcast_to")),
    OpInfo("expand", lambda a: a.expand(2, -1, 4), lambda a: a.expand(2, -1, 4),
           lambda d: _broadcast_samples(d)[:1], ("Tensor.expand",)),
    OpInfo("expand_as", lambda a: a.expand_as(mg.zeros(2, 3, 4)),
           lambda a: a.expand_as(torch.zeros(2, 3, 4)), lambda d: _broadcast_samples(d)[:1],
           ("Tensor.expand_as",)),
    OpInfo("getitem", _getitem, _getitem_torch, _index_samples,
           ("getitem", "index_add", "Tensor.__getitem__")),
    OpInfo("cat", mg.cat, torch.cat, _join_samples,
           ("concatenate", "mg.cat", "mg.concatenate")),
    OpInfo("stack", mg.stack, torch.stack, _stack_samples, ("mg.stack",)),
    OpInfo("size", lambda a: (a.size(), a.size(-1), a.numel(), a.dim(), a.ndim, a.shape),
           lambda a: (tuple(a.size()), a.size(-1), a.numel(), a.dim(), a.ndim, tuple(a.shape)),
           lambda d: [Sample((gen.normal((2, 3), d),), {}, "2x3")],
           ("Tensor.size", "Tensor.numel", "Tensor.dim", "Tensor.ndim", "Tensor.shape",
            "mg.numel"), differentiable=False, differences=(SIZE,)),
    OpInfo("len", lambda a: len(a), lambda a: len(a),
           lambda d: [Sample((gen.normal((2, 3), d),), {}, "2x3")], ("Tensor.__len__",),
           differentiable=False),
]
