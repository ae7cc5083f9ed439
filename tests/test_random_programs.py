"""Random programs: gradients checked on compositions no one wrote by hand.

The programs come from `helpers.programs` (tests/helpers/programs.py): a few leaves of
broadcastable shapes and a sequence of ops drawn from its `OPS` table, valid by
construction and in a sane numeric range.

Checks: every leaf's gradient against central differences (`gradcheck`), second order on
smaller programs (`gradgradcheck`), float32 runs that keep float32 in every node of the
forward and backward graphs while agreeing with float64, matmul of every pair of ranks,
and fused BatchNorm equal to composed BatchNorm on random shapes and inside programs.

The number of examples follows the hypothesis profile (tests/conftest.py); for a long run:
`HYPOTHESIS_PROFILE=long python -m pytest tests/test_random_programs.py`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from helpers.programs import OPS, Program, Step, budget, programs
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.autograd.graph import topological_order
from minigrad.tensor import Tensor

# --- properties --------------------------------------------------------------------------

@budget(10.0)
@given(programs(max_steps=12))
def test_first_order_gradients_match_central_differences(program):
    assert mg.gradcheck(program.run, program.inputs())


@budget(3.0)
@given(programs(max_steps=5, max_leaves=2))
def test_second_order_gradients_match_central_differences(program):
    assert mg.gradgradcheck(program.run, program.inputs())


@budget(3.0)
@given(programs(max_steps=12))
def test_float32_stays_float32_and_agrees_with_float64(program):
    _check_float32(program)


def _assert_float32_graph(root: Tensor | None) -> None:
    if root is None or root.grad_fn is None:
        return
    for node in topological_order([root.grad_fn]):
        assert node.output.dtype == np.float32, f"'{node.op.name}' gave {node.output.dtype}"


def _check_float32(program: Program) -> None:
    leaves32 = program.inputs(np.float32)
    values: list[Tensor] = []
    out = program.run(*leaves32, trace=values)
    assert out.dtype == np.float32
    assert all(v.dtype == np.float32 for v in values), [v.dtype for v in values]
    _assert_float32_graph(out)
    first = mg.grad(out, leaves32, create_graph=True, allow_unused=True)
    for g in first:  # the backward graphs too: a float64 constant in a VJP would show here
        assert g is None or g.dtype == np.float32
        _assert_float32_graph(g)
    second_root = sum(g.sum() for g in first if g is not None and g.requires_grad)
    if isinstance(second_root, Tensor):
        second = mg.grad(second_root, leaves32, allow_unused=True)
        assert all(g is None or g.dtype == np.float32 for g in second)

    leaves64 = program.inputs(np.float64)
    program.run(*leaves64).backward()
    for g32, x64 in zip(first, leaves64):
        g64 = np.zeros(x64.shape) if x64.grad is None else x64.grad.data
        g32 = np.zeros(x64.shape) if g32 is None else g32.data
        scale = 1.0 + np.abs(g64).max()
        np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-3 * scale)


@pytest.mark.parametrize("name", sorted(OPS))
@budget(0.5)
@given(data=st.data())
def test_each_op_inside_random_programs(name, data):
    """Every op of the table, first in a random program, so none is left to chance:
    gradients in float64, dtypes in float32."""
    program = data.draw(programs(max_steps=3, first=name), label="program")
    assert any(step.op == name for step in program.steps)
    assert mg.gradcheck(program.run, program.inputs())
    _check_float32(program)


# --- matmul: every rank combination ------------------------------------------------------

def _matmul_shapes(draw, rank_a: int, rank_b: int):
    """Shapes for a @ b with broadcasting batch axes (lengths 1 mixed in)."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch = [draw(st.integers(1, 3)) for _ in range(max(rank_a, rank_b) - 2)]

    def batch_of(rank):
        own = batch[len(batch) - (rank - 2):] if rank > 2 else []
        return tuple(1 if draw(st.booleans()) else b for b in own)

    a = (k,) if rank_a == 1 else batch_of(rank_a) + (n, k)
    b = (k,) if rank_b == 1 else batch_of(rank_b) + (k, m)
    return a, b


