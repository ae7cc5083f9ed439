"""Every primitive's first and second derivatives, checked against finite differences.

One table, `CASES`: a name, a function of tensors, the input shapes (fixed, or a hypothesis
strategy where shapes vary, broadcasting included), how input values are drawn (domain
constraints: positive for log/sqrt, away from kinks for abs/relu/max) and the primitives
the case exercises. Each case runs `gradcheck` and `gradgradcheck` in float64, and checks
that the primitives it claims really appear in its forward or backward graph.
`test_every_primitive_is_in_the_table` makes an untested primitive a failing test.

Kinks (ties in max/min/maximum/minimum) are not differentiable, so finite differences
cannot check them: closed-form tests below pin the tie-splitting convention instead, and
the stable exponentials are checked against closed forms at inputs of size 1000.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import (
    array_shapes,
    mutually_broadcastable_shapes,
    valid_tuple_axes,
)
from hypothesis.strategies import SearchStrategy

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch name; registers nn primitives
from minigrad.autograd.graph import topological_order
from minigrad.ops import BatchNormBackward, ConvTranspose, ConvWeight, IndexAdd
from minigrad.ops.channels import Statistics
from minigrad.ops.pooling import MaxPoolRoute
from minigrad.tensor import Tensor

# --- how input values are drawn ---------------------------------------------------------

CLIP_LOW, CLIP_HIGH = -0.5, 0.5


def _normal(rng, shape):
    return rng.standard_normal(shape)


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def _nonzero(rng, shape):
    """|x| >= 0.2: a perturbation of 1e-6 never crosses the kink of abs/relu at 0."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape)


def _distinct(rng, shape):
    """All elements at least 0.09 apart: max/min have a unique winner in every slice."""
    size = int(np.prod(shape, dtype=np.int64))
    spaced = (rng.permutation(size) - size / 2) * 0.1 + rng.uniform(0.0, 0.01, size)
    return spaced.reshape(shape)


def _lattice_high(rng, shape):
    """Integers + 0.25 (jittered): never within 0.3 of a `_lattice_low` value."""
    return rng.integers(-2, 3, shape) + 0.25 + rng.uniform(-0.1, 0.1, shape)


def _lattice_low(rng, shape):
    return rng.integers(-2, 3, shape) - 0.25 + rng.uniform(-0.1, 0.1, shape)


def _off_clip_bounds(rng, shape):
    """Normal values kept 0.05 away from the clip bounds (kinks of clip)."""
    x = rng.uniform(-1.5, 1.5, shape)
    near = np.minimum(np.abs(x - CLIP_LOW), np.abs(x - CLIP_HIGH)) < 0.05
    return np.where(near, x + 0.1, x)


def _unit_open(rng, shape):
    """Inside (-0.9, 0.9): asin and acos are smooth there, tan far from its poles."""
    return rng.uniform(-0.9, 0.9, shape)


def _with_zeros(rng, shape):
    """Normal values with about a third of them exactly zero (products' special case)."""
    return np.where(rng.random(shape) < 0.35, 0.0, rng.standard_normal(shape))


def _bool(rng, shape):
    return rng.random(shape) < 0.5


DOMAINS: dict[str, Callable] = {
    "normal": _normal,
    "positive": _positive,
    "nonzero": _nonzero,
    "distinct": _distinct,
    "lattice_high": _lattice_high,
    "lattice_low": _lattice_low,
    "off_clip_bounds": _off_clip_bounds,
    "bool": _bool,
    "unit_open": _unit_open,
    "with_zeros": _with_zeros,
}


# --- the table --------------------------------------------------------------------------

@dataclass(frozen=True)
class Instance:
    """Concrete input shapes and keyword parameters for one run of a case."""

    shapes: tuple[tuple[int, ...], ...]
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable[..., Tensor]
    args: tuple[tuple[int, ...], ...] | SearchStrategy  # fixed shapes, or draws Instance
    covers: tuple[str, ...]  # primitives that must appear in the forward or VJP graph
    domains: tuple[str, ...] | str = "normal"  # one per input, or one for all
    eps: float = 1e-6
    atol: float = 1e-5

    def __str__(self) -> str:
        return self.name

    def inputs(self, shapes, seed: int) -> list[Tensor]:
        rng = np.random.default_rng(seed)
        domains = self.domains if isinstance(self.domains, tuple) else (self.domains,) * len(
            shapes)
        assert len(domains) == len(shapes), f"{self.name}: one domain per input"
        tensors = []
        for domain, shape in zip(domains, shapes):
            values = DOMAINS[domain](rng, shape)
            floating = values.dtype.kind == "f"
            tensors.append(Tensor(np.asarray(values), requires_grad=floating))
        return tensors


SMALL = {"min_side": 1, "max_side": 3}
any_shape = array_shapes(min_dims=0, max_dims=3, **SMALL)
two_broadcasting = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 **SMALL)
three_broadcasting = mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3,
                                                   **SMALL)
unary = any_shape.map(lambda s: Instance((s,)))
binary = two_broadcasting.map(lambda b: Instance(b.input_shapes))
ternary = three_broadcasting.map(lambda b: Instance(b.input_shapes))
matmul_shapes = mutually_broadcastable_shapes(
    signature=np.matmul.signature, max_dims=2, **SMALL
).map(lambda b: Instance(b.input_shapes))


@st.composite
def reduction(draw, min_side: int = 1, with_ddof: bool = False) -> Instance:
    """A shape, and an axis that is None, an int (possibly negative) or a tuple."""
    shape = draw(array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=3))
    ndim = len(shape)
    axis = draw(st.one_of(
        st.none(),
        st.integers(-ndim, ndim - 1),
        valid_tuple_axes(ndim, min_size=1),
    ))
    params = {"axis": axis, "keepdims": draw(st.booleans())}
    if with_ddof:
        params["ddof"] = draw(st.integers(0, 1))
    return Instance((shape,), params)


