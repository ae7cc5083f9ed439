"""Random programs: the generator behind tests/test_random_programs.py and
tests/test_invariants.py.

`programs()` draws a small program: a few input leaves of mutually broadcastable shapes,
then a sequence of ops drawn from `OPS` (elementwise math with domain guards, binary ops
with broadcasting, reductions over random axes, reshapes, transposes, indexing with
repeated indices and boolean masks, matmul against a fresh leaf, softmax, concatenation,
where, BatchNorm), each applied to values computed earlier; every value no later step
consumed is reduced to a scalar and the scalars are added. The program is drawn with its
values at hand, so each step is valid and stays in a sane numeric range.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.tensor import Tensor

MAX_SIZE = 48         # elements per value: keeps finite differences cheap
MAX_MAGNITUDE = 1e4   # larger values make central differences lose digits
NEW_LEAVES = "new_leaves"  # a drawer's parameter: values of fresh leaves, its last operands


def budget(fraction: float) -> settings:
    """Settings with a share of the profile's examples (at least 5)."""
    return settings(
        max_examples=max(5, int(settings.default.max_examples * fraction)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- the op table ------------------------------------------------------------------------
# Each op: how to apply it to tensors, and how to draw its operands and parameters for the
# current values (returning None when it does not fit them).

@dataclass(frozen=True)
class Op:
    apply: Callable[..., Tensor]
    draw_args: Callable  # (draw, shapes, rng) -> (operand indices, params) | None


def _any(rng, shapes, predicate=lambda s: True) -> int | None:
    """A value whose shape fits, the newest one half of the time (deep chains)."""
    fitting = [i for i, s in enumerate(shapes) if predicate(s)]
    if not fitting:
        return None
    return fitting[-1] if rng.random() < 0.5 else fitting[rng.integers(len(fitting))]


def _draw_one(draw, shapes, rng):
    return (_any(rng, shapes),), {}


def _draw_matrix(draw, shapes, rng):
    a = _any(rng, shapes, lambda s: len(s) >= 2)
    return None if a is None else ((a,), {})


UNARY = {
    "neg": lambda a: -a,
    "abs": lambda a: a.abs(),
    "relu": lambda a: a.relu(),
    "tanh": lambda a: mg.tanh(a),
    "sigmoid": lambda a: a.sigmoid(),
    "softplus": lambda a: a.softplus(),
    "erf": lambda a: a.erf(),
    "gelu": lambda a: a.gelu(),
    "gelu_tanh": lambda a: a.gelu(approximate="tanh"),
    "exp(tanh)": lambda a: a.tanh().exp(),
    "log(softplus+0.1)": lambda a: (a.softplus() + 0.1).log(),
    "sqrt(x*x+0.5)": lambda a: (a * a + 0.5).sqrt(),
    "pow(x*x+0.5, -1.5)": lambda a: (a * a + 0.5) ** -1.5,
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "clip": lambda a: a.clip(-1.0, 1.0),
    "clip_low": lambda a: mg.clip(a, min=-0.5),
    "2-x": lambda a: 2.0 - a,
    "1/(x*x+1)": lambda a: 1.0 / (a * a + 1.0),
    "x/3": lambda a: a / 3.0,
    # Exact ties between equal values: max/min split the gradient, so the total stays 1.
    "max(stack(x,x*1))": lambda a: mg.stack([a, a * 1.0]).max(axis=0),
    "min(broadcast)": lambda a: a.broadcast_to((3, *a.shape)).min(axis=0),
}

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 0.5),
    "maximum": lambda a, b: mg.maximum(a, b),
    "minimum": lambda a, b: a.minimum(b),
    "pow": lambda a, b: (a * a + 0.5) ** b.tanh(),
}


def _broadcasts(a, b) -> bool:
    try:
        return int(np.prod(np.broadcast_shapes(a, b))) <= MAX_SIZE
    except ValueError:
        return False


def _draw_binary(draw, shapes, rng):
    a = _any(rng, shapes)
    return (a, _any(rng, shapes, lambda s: _broadcasts(shapes[a], s))), {}


def _draw_axes(draw, ndim: int):
    """None, one axis (maybe negative) or a tuple of distinct axes."""
    kind = draw(st.sampled_from(["all", "one", "several"]))
    if kind == "all" or ndim == 0:
        return None
    if kind == "one":
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.sets(st.integers(0, ndim - 1), min_size=1, max_size=ndim)))


def _draw_reduce(draw, shapes, rng):
    a = _any(rng, shapes)
    return (a,), {"axis": _draw_axes(draw, len(shapes[a])), "keepdims": draw(st.booleans())}


def _draw_var(draw, shapes, rng):
    (a,), params = _draw_reduce(draw, shapes, rng)
    axes = params["axis"]
    axes = range(len(shapes[a])) if axes is None else np.atleast_1d(axes)
    count = int(np.prod([shapes[a][i] for i in axes]))
    ddof = draw(st.integers(0, 1))
    return ((a,), {**params, "ddof": ddof}) if count > ddof else None


