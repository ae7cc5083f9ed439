"""Arithmetic, elementwise math, selections, comparisons and casts."""

from __future__ import annotations

import operator

import numpy as np
import torch

import minigrad as mg
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _binary(name, fn, covers, draw_b=None, ref=None, **options):
    return OpInfo(name, fn, ref or fn, lambda d: gen.binary(d, draw_b=draw_b), covers, **options)


def _scalar_samples(dtype):
    return [Sample((gen.normal((2, 3), dtype),), {}, "2x3", second_order=True),
            Sample((gen.normal((), dtype),), {}, "0-d")]


def _pow_samples(dtype):
    return [
        Sample((gen.positive((2, 3), dtype), gen.normal((2, 3), dtype, 1)), {}, "positive-base",
               second_order=True),
        Sample((gen.positive((2, 3), dtype), gen.normal((3,), dtype, 1)), {}, "broadcast"),
        Sample((np.array([-2.0, 0.0, 0.0, 2.0, 0.0], dtype),
                np.array([2.0, -1.0, 2.0, 0.0, 0.0], dtype)), {}, "zero-and-negative-base"),
        Sample((np.zeros((0, 3), dtype), gen.normal((3,), dtype)), {}, "empty"),
    ]


def _where_samples(dtype):
    cond = np.array([[True, False, True], [False, False, True]])
    return [Sample((cond, gen.normal((2, 3), dtype), gen.normal((3,), dtype, 1)), {}, "broadcast",
                   second_order=True),
            Sample((np.array(True), gen.normal((), dtype), gen.normal((2,), dtype, 1)), {}, "0-d")]


def _clip_samples(dtype):
    x = gen.normal((3, 4), dtype)
    return [Sample((x,), {"min": -0.5, "max": 0.5}, "both", second_order=True),
            Sample((x,), {"min": -0.5}, "min"), Sample((x,), {"max": 0.5}, "max"),
            Sample((np.array([-0.5, 0.5, 0.0], dtype),), {"min": -0.5, "max": 0.5},
                   "at-bounds", grad=False)]


def _tensor_bound_samples(dtype):
    x, low, high = gen.normal((3, 4), dtype), gen.normal((4,), dtype, 1) - 0.5, \
        gen.normal((3, 1), dtype, 2) + 0.5
    return [Sample((x, low, high), {}, "both", second_order=True),
            Sample((x, low, None), {}, "min-only")]


def _cast(name, method, target, covers):
    def op(a):
        return getattr(a, method)() if target is None else getattr(a, method)(target)
    return OpInfo(name, op, op, lambda d: gen.unary(d, edges=False), covers, differentiable=False)


def _compare(name, fn):
    return OpInfo(f"Tensor.{name}", fn, fn, gen.binary, (f"Tensor.{name}",),
                  differentiable=False)


TORCH_DTYPES = {np.float64: torch.float64, np.float32: torch.float32}

