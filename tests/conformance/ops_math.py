"""More elementwise math, scans and products, einsum, reordering and indexing, sorting,
predicates and factories: Tensor methods and module functions against torch."""

from __future__ import annotations

import numpy as np
import torch

import minigrad as mg
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _unit(shape, dtype, seed=0):
    return np.asarray(np.tanh(gen.normal(shape, dtype, seed)) * 0.9, dtype=dtype)


def _nonzero(shape, dtype, seed=0):
    return np.asarray(gen.away_from_zero(shape, dtype, seed), dtype=dtype)


def _unary(name, draw=gen.normal, edges=True, alias=None, **options):
    """mg.name against torch.name, covering the primitive, the method and the function;
    with `alias`, the method's NumPy-style alias too."""
    covers = (name, f"Tensor.{name}", f"mg.{name}")
    entries = [OpInfo(name, getattr(mg, name), getattr(torch, name),
                      lambda d: gen.unary(d, draw, edges), covers, **options)]
    if alias:
        entries.append(OpInfo(f"Tensor.{alias}", lambda x: getattr(x, alias)(),
                              lambda x: getattr(x, alias)(), lambda d: gen.unary(d, draw, edges),
                              (f"Tensor.{alias}",), **options))
    return entries


def _method(name, samples, covers=None, **options):
    """x.name(*rest, **kwargs) on both libraries, covering the method and the function."""
    def call(x, *args, **kwargs):
        return getattr(x, name)(*args, **kwargs)
    return OpInfo(name, call, call, samples, covers or (f"Tensor.{name}", f"mg.{name}"),
                  **options)


def _along(dtype, *argsets, draw=gen.normal):
    x = draw((3, 4), dtype)
    out = [Sample((x, *args), kwargs, f"{args} {kwargs}", second_order=i == 0)
           for i, (args, kwargs) in enumerate(argsets)]
    return out + [Sample((draw((3, 8), dtype)[:, ::2], *argsets[0][0]), argsets[0][1],
                         "non-contiguous")]


def _with_zeros(shape, dtype, seed=0):
    x = gen.normal(shape, dtype, seed)
    x[0, 0] = x[1, 2] = x[2, 1] = x[2, 3] = 0.0
    return x


INDEX = np.array([[0, 3, 3], [1, 0, 2], [2, 2, 2]])

