"""Reverse mode with PyTorch's semantics: accumulation, retained graphs, `grad`, higher
order, grad mode, detach links, hooks, very deep graphs and the inspectable graph."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest
from helpers.counting import count_walks

import minigrad as mg
from minigrad.autograd import engine
from minigrad.autograd.graph import topological_order
from minigrad.autograd.record import record_backward
from minigrad.tensor import DetachLink, Tensor


def leaf(values, dtype=np.float64) -> Tensor:
    return mg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# --- accumulation and retained gradients ---------------------------------------------

def test_gradients_accumulate_in_leaves_across_backward_calls() -> None:
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_a_leaf_used_twice_accumulates() -> None:
    x = leaf([1.0, -2.0])
    (x * x + x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, -3.0])


def test_a_non_leaf_used_twice_accumulates() -> None:
    x = leaf([1.0, -2.0])
    y = x * 2
    (y * y + y).sum().backward()  # d/dx (4x^2 + 2x)
    np.testing.assert_array_equal(x.grad.numpy(), [10.0, -14.0])


def test_retain_grad_keeps_non_leaf_gradients() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y.exp()
    y.retain_grad()
    (z * z).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), 2 * np.exp(2 * y.numpy()), rtol=1e-15)
    assert z.grad is None  # not retained
    x.retain_grad()  # a leaf keeps its gradient anyway: nothing changes
    assert x.grad is not None


def test_retained_gradient_accumulates_with_retain_graph() -> None:
    x = leaf([1.0])
    y = x * 3
    y.retain_grad()
    out = (y * y).sum()
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_array_equal(y.grad.numpy(), [12.0])
    np.testing.assert_array_equal(x.grad.numpy(), [36.0])


def test_backward_from_a_leaf() -> None:
    x = leaf(2.0)
    x.backward()
    assert x.grad.item() == 1.0


def test_backward_works_inside_no_grad() -> None:
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    with mg.no_grad():
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


# --- released graphs ----------------------------------------------------------------------

def test_saved_values_are_released_and_a_second_backward_mentions_retain_graph() -> None:
    x = leaf([1.0, 2.0])
    y = x.exp()
    out = y.sum()
    node = y.grad_fn
    assert not node.released and node._output is not None
    out.backward()
    assert node.released and node.saved is None
    assert node.op.name == "exp" and node.inputs[0] is x  # structure stays for inspection
    with pytest.raises(RuntimeError, match="retain_graph=True") as error:
        out.backward()
    assert "second time" in str(error.value)


def test_retain_graph_allows_a_second_backward() -> None:
    x = leaf([1.0, 2.0])
    out = x.exp().sum()
    out.backward(retain_graph=True)
    assert not out.grad_fn.released
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-15)
    assert out.grad_fn.released


def test_grad_releases_the_graph_unless_retained() -> None:
    x = leaf([1.0, 2.0])
    out = (x * x).sum()
    mg.grad(out, x, retain_graph=True)
    mg.grad(out, x)
    with pytest.raises(RuntimeError, match="retain_graph"):
        mg.grad(out, x)


# --- errors on the root -------------------------------------------------------------------

def test_backward_on_non_scalar_without_gradient_says_not_a_scalar() -> None:
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match=r"output of shape \(2,\) is not a scalar"):
        y.backward()


def test_backward_with_gradient_of_the_wrong_shape() -> None:
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\) but the output has "
                                           r"shape \(2,\)"):
        y.backward(mg.ones(3))


def test_backward_with_explicit_gradient() -> None:
    x = leaf([1.0, 2.0])
    (x * x).backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 40.0])


def test_backward_on_a_tensor_that_does_not_require_grad() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.ones(2).sum().backward()


# --- minigrad.grad ------------------------------------------------------------------------

def test_grad_returns_a_tuple_and_leaves_dot_grad_alone() -> None:
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    out = (x * w).sum()
    result = mg.grad(out, [x, w])
    assert isinstance(result, tuple) and len(result) == 2
    np.testing.assert_array_equal(result[0].numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(result[1].numpy(), [1.0, 2.0])
    assert x.grad is None and w.grad is None
    (single,) = mg.grad((x * x).sum(), x)
    np.testing.assert_array_equal(single.numpy(), [2.0, 4.0])


def test_grad_with_respect_to_a_non_leaf_and_with_grad_outputs() -> None:
    x = leaf([1.0, 2.0])
    y = x * x
    out = y.exp()
    (gy,) = mg.grad(out, y, grad_outputs=mg.tensor(np.array([1.0, 2.0])))
    np.testing.assert_allclose(gy.numpy(), np.exp([1.0, 4.0]) * [1.0, 2.0], rtol=1e-15)


def test_grad_of_several_outputs_sums_them() -> None:
    x = leaf([1.0, 2.0])
    (g,) = mg.grad([(x * 2).sum(), (x * x).sum()], [x])
    np.testing.assert_array_equal(g.numpy(), [4.0, 6.0])


def test_grad_of_an_unused_input_needs_allow_unused() -> None:
    x, unused = leaf([1.0]), leaf([2.0])
    out = (x * 2).sum()
    with pytest.raises(RuntimeError, match=r"input 1 .* was not used .*allow_unused=True"):
        mg.grad(out, [x, unused], retain_graph=True)
    gx, gu = mg.grad(out, [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_input_must_require_grad() -> None:
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="input 1 does not require grad"):
        mg.grad((x * 2).sum(), [x, mg.ones(1)])


def test_grad_outputs_count_must_match() -> None:
    x = leaf([1.0])
    with pytest.raises(ValueError, match="2 grad_outputs for 1 outputs"):
        mg.grad(x * 2, x, grad_outputs=[mg.ones(1), mg.ones(1)])


# --- higher order ---------------------------------------------------------------------------

def _hvp(f, x: Tensor, v: np.ndarray) -> np.ndarray:
    (g,) = mg.grad(f(x), x, create_graph=True)
    assert g.grad_fn is not None, "create_graph=True must record the backward pass"
    (hv,) = mg.grad((g * mg.tensor(v)).sum(), x)
    return hv.numpy()


def test_create_graph_off_records_nothing() -> None:
    x = leaf([1.0, 2.0])
    (g,) = mg.grad((x * x * x).sum(), x)
    assert g.grad_fn is None and not g.requires_grad
    (x * x * x).sum().backward()
    assert x.grad.grad_fn is None


def test_hessian_vector_product_of_cubes(rng) -> None:
    x, v = leaf(rng.standard_normal(5)), rng.standard_normal(5)
    np.testing.assert_allclose(_hvp(lambda t: (t**3).sum(), x, v), 6 * x.numpy() * v,
                               rtol=1e-13)
    np.testing.assert_allclose(_hvp(lambda t: (t * t * t).sum(), x, v), 6 * x.numpy() * v,
                               rtol=1e-13)


def test_second_derivatives_of_exp_and_tanh(rng) -> None:
    x, v = leaf(rng.standard_normal(4)), rng.standard_normal(4)
    np.testing.assert_allclose(_hvp(lambda t: t.exp().sum(), x, v), np.exp(x.numpy()) * v,
                               rtol=1e-13)
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(_hvp(lambda u: u.tanh().sum(), x, v),
                               -2 * t * (1 - t * t) * v, rtol=1e-12)


def test_hessian_of_weighted_softmax(rng) -> None:
    """f = sum(w * softmax(x)); with s = softmax(x) and c = w - <s, w>:
    H_jk = delta_jk s_j c_j - s_j s_k (c_j + c_k)."""
    x, w = leaf(rng.standard_normal(4)), rng.standard_normal(4)
    s = np.exp(x.numpy()) / np.exp(x.numpy()).sum()
    c = w - s @ w
    hessian = np.diag(s * c) - np.outer(s, s) * (c[:, None] + c[None, :])
    columns = [_hvp(lambda t: (t.softmax() * mg.tensor(w)).sum(), x, e) for e in np.eye(4)]
    np.testing.assert_allclose(np.stack(columns, axis=1), hessian, atol=1e-15, rtol=1e-12)


def test_third_derivative_through_create_graph() -> None:
    x = leaf([0.3, -1.2])
    (g1,) = mg.grad((x**4).sum(), x, create_graph=True)
    (g2,) = mg.grad(g1.sum(), x, create_graph=True)
    (g3,) = mg.grad(g2.sum(), x)
    np.testing.assert_allclose(g3.numpy(), 24 * x.numpy(), rtol=1e-13)


def test_backward_with_create_graph_gives_differentiable_grad() -> None:
    x = leaf([1.0, 3.0])
    (x**3).sum().backward(create_graph=True)
    assert x.grad.grad_fn is not None
    (hx,) = mg.grad(x.grad.sum(), x)
    np.testing.assert_allclose(hx.numpy(), 6 * x.numpy(), rtol=1e-15)


# --- grad mode ------------------------------------------------------------------------------

def test_no_grad_and_enable_grad_as_context_managers_nest() -> None:
    x = leaf([1.0])
    assert mg.is_grad_enabled()
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2
        with mg.enable_grad():
            assert mg.is_grad_enabled()
            z = x * 2
            with mg.no_grad():
                assert not mg.is_grad_enabled()
            assert mg.is_grad_enabled()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad
    assert z.grad_fn is not None and z.requires_grad


def test_grad_mode_is_restored_when_the_block_raises() -> None:
    with pytest.raises(KeyError), mg.no_grad():
        raise KeyError
    assert mg.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators() -> None:
    x = leaf([1.0])

    @mg.no_grad()
    def frozen(t):
        assert not mg.is_grad_enabled()
        return inner(t), t * 2

    @mg.enable_grad()
    def inner(t):
        return t * 2

    recorded, unrecorded = frozen(x)
    assert recorded.grad_fn is not None and unrecorded.grad_fn is None
    assert mg.is_grad_enabled()
    assert frozen.__name__ == "frozen"


def test_set_grad_enabled_as_context_manager() -> None:
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled()
    with mg.set_grad_enabled(True):
        assert mg.is_grad_enabled()


def test_grad_mode_is_thread_local() -> None:
    inside_no_grad, release = threading.Event(), threading.Event()
    seen: dict = {}

    def hold_no_grad():
        with mg.no_grad():
            seen["worker"] = mg.is_grad_enabled()
            inside_no_grad.set()
            release.wait(timeout=10)

    def fresh_thread():
        seen["fresh"] = mg.is_grad_enabled()

    worker = threading.Thread(target=hold_no_grad)
    worker.start()
    try:
        assert inside_no_grad.wait(timeout=10)
        # the worker is inside no_grad right now: this thread and a new one are unaffected
        assert mg.is_grad_enabled()
        assert (leaf([1.0]) * 2).grad_fn is not None
        other = threading.Thread(target=fresh_thread)
        other.start()
        other.join()
    finally:
        release.set()
        worker.join()
    assert seen == {"worker": False, "fresh": True}


# --- detach and its links ----------------------------------------------------------------

def test_detach_cuts_the_gradient_and_shares_data() -> None:
    x = leaf([1.0, 2.0])
    d = x.detach()
    assert d.is_leaf and not d.requires_grad and d.data is x.data
    (x * x.detach()).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0])  # not 2x


def test_detach_link_of_a_temporary_records_its_op_and_inputs() -> None:
    x = leaf(np.arange(6.0).reshape(3, 2))
    centered = x - x.mean(0).detach()
    detached = centered.grad_fn.inputs[1]
    link = detached.detached_from
    assert isinstance(link, DetachLink)
    assert link.op_name == "mean"
    assert any(t is x for t in link.op_inputs)
    assert link.shape == (2,) and link.dtype == np.float64
    gc.collect()
    assert link.source is None  # the temporary mean is gone; the link did not keep it
    centered.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((3, 2)))  # no path through mean


def test_detach_link_of_a_leaf_and_of_a_constant() -> None:
    x = leaf([1.0])
    link = x.detach().detached_from
    assert link.source is x and link.op_name is None and link.op_inputs == ()
    assert mg.ones(2).detach().detached_from is None  # nothing to link to


def test_detach_link_is_weak_the_source_graph_is_freed() -> None:
    x = leaf(np.ones((50, 50)))
    source = (x * 2).exp()
    node_ref, source_ref = weakref.ref(source.grad_fn), weakref.ref(source)
    kept = source.detach()
    del source
    gc.collect()
    assert source_ref() is None and node_ref() is None
    assert kept.detached_from.source is None
    assert kept.detached_from.op_name == "exp"
    assert "source freed" in repr(kept.detached_from)


def test_link_does_not_keep_the_op_inputs_alive() -> None:
    x = leaf([1.0, 2.0])
    y = x * 3
    kept = (y + 1).detach()
    y_ref = weakref.ref(y)
    del y
    gc.collect()
    assert y_ref() is None
    assert kept.detached_from.op_inputs[0] is None


# --- hooks and requires_grad_ --------------------------------------------------------------

def test_leaf_hook_sees_and_may_replace_the_gradient() -> None:
    x = leaf([1.0, 2.0])
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.numpy().copy()))
    doubler = x.register_hook(lambda g: g * 2)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(seen[0], [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])
    handle.remove()
    doubler.remove()
    doubler.remove()  # removing twice is harmless
    x.grad = None
    (x * 3).sum().backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_non_leaf_hook_replaces_the_gradient_flowing_upstream() -> None:
    x = leaf([1.0, 2.0])
    y = x * x
    handle = y.register_hook(lambda g: g * 0 + 1)  # pretend dl/dy = 1
    (y * 10).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    handle.remove()
    x.grad = None
    y2 = x * x
    (y2 * 10).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [20.0, 40.0])


def test_register_hook_needs_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.ones(2).register_hook(lambda g: g)


def test_requires_grad_underscore_sets_and_returns_self() -> None:
    x = mg.ones(2)
    assert not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    assert x.requires_grad_(False) is x and not x.requires_grad
    assert (x * 2).grad_fn is None


def test_operators_never_modify_in_place() -> None:
    """`y += 1` rebinds y to a new tensor, so values saved for backward never change."""
    x = leaf([1.0, 2.0])
    y = x.exp()
    saved = y
    y += 1
    assert y is not saved and y.grad_fn.op.name == "add"
    (saved * y).sum().backward()  # d/dx e^x (e^x + 1) = 2 e^{2x} + e^x
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), 2 * e * e + e, rtol=1e-15)


# --- very deep graphs ------------------------------------------------------------------------

def _chain(length: int) -> tuple[Tensor, Tensor]:
    x = mg.tensor(np.zeros(1), requires_grad=True)
    y = x
    for _ in range(length):
        y = y + 1.0
    return x, y


class _PausedGC:
    """Pause the cyclic collector: building a huge graph triggers full collections whose
    cost has nothing to do with the engine being measured."""

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info) -> None:
        if self._was_enabled:
            gc.enable()


@pytest.mark.slow  # about 5 s of CPU, mostly building the chain; more on a loaded machine
def test_million_node_chain_backpropagates_without_recursion(float64) -> None:
    with _PausedGC():
        x, y = _chain(1_000_000)
        y.backward(mg.ones(1))
    assert x.grad.item() == 1.0
    assert y.item() == 1_000_000.0
    del y  # freeing a million-node chain must not overflow the C stack either


def test_backward_work_is_linear_in_graph_size(float64, monkeypatch) -> None:
    """Counted rather than timed (benchmarks/ times deep_chain's growth): one walk over the
    graph and one VJP per node, at every length."""
    walks = count_walks(monkeypatch, engine)
    for length in (1_000, 100_000):
        walks.clear()
        with _PausedGC():
            x, y = _chain(length)
            with record_backward() as record:
                y.backward(mg.ones(1))
        assert walks == [length]
        assert len(record.steps) == length
        assert len({id(step.node) for step in record.steps}) == length
        assert x.grad.item() == 1.0


class _CountedInputs(tuple):
    """A node's inputs that count how often a traversal iterates them."""

    reads = 0

    def __iter__(self):
        _CountedInputs.reads += 1
        return super().__iter__()


def test_topological_order_reads_each_node_once_where_paths_multiply(monkeypatch) -> None:
    # h = h + h, 60 times: 2**60 paths from the root to the leaf, 60 nodes.
    class Value:
        def __init__(self, grad_fn):
            self.grad_fn = grad_fn

    class FakeNode:
        def __init__(self, inputs):
            self.inputs = _CountedInputs(inputs)

    monkeypatch.setattr(_CountedInputs, "reads", 0)
    h = Value(None)
    nodes = []
    for _ in range(60):
        nodes.append(FakeNode((h, h)))
        h = Value(nodes[-1])
    order = topological_order([nodes[-1]])
    assert order == nodes[::-1]
    assert _CountedInputs.reads == 60


def test_topological_order_puts_consumers_first() -> None:
    x = leaf([1.0])
    a = x * 2
    b = a.exp()
    c = a + b
    order = topological_order([c.grad_fn])
    position = {node: i for i, node in enumerate(order)}
    assert len(order) == 3
    assert position[c.grad_fn] < position[b.grad_fn] < position[a.grad_fn]


# --- the graph as a reader sees it -----------------------------------------------------------

def test_node_public_attributes() -> None:
    x = leaf(np.ones((2, 3)))
    w = mg.tensor(np.ones(3))  # a constant: an input, but no gradient
    y = (x * w).sum(axis=0, keepdims=True)
    node = y.grad_fn
    assert node.op.name == node.name == "sum" and repr(node) == "<sum>"
    assert node.params == {"axes": (0,), "keepdims": True}
    mul = node.inputs[0].grad_fn
    assert mul.op.name == "mul" and mul.inputs[0] is x and mul.inputs[1] is w
    assert mul.params == {}
    assert mul.needs_input_grad == (True, False)
    assert node.parents == [mul] and mul.parents == []
    np.testing.assert_array_equal(node.output.numpy(), y.numpy())
    assert node.output.grad_fn is node
    assert not node.released
    assert mg.ops.PRIMITIVES["sum"] is node.op


def test_saved_values_are_visible_until_released() -> None:
    x = leaf([[1.0, 5.0]])
    y = x.logsumexp(axis=1)
    node = y.grad_fn
    assert node.saved is not None and len(node.saved) == 1
    y.sum().backward()
    assert node.saved is None and node.released


def test_leaves_have_no_node() -> None:
    x = leaf([1.0])
    assert x.is_leaf and x.grad_fn is None
    assert not (x * 2).is_leaf
    assert mg.ones(1).is_leaf


# --- regressions: 0-d results, private .grad arrays, set_grad_enabled as a call -------------

def test_zero_d_tensor_used_three_times() -> None:
    x = leaf(2.0)
    (x + x + x).backward()
    assert x.grad.item() == 3.0


def test_zero_d_results_hold_arrays() -> None:
    x = leaf(2.0)
    assert isinstance((x * x).data, np.ndarray)
    assert isinstance(leaf([1.0, 2.0]).sum().data, np.ndarray)


def test_leaf_gradients_are_private_writable_arrays() -> None:
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert a.grad is not b.grad and not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data *= 0.5  # in-place updates (gradient clipping, weight decay) must work
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])
    seed = mg.ones(2, dtype=np.float64)
    c = leaf([1.0, 2.0])
    c.backward(seed)
    assert not np.shares_memory(c.grad.data, seed.data)


