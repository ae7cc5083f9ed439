"""Invariants of the engine, checked on random programs (tests/helpers/programs.py):
accumulation, no_grad, detach, retain_graph, float32 and determinism; and the in-place
policy: tensors have no in-place operators, so values saved for backward never change.
"""

from __future__ import annotations

import gc
import operator
import weakref

import numpy as np
import pytest
from helpers.programs import Program, budget, programs
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.autograd.graph import topological_order
from minigrad.tensor import Tensor


def _grads(leaves: list[Tensor]) -> list[np.ndarray | None]:
    return [None if x.grad is None else x.grad.data.copy() for x in leaves]


def _backward(program: Program, leaves: list[Tensor], **kwargs) -> Tensor:
    out = program.run(*leaves)
    out.backward(**kwargs)
    return out


def _assert_same(actual: list, expected: list, scale: float = 1.0) -> None:
    """Bitwise equality (after an exact scaling by a power of two or 3 = 2 + 1)."""
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert (a is None) == (e is None)
        if a is not None:
            np.testing.assert_array_equal(a, e * scale)


# --- accumulation -------------------------------------------------------------------------

@budget(1.0)
@given(programs())
def test_gradients_accumulate_across_backward_calls(program):
    leaves = program.inputs()
    _backward(program, leaves)
    once = _grads(leaves)
    _backward(program, leaves)
    _assert_same(_grads(leaves), once, scale=2.0)  # g + g is exactly 2 g


@budget(1.0)
@given(programs())
def test_leaves_used_by_several_graphs_accumulate(program):
    """Every leaf feeds two copies of the program in one graph: its gradient is the sum."""
    single = program.inputs()
    _backward(program, single)
    leaves = program.inputs()
    (program.run(*leaves) + program.run(*leaves) * 2.0).backward()
    for x, reference in zip(leaves, single):
        expected = 3 * reference.grad.data
        np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12, atol=1e-300)


def test_leaf_used_twice_in_one_op_and_across_ops():
    x = mg.Tensor(np.array([1.5, -2.0]), requires_grad=True)
    y = x * x + (x @ x) * x  # x used four times: d/dx = 2x + 2x * x + (x.x)
    y.sum().backward()
    expected = 2 * x.data + 2 * x.data * x.data.sum() + x.data @ x.data
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-15)


# --- no_grad ------------------------------------------------------------------------------

@budget(1.0)
@given(programs())
def test_no_grad_records_nothing_anywhere(program):
    leaves = program.inputs()
    values: list[Tensor] = []
    with mg.no_grad():
        out = program.run(*leaves, trace=values)
    assert out.grad_fn is None and not out.requires_grad
    for value in values:
        assert value.grad_fn is None
        assert value.requires_grad == any(value is x for x in leaves)
    recorded = program.run(*leaves)
    np.testing.assert_array_equal(out.data, recorded.data)  # same values either way


def test_no_grad_deep_chain_keeps_nothing_alive():
    x = mg.Tensor(np.ones(4), requires_grad=True)
    with mg.no_grad():
        y = x * 1.0
        first = weakref.ref(y)
        for _ in range(5000):
            y = (y * 1.0001).tanh() + 0.5
    gc.collect()
    assert y.grad_fn is None and not y.requires_grad
    assert first() is None, "no graph may keep the first intermediate alive"


# --- detach -------------------------------------------------------------------------------

@budget(1.0)
@given(programs(), st.data())
def test_detach_blocks_exactly_the_detached_path(program, data):
    """Detaching value k gives the gradients of the program in which value k is a constant;
    the detached tensor keeps a drawing-only link to its source."""
    k = data.draw(st.integers(0, len(program.steps) - 1), label="detached value")
    cut: dict[str, Tensor] = {}

    def detach_k(i, value):
        if i != k:
            return value
        cut["source"], cut["detached"] = value, value.detach()
        return cut["detached"]

    leaves = program.inputs()
    out = program.run(*leaves, replace=detach_k)
    source, detached = cut["source"], cut["detached"]
    assert detached.is_leaf and not detached.requires_grad
    assert detached.data is source.data
    link = detached.detached_from
    assert link is not None and link.source is source and link.shape == source.shape
    assert link.op_name == (source.grad_fn.op.name if source.grad_fn else None)

    # The same array, not a copy: a copy is contiguous where the source may be a strided
    # view, and BLAS may then sum in another order (1 ulp apart, seen with a transpose).
    constant = Tensor.wrap(source.data)
    reference = program.inputs()
    out_reference = program.run(*reference, replace=lambda i, v: constant if i == k else v)
    assert out.requires_grad == out_reference.requires_grad
    if out.requires_grad:
        out.backward()
        out_reference.backward()
    _assert_same(_grads(leaves), _grads(reference))


def test_detached_values_kept_across_steps_free_the_graph():
    x = mg.Tensor(np.ones(3), requires_grad=True)
    kept = []
    for _ in range(3):
        h = (x * 2.0).exp()
        kept.append(h.detach())  # a running statistic, a truncated RNN state
        node = weakref.ref(h.grad_fn)
        del h
        gc.collect()
        assert node() is None
    assert all(k.detached_from.source is None for k in kept)
    assert [k.detached_from.op_name for k in kept] == ["exp"] * 3


# --- retain_graph -------------------------------------------------------------------------