OPS = [
    *_unary("sin"), *_unary("cos"), *_unary("tan", _unit, edges=False),
    *_unary("asin", _unit, edges=False, alias="arcsin"),
    *_unary("acos", _unit, edges=False, alias="arccos"),
    *_unary("atan", alias="arctan"), *_unary("sinh"), *_unary("cosh"),
    *_unary("log1p", gen.positive, edges=False), *_unary("expm1"),
    *_unary("log2", gen.positive, edges=False), *_unary("exp2"),
    *_unary("rsqrt", gen.positive, edges=False),
    *_unary("sign"), *_unary("floor"), *_unary("ceil"), *_unary("round"), *_unary("trunc"),
    OpInfo("atan2", mg.atan2, torch.atan2, lambda d: gen.binary(d, _nonzero),
           ("atan2", "Tensor.atan2", "mg.atan2")),
    OpInfo("Tensor.arctan2", lambda a, b: a.arctan2(b), lambda a, b: a.arctan2(b),
           lambda d: gen.binary(d, _nonzero, edges=False), ("Tensor.arctan2",)),
    OpInfo("lerp", mg.lerp, torch.lerp,
           lambda d: [Sample((gen.normal((2, 3), d), gen.normal((2, 3), d, 1),
                              gen.normal((3,), d, 2)), {}, "tensor weight", second_order=True),
                      Sample((gen.normal((2, 3), d), gen.normal((3,), d, 1), 0.25), {},
                             "number weight")],
           ("Tensor.lerp", "mg.lerp")),
    # scans, products, norms
    _method("cumsum", lambda d: _along(d, ((1,), {}), ((0,), {}), ((), {"dim": -1})),
            ("cumsum", "Tensor.cumsum", "mg.cumsum")),
    _method("cumprod", lambda d: _along(d, ((1,), {}), ((0,), {}), draw=_with_zeros) + _along(
        d, ((1,), {})), ("cumprod", "Tensor.cumprod", "mg.cumprod")),
    _method("prod", lambda d: _along(d, ((1,), {}), ((0, True), {}), ((), {}),
                                     draw=_with_zeros) + _along(d, ((), {})),
            ("prod", "Tensor.prod", "mg.prod")),
    _method("norm", lambda d: _along(d, ((), {}), ((1, 1), {}), ((3, 0, True), {}),
                                     ((float("inf"), 1), {}), (("fro",), {}),
                                     draw=gen.away_from_zero) + [
        Sample((np.vstack([np.zeros((1, 3), d), gen.normal((1, 3), d)]), p, 1), {},
               f"zero row, p={p}") for p in (2, 3)]),
    OpInfo("einsum", mg.einsum, torch.einsum,
           lambda d: [Sample(("ij,jk->ik", gen.normal((2, 3), d), gen.normal((3, 4), d, 1)),
                             {}, "matmul", second_order=True),
                      Sample(("bij,bjk", gen.normal((2, 2, 3), d), gen.normal((2, 3, 2), d, 1)),
                             {}, "batched, implicit"),
                      Sample(("ij,k->jki", gen.normal((2, 3), d), gen.normal((2,), d, 1)), {},
                             "outer"),
                      Sample(("i,i->", gen.normal((4,), d), gen.normal((4,), d, 1)), {}, "dot"),
                      Sample(("...ij,...jk", gen.normal((2, 1, 1, 3), d),
                              gen.normal((4, 3, 2), d, 1)), {}, "ellipsis, broadcast batch"),
                      Sample(("b...,b...->...", gen.normal((2, 3), d), gen.normal((2, 1), d, 1)),
                             {}, "ellipsis in the middle, size-1 broadcast"),
                      Sample(("ii->i", gen.normal((3, 3), d)), {}, "diagonal",
                             second_order=True),
                      Sample(("ii", gen.normal((3, 3), d)), {}, "trace, implicit"),
                      Sample(("iij,jk->k", gen.normal((2, 2, 3), d), gen.normal((3, 2), d, 1)),
                             {}, "repeated index in one operand"),
                      Sample(("...ii->...i", gen.normal((2, 3, 3), d)), {}, "batched diagonal"),
                      Sample((gen.normal((2, 2, 3), d), [Ellipsis, 1, 30],
                              gen.normal((3, 4), d, 1), [30, 2], [2, Ellipsis]), {},
                             "sublist form")],
           ("einsum", "mg.einsum")),
    # reorder, repeat, split, triangles
    _method("flip", lambda d: _along(d, (((0, 1),), {}), ((1,), {}))),
    _method("roll", lambda d: _along(d, (((1, -1), (0, 1)), {}), ((5,), {}))),
    OpInfo("repeat", lambda x, *s: x.repeat(*s), lambda x, *s: x.repeat(*s),
           lambda d: _along(d, ((2, 1, 3), {}), ((1, 2), {})), ("Tensor.repeat",)),
    _method("tile", lambda d: _along(d, (((2,),), {}), (((2, 1, 2),), {}))),
    OpInfo("split", lambda x, *a, **k: x.split(*a, **k), lambda x, *a, **k: x.split(*a, **k),
           lambda d: _along(d, ((3, 1), {}), (([1, 2], 0), {})), ("Tensor.split", "mg.split")),
    OpInfo("chunk", lambda x, *a: x.chunk(*a), lambda x, *a: x.chunk(*a),
           lambda d: _along(d, ((3, 1), {}), ((2, 0), {})), ("Tensor.chunk", "mg.chunk")),
    _method("tril", lambda d: _along(d, ((), {}), ((1,), {}), ((-1,), {}))),
    _method("triu", lambda d: _along(d, ((), {}), ((1,), {}), ((-2,), {}))),
    _method("diagonal", lambda d: _along(d, ((), {}), ((1,), {}), ((-1, 1, 0), {}))),
    # gather, scatter, select, fill
    _method("gather", lambda d: _along(d, ((1, INDEX), {}), ((0, INDEX[:, :2] % 3), {}))),
    _method("scatter_add", lambda d: _along(d, ((1, INDEX, gen.normal((3, 3), d, 1)), {}))),
    _method("scatter", lambda d: _along(d, ((0, INDEX[:1] % 3, gen.normal((1, 3), d, 1)), {}),
                                        ((1, np.array([[0, 2], [1, 3], [3, 0]]),
                                          gen.normal((3, 2), d, 1)), {}))),
    _method("scatter_reduce", lambda d: _along(d, *(
        ((1, INDEX, gen.normal((3, 3), d, 1), reduce), {"include_self": include_self})
        for reduce in ("sum", "prod", "mean", "amax", "amin") for include_self in (True, False)
    )), differences=(Difference(
        "scatter_reduce(..., \"amax\" or \"amin\", include_self=False) splits the gradient "
        "only among the source values that tie for the result",
        "PyTorch also counts self in the split when it equals the result, though self gets "
        "no gradient, so its gradients there add up to less than the incoming one"),)),
    OpInfo("scatter(reduce=)",
           lambda x, *a, **k: x.scatter(*a, **k), lambda x, *a, **k: x.scatter(*a, **k),
           lambda d: [Sample((gen.normal((3, 4), d), 1, INDEX, gen.normal((3, 3), d, 1)),
                             {"reduce": reduce}, f"{reduce}, repeated indices", grad=False)
                      for reduce in ("add", "multiply")] + [
               Sample((gen.normal((3, 4), d), 0, INDEX[:2] % 3, 1.5), {"reduce": reduce},
                      f"{reduce}, a scalar", grad=False) for reduce in ("add", "multiply")],
           ("Tensor.scatter",), differences=(Difference(
               "Tensor.scatter(..., reduce=\"add\" or \"multiply\") is differentiable (as "
               "scatter_reduce with \"sum\" or \"prod\")",
               "PyTorch raises 'derivative for aten::scatter is not implemented' there"),)),
    _method("index_select", lambda d: _along(d, ((1, np.array([3, 0, 3])), {}))),
    _method("masked_fill", lambda d: _along(d, ((gen.normal((3, 4), d, 5) > 0, -1.5), {}))),
    # sorting (values differentiable, indices constant)
    _method("sort", lambda d: _along(d, ((1,), {}), ((0, True), {}), ((), {"stable": True}))),
    _method("argsort", lambda d: _along(d, ((1,), {}), ((), {"dim": 0, "descending": True,
                                                             "stable": True})),
            differentiable=False),
    _method("topk", lambda d: _along(d, ((2, 1), {}), ((2, 0, False), {}))),
    # predicates
    *[OpInfo(name, getattr(mg, name), getattr(torch, name),
             lambda d: gen.unary(d), (f"Tensor.{name}", f"mg.{name}"), differentiable=False)
      for name in ("isnan", "isinf", "isfinite")],
    OpInfo("isclose", mg.isclose, torch.isclose,
           lambda d: [Sample((gen.EDGES.astype(d), np.ones(9, d)), {}, "edges"),
                      Sample((np.array([1.0, 1.0 + 1e-7, np.nan], d), np.ones(3, d)),
                             {"equal_nan": True}, "equal_nan")],
           ("Tensor.isclose", "mg.isclose"), differentiable=False),
    OpInfo("allclose", lambda a, b: a.allclose(b), lambda a, b: a.allclose(b),
           lambda d: [Sample((np.ones(3, d), np.ones(3, d) + 1e-9), {}, "close")],
           ("Tensor.allclose",), differentiable=False),
    *[OpInfo(name, getattr(mg, name), getattr(torch, name),
             lambda d: [Sample((gen.normal((3, 4), d) > 0,), {}, "all axes"),
                        Sample((gen.normal((3, 4), d) > 0, 1), {}, "dim"),
                        Sample((gen.normal((3, 4), d) > 0, 0, True), {}, "keepdim")],
             (f"Tensor.{name}", f"mg.{name}"), differentiable=False)
      for name in ("all", "any")],
    # factories
    OpInfo("linspace", lambda *a, **k: mg.linspace(*a, **k),
           lambda *a, **k: torch.linspace(*a, **k),
           lambda d: [Sample((0.0, 1.0, 5), {}, "5"), Sample((-2, 3, 1), {}, "1")],
           ("mg.linspace",), differentiable=False),
    OpInfo("logspace", lambda *a, **k: mg.logspace(*a, **k),
           lambda *a, **k: torch.logspace(*a, **k),
           lambda d: [Sample((0.0, 2.0, 3), {}, "base 10"),
                      Sample((0.0, 3.0, 4), {"base": 2.0}, "base 2")],
           ("mg.logspace",), differentiable=False),
    OpInfo("full_like", lambda x, v: mg.full_like(x, v), lambda x, v: torch.full_like(x, v),
           lambda d: [Sample((gen.normal((2, 3), d), 0.5), {}, "float")],
           ("mg.full_like",), differentiable=False),
    OpInfo("empty (shape and dtype)", lambda *s: mg.empty(*s).shape,
           lambda *s: tuple(torch.empty(*s).shape), lambda d: [Sample((2, 3), {}, "2x3")],
           ("mg.empty",), differentiable=False, dtypes=(np.float64,)),
    OpInfo("randint (range, shape and dtype)",
           lambda *a: (lambda r: (r.shape, r.dtype == np.int64, bool(
               ((r.data >= 3) & (r.data < 7)).all())))(mg.randint(*a)),
           lambda *a: (lambda r: (tuple(r.shape), r.dtype == torch.int64, bool(
               ((r >= 3) & (r < 7)).all())))(torch.randint(*a)),
           lambda d: [Sample((3, 7, (50,)), {}, "3..7")], ("mg.randint",),
           differentiable=False, dtypes=(np.float64,)),
]