def test_set_grad_enabled_called_as_a_function() -> None:
    try:
        mg.set_grad_enabled(False)
        assert not mg.is_grad_enabled()
    finally:
        mg.set_grad_enabled(True)


def test_forward_reads_the_same_ctx_whether_or_not_a_node_is_recorded() -> None:
    """A primitive's forward may read ctx.inputs, ctx.params and ctx.needs_input_grad and
    call save_for_backward, under grad mode and without it; only a recorded call keeps what
    it saved."""
    seen = []

    class Scale(mg.autograd.Function):
        name = "scale_for_test"

        @staticmethod
        def forward(ctx, a, factor=1.0):
            seen.append((ctx.inputs[0].shape, ctx.params["factor"], ctx.needs_input_grad))
            ctx.save_for_backward(factor)
            return a * factor

        @staticmethod
        def backward(ctx, g):
            (factor,) = ctx.saved
            return g * factor

    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        assert Scale.apply(x, factor=3.0).grad_fn is None
    constant = Scale.apply(mg.tensor([1.0]), factor=2.0)
    assert constant.grad_fn is None
    y = Scale.apply(x, factor=3.0)
    assert y.grad_fn.saved == (3.0,)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    assert seen == [((2,), 3.0, (True,)), ((1,), 2.0, (False,)), ((2,), 3.0, (True,))]


