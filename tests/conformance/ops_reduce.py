"""Reductions (dim/keepdim and the NumPy aliases), the normalized exponentials, arg-extrema."""

from __future__ import annotations

import numpy as np

from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _method(name):
    return lambda a, **k: getattr(a, name)(**k)


def _reduction(name, covers, draw=gen.normal, **options):
    return OpInfo(name, _method(name), _method(name), lambda d: gen.reduction(d, draw), covers,
                  **options)


def _logsumexp_torch(a, **kwargs):
    """PyTorch's logsumexp needs a dim, and fails on dim=() (which means all dims)."""
    if kwargs.get("dim", ()) == ():
        kwargs["dim"] = tuple(range(a.ndim))
    return a.logsumexp(**kwargs)


def _variance_samples(dtype):
    x = gen.normal((3, 4), dtype)
    return [
        Sample((x,), {}, "default-unbiased", second_order=True),
        Sample((x,), {"dim": 0}, "dim=0"),
        Sample((x,), {"dim": 1, "correction": 0, "keepdim": True}, "correction=0"),
        Sample((x,), {"dim": (0, 1), "unbiased": False}, "unbiased=False"),
        Sample((x,), {"axis": 1, "ddof": 0}, "numpy-ddof", ref_kwargs={"dim": 1,
                                                                      "correction": 0}),
        Sample((x,), {"correction": 2}, "correction=2"),
        Sample((np.array([[2.0, 1.0], [2.0, 3.0]], dtype),), {"dim": 0}, "zero-spread"),
        Sample((gen.normal((1, 3), dtype),), {"dim": 0}, "one-element-nan"),
        Sample((np.zeros((0, 3), dtype),), {"dim": 0}, "empty"),
        Sample((gen.non_contiguous(dtype),), {"dim": -1}, "non-contiguous"),
    ]


def _extremum_samples(dtype):
    x = gen.normal((3, 4), dtype)
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]], dtype)
    return [
        Sample((x,), {}, "all", second_order=True),
        Sample((ties,), {}, "ties-all"),
        Sample((x,), {"dim": 1}, "dim-values-indices"),
        Sample((x,), {"dim": 0, "keepdim": True}, "dim-keepdim"),
        Sample((gen.normal((), dtype),), {"dim": 0}, "0-d"),
        Sample((np.zeros((0, 3), dtype),), {"dim": 1}, "empty-nonempty-dim"),
        Sample((gen.negative_stride(dtype),), {"dim": -1}, "negative-stride"),
        Sample((np.array([1.0, np.nan, 3.0], dtype),), {}, "nan", grad=False),
    ]


def _amax_samples(dtype):
    return [s for s in gen.reduction(dtype) if s.name not in ("all", "ties")] + [
        Sample((np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]], dtype),), {"dim": 1}, "ties",
               second_order=True)]


def _softmax_samples(dtype):
    x = gen.normal((2, 3, 4), dtype)
    return [
        Sample((x,), {"dim": -1}, "dim=-1", second_order=True),
        Sample((x,), {"dim": 0}, "dim=0"),
        Sample((x,), {"axis": 1}, "axis-alias", ref_kwargs={"dim": 1}),
        Sample((gen.normal((), dtype),), {"dim": 0}, "0-d"),
        Sample((np.zeros((0, 3), dtype),), {"dim": 0}, "empty-dim"),
        Sample((np.zeros((0, 3), dtype),), {"dim": 1}, "empty-other-dim"),
        Sample((np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0]], dtype),), {"dim": 1},
               "large-and-inf", grad=False),
        Sample((gen.negative_stride(dtype),), {"dim": 1}, "negative-stride"),
    ]


def _arg_samples(dtype):
    x = gen.normal((3, 4), dtype)
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]], dtype)
    return [Sample((x,), {}, "all"), Sample((x,), {"dim": 1}, "dim"),
            Sample((x,), {"dim": 0, "keepdim": True}, "keepdim"),
            Sample((ties,), {"dim": 1}, "ties-first"),
            Sample((gen.normal((), dtype),), {"dim": 0}, "0-d"),
            Sample((np.zeros((0, 3), dtype),), {"dim": 1}, "empty-nonempty-dim")]


def _numpy_function_samples(dtype):
    return [Sample((gen.normal((2, 3), dtype),), {}, "2x3", grad=False)]


MEAN_OF_INTEGERS = Difference(
    "mean, var, std and logsumexp of integer tensors give the default float dtype",
    "PyTorch refuses integer input to mean and var; NumPy gives float64. minigrad follows "
    "neither: the default float dtype, as for every float result of integer input")

OPS = [
    _reduction("sum", ("sum", "Tensor.sum", "mg.sum")),
    _reduction("mean", ("mean", "Tensor.mean", "mg.mean"), differences=(MEAN_OF_INTEGERS,)),
    OpInfo("logsumexp", _method("logsumexp"),
           _logsumexp_torch,
           lambda d: gen.reduction(d), ("logsumexp", "Tensor.logsumexp", "mg.logsumexp")),
    OpInfo("var", _method("var"), _method("var"), _variance_samples,
           ("var", "Tensor.var", "mg.var")),
    OpInfo("std", _method("std"), _method("std"), _variance_samples,
           ("std", "Tensor.std", "mg.std")),
    OpInfo("max", _method("max"), _method("max"), _extremum_samples,
           ("max", "Tensor.max", "mg.max")),
    OpInfo("min", _method("min"), _method("min"), _extremum_samples,
           ("min", "Tensor.min", "mg.min")),
    OpInfo("max-numpy-axis", lambda a: a.max(axis=1), lambda a: a.amax(dim=1),
           lambda d: [Sample((gen.normal((2, 3), d),), {}, "axis")], (),
           differences=(Difference(
               "x.max(axis=d) (NumPy's spelling) returns the values only, as NumPy; "
               "x.max(d) and x.max(dim=d) return (values, indices) as PyTorch",
               "both habits keep working; amax is PyTorch's values-only spelling"),)),
    OpInfo("amax", _method("amax"), _method("amax"), _amax_samples,
           ("Tensor.amax", "mg.amax")),
    OpInfo("amin", _method("amin"), _method("amin"), _amax_samples,
           ("Tensor.amin", "mg.amin")),
    OpInfo("softmax", _method("softmax"), _method("softmax"), _softmax_samples,
           ("softmax", "Tensor.softmax", "mg.softmax")),
    OpInfo("log_softmax", _method("log_softmax"), _method("log_softmax"), _softmax_samples,
           ("log_softmax", "Tensor.log_softmax", "mg.log_softmax")),
    OpInfo("argmax", _method("argmax"), _method("argmax"), _arg_samples,
           ("Tensor.argmax", "mg.argmax"), differentiable=False),
    OpInfo("argmin", _method("argmin"), _method("argmin"), _arg_samples,
           ("Tensor.argmin", "mg.argmin"), differentiable=False),
    OpInfo("np.sum", lambda a: np.sum(a), lambda a: np.sum(a.numpy()),
           _numpy_function_samples, ("Tensor.__array__",), differentiable=False),
    OpInfo("np.asarray", lambda a: np.asarray(a), lambda a: np.asarray(a),
           _numpy_function_samples, (), differentiable=False),
]
