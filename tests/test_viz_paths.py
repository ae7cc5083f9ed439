"""minigrad.viz.grad_paths: the chain rule split over paths, and its drawing."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.dot import parse_dot
from helpers.graphs import section2
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import viz


def test_section2_direct_path_carries_the_sum_and_the_mean_path_its_negative():
    b, x, loss = section2()
    x_hat = x.data - x.data.mean(axis=0)
    mg.manual_seed(0)
    mg.randn(4, 3, dtype=np.float64)  # u, as section2 drew it
    target = mg.randn(4, 3, dtype=np.float64).data
    dl_dx_hat = 2 * (x_hat - target) / x_hat.size
    direct, through_mean = viz.grad_paths(loss, b)
    assert direct.ops == ("add", "sub", "sub", "pow", "mean")
    assert through_mean.ops == ("add", "mean", "sub", "sub", "pow", "mean")
    assert direct.slots[:2] == (1, 0) and through_mean.slots[:3] == (1, 0, 1)
    np.testing.assert_allclose(direct.contribution, dl_dx_hat.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(through_mean.contribution, -dl_dx_hat.sum(axis=0), rtol=1e-12)
    assert np.abs(direct.contribution).min() > 1e-3  # each path matters; only the sum is 0
    total = direct.contribution + through_mean.contribution
    assert np.abs(total).max() < 1e-15
    (engine,) = mg.grad(loss, b)
    np.testing.assert_allclose(total, engine.data, atol=1e-15)


def test_section2_detached_leaves_only_the_direct_path():
    b, _x, loss = section2(detach=True)
    (path,) = viz.grad_paths(loss, b)
    assert path.ops == ("add", "sub", "sub", "pow", "mean")
    (engine,) = mg.grad(loss, b)
    np.testing.assert_allclose(path.contribution, engine.data, rtol=1e-12)
    assert np.abs(path.contribution).max() > 1e-3


def test_using_a_tensor_twice_gives_two_paths():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    paths = viz.grad_paths((x * x).sum(), x)
    assert [p.slots for p in paths] == [(0, 0), (1, 0)]
    for path in paths:
        np.testing.assert_array_equal(path.contribution, [1.0, 2.0])


def test_paths_to_a_non_leaf_tensor():
    x = mg.randn(3, dtype=np.float64, requires_grad=True)
    h = x.tanh()
    other_h = h * 1.0  # a different op: paths end at h's node, whatever tensor holds it
    out = (h * 3.0 + h.exp()).sum() + other_h.sum()
    paths = viz.grad_paths(out, h)
    assert sorted(p.ops for p in paths) == sorted([
        ("mul", "add", "sum", "add"), ("exp", "add", "sum", "add"), ("mul", "sum", "add")])
    (engine,) = mg.grad(out, h)
    np.testing.assert_allclose(sum(p.contribution for p in paths), engine.data, rtol=1e-12)


def test_broadcast_edges_are_summed_to_the_input_shape_and_dtypes_kept():
    b = mg.randn(3, requires_grad=True)  # float32
    x = mg.randn(5, 3) + b
    paths = viz.grad_paths((x * x).mean(), b)
    assert all(p.contribution.shape == (3,) and p.contribution.dtype == np.float32
               for p in paths)


def test_output_is_wrt_and_output_independent_of_wrt():
    x = mg.randn(3, requires_grad=True)
    y = x.sum()
    (only,) = viz.grad_paths(y, y)
    assert only.ops == () and only.contribution == 1.0
    other = mg.randn(3, requires_grad=True)
    assert viz.grad_paths(y, other) == []


def test_non_scalar_outputs_need_grad_output():
    x = mg.randn(3, requires_grad=True)
    y = x * 2.0
    with pytest.raises(ValueError, match="not a scalar; pass grad_output"):
        viz.grad_paths(y, x)
    (path,) = viz.grad_paths(y, x, grad_output=np.array([1.0, 2.0, 3.0], np.float32))
    np.testing.assert_array_equal(path.contribution, [2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match="grad_output has shape"):
        viz.grad_paths(y, x, grad_output=np.ones(2))


def test_too_many_paths_are_counted_before_any_is_computed():
    x = mg.randn(2, requires_grad=True)
    h = x
    for _ in range(40):  # 2**40 paths: counting them must not enumerate them
        h = (h * h).tanh()  # tanh keeps the values finite; it adds no path
    with pytest.raises(viz.TooManyPathsError, match=r"1099511627776 paths .* max_paths=64"):
        viz.grad_paths(h.sum(), x)


def test_a_freed_graph_is_a_clear_error():
    x = mg.randn(3, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"freed by a backward pass.*retain_graph=True"):
        viz.grad_paths(y, x)


def test_bad_arguments_are_clear_errors():
    x = mg.randn(3, requires_grad=True)
    y = x.sum()
    with pytest.raises(ValueError, match="does not require grad"):
        viz.grad_paths(y, mg.randn(3))
    with pytest.raises(TypeError, match="wrt must be a Tensor"):
        viz.grad_paths(y, np.ones(3))
    with pytest.raises(ValueError, match="max_paths"):
        viz.grad_paths(y, x, max_paths=0)


# --- random programs: the paths always sum to the engine's gradient ------------------------
SHAPES = [(2, 3), (1, 3), (2, 1), (3,), ()]
UNARY = {
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "square": lambda a: a * a,
    "neg": lambda a: -a,
    "scale": lambda a: a * 0.7,
    "mean0": lambda a: a.mean(0, keepdims=True) if a.ndim else a.mean(),
    "sum_last": lambda a: a.sum(-1, keepdims=True) if a.ndim else a.sum(),
    "exp_tanh": lambda a: a.tanh().exp(),
    "detach": lambda a: a.detach() * a,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "max": lambda a, b: a.maximum(b),
}


@st.composite
def programs(draw):
    steps = draw(st.lists(
        st.one_of(
            st.tuples(st.just(1), st.sampled_from(sorted(UNARY)), st.integers(0, 99)),
            st.tuples(st.just(2), st.sampled_from(sorted(BINARY)), st.integers(0, 99),
                      st.integers(0, 99)),
        ), min_size=1, max_size=8))
    shapes = draw(st.tuples(st.sampled_from(SHAPES), st.sampled_from(SHAPES)))
    wrt_index = draw(st.integers(0, 99))
    return steps, shapes, wrt_index


@given(programs(), st.integers(0, 2**31 - 1))
def test_path_contributions_sum_to_the_gradient_on_random_graphs(program, seed):
    steps, (shape_a, shape_b), wrt_index = program
    rng = np.random.default_rng(seed)
    a = mg.tensor(rng.normal(size=shape_a), requires_grad=True)
    b = mg.tensor(rng.normal(size=shape_b), requires_grad=True)
    values = [a, b, mg.tensor(rng.normal(size=(2, 3)))]
    for step in steps:
        if step[0] == 1:
            values.append(UNARY[step[1]](values[step[2] % len(values)]))
        else:
            values.append(BINARY[step[1]](values[step[2] % len(values)],
                                          values[step[3] % len(values)]))
    weights = mg.tensor(rng.normal(size=(2, 3)))
    out = sum(((v * weights).sum() for v in values[-3:]), start=mg.tensor(0.0, dtype=np.float64))
    candidates = [v for v in values if v.requires_grad]
    wrt = candidates[wrt_index % len(candidates)]
    assume(out.requires_grad)
    try:
        paths = viz.grad_paths(out, wrt, max_paths=2_000)
    except viz.TooManyPathsError:
        assume(False)
    (engine,) = mg.grad(out, wrt, allow_unused=True)
    expected = np.zeros(wrt.shape) if engine is None else engine.data
    total = np.sum([p.contribution for p in paths], axis=0) if paths else np.zeros(wrt.shape)
    np.testing.assert_allclose(total, expected, rtol=1e-9, atol=1e-12)
    for path in paths:
        assert path.contribution.shape == wrt.shape
        assert len(path.ops) == len(path.nodes) == len(path.slots)


# --- drawing the paths ----------------------------------------------------------------------
def test_draw_with_wrt_colours_the_cancelling_paths_and_says_they_sum_to_zero():
    b, _, loss = section2()
    dot = parse_dot(viz.draw(loss, wrt=b).source)
    labels = [e.label for e in dot.edges]
    assert sum(label.startswith("path 1:") for label in labels) == 1  # add -> sub
    assert sum(label.startswith("path 2:") for label in labels) == 2  # add -> mean -> sub
    # b -> add, sub -> sub -> pow -> mean -> loss: both paths, which cancel
    assert sum(label == "paths 1+2 cancel: 0" for label in labels) == 5
    colours = {e.label.split(":")[0]: e.attrs.split('color="')[1][:7] for e in dot.edges
               if e.label.startswith("path")}
    assert len(set(colours.values())) == 3  # path 1, path 2, shared
    assert "The paths sum to 0: they cancel" in dot.caption
    assert "path 1: b → add → sub → sub → pow → mean" in dot.caption
    untouched = [e for e in dot.edges if not e.label]
    assert len(untouched) == 2  # u -> add, target -> sub carry no gradient of b


def test_draw_with_wrt_on_the_detached_layer_shows_one_path_and_a_non_zero_sum():
    b, _, loss = section2(detach=True)
    dot = parse_dot(viz.draw(loss, wrt=b).source)
    assert "1 path" in dot.caption and "cancel" not in dot.caption
    assert "Sum of the paths (the gradient): [" in dot.caption
    assert len(dot.detached_edges()) == 1


def test_draw_with_wrt_and_too_many_paths_says_so():
    x = mg.randn(2, requires_grad=True)
    h = x
    for _ in range(8):
        h = h * h
    dot = parse_dot(viz.draw(h.sum(), wrt=x, max_paths=16).source)
    assert "256 paths" in dot.caption and "max_paths=16" in dot.caption


def test_draw_with_wrt_needs_one_root_and_no_expansion():
    b, x, loss = section2()
    with pytest.raises(ValueError, match="exactly one root"):
        viz.draw([loss, x], wrt=b)
    with pytest.raises(ValueError, match="expand_fused"):
        viz.draw(loss, wrt=b, expand_fused=True)