@budget(1.0)
@given(programs())
def test_retain_graph_semantics(program):
    leaves = program.inputs()
    out = program.run(*leaves)
    out.backward(retain_graph=True)
    once = _grads(leaves)
    out.backward(retain_graph=True)
    _assert_same(_grads(leaves), once, scale=2.0)
    out.backward()  # the last use frees the saved values
    _assert_same(_grads(leaves), once, scale=3.0)
    nodes = topological_order([out.grad_fn])
    assert all(node.released and node.saved is None for node in nodes)
    assert all(node.op.name and node.inputs is not None for node in nodes)  # drawable
    with pytest.raises(RuntimeError, match="retain_graph"):
        out.backward()


def test_create_graph_retains_and_grad_defaults_to_free():
    x = mg.Tensor(np.array([0.3, 0.7]), requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(create_graph=True)
    y.backward()  # create_graph kept the graph
    z = x.tanh().sum()
    mg.grad(z, x)  # retain_graph=None follows create_graph=False: frees
    with pytest.raises(RuntimeError, match="retain_graph"):
        mg.grad(z, x)


# --- float32 ------------------------------------------------------------------------------

def _float32_model(dropout: float = 0.0) -> nn.Module:
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(8, 3), nn.LayerNorm(3), nn.GELU())


@pytest.mark.parametrize("make_optimizer", [
    lambda p: mg.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3, nesterov=True),
    lambda p: mg.optim.Adam(p, lr=1e-2, weight_decay=1e-3, amsgrad=True),
    lambda p: mg.optim.AdamW(p, lr=1e-2),
], ids=["sgd", "adam", "adamw"])
def test_float32_training_step_stays_float32(make_optimizer):
    model = _float32_model()
    optimizer = make_optimizer(model.parameters())
    rng = np.random.default_rng(0)
    x = mg.Tensor(rng.standard_normal((6, 5)).astype(np.float32))
    labels = mg.Tensor(rng.integers(0, 3, 6))
    for _ in range(3):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), labels, label_smoothing=0.1)
        assert loss.dtype == np.float32
        loss.backward()
        optimizer.step()
    for name, value in model.state_dict().items():
        if value.dtype.kind == "f":
            assert value.dtype == np.float32, name
    for p in model.parameters():
        assert p.dtype == np.float32 and p.grad.dtype == np.float32
        for key, state in optimizer.state[p].items():
            assert getattr(state, "dtype", np.float32) == np.float32, key


# --- determinism --------------------------------------------------------------------------

@budget(1.0)
@given(programs())
def test_backward_is_bitwise_deterministic(program):
    runs = []
    for _ in range(2):
        leaves = program.inputs()
        _backward(program, leaves)
        runs.append(_grads(leaves))
    _assert_same(runs[0], runs[1])


def test_training_is_bitwise_reproducible():
    def train() -> list[np.ndarray]:
        model = _float32_model(dropout=0.2)  # dropout draws from minigrad's seeded generator
        optimizer = mg.optim.Adam(model.parameters(), lr=1e-2)
        rng = np.random.default_rng(1)
        for _ in range(5):
            x = mg.Tensor(rng.standard_normal((8, 5)).astype(np.float32))
            labels = mg.Tensor(rng.integers(0, 3, 8))
            optimizer.zero_grad()
            F.cross_entropy(model(x), labels).backward()
            optimizer.step()
        return [p.data.copy() for p in model.parameters()]

    for a, b in zip(train(), train()):
        assert a.tobytes() == b.tobytes()


# --- in-place operations: impossible by design ----------------------------------------------

AUGMENTED = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
    "/=": operator.itruediv, "**=": operator.ipow,
}


@pytest.mark.parametrize("symbol", sorted(AUGMENTED))
def test_augmented_assignment_rebinds_and_saved_values_stay(symbol):
    """`w += 1` makes a new tensor; the graph built from the old `w` is untouched."""
    x = mg.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    w = mg.Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    original = w.data.copy()
    y = x * w
    w_alias = w
    w = AUGMENTED[symbol](w, 2.0)
    assert w is not w_alias and w.grad_fn is not None  # a new tensor, recorded
    np.testing.assert_array_equal(w_alias.data, original)
    assert y.grad_fn.inputs[1] is w_alias
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, original)  # d(x*w)/dx with the old w
    np.testing.assert_array_equal(w_alias.grad.data, x.data)


def test_augmented_matmul_rebinds():
    a = mg.Tensor(np.eye(2), requires_grad=True)
    b = a
    b @= mg.Tensor(np.full((2, 2), 3.0))
    assert b is not a
    np.testing.assert_array_equal(a.data, np.eye(2))


def test_tensor_has_no_in_place_operations():
    in_place_dunders = {"__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__",
                        "__ipow__", "__imatmul__", "__imod__", "__iand__", "__ior__",
                        "__ixor__", "__ilshift__", "__irshift__", "__setitem__", "__delitem__"}
    assert not in_place_dunders & set(dir(Tensor))
    # PyTorch marks in-place methods with a trailing underscore; the one minigrad has
    # only flips the autograd flag of a leaf, it never changes values.
    underscored = {n for n in dir(Tensor) if n.endswith("_") and not n.startswith("__")}
    assert underscored <= {"requires_grad_"}
    t = mg.Tensor(np.zeros(3), requires_grad=True)
    with pytest.raises(TypeError, match="does not support item assignment"):
        t[0] = 1.0


def test_writes_through_data_are_outside_autograd():
    """The documented escape hatch: `.data` is the array the graph saved, so writing into it
    changes what backward reads, and nothing records or detects the write (as PyTorch)."""
    x = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w = mg.Tensor(np.array([3.0, 4.0]), requires_grad=True)
    y = (x * w).sum()
    w.data *= 10  # an optimizer step would do this, after backward, under no_grad
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [30.0, 40.0])  # the new w, not the old one
    assert y.item() == 11.0  # the forward value was computed before the write