def test_the_engine_step_fits_each_gradient_to_its_input() -> None:
    """`engine.vjp`, the step every propagation takes: a VJP's output for an input that needs
    no gradient becomes None, one of a broadcast shape is summed to the input's shape, one
    of another dtype is cast to the input's, and gradients that fit pass as they are."""

    class Spread(mg.autograd.Function):
        name = "spread_for_test"

        @staticmethod
        def forward(ctx, a, b, c):
            return np.broadcast_to(a, (3, 2)) + b + c

        @staticmethod
        def backward(ctx, g):  # every input gets a gradient, in float64, of the output's shape
            wide = Tensor.wrap(g.data.astype(np.float64))
            return wide, wide, g

    a = mg.tensor([1.0, 2.0], requires_grad=True)  # broadcast: (2,) against (3, 2)
    b = mg.tensor(np.ones((3, 2)))                  # a constant
    c = mg.tensor(np.ones((3, 2)), requires_grad=True)
    out = Spread.apply(a, b, c)
    g = mg.tensor(np.arange(6.0).reshape(3, 2))
    a_bar, b_bar, c_bar = engine.vjp(out.grad_fn, g)
    assert b_bar is None
    assert a_bar.shape == (2,) and a_bar.dtype == np.float32
    assert a_bar.tolist() == [6.0, 9.0]
    assert c_bar is g  # it fitted: passed on, not copied
    plain = engine.vjp((a * 2).grad_fn, mg.ones(2))
    assert plain[1] is None and plain[0].tolist() == [2.0, 2.0]