@st.composite
def along_axis(draw) -> Instance:
    """A shape and one axis of it, for softmax and log_softmax."""
    shape = draw(array_shapes(min_dims=1, max_dims=3, **SMALL))
    return Instance((shape,), {"axis": draw(st.integers(-len(shape), len(shape) - 1))})


@st.composite
def broadcast_target(draw) -> Instance:
    """A shape and a larger shape it broadcasts to."""
    shape = draw(any_shape)
    other = draw(mutually_broadcastable_shapes(num_shapes=1, base_shape=shape, max_dims=3,
                                               **SMALL)).input_shapes[0]
    target = np.broadcast_shapes(shape, other)
    assume(target != shape)  # broadcasting to its own shape is no op at all
    return Instance((shape,), {"shape": target})


CONV_GEO = {"stride": (2, 1), "padding": ((1, 1), (0, 1)), "dilation": (1, 2), "groups": 2}


@st.composite
def conv_geometry(draw) -> Instance:
    """Input and weight shapes of a conv2d, with stride, padding, dilation and groups."""
    groups = draw(st.integers(1, 2))
    channels, out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    dilation = draw(st.tuples(st.integers(1, 2), st.integers(1, 2)))
    padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    smallest = [max(1, e - 2 * p) for e, p in zip(extent, padding)]  # one window fits
    size = [draw(st.integers(n, n + 2)) for n in smallest]
    return Instance(((draw(st.integers(1, 2)), channels, *size),
                     (out, channels // groups, *kernel)),
                    {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups})


def _sum_of_squares_weighted(x):
    return (x * x * mg.arange(x.size, dtype=x.dtype).reshape(x.shape)).sum()


def method(name: str, **kwargs) -> Callable[..., Tensor]:
    """`lambda x, **params: x.name(**kwargs, **params)`."""
    def call(x, **params):
        return getattr(x, name)(**kwargs, **params)
    call.__name__ = name
    return call


def _batch_norm(x, weight=None, bias=None):
    """Training-mode batch_norm (statistics of the batch, differentiated through)."""
    return F.batch_norm(x, None, None, weight, bias, training=True)


def _batch_norm_running(x, weight, bias):
    """Evaluation-mode batch_norm: fixed running statistics, an affine map of x."""
    running_mean = mg.tensor(np.array([0.5, -1.0, 0.0]), dtype=x.dtype)
    running_var = mg.tensor(np.array([2.0, 0.5, 1.0]), dtype=x.dtype)
    return F.batch_norm(x, running_mean, running_var, weight, bias, training=False)


def _batch_norm_backward(stats: str):
    """The fused BatchNorm's backward primitive as a function of (dy, x[, gamma]): its
    gradcheck is BatchNorm's second derivative, its gradgradcheck the third. In modes
    "detached" and "running" the statistics are constants (fixed here, as the forward
    pass would hand them over); in mode "batch" they are those of x."""
    def fn(g, x, *weight):
        c = x.shape[1]
        statistics = None if stats == "batch" else Statistics(
            np.linspace(-0.5, 0.5, c), np.linspace(0.8, 1.5, c))
        return BatchNormBackward.apply(g, x, *weight, stats=stats, eps=1e-5,
                                       statistics=statistics, has_weight=bool(weight))
    fn.__name__ = f"batch_norm_backward_{stats}"
    return fn


# The "detached" batch_norm mode is absent on purpose: its gradient ignores how the
# statistics move with x, which finite differences cannot ignore. tests/test_batchnorm.py
# checks it against the composed graph with detached statistics.

TARGETS = [2, 0, 1, 1]
REPEATED_ROWS = np.array([0, 2, 0, 0])
SCATTER_INDEX = np.array([[0, 2, 0, 0], [1, 1, 2, 1]])  # repeats; position (0, 1) untouched
UNPOOL_INDICES = np.array([[[[0, 3], [9, 15]], [[5, 6], [12, 11]]]])  # of 5x4 planes
MASK = np.array([[True, False, True], [False, False, True], [True, True, False],
                 [False, True, True]])

CASES: list[Case] = [
    # arithmetic, on broadcasting shapes
    Case("add", lambda a, b: a + b, binary, ("add",)),
    Case("add (3,1,4)+(2,4)", lambda a, b: a + b, ((3, 1, 4), (2, 4)), ("add",)),
    Case("sub", lambda a, b: a - b, binary, ("sub",)),
    Case("mul", lambda a, b: a * b, binary, ("mul",)),
    Case("div", lambda a, b: a / b, binary, ("div",), ("normal", "positive")),
    Case("div reflected scalar", lambda b: 2.0 / b, unary, ("div",), "nonzero"),
    Case("neg", lambda a: -a, unary, ("neg",)),
    Case("pow tensor exponent", lambda a, b: a**b, binary, ("pow",), ("positive", "normal")),
    Case("pow integer exponent", lambda a: a**3, unary, ("pow",)),
    Case("pow float exponent", lambda a: a**-1.5, unary, ("pow",), "positive"),
    Case("pow scalar base", lambda b: 2.0**b, unary, ("pow",)),
    Case("pow zero and integer exponents",
         lambda a: a ** Tensor(np.array([0.0, 1.0, 2.0, 3.0], a.dtype)), ((2, 4),),
         ("pow", "where")),
    Case("rsub rmul radd", lambda a: 1.0 - 3.0 * a + 2.0, unary, ("sub", "mul", "add")),
    # unary math and activations
    Case("exp", method("exp"), unary, ("exp",)),
    Case("log", method("log"), unary, ("log",), "positive"),
    Case("sqrt", method("sqrt"), unary, ("sqrt",), "positive"),
    Case("abs", method("abs"), unary, ("abs",), "nonzero"),
    Case("erf", method("erf"), unary, ("erf",)),
    Case("relu", method("relu"), unary, ("relu",), "nonzero"),
    Case("tanh", method("tanh"), unary, ("tanh",)),
    Case("sigmoid", method("sigmoid"), unary, ("sigmoid",)),
    Case("softplus", method("softplus"), unary, ("softplus",)),
    Case("gelu", method("gelu"), unary, ("gelu",)),
    Case("gelu tanh approximation", method("gelu", approximate="tanh"), unary,
         ("tanh", "mul")),
    # selections (kinks avoided by the domains; ties are checked in closed form below)
    Case("maximum", mg.maximum, binary, ("maximum",), ("lattice_high", "lattice_low")),
    Case("minimum", mg.minimum, binary, ("minimum",), ("lattice_low", "lattice_high")),
    Case("maximum with scalar", lambda a: a.maximum(0.0), unary, ("maximum",), "nonzero"),
    Case("where", mg.where, ternary, ("where",), ("bool", "normal", "normal")),
    Case("where with scalar", lambda c, a: mg.where(c, a, 0.0), ((3, 1), (1, 4)), ("where",),
         ("bool", "normal")),
    Case("clip", method("clip", min=CLIP_LOW, max=CLIP_HIGH), unary, ("clip",),
         "off_clip_bounds"),
    Case("clip min only", method("clip", min=CLIP_LOW), unary, ("clip",), "off_clip_bounds"),
    Case("clip max only", method("clip", max=CLIP_HIGH), unary, ("clip",), "off_clip_bounds"),
    # float32 has 24-bit mantissas: difference quotients need a larger step to resolve
    Case("astype float32", lambda a: a.astype(np.float32), ((2, 3),), ("cast",),
         eps=1e-2, atol=1e-4),
    Case("astype float32 and back", lambda a: a.astype(np.float32).astype(np.float64) * a,
         ((4,),), ("cast", "mul"), eps=1e-2, atol=1e-4),
    Case("clone", lambda a: a.clone() * a, unary, ("clone", "mul")),
    # reductions
    Case("sum", method("sum"), reduction(), ("sum",)),
    Case("mean", method("mean"), reduction(), ("mean",)),
    Case("var", method("var"), reduction(min_side=2, with_ddof=True), ("var",)),
    Case("std", method("std"), reduction(min_side=2, with_ddof=True), ("std",)),
    Case("max", method("max"), reduction(), ("max",), "distinct"),
    Case("min", method("min"), reduction(), ("min",), "distinct"),
    Case("logsumexp", method("logsumexp"), reduction(), ("logsumexp",)),
    Case("sum axis=()", method("sum", axis=()), ((2, 3),), ("sum",)),
    Case("var ddof=1 axis=(0, 2)", method("var", axis=(0, 2), ddof=1), ((2, 3, 2),), ("var",)),
    Case("softmax", method("softmax"), along_axis(), ("softmax",)),
    Case("log_softmax", method("log_softmax"), along_axis(), ("log_softmax",)),
    # shape
    Case("reshape", lambda a: a.reshape(3, -1), ((2, 3, 2),), ("reshape",)),
    Case("flatten", lambda a: a.flatten(1), ((2, 3, 2),), ("reshape",)),
    Case("squeeze unsqueeze", lambda a: a.squeeze(1).unsqueeze(-1), ((3, 1, 2),),
         ("reshape",)),
    Case("transpose", lambda a: a.transpose(2, 0, 1), ((2, 3, 4),), ("transpose",)),
    Case("T", lambda a: a.T, ((2, 3, 4),), ("transpose",)),
    Case("mT", lambda a: a.mT, ((2, 3, 4),), ("transpose",)),
    Case("swapaxes", lambda a: a.swapaxes(0, -1), ((2, 3, 4),), ("transpose",)),
    Case("broadcast_to", lambda a, shape: a.broadcast_to(shape), broadcast_target(),
         ("broadcast_to",)),
    Case("expand (3,1) -> (2,3,4)", lambda a: a.expand(2, 3, 4), ((3, 1),),
         ("broadcast_to",)),
    # indexing: the VJP scatters, adding where an index repeats
    Case("getitem slices", lambda a: a[1:, ::-2], ((3, 5),), ("getitem",)),
    Case("getitem int, ellipsis, newaxis", lambda a: a[-1, ..., None, 1:3], ((2, 3, 4),),
         ("getitem",)),
    Case("getitem integer array with repeats", lambda a: a[REPEATED_ROWS], ((3, 2),),
         ("getitem", "index_add")),
    Case("getitem integer arrays and slice", lambda a: a[[0, 0, 1], 1:], ((2, 3),),
         ("getitem", "index_add")),
    Case("getitem paired integer arrays", lambda a: a[[1, 1, 0], [2, 2, 2]], ((2, 3),),
         ("getitem", "index_add")),
    Case("getitem boolean mask", lambda a: a[MASK], ((4, 3),), ("getitem", "index_add")),
    Case("getitem tensor mask", lambda a: a[a > 0], ((4, 3),), ("getitem", "index_add")),
    Case("index_add with repeats",
         lambda g: IndexAdd.apply(g, shape=(3, 2), index=REPEATED_ROWS), ((4, 2),),
         ("index_add", "getitem")),
    Case("concatenate", lambda a, b, c: mg.cat([a, b, c], axis=1), ((2, 1), (2, 3), (2, 2)),
         ("concatenate",)),
    Case("concatenate negative axis", lambda a, b: mg.concatenate([a, b], axis=-2),
         ((2, 2, 3), (2, 1, 3)), ("concatenate",)),
    Case("stack", lambda a, b: mg.stack([a, b], axis=1), ((2, 3), (2, 3)),
         ("concatenate", "reshape")),
    Case("stack last axis", lambda a, b, c: mg.stack([a, b, c], axis=-1), ((3,), (3,), (3,)),
         ("concatenate", "reshape")),
    # matmul: every rank combination, and batch axes that broadcast
    Case("matmul", lambda a, b: a @ b, matmul_shapes, ("matmul",)),
    Case("matmul 1-D x 1-D", lambda a, b: a @ b, ((3,), (3,)), ("matmul",)),
    Case("matmul 1-D x 2-D", lambda a, b: a @ b, ((3,), (3, 2)), ("matmul",)),
    Case("matmul 2-D x 1-D", lambda a, b: a @ b, ((2, 3), (3,)), ("matmul",)),
    Case("matmul 2-D x 2-D", lambda a, b: a @ b, ((2, 3), (3, 4)), ("matmul",)),
    Case("matmul batched broadcasting", lambda a, b: a @ b, ((2, 1, 2, 3), (3, 3, 2)),
         ("matmul",)),
    Case("matmul 1-D x 3-D", lambda a, b: a @ b, ((3,), (2, 3, 2)), ("matmul",)),
    Case("matmul 3-D x 1-D", lambda a, b: a @ b, ((2, 2, 3), (3,)), ("matmul",)),
    Case("matmul reflected with array", lambda b: np.ones((2, 3), np.float32) @ b, ((3, 2),),
         ("matmul",)),
    # neural-network primitives (fused nodes registered by minigrad.nn)
    Case("linear", F.linear, ((2, 3), (4, 3), (4,)), ("linear",)),
    Case("linear batched, no bias", F.linear, ((2, 2, 3), (4, 3)), ("linear",)),
    Case("batch_norm (N, C)", _batch_norm, ((5, 3), (3,), (3,)),
         ("batch_norm", "batch_norm_backward")),
    Case("batch_norm (N, C, L) without affine", _batch_norm, ((3, 2, 2),), ("batch_norm",)),
    Case("batch_norm running statistics", _batch_norm_running, ((4, 3), (3,), (3,)),
         ("batch_norm", "batch_norm_backward")),
    # its backward, a primitive of its own, in every mode and layout, with and without gamma
    Case("batch_norm_backward batch (N, C)", _batch_norm_backward("batch"),
         ((5, 3), (5, 3), (3,)), ("batch_norm_backward",)),
    Case("batch_norm_backward batch (N, C, H, W) without affine",
         _batch_norm_backward("batch"), ((3, 2, 2, 2), (3, 2, 2, 2)),
         ("batch_norm_backward",)),
    Case("batch_norm_backward batch (N, C, L)", _batch_norm_backward("batch"),
         ((2, 2, 3), (2, 2, 3), (2,)), ("batch_norm_backward",)),
    Case("batch_norm_backward detached (N, C)", _batch_norm_backward("detached"),
         ((4, 3), (4, 3), (3,)), ("batch_norm_backward",)),
    Case("batch_norm_backward detached (N, C, H, W) without affine",
         _batch_norm_backward("detached"), ((2, 2, 2, 2), (2, 2, 2, 2)),
         ("batch_norm_backward",)),
    Case("batch_norm_backward running (N, C, H, W)", _batch_norm_backward("running"),
         ((2, 3, 2, 2), (2, 3, 2, 2), (3,)), ("batch_norm_backward",)),
    Case("batch_norm_backward running (N, C) without affine",
         _batch_norm_backward("running"), ((4, 3), (4, 3)), ("batch_norm_backward",)),
    Case("cross_entropy", lambda z: F.cross_entropy(z, TARGETS), ((4, 3),),
         ("cross_entropy",)),
    Case("cross_entropy sum, smoothing, ignored row",
         lambda z: F.cross_entropy(z, [2, -100, 0, 1], reduction="sum", label_smoothing=0.2),
         ((4, 3),), ("cross_entropy",)),
    Case("cross_entropy per row", lambda z: F.cross_entropy(z, TARGETS, reduction="none"),
         ((4, 3),), ("cross_entropy",)),
    # convolution (conv's VJP is conv_transpose and conv_weight, whose VJPs are each other)
    Case("conv2d", lambda x, w, b: F.conv2d(x, w, b, padding=1), ((2, 2, 4, 3), (3, 2, 2, 2), (3,)),
         ("conv", "conv_transpose", "conv_weight", "add")),
    Case("conv2d drawn geometry", lambda x, w, **p: F.conv2d(x, w, **p), conv_geometry(),
         ("conv", "conv_transpose", "conv_weight")),
    Case("conv1d stride 2, dilation 2, groups 2",
         lambda x, w: F.conv1d(x, w, stride=2, dilation=2, groups=2, padding=1),
         ((2, 4, 7), (4, 2, 2)), ("conv", "conv_transpose", "conv_weight")),
    Case("conv2d same, unbatched", lambda x, w: F.conv2d(x, w, padding="same"),
         ((2, 3, 3), (2, 2, 2, 3)), ("conv", "conv_transpose", "conv_weight")),
    Case("conv_transpose", lambda g, w: ConvTranspose.apply(g, w, input_size=(5, 4), **CONV_GEO),
         ((2, 4, 3, 3), (4, 1, 2, 2)), ("conv_transpose", "conv", "conv_weight")),
    Case("conv_weight", lambda x, g: ConvWeight.apply(x, g, kernel_size=(2, 2), **CONV_GEO),
         ((2, 2, 5, 4), (2, 4, 3, 3)), ("conv_weight", "conv", "conv_transpose")),
    # pooling and padding (max pooling on distinct values: ties are a kink, tested apart)
    Case("max_pool2d overlapping, padded", lambda x: F.max_pool2d(x, 3, 2, padding=1),
         ((2, 2, 5, 4),), ("max_pool", "index_add"), "distinct"),
    Case("max_pool2d 2x2 and overlapping 3x3, unpadded",
         lambda x: F.max_pool2d(x, 2).sum() + F.max_pool2d(x, 3, 1).sum(), ((2, 2, 5, 4),),
         ("max_pool", "max_pool_route"), "distinct"),
    Case("max_pool_route and max_pool_select",
         lambda g: MaxPoolRoute.apply(g, Tensor(np.array([[[[0, 3], [2, 1]]]], np.uint8)),
                                      input_shape=(1, 1, 4, 5), kernel_size=(2, 2),
                                      stride=(2, 2), dilation=(1, 1)),
         ((1, 1, 2, 2),), ("max_pool_route", "max_pool_select")),
    Case("max_pool2d return_indices: the output differentiable, the indices constant",
         lambda x: F.max_pool2d(x, 3, 2, padding=1, return_indices=True)[0],
         ((2, 2, 5, 4),), ("max_pool", "index_add"), "distinct"),
    Case("max_unpool2d of max_pool2d's indices",
         lambda y: F.max_unpool2d(y, UNPOOL_INDICES, 2, output_size=(5, 4)),
         ((1, 2, 2, 2),), ("max_unpool", "getitem")),
    Case("max_pool1d dilated, ceil_mode",
         lambda x: F.max_pool1d(x, 2, 2, dilation=2, ceil_mode=True), ((1, 2, 8),),
         ("max_pool", "index_add"), "distinct"),
    Case("avg_pool2d", lambda x: F.avg_pool2d(x, 2), ((2, 2, 4, 4),), ("conv", "div")),
    Case("avg_pool2d padded, ceil_mode, count_include_pad=False",
         lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
         ((1, 2, 6, 5),), ("conv", "div", "conv_transpose")),
    Case("adaptive_avg_pool2d (5, 7) -> (3, 4)", lambda x: F.adaptive_avg_pool2d(x, (3, 4)),
         ((2, 1, 5, 7),), ("matmul",)),
    Case("pad constant with value, cropping", lambda x: F.pad(x, (1, -1, 2, 0), value=0.5),
         ((2, 3, 4),), ("index_add", "getitem")),
    Case("pad reflect, replicate, circular",
         lambda x: F.pad(F.pad(F.pad(x, (2, 1), "reflect"), (1, 2), "replicate"), (0, 0, 1, 1),
                         "circular"), ((2, 3, 4),), ("getitem", "index_add")),
    # more elementwise math
    Case("sin", method("sin"), unary, ("sin", "cos")),
    Case("cos", method("cos"), unary, ("cos", "sin")),
    Case("tan", method("tan"), unary, ("tan",), "unit_open"),
    Case("asin", method("asin"), unary, ("asin", "rsqrt"), "unit_open"),
    Case("acos", method("acos"), unary, ("acos", "rsqrt"), "unit_open"),
    Case("atan", method("atan"), unary, ("atan",)),
    Case("atan2", mg.atan2, binary, ("atan2",), "nonzero"),
    Case("sinh", method("sinh"), unary, ("sinh", "cosh")),
    Case("cosh", method("cosh"), unary, ("cosh", "sinh")),
    Case("log1p", method("log1p"), unary, ("log1p",), "positive"),
    Case("expm1", method("expm1"), unary, ("expm1",)),
    Case("log2", method("log2"), unary, ("log2",), "positive"),
    Case("exp2", method("exp2"), unary, ("exp2",)),
    Case("rsqrt", method("rsqrt"), unary, ("rsqrt",), "positive"),
    Case("sign", lambda a: a.sign() * a, unary, ("sign", "mul"), "nonzero"),
    Case("floor", lambda a: a.floor() * a, unary, ("floor",), "lattice_high"),
    Case("ceil", lambda a: a.ceil() * a, unary, ("ceil",), "lattice_high"),
    Case("round", lambda a: a.round() * a, unary, ("round",), "lattice_high"),
    Case("trunc", lambda a: a.trunc() * a, unary, ("trunc",), "lattice_high"),
    Case("lerp", lambda a, b, w: a.lerp(b, w), ternary, ("sub", "mul", "add")),
    # scans and products (zeros take the exact, division-free path)
    Case("cumsum", method("cumsum"), along_axis(), ("cumsum",)),
    Case("cumprod", method("cumprod"), along_axis(), ("cumprod", "cumsum", "div")),
    Case("cumprod with zeros", lambda a: a.cumprod(dim=1), ((2, 4),),
         ("cumprod", "where", "concatenate"), "with_zeros"),
    Case("prod", method("prod"), reduction(), ("prod",)),
    Case("prod with zeros", lambda a: a.prod(dim=(0, 2)), ((3, 2, 2),),
         ("prod", "cumprod", "concatenate"), "with_zeros"),
    Case("norm 2, 1, 3", lambda a: a.norm() + a.norm(1, dim=0).sum() + a.norm(3, dim=1).sum(),
         ((3, 2),), ("sqrt", "abs", "pow"), "nonzero"),
    Case("norm inf", lambda a: a.norm(float("inf"), dim=1), ((3, 4),), ("max", "abs"),
         "distinct"),
    Case("einsum matmul", lambda a, b: mg.einsum("ij,jk->ik", a, b), ((2, 3), (3, 4)),
         ("einsum",)),
    Case("einsum batched, implicit output", lambda a, b: mg.einsum("bij,bjk", a, b),
         ((2, 2, 3), (2, 3, 2)), ("einsum",)),
    Case("einsum summed-away index, outer product", lambda a, b: mg.einsum("ij,k->jk", a, b),
         ((2, 3), (4,)), ("einsum",)),
    Case("einsum three operands to a scalar", lambda a, b, c: mg.einsum("i,ij,j->", a, b, c),
         ((2,), (2, 3), (3,)), ("einsum",)),
    Case("einsum ellipsis, broadcast batch axes", lambda a, b: mg.einsum("...ij,...jk", a, b),
         ((2, 1, 1, 3), (4, 3, 2)), ("einsum", "reshape")),
    Case("einsum ...ij,...jk, drawn broadcast batch axes",
         lambda a, b: mg.einsum("...ij,...jk", a, b), mutually_broadcastable_shapes(
             signature="(n,k),(k,m)->(n,m)", max_dims=2, **SMALL).map(
             lambda b: Instance(b.input_shapes)), ("einsum",)),
    Case("einsum diagonal ii->i and trace ii->", lambda a: mg.einsum("ii->i", a) * mg.einsum(
        "ii->", a), ((3, 3),), ("einsum",)),
    Case("einsum repeated index with a batch axis, iij->j", lambda a: mg.einsum("iij->j", a),
         ((2, 2, 3),), ("einsum",)),
    Case("einsum diagonal of one operand times another", lambda a, b: mg.einsum(
        "...ii,ij->...j", a, b), ((2, 3, 3), (3, 2)), ("einsum",)),
    # reorder, repeat, split, triangles, gather and scatter (compositions)
    Case("flip", lambda a: a.flip(0, 2), ((2, 3, 2),), ("getitem",)),
    Case("roll", lambda a: a.roll((1, -2), (0, 1)) + a.roll(2), ((3, 4),), ("getitem",)),
    Case("repeat and tile", lambda a: a.repeat(2, 1, 3).sum(0) * a.tile(3), ((2, 1),),
         ("broadcast_to", "reshape")),
    Case("split and chunk", lambda a: a.split([1, 3], dim=1)[1] * a.chunk(2, 1)[1].sum(),
         ((2, 4),), ("getitem",)),
    Case("tril triu", lambda a: a.tril(-1) + a.triu(1) * 2, ((2, 3, 4),), ("where",)),
    Case("diagonal", lambda a: a.diagonal(1, -1, 0), ((4, 2, 3),), ("getitem", "transpose")),
    Case("gather", lambda a: a.gather(1, np.array([[0, 2, 2], [1, 0, 1]])), ((2, 3),),
         ("getitem", "index_add")),
    Case("scatter_add", lambda a, b: a.scatter_add(0, np.array([[1, 0, 1], [1, 1, 0]]), b),
         ((2, 3), (2, 4)), ("index_add", "getitem", "add")),
    Case("scatter", lambda a, b: a.scatter(1, np.array([[0, 0], [2, 1]]), b),
         ((2, 3), (2, 2)), ("where", "getitem")),
    Case("scatter_reduce sum, prod, mean (repeated indices, with self)",
         lambda a, b: a.scatter_reduce(1, SCATTER_INDEX, b, "sum") * a.scatter_reduce(
             1, SCATTER_INDEX, b, "prod") + a.scatter_reduce(1, SCATTER_INDEX, b, "mean"),
         ((2, 3), (2, 4)), ("index_add", "sum", "prod", "div")),
    Case("scatter_reduce amax and amin without self, an untouched position kept",
         lambda a, b: a.scatter_reduce(1, SCATTER_INDEX, b, "amax", include_self=False) +
         a.scatter_reduce(0, SCATTER_INDEX[1:, :3] - 1, b, "amin", include_self=False),
         ((2, 3), (2, 4)), ("index_add", "max", "min", "where"), "distinct"),
    Case("scatter reduce='add' and 'multiply'",
         lambda a, b: a.scatter(1, SCATTER_INDEX, b, reduce="add") * a.scatter(
             1, SCATTER_INDEX, b, reduce="multiply"), ((2, 3), (2, 4)),
         ("index_add", "prod")),
    Case("index_select", lambda a: a.index_select(0, np.array([2, 0, 2])), ((3, 2),),
         ("getitem", "index_add")),
    Case("masked_fill", lambda a: a.masked_fill(MASK, 0.5), ((4, 3),), ("where",)),
    Case("sort values", lambda a: a.sort(dim=0, descending=True).values, ((3, 2),),
         ("getitem",), "distinct"),
    Case("topk values", lambda a: a.topk(2).values, ((2, 4),), ("getitem",), "distinct"),
    # more activations, per-sample normalizations, embedding (compositions)
    Case("leaky_relu", lambda a: F.leaky_relu(a, 0.1), unary, ("where",), "nonzero"),
    Case("elu and selu", lambda a: F.elu(a, 0.7) + F.selu(a), unary, ("where", "expm1"),
         "nonzero"),
    Case("silu and mish", lambda a: F.silu(a) * F.mish(a), unary, ("sigmoid", "softplus")),
    Case("hardtanh", lambda a: F.hardtanh(a, CLIP_LOW, CLIP_HIGH), unary, ("where",),
         "off_clip_bounds"),
    Case("log_sigmoid", F.log_sigmoid, unary, ("softplus",)),
    Case("softplus beta and threshold", lambda a: F.softplus(a * 3, beta=2.0, threshold=4.0),
         ((3, 4),), ("softplus", "where"), "nonzero"),
    Case("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), ((2, 4, 3), (4,), (4,)),
         ("mean", "var", "sqrt")),
    Case("instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
         ((2, 3, 2, 2), (3,), (3,)), ("mean", "var", "sqrt")),
    Case("embedding, repeated rows", lambda w: F.embedding(np.array([[0, 2], [2, 2]]), w),
         ((3, 2),), ("getitem", "index_add")),
    # compositions that matter later (normalization, losses)
    Case("normalize", lambda x: (x - x.mean(0)) / (x.var(0) + 1e-5).sqrt(), ((4, 3),),
         ("sub", "mean", "var", "add", "sqrt", "div")),
    Case("cross-entropy", lambda x: -x.log_softmax(1)[[0, 1, 2], [2, 0, 1]].mean(),
         ((3, 4),), ("log_softmax", "getitem", "mean", "neg")),
    Case("weighted squares", _sum_of_squares_weighted, ((2, 3),), ("mul", "sum")),
]


def _check(case: Case, instance: Instance, seed: int) -> None:
    fn = functools.partial(case.fn, **instance.params)
    inputs = case.inputs(instance.shapes, seed)
    mg.gradcheck(fn, inputs, eps=case.eps, atol=case.atol)
    mg.gradgradcheck(fn, inputs, eps=case.eps, atol=case.atol)
    missing = set(case.covers) - _ops_in_graphs(fn, inputs)
    assert not missing, f"{case.name}: {sorted(missing)} not in its forward or VJP graph"


def _ops_in_graphs(fn, inputs: list[Tensor]) -> set[str]:
    """Names of the primitives in the forward graph of fn and in the graph of its VJP."""
    inputs = [Tensor(t.data, requires_grad=t.requires_grad) for t in inputs]
    out = fn(*inputs)
    roots = [out.grad_fn]
    differentiable = [t for t in inputs if t.requires_grad]
    cotangent = Tensor(np.full(out.shape, 1.5), requires_grad=True)  # VJP ops get recorded
    grads = mg.grad((out * cotangent).sum(), differentiable, create_graph=True,
                    allow_unused=True)
    roots += [g.grad_fn for g in grads if g is not None and g.grad_fn is not None]
    return {node.op.name for node in topological_order(r for r in roots if r is not None)}


FIXED = [c for c in CASES if not isinstance(c.args, SearchStrategy)]
DRAWN = [c for c in CASES if isinstance(c.args, SearchStrategy)]


@pytest.mark.parametrize("case", FIXED, ids=str)
def test_fixed_shapes(case: Case) -> None:
    _check(case, Instance(case.args), seed=0)


@pytest.mark.parametrize("case", DRAWN, ids=str)
@given(data=st.data())
def test_drawn_shapes(case: Case, data) -> None:
    instance = data.draw(case.args, label="instance")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    _check(case, instance, seed)


def test_every_primitive_is_in_the_table() -> None:
    covered = {op for case in CASES for op in case.covers}
    untested = set(mg.ops.PRIMITIVES) - covered
    assert not untested, f"primitives without a gradcheck case: {sorted(untested)}"
    unknown = covered - set(mg.ops.PRIMITIVES)
    assert not unknown, f"table names primitives that do not exist: {sorted(unknown)}"


def test_table_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


# --- float32 stays float32, forward and backward, through every op of the table ---------

def _float32_cases() -> list[Case]:
    # casts exist to change the dtype; every other case must keep float32
    return [c for c in CASES if "cast" not in c.covers]


@pytest.mark.parametrize("case", _float32_cases(), ids=str)
@settings(max_examples=5)
@given(data=st.data())
def test_float32_stays_float32_through_every_op(case: Case, data) -> None:
    instance = data.draw(case.args) if isinstance(case.args, SearchStrategy) \
        else Instance(case.args)
    inputs = []
    for t in case.inputs(instance.shapes, seed=0):
        floating = t.dtype.kind == "f"
        inputs.append(Tensor(t.data.astype(np.float32) if floating else t.data,
                             requires_grad=floating))
    out = case.fn(*inputs, **instance.params)
    assert out.dtype == np.float32, f"{case.name}: forward gave {out.dtype}"
    out.backward(mg.ones_like(out))
    for i, t in enumerate(inputs):
        if t.requires_grad:
            assert t.grad is not None and t.grad.dtype == np.float32, \
                f"{case.name}: gradient of input {i} is {t.grad and t.grad.dtype}"


# --- ties: a kink, so closed forms instead of finite differences -----------------------

def _grad(fn, *values):
    inputs = [mg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    out = fn(*inputs)
    out.backward(mg.tensor(np.arange(1.0, out.size + 1).reshape(out.shape)))
    return [t.grad.numpy() for t in inputs]


@pytest.mark.parametrize("op, winner", [("max", 3.0), ("min", 1.0)])
def test_reduction_ties_split_the_gradient_evenly(op, winner) -> None:
    x = [[winner, 2.0, winner], [2.0, 2.0, 2.0]]
    (g,) = _grad(lambda t: getattr(t, op)(axis=1), x)
    # cotangent (1, 2): the row's gradient is shared among its tied extrema
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5], [2 / 3, 2 / 3, 2 / 3]])


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_max_ties_across_axes(keepdims) -> None:
    x = [[1.0, 5.0], [5.0, 5.0]]
    (g,) = _grad(lambda t: t.max(keepdims=keepdims), x)
    np.testing.assert_array_equal(g, [[0.0, 1 / 3], [1 / 3, 1 / 3]])