@pytest.mark.parametrize(("rank_a", "rank_b"), list(itertools.product(range(1, 5), repeat=2)))
@budget(0.5)
@given(data=st.data())
def test_matmul_every_rank_combination(rank_a, rank_b, data):
    shape_a, shape_b = _matmul_shapes(data.draw, rank_a, rank_b)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    a, b = (Tensor(rng.standard_normal(s), requires_grad=True) for s in (shape_a, shape_b))
    out = a @ b
    assert out.shape == np.matmul(a.data, b.data).shape
    np.testing.assert_allclose(out.data, np.matmul(a.data, b.data), rtol=1e-12)

    def f(x, y):
        return (x @ y).tanh()  # nonlinear, so the second derivative is not trivially zero

    assert mg.gradcheck(f, [a, b])
    assert mg.gradgradcheck(f, [a, b])


# --- BatchNorm: fused == composed, on random shapes --------------------------------------

def _with_fused(program: Program, fused: bool) -> Program:
    steps = [Step(s.op, s.args, {**s.params, "fused": fused}) if s.op == "batch_norm" else s
             for s in program.steps]
    return Program(program.leaves, steps, program.sinks)


def _first_and_second_order(fn: Callable[..., Tensor], inputs: list[Tensor], seed: int):
    """fn's value, its gradients and the gradients of <gradients, v> for a random v."""
    out = fn(*inputs)
    cotangent = Tensor(np.random.default_rng(seed).standard_normal(out.shape))
    grads = mg.grad(out, inputs, cotangent, create_graph=True, allow_unused=True)
    used = [(g, x) for g, x in zip(grads, inputs) if g is not None and g.requires_grad]
    results = [out.data, *(g.data for g, _ in used)]
    if used:
        rng = np.random.default_rng(seed + 1)
        inner = sum((g * Tensor(rng.standard_normal(g.shape))).sum() for g, _ in used)
        results += [g.data for g in mg.grad(inner, inputs, allow_unused=True) if g is not None]
    return results


@budget(2.0)
@given(data=st.data())
def test_batch_norm_fused_equals_composed(data):
    """Values, running statistics, gradients and second derivatives agree to 1e-10 (float64)
    in every layout, mode and option."""
    rank = data.draw(st.integers(2, 4), label="rank")
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    training = data.draw(st.booleans(), label="training")
    if training and int(np.prod(shape)) // shape[1] < 2:
        shape = (shape[0] + 1, *shape[1:])
    stats = data.draw(st.sampled_from(["batch", "detached"]), label="stats")
    affine = data.draw(st.sampled_from([("weight", "bias"), ("weight",), ("bias",), ()]))
    momentum = data.draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]), label="momentum")
    eps = data.draw(st.sampled_from([1e-5, 1e-3, 0.5]), label="eps")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    channels = shape[1]
    offset = rng.uniform(-3, 3, (1, channels) + (1,) * (rank - 2))
    x = rng.standard_normal(shape) * rng.uniform(0.5, 2.0) + offset
    params = [rng.standard_normal(channels) for _ in affine]
    running = (rng.standard_normal(channels), rng.uniform(0.5, 2.0, channels))

    results = []
    for fused in (True, False):
        stats_tensors = [Tensor(r.copy()) for r in running]

        def bn(x, *weight_bias, fused=fused, stats_tensors=stats_tensors):
            named = dict(zip(affine, weight_bias))
            return F.batch_norm(x, *stats_tensors, named.get("weight"), named.get("bias"),
                                training=training, momentum=momentum, eps=eps, stats=stats,
                                fused=fused)

        inputs = [Tensor(v, requires_grad=True) for v in (x, *params)]
        values = _first_and_second_order(bn, inputs, seed=3)
        results.append([*values, *(t.data for t in stats_tensors)])
    assert len(results[0]) == len(results[1])
    for fused_value, composed_value in zip(*results):
        np.testing.assert_allclose(fused_value, composed_value, rtol=0, atol=1e-10)


@budget(1.0)
@given(programs(max_steps=5, first="batch_norm"))
def test_batch_norm_fused_equals_composed_inside_programs(program):
    fused, composed = (_with_fused(program, flag) for flag in (True, False))
    results = [_first_and_second_order(p.run, p.inputs(), seed=5) for p in (fused, composed)]
    assert len(results[0]) == len(results[1])
    for fused_value, composed_value in zip(*results):
        np.testing.assert_allclose(fused_value, composed_value, rtol=0, atol=1e-10)
