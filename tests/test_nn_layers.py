"""Layers, activations, dropout, LayerNorm and initializers; the nn primitives' first and
second derivatives (every primitive defined in minigrad.nn must appear in `CASES`)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.autograd.graph import topological_order
from minigrad.ops import PRIMITIVES


def _t(rng, *shape, requires_grad=True) -> mg.Tensor:
    return mg.Tensor(rng.standard_normal(shape), requires_grad=requires_grad)


# --- the nn primitives -------------------------------------------------------------------

def _linear(rng):
    return F.linear, [_t(rng, 5, 3), _t(rng, 4, 3), _t(rng, 4)]


def _linear_batched_no_bias(rng):
    return F.linear, [_t(rng, 2, 3, 3), _t(rng, 4, 3)]


def _linear_vector_input(rng):
    return F.linear, [_t(rng, 3), _t(rng, 2, 3), _t(rng, 2)]


def _batch_norm(rng):
    def fn(x, w, b):
        return F.batch_norm(x, None, None, w, b, training=True)
    return fn, [_t(rng, 5, 3), mg.Tensor(rng.uniform(0.5, 2, 3), requires_grad=True),
                _t(rng, 3)]


def _cross_entropy(reduction, smoothing=0.0, ignore=False):
    def build(rng):
        target = np.array([0, 3, 1, 3, 2])
        if ignore:
            target[1] = -100
        return (lambda z: F.cross_entropy(z, target, reduction=reduction,
                                          label_smoothing=smoothing)), [_t(rng, 5, 4)]
    return build


CASES = {
    "linear": ("linear", _linear),
    "linear-batched-no-bias": ("linear", _linear_batched_no_bias),
    "linear-vector-input": ("linear", _linear_vector_input),
    "batch_norm": ("batch_norm", _batch_norm),
    "cross_entropy-mean": ("cross_entropy", _cross_entropy("mean")),
    "cross_entropy-sum-smoothed": ("cross_entropy", _cross_entropy("sum", 0.2)),
    "cross_entropy-none-ignored": ("cross_entropy", _cross_entropy("none", 0.1, True)),
    "cross_entropy-mean-ignored": ("cross_entropy", _cross_entropy("mean", 0.0, True)),
}


@pytest.mark.parametrize("name", CASES)
def test_nn_primitive_derivatives(name: str) -> None:
    op, build = CASES[name]
    fn, inputs = build(np.random.default_rng(0))
    out = fn(*inputs)
    assert out.grad_fn.name == op
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)


def test_every_fused_primitive_is_in_the_table() -> None:
    fused = {name for name, op in PRIMITIVES.items() if op.is_fusion()}
    assert fused == {op for op, _ in CASES.values()}


@given(batch=st.lists(st.integers(1, 3), max_size=2), features=st.integers(1, 4),
       out=st.integers(1, 3), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_linear_matches_matmul_for_any_batch_shape(batch, features, out, bias, seed) -> None:
    rng = np.random.default_rng(seed)
    x, w = _t(rng, *batch, features), _t(rng, out, features)
    b = _t(rng, out) if bias else None
    expected = x.data @ w.data.T + (b.data if bias else 0.0)
    np.testing.assert_allclose(F.linear(x, w, b).numpy(), expected, rtol=1e-12, atol=1e-12)
    inputs = [x, w] + ([b] if bias else [])
    assert mg.gradcheck(lambda *ts: F.linear(*ts), inputs)


def test_linear_skips_gradients_nobody_needs() -> None:
    rng = np.random.default_rng(1)
    x = _t(rng, 4, 3, requires_grad=False)
    w = _t(rng, 2, 3)
    y = F.linear(x, w)
    nodes = topological_order([y.grad_fn])
    assert [n.name for n in nodes] == ["linear"]  # one node, no transpose or add
    (dw,) = mg.grad(y.sum(), [w])
    np.testing.assert_allclose(dw.numpy(), np.ones((4, 2)).T @ x.data)


# --- layers ----------------------------------------------------------------------------

def test_linear_initialization_follows_pytorch() -> None:
    mg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p.dtype == np.float32 and np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.95 * bound  # really uniform over the whole range
    assert layer.weight.shape == (300, 400) and layer.bias.shape == (300,)
    assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert nn.Linear(2, 3, bias=False).bias is None
    assert nn.Linear(2, 3, dtype=np.float64).weight.dtype == np.float64


def test_linear_errors_name_the_layer_and_sizes() -> None:
    layer = nn.Linear(784, 512)
    with pytest.raises(ValueError, match=r"Linear\(in_features=784, out_features=512, "
                                         r"bias=True\).*shape \(2, 700\) has 700.*784"):
        layer(mg.zeros(2, 700))
    with pytest.raises(ValueError, match=r"linear: the input of shape \(2, 5\) has 5 .*"
                                         r"weight of shape \(4, 3\) expects 3"):
        F.linear(mg.zeros(2, 5), mg.zeros(4, 3))
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        F.linear(mg.zeros(2, 3), mg.zeros(4, 3), mg.zeros(3))
    with pytest.raises(TypeError, match="input is float64 but the weight is float32"):
        layer(mg.zeros(2, 784, dtype=np.float64))
    with pytest.raises(ValueError, match="in_features must be a non-negative int"):
        nn.Linear(-1, 2)


def test_identity_flatten_and_activation_modules(float64) -> None:
    rng = np.random.default_rng(2)
    x = _t(rng, 2, 3, 4)
    assert nn.Identity()(x) is x
    assert nn.Flatten()(x).shape == (2, 12) and nn.Flatten(0, 1)(x).shape == (6, 4)
    checks = {
        nn.ReLU(): np.maximum(x.data, 0),
        nn.Tanh(): np.tanh(x.data),
        nn.Sigmoid(): 1 / (1 + np.exp(-x.data)),
        nn.GELU(): x.data * 0.5 * (1 + np.vectorize(math.erf)(x.data / math.sqrt(2))),
        nn.Softmax(dim=1): np.exp(x.data) / np.exp(x.data).sum(axis=1, keepdims=True),
        nn.LogSoftmax(): x.data - np.log(np.exp(x.data).sum(axis=-1, keepdims=True)),
    }
    for module, expected in checks.items():
        np.testing.assert_allclose(module(x).numpy(), expected, rtol=1e-12, atol=1e-14)
        assert mg.gradcheck(module, [x])
    tanh_gelu = nn.GELU(approximate="tanh")
    assert repr(tanh_gelu) == "GELU(approximate='tanh')"
    assert np.abs(tanh_gelu(x).numpy() - checks[list(checks)[3]]).max() < 1e-3
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


def test_dropout_scales_the_kept_elements_and_is_off_in_eval() -> None:
    mg.manual_seed(3)
    layer = nn.Dropout(0.25)
    x = mg.ones(200, 100, requires_grad=True)
    y = layer(x)
    kept = y.numpy() != 0
    assert abs(kept.mean() - 0.75) < 0.01
    assert np.all(y.numpy()[kept] == np.float32(1 / 0.75)) and y.dtype == np.float32
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), y.numpy())  # the same mask on the way back
    mg.manual_seed(3)
    assert np.array_equal(layer(x).numpy(), y.numpy())  # seeded
    assert layer.eval()(x) is x
    assert np.all(F.dropout(x, 1.0).numpy() == 0) and F.dropout(x, 0.0) is x
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)


def test_layer_norm_values_and_derivatives(float64) -> None:
    rng = np.random.default_rng(4)
    x = _t(rng, 3, 2, 4)
    layer = nn.LayerNorm((2, 4))
    layer.weight.data[:] = rng.uniform(0.5, 2, (2, 4))
    layer.bias.data[:] = rng.standard_normal((2, 4))
    mean = x.data.mean(axis=(1, 2), keepdims=True)
    var = x.data.var(axis=(1, 2), keepdims=True)
    expected = (x.data - mean) / np.sqrt(var + 1e-5) * layer.weight.data + layer.bias.data
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-12, atol=1e-12)
    assert mg.gradcheck(lambda x, w, b: F.layer_norm(x, (2, 4), w, b),
                        [x, layer.weight, layer.bias])
    assert mg.gradgradcheck(lambda x, w, b: F.layer_norm(x, 4, w[0], b[0]),
                            [x, layer.weight, layer.bias])
    assert nn.LayerNorm(4, elementwise_affine=False).weight is None
    with pytest.raises(ValueError, match=r"does not end with the normalized shape \(3,\)"):
        F.layer_norm(x, 3)


# --- initializers ----------------------------------------------------------------------

def test_initializers_fill_in_place_with_the_documented_statistics() -> None:
    mg.manual_seed(5)
    w = mg.zeros(300, 200)
    data = w.data
    assert nn.init.uniform_(w, -2, 3) is w and w.data is data
    assert w.data.min() >= -2 and w.data.max() < 3 and abs(w.data.mean() - 0.5) < 0.05
    nn.init.normal_(w, 1.0, 2.0)
    assert abs(w.data.mean() - 1.0) < 0.05 and abs(w.data.std() - 2.0) < 0.05
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(w.data.std() - math.sqrt(2 / 200)) < 0.002
    nn.init.kaiming_uniform_(w, mode="fan_out")
    assert np.abs(w.data).max() <= math.sqrt(2) * math.sqrt(3 / 300)
    nn.init.xavier_uniform_(w, gain=2.0)
    assert np.abs(w.data).max() <= 2.0 * math.sqrt(6 / 500)
    nn.init.xavier_normal_(w)
    assert abs(w.data.std() - math.sqrt(2 / 500)) < 0.002
    nn.init.zeros_(w)
    assert not w.data.any()
    nn.init.ones_(w)
    assert w.data.all() and w.dtype == np.float32
    conv = mg.zeros(8, 4, 3, 3)
    assert nn.init.fan_in_and_fan_out(conv) == (36, 72)
    assert nn.init.calculate_gain("tanh") == 5 / 3
    assert nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init.xavier_uniform_(mg.zeros(3))