def test_max_ties_with_tuple_axis_and_negative_axis() -> None:
    x = np.zeros((2, 2, 2))
    x[1, 0, 1] = x[1, 1, 1] = 1.0  # last column of the second block: two tied maxima
    (g,) = _grad(lambda t: t.max(axis=(-1, 1)), x)
    expected = np.full((2, 2, 2), 0.25)  # block 0: four zeros tie, cotangent 1
    expected[1] = [[0.0, 1.0], [0.0, 1.0]]  # block 1: two maxima share cotangent 2
    np.testing.assert_array_equal(g, expected)


@pytest.mark.parametrize("op", ["maximum", "minimum"])
def test_elementwise_ties_split_the_gradient_evenly(op) -> None:
    a, b = [1.0, 2.0, 3.0], [1.0, 0.0, 3.0]
    ga, gb = _grad(getattr(mg, op), a, b)
    winner_a = [0.5, 1.0, 0.5] if op == "maximum" else [0.5, 0.0, 0.5]
    cotangent = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ga, cotangent * winner_a)
    np.testing.assert_array_equal(gb, cotangent * (1 - np.array(winner_a)))


def test_maximum_ties_with_broadcast_scalar() -> None:
    ga, gb = _grad(mg.maximum, [0.0, 1.0, 0.0, -1.0], 0.0)
    np.testing.assert_array_equal(ga, [0.5, 2.0, 1.5, 0.0])
    np.testing.assert_array_equal(gb, 0.5 * 1 + 0.5 * 3 + 4.0)