def _draw_along_axis(draw, shapes, rng):
    a = _any(rng, shapes, lambda s: len(s) > 0)
    if a is None:
        return None
    return (a,), {"axis": draw(st.integers(-len(shapes[a]), len(shapes[a]) - 1))}


def _draw_reshape(draw, shapes, rng):
    a = _any(rng, shapes)
    remaining, dims = int(np.prod(shapes[a])), []
    while remaining > 1 and len(dims) < 3:
        dims.append(draw(st.sampled_from([d for d in range(1, remaining + 1)
                                          if remaining % d == 0])))
        remaining //= dims[-1]
    dims.append(remaining)
    if draw(st.booleans()):  # let reshape infer one length
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return (a,), {"shape": tuple(dims)}


def _draw_transpose(draw, shapes, rng):
    a = _any(rng, shapes, lambda s: len(s) >= 2)
    if a is None:
        return None
    return (a,), {"axes": tuple(draw(st.permutations(range(len(shapes[a])))))}


def _draw_unsqueeze(draw, shapes, rng):
    a = _any(rng, shapes)
    return (a,), {"axis": draw(st.integers(0, len(shapes[a])))}


def _draw_broadcast_to(draw, shapes, rng):
    a = _any(rng, shapes, lambda s: 2 * max(1, int(np.prod(s))) <= MAX_SIZE)
    if a is None:
        return None
    shape = shapes[a]
    grown = tuple(draw(st.sampled_from([n, 2, 3])) if n == 1 else n for n in shape)
    lead = (2,) if draw(st.booleans()) or grown == shape else ()
    target = lead + grown
    return ((a,), {"shape": target}) if int(np.prod(target)) <= MAX_SIZE else None


def _draw_index(draw, shapes, rng):
    """Integer arrays with repeats (and negatives), boolean masks, slices, or ints."""
    a = _any(rng, shapes, lambda s: len(s) > 0)
    if a is None:
        return None
    shape = shapes[a]
    axis = draw(st.integers(0, len(shape) - 1))
    n = shape[axis]
    kind = draw(st.sampled_from(["repeat", "mask", "slice", "int", "pair"]))
    before = (slice(None),) * axis
    if kind == "repeat":
        picks = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5))
        index = before + (np.array(picks + picks[:1]),)  # at least one repeat
    elif kind == "mask":
        mask = rng.random(shape[axis:]) < 0.6
        mask.reshape(-1)[draw(st.integers(0, mask.size - 1))] = True  # never empty
        index = before + (mask,)
    elif kind == "slice":
        start = draw(st.integers(0, n - 1))
        index = before + (slice(start, None, draw(st.integers(1, 2))),)
    elif kind == "int":
        index = before + (draw(st.integers(-n, n - 1)),)
    else:  # two integer arrays broadcast against each other
        if len(shape) < 2:
            return None
        rows = rng.integers(0, shape[0], size=(3, 1))
        cols = rng.integers(0, shape[1], size=(1, 2))
        index = (rows, cols)
    return (a,), {"index": index}


def _draw_concatenate(draw, shapes, rng):
    a = _any(rng, shapes, lambda s: len(s) > 0)
    if a is None:
        return None
    axis = draw(st.integers(0, len(shapes[a]) - 1))
    rest = shapes[a][:axis], shapes[a][axis + 1:]

    def joins(s):
        return len(s) == len(shapes[a]) and (s[:axis], s[axis + 1:]) == rest

    others = draw(st.lists(st.sampled_from([i for i, s in enumerate(shapes) if joins(s)]),
                           min_size=1, max_size=2))
    return (a, *others), {"axis": axis}


def _draw_stack(draw, shapes, rng):
    a = _any(rng, shapes)
    b = _any(rng, shapes, lambda s: s == shapes[a])
    return (a, b), {"axis": draw(st.integers(-len(shapes[a]) - 1, len(shapes[a])))}


def _draw_where(draw, shapes, rng):
    (a, b), _ = _draw_binary(draw, shapes, rng)
    shape = np.broadcast_shapes(shapes[a], shapes[b])
    mask_shape = shape[draw(st.integers(0, len(shape))):]
    return (a, b), {"mask": rng.random(mask_shape) < 0.5}


def _draw_matmul(draw, shapes, rng):
    """`a @ w` or `w @ a` for a fresh leaf `w` of rank 1 to 3 (batch axes broadcast)."""
    a = _any(rng, shapes, lambda s: len(s) > 0)
    if a is None:
        return None
    shape = shapes[a]
    left = draw(st.booleans())
    inner = shape[-1] if not left else shape[0] if len(shape) == 1 else shape[-2]
    rank, outer = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if rank == 1:
        w = (inner,)
    else:
        w = (outer, inner) if left else (inner, outer)
        if rank == 3:
            batch = shape[-3] if len(shape) >= 3 else draw(st.integers(1, 2))
            w = (draw(st.sampled_from([1, batch])),) + w
    return (a,), {"left": left, NEW_LEAVES: [rng.standard_normal(w)]}