OPS = [
    _binary("add", operator.add, ("add", "Tensor.__add__")),
    _binary("sub", operator.sub, ("sub", "Tensor.__sub__")),
    _binary("mul", operator.mul, ("mul", "Tensor.__mul__")),
    _binary("div", operator.truediv, ("div", "Tensor.__truediv__"), draw_b=gen.away_from_zero),
    OpInfo("radd", lambda a: 2.5 + a, lambda a: 2.5 + a, _scalar_samples, ("Tensor.__radd__",)),
    OpInfo("rsub", lambda a: 2.5 - a, lambda a: 2.5 - a, _scalar_samples, ("Tensor.__rsub__",)),
    OpInfo("rmul", lambda a: 2.5 * a, lambda a: 2.5 * a, _scalar_samples, ("Tensor.__rmul__",)),
    OpInfo("rtruediv", lambda a: 2.5 / a, lambda a: 2.5 / a,
           lambda d: [Sample((gen.away_from_zero((2, 3), d),), {}, "2x3", second_order=True)],
           ("Tensor.__rtruediv__",)),
    OpInfo("rpow", lambda a: 2.5 ** a, lambda a: 2.5 ** a, _scalar_samples,
           ("Tensor.__rpow__",)),
    OpInfo("pow", operator.pow, operator.pow, _pow_samples, ("pow", "Tensor.__pow__")),
    OpInfo("pow-scalar", lambda a: a ** 3, lambda a: a ** 3, _scalar_samples, ()),
    OpInfo("neg", operator.neg, operator.neg, gen.unary, ("neg", "Tensor.__neg__")),
    OpInfo("pos", operator.pos, operator.pos, gen.unary, ("Tensor.__pos__",)),
    OpInfo("exp", mg.exp, torch.exp, gen.unary, ("exp", "Tensor.exp", "mg.exp")),
    OpInfo("log", mg.log, torch.log, lambda d: gen.unary(d, gen.positive),
           ("log", "Tensor.log", "mg.log"), differences=(Difference(
               "a forward op that meets a singularity (log(0), x / 0, sqrt(-1)) gives PyTorch's "
               "value with NumPy's RuntimeWarning; backward never warns",
               "silencing NumPy costs about 1 us per op; the warning is NumPy's own"),)),
    OpInfo("sqrt", mg.sqrt, torch.sqrt, lambda d: gen.unary(d, gen.positive),
           ("sqrt", "Tensor.sqrt", "mg.sqrt")),
    OpInfo("abs", mg.abs, torch.abs, gen.unary, ("abs", "Tensor.abs", "mg.abs")),
    _binary("maximum", mg.maximum, ("maximum", "Tensor.maximum", "mg.maximum"),
            ref=torch.maximum),
    _binary("minimum", mg.minimum, ("minimum", "Tensor.minimum", "mg.minimum"), ref=torch.minimum),
    OpInfo("where", mg.where, torch.where, _where_samples, ("where", "mg.where")),
    OpInfo("clip", lambda a, **k: a.clip(**k), lambda a, **k: a.clip(**k), _clip_samples,
           ("clip", "Tensor.clip", "mg.clip")),
    OpInfo("clamp", lambda a, **k: mg.clamp(a, **k).clamp(**k),
           lambda a, **k: torch.clamp(a, **k).clamp(**k), _clip_samples,
           ("Tensor.clamp", "mg.clamp")),
    OpInfo("clamp-tensor-bounds", lambda a, lo, hi: a.clamp(lo, hi),
           lambda a, lo, hi: a.clamp(lo, hi), _tensor_bound_samples, ()),
    OpInfo("clone", lambda a: a.clone(), lambda a: a.clone(), gen.unary,
           ("clone", "Tensor.clone", "mg.clone")),
    OpInfo("to-float64", lambda a: a.to(np.float64), lambda a: a.to(torch.float64), gen.unary,
           ("cast", "Tensor.to")),
    OpInfo("double", lambda a: a.double() * 1.0, lambda a: a.double() * 1.0, gen.unary,
           ("Tensor.double", "Tensor.astype")),
    OpInfo("float", lambda a: a.float(), lambda a: a.float(), gen.unary,
           ("Tensor.float", "Tensor.dtype")),
    OpInfo("half", lambda a: a.half(), lambda a: a.half(), gen.unary, ("Tensor.half",),
           differentiable=False, atol=1e-3, rtol=1e-3, atol32=1e-3, rtol32=1e-3),
    OpInfo("type_as", lambda a, b: a.type_as(b), lambda a, b: a.type_as(b),
           lambda d: [Sample((gen.normal((2, 3), d), np.zeros(2, np.float64)), {}, "to-f64")],
           ("Tensor.type_as",)),
    _cast("long", "long", None, ("Tensor.long",)),
    _cast("int", "int", None, ("Tensor.int",)),
    _cast("bool", "bool", None, ("Tensor.bool",)),
    _binary("Tensor.add", lambda a, b: a.add(b, alpha=2.5), ("Tensor.add",),
            ref=lambda a, b: a.add(b, alpha=2.5)),
    _binary("Tensor.sub", lambda a, b: a.sub(b, alpha=-0.5), ("Tensor.sub", "Tensor.subtract"),
            ref=lambda a, b: a.sub(b, alpha=-0.5)),
    _binary("Tensor.mul", lambda a, b: a.mul(b), ("Tensor.mul", "Tensor.multiply"),
            ref=lambda a, b: a.mul(b)),
    _binary("Tensor.div", lambda a, b: a.div(b), ("Tensor.div", "Tensor.true_divide"),
            draw_b=gen.away_from_zero, ref=lambda a, b: a.div(b)),
    OpInfo("Tensor.pow", lambda a, b: a.pow(b), lambda a, b: a.pow(b), _pow_samples,
           ("Tensor.pow",)),
    OpInfo("Tensor.neg", lambda a: a.neg(), lambda a: a.neg(), gen.unary,
           ("Tensor.neg", "Tensor.negative")),
    OpInfo("Tensor.square", lambda a: a.square(), lambda a: a.square(), gen.unary,
           ("Tensor.square", "mg.square")),
    OpInfo("abs()", abs, abs, gen.unary, ("Tensor.__abs__",)),
    _binary("mg.add", lambda a, b: mg.add(a, b, alpha=2), ("mg.add",),
            ref=lambda a, b: torch.add(a, b, alpha=2)),
    _binary("mg.sub", mg.sub, ("mg.sub",), ref=torch.sub),
    _binary("mg.mul", mg.mul, ("mg.mul",), ref=torch.mul),
    _binary("mg.div", mg.div, ("mg.div",), draw_b=gen.away_from_zero, ref=torch.div),
    OpInfo("mg.pow", mg.pow, torch.pow, _pow_samples, ("mg.pow",)),
    OpInfo("mg.neg", mg.neg, torch.neg, gen.unary, ("mg.neg",)),
    OpInfo("mg.add-number", lambda a: mg.add(2, a), lambda a: torch.add(a, 2),
           _scalar_samples, ()),
    _compare("__lt__", operator.lt), _compare("__le__", operator.le),
    _compare("__gt__", operator.gt), _compare("__ge__", operator.ge),
    _compare("__eq__", operator.eq), _compare("__ne__", operator.ne),
]