def test_pow_with_zero_exponent_has_zero_derivative_at_zero() -> None:
    """Polynomial features x^k, k = 0..3, at x = 0 and 2: d/dx x^0 = 0 (not 0 * inf)."""
    exponents = mg.tensor(np.array([0.0, 1.0, 2.0, 3.0]))
    (gx,) = _grad(lambda t: t.reshape(2, 1) ** exponents, [0.0, 2.0])
    # k x^(k-1) is (0, 1, 0, 0) at 0 and (0, 1, 4, 12) at 2; cotangent rows (1..4), (5..8)
    np.testing.assert_array_equal(gx, [2.0, 6 * 1 + 7 * 4 + 8 * 12])
    x = mg.tensor(np.array([0.0]), requires_grad=True)
    (g,) = mg.grad((x**0.0).sum(), x, create_graph=True)
    (gg,) = mg.grad(g.sum(), x, allow_unused=True)
    assert g.item() == 0.0 and (gg is None or gg.item() == 0.0)


@pytest.mark.parametrize("op, expected", [("relu", 0.0), ("abs", 0.0)])
def test_kinks_at_zero_have_gradient_zero(op, expected) -> None:
    (g,) = _grad(lambda t: getattr(t, op)(), [0.0])
    assert g[0] == expected


def test_clip_passes_the_gradient_at_its_bounds() -> None:
    (g,) = _grad(lambda t: t.clip(-1.0, 1.0), [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(g, [0.0, 2.0, 3.0, 4.0, 0.0])


# --- numerically stable exponentials at large inputs: closed forms ----------------------

LN2 = math.log(2.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("offset", [1000.0, -1000.0])
def test_softmax_is_stable_at_large_inputs(dtype, offset) -> None:
    x = mg.tensor(np.array([offset, offset + 1.0], dtype=dtype), requires_grad=True)
    y = x.softmax()
    e = math.e
    np.testing.assert_allclose(y.numpy(), [1 / (1 + e), e / (1 + e)], rtol=1e-6)
    (y * mg.tensor(np.array([1.0, 0.0], dtype=dtype))).sum().backward()
    p = 1 / (1 + e)  # d y0/d x = y0 (e_0 - y) = (p (1-p), -p (1-p))
    np.testing.assert_allclose(x.grad.numpy(), [p * (1 - p), -p * (1 - p)], rtol=1e-5)
    assert y.dtype == x.grad.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("offset", [1000.0, -1000.0])
def test_log_softmax_and_logsumexp_are_stable_at_large_inputs(dtype, offset) -> None:
    x = mg.tensor(np.full((2, 2), offset, dtype=dtype), requires_grad=True)
    y = x.log_softmax(axis=0)
    np.testing.assert_allclose(y.numpy(), np.full((2, 2), -LN2), rtol=1e-6)
    weights = np.array([[1.0, 0.0], [3.0, -2.0]], dtype=dtype)
    (x_bar,) = mg.grad((y * mg.tensor(weights)).sum(), x)
    # g - softmax * column sums of g, with softmax = 1/2 everywhere
    np.testing.assert_allclose(x_bar.numpy(), weights - 0.5 * weights.sum(0), rtol=1e-6)
    lse = x.logsumexp(axis=1)
    np.testing.assert_allclose(lse.numpy(), [offset + LN2] * 2, rtol=1e-7)
    lse.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 0.5), rtol=1e-6)
    assert lse.dtype == x.grad.dtype == dtype


def test_logsumexp_of_minus_infinity_is_minus_infinity() -> None:
    x = mg.tensor(np.array([[-np.inf, -np.inf], [0.0, -np.inf]]))
    np.testing.assert_array_equal(x.logsumexp(axis=1).numpy(), [-np.inf, 0.0])


def test_log_softmax_equals_log_of_softmax_far_from_overflow(rng) -> None:
    x = mg.tensor(rng.standard_normal((3, 4)) * 50)
    np.testing.assert_allclose(x.log_softmax(-1).numpy(),
                               np.log(x.softmax(-1).numpy()), rtol=1e-5, atol=1e-10)
    np.testing.assert_allclose(x.softmax(0).numpy().sum(0), np.ones(4), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_softplus_are_stable_at_large_inputs(dtype) -> None:
    x = mg.tensor(np.array([-1000.0, 0.0, 1000.0], dtype=dtype), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is fine
        s, sp = x.sigmoid(), x.softplus()
        (s.sum() + sp.sum()).backward()
    np.testing.assert_array_equal(s.numpy(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(sp.numpy(), [0.0, LN2, 1000.0], rtol=1e-7)
    # sigmoid' = s (1 - s) and softplus' = sigmoid
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.25 + 0.5, 1.0], rtol=1e-7)
    assert s.dtype == sp.dtype == x.grad.dtype == dtype