def _matmul(a, w, left):
    return w @ a if left else a @ w


def _draw_batch_norm(draw, shapes, rng):
    """BatchNorm over axis 1 of a value of rank 2 to 4, fused or composed, training or not;
    the weight and bias (either may be absent) are fresh leaves. (stats="detached" is left
    out: its gradient deliberately ignores a dependence, so it is not the derivative.)"""
    a = _any(rng, shapes, lambda s: 2 <= len(s) <= 4 and int(np.prod(s)) // s[1] >= 2)
    if a is None:
        return None
    channels = shapes[a][1]
    affine = draw(st.sampled_from([("weight", "bias"), ("weight",), ("bias",), ()]))
    fresh = [rng.standard_normal(channels) for _ in affine]
    training = draw(st.booleans())
    running = (rng.standard_normal(channels), rng.uniform(0.5, 2.0, channels))
    return (a,), {
        "affine": affine, "training": training, "fused": draw(st.booleans()),
        "eps": draw(st.sampled_from([1e-5, 0.1])), "running": running, NEW_LEAVES: fresh,
    }


def _batch_norm(x, *weight_bias, affine, running, **options):
    named = dict(zip(affine, weight_bias))
    mean, var = (Tensor(r.astype(x.dtype)) for r in running)  # fresh: training updates them
    return F.batch_norm(x, mean, var, named.get("weight"), named.get("bias"), **options)


def _where(a, b, mask):
    return mg.where(mask, a, b)


OPS: dict[str, Op] = {
    **{name: Op(fn, _draw_one) for name, fn in UNARY.items()},
    **{name: Op(fn, _draw_binary) for name, fn in BINARY.items()},
    "sum": Op(lambda a, **p: a.sum(**p), _draw_reduce),
    "mean": Op(lambda a, **p: mg.mean(a, **p), _draw_reduce),
    "max": Op(lambda a, **p: a.max(**p), _draw_reduce),
    "min": Op(lambda a, **p: a.min(**p), _draw_reduce),
    "logsumexp": Op(lambda a, **p: a.logsumexp(**p), _draw_reduce),
    "var": Op(lambda a, **p: a.var(**p), _draw_var),
    "softmax": Op(lambda a, axis: a.softmax(axis), _draw_along_axis),
    "log_softmax": Op(lambda a, axis: mg.log_softmax(a, axis), _draw_along_axis),
    "reshape": Op(lambda a, shape: a.reshape(shape), _draw_reshape),
    "transpose": Op(lambda a, axes: a.transpose(*axes), _draw_transpose),
    "mT": Op(lambda a: a.mT, _draw_matrix),
    "unsqueeze": Op(lambda a, axis: a.unsqueeze(axis), _draw_unsqueeze),
    "flatten": Op(lambda a: a.flatten(), _draw_one),
    "broadcast_to": Op(lambda a, shape: a.broadcast_to(shape), _draw_broadcast_to),
    "getitem": Op(lambda a, index: a[index], _draw_index),
    "concatenate": Op(lambda *ts, axis: mg.cat(list(ts), axis=axis), _draw_concatenate),
    "stack": Op(lambda a, b, axis: mg.stack([a, b], axis=axis), _draw_stack),
    "where": Op(_where, _draw_where),
    "matmul": Op(_matmul, _draw_matmul),
    "batch_norm": Op(_batch_norm, _draw_batch_norm),
}

# A family first, then an op in it, so a family of one op (matmul, indexing) is as likely
# as the twenty unary ops.
FAMILIES: tuple[tuple[str, ...], ...] = (
    tuple(UNARY),
    (*BINARY, "where"),
    ("sum", "mean", "max", "min", "logsumexp", "var"),
    ("softmax", "log_softmax"),
    ("reshape", "transpose", "mT", "unsqueeze", "flatten", "broadcast_to"),
    ("getitem",),
    ("concatenate", "stack"),
    ("matmul",),
    ("batch_norm",),
)
assert sorted(itertools.chain(*FAMILIES)) == sorted(OPS)

SCALAR_REDUCTIONS = ("sum", "mean", "logsumexp")


# --- programs ----------------------------------------------------------------------------

@dataclass
class Step:
    op: str               # a key of OPS, or "leaf"
    args: tuple[int, ...]  # earlier values; for "leaf", the number of the leaf
    params: dict = field(default_factory=dict)


@dataclass
class Program:
    """A list of steps; each appends one value (a leaf, or an op applied to earlier ones).
    The values no step consumed are reduced to scalars and added up."""

    leaves: list[np.ndarray]
    steps: list[Step]
    sinks: list[tuple[int, str]]  # (value, reduction to a scalar)

    def run(self, *leaves: Tensor, trace: list | None = None,
            replace: Callable[[int, Tensor], Tensor] | None = None) -> Tensor:
        """The program's output; `trace` receives every value, `replace(k, value)` may
        substitute value k (a detached copy, a constant) before later steps use it."""
        values: list[Tensor] = []
        for k, step in enumerate(self.steps):
            if step.op == "leaf":
                value = leaves[step.args[0]]
            else:
                value = OPS[step.op].apply(*(values[i] for i in step.args), **step.params)
            values.append(value if replace is None else replace(k, value))
        if trace is not None:
            trace.extend(values)
        total = None
        for index, how in self.sinks:
            scalar = getattr(values[index], how)()
            total = scalar if total is None else total + scalar
        return total

    def inputs(self, dtype=np.float64) -> list[Tensor]:
        return [Tensor(x.astype(dtype), requires_grad=True) for x in self.leaves]

    def __repr__(self) -> str:
        lines = []
        for k, step in enumerate(self.steps):
            if step.op == "leaf":
                lines.append(f"v{k} = leaf{self.leaves[step.args[0]].shape}")
                continue
            shown = ", ".join(f"{p}={v!r}" for p, v in step.params.items())
            operands = ", ".join(f"v{i}" for i in step.args)
            lines.append(f"v{k} = {step.op}({operands}{', ' if shown else ''}{shown})")
        lines.append("out = " + " + ".join(f"v{i}.{how}()" for i, how in self.sinks))
        return "\n".join(lines)


def _leaf_shapes(rng, count: int) -> list[tuple[int, ...]]:
    """Shapes that broadcast together: suffixes of one base shape, some lengths set to 1."""
    while True:
        base = tuple(rng.integers(1, 5, size=rng.choice(5, p=[0.1, 0.2, 0.3, 0.25, 0.15])))
        if int(np.prod(base)) <= MAX_SIZE // 2:
            break
    shapes = []
    for _ in range(count):
        suffix = base[rng.integers(len(base) + 1):] if shapes else base
        shapes.append(tuple(1 if rng.random() < 0.25 else int(n) for n in suffix))
    return shapes


class _Builder:
    """Grows a program while computing its values (without a graph), so that each op is
    drawn for the shapes at hand and a step whose result is too large is not taken."""

    def __init__(self, rng) -> None:
        self.rng = rng
        self.leaves: list[np.ndarray] = []
        self.steps: list[Step] = []
        self.values: list[Tensor] = []

    def add_leaf(self, data: np.ndarray) -> int:
        self.steps.append(Step("leaf", (len(self.leaves),)))
        self.leaves.append(data)
        self.values.append(Tensor(data))
        return len(self.values) - 1

    def try_op(self, draw, name: str) -> bool:
        proposal = OPS[name].draw_args(draw, [v.shape for v in self.values], self.rng)
        if proposal is None or None in proposal[0]:
            return False
        args, params = proposal
        fresh = params.pop(NEW_LEAVES, [])
        operands = [self.values[i] for i in args] + [Tensor(x) for x in fresh]
        with mg.no_grad():
            out = OPS[name].apply(*operands, **params)
        if not (0 < out.size <= MAX_SIZE and np.abs(out.data).max() < MAX_MAGNITUDE):
            return False
        args = (*args, *(self.add_leaf(x) for x in fresh))
        self.steps.append(Step(name, tuple(args), params))
        self.values.append(out)
        return True

    def program(self, draw) -> Program:
        used = {i for step in self.steps if step.op != "leaf" for i in step.args}
        sinks = [(i, draw(st.sampled_from(SCALAR_REDUCTIONS)))
                 for i in range(len(self.values)) if i not in used]
        return Program(self.leaves, self.steps, sinks)


@st.composite
def programs(draw, max_steps: int = 8, max_leaves: int = 3, first: str | None = None,
             families=FAMILIES) -> Program:
    """A random program; `first` forces the op of the first step."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    builder = _Builder(rng)
    for shape in _leaf_shapes(rng, draw(st.integers(1, max_leaves))):
        builder.add_leaf(rng.standard_normal(shape))
    if first is not None:
        assume(any(builder.try_op(draw, first) for _ in range(4)))
    for _ in range(draw(st.integers(0 if first else 1, max_steps))):
        for _attempt in range(4):
            # NumPy picks the op: hypothesis' choices favour the first entries too much
            # to reach every op; operands and parameters stay shrinkable draws.
            family = families[rng.integers(len(families))]
            if builder.try_op(draw, family[rng.integers(len(family))]):
                break
    return builder.program(draw)
