"""BatchNorm: values worked by hand, PyTorch's running-statistics semantics, the fused op
against the composed graph (forever equal), first and second derivatives, the `stats`
modes' bias gradients (the paper's section 2), and clear errors."""

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
from minigrad.ops import BatchNormFunction

EPS = 1e-5
LAYOUTS = [(6, 3), (4, 3, 5), (3, 2, 3, 2)]
# Large enough that the fused kernels work in several blocks, the last one shorter.
BLOCKED_LAYOUTS = [(1100, 40), (3, 4, 90, 100)]
MODES = ["batch", "detached"]


def _t(array, requires_grad=True) -> mg.Tensor:
    return mg.Tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def _inputs(shape, seed=0):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = _t(rng.standard_normal(shape) * 2.0 + 1.5)
    w = _t(rng.uniform(0.5, 2.0, c))
    b = _t(rng.standard_normal(c))
    g = rng.standard_normal(shape)
    return x, w, b, g


def _reference(x, w, b, mean=None, var=None):
    """Algorithm 1 of the paper in plain NumPy."""
    axes = (0, *range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    mean = x.mean(axis=axes) if mean is None else mean
    var = x.var(axis=axes) if var is None else var
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + EPS)
    return x_hat * w.reshape(shape) + b.reshape(shape)


# --- values worked by hand --------------------------------------------------------------

# Per channel: batch 1 has means (2, 4), biased variances (1, 4), unbiased (2, 8);
# batch 2: means (0, 1), biased (0, 1), unbiased (0, 2); batch 3: means (6, 0),
# biased (1, 1), unbiased (2, 2).
BATCHES = [[[1.0, 2.0], [3.0, 6.0]], [[0.0, 0.0], [0.0, 2.0]], [[5.0, -1.0], [7.0, 1.0]]]


def test_training_output_worked_by_hand(float64) -> None:
    bn = nn.BatchNorm1d(2)
    bn.weight.data[:] = [2.0, 3.0]
    bn.bias.data[:] = [0.5, -1.0]
    y = bn(mg.tensor(BATCHES[0])).numpy()
    # each channel is {mean - sd, mean + sd}: x_hat = -+1 / sqrt(1 + eps / var)
    s0, s1 = 1 / math.sqrt(1 + EPS), 2 / math.sqrt(4 + EPS)
    expected = [[2.0 * -s0 + 0.5, 3.0 * -s1 - 1.0], [2.0 * s0 + 0.5, 3.0 * s1 - 1.0]]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-14)


@pytest.mark.parametrize("fused", [True, False])
def test_running_statistics_after_three_steps(float64, fused: bool) -> None:
    bn = nn.BatchNorm1d(2, momentum=0.1, fused=fused)
    for batch in BATCHES:
        bn(mg.tensor(batch))
    # running = 0.9 running + 0.1 batch, from mean 0 and variance 1, unbiased variances
    np.testing.assert_allclose(bn.running_mean.numpy(), [0.762, 0.414], rtol=0, atol=1e-14)
    np.testing.assert_allclose(bn.running_var.numpy(), [1.091, 1.757], rtol=0, atol=1e-14)
    assert int(bn.num_batches_tracked.item()) == 3

    bn.eval()
    x = np.array([[1.0, 1.0], [2.0, -3.0], [0.0, 0.5]])
    expected = (x - [0.762, 0.414]) / np.sqrt(np.array([1.091, 1.757]) + EPS)
    np.testing.assert_allclose(bn(mg.tensor(x)).numpy(), expected, rtol=0, atol=1e-13)
    assert int(bn.num_batches_tracked.item()) == 3  # evaluation does not count batches
    np.testing.assert_allclose(bn.running_mean.numpy(), [0.762, 0.414], rtol=0, atol=1e-14)


@pytest.mark.parametrize("fused", [True, False])
def test_momentum_none_is_a_cumulative_average(float64, fused: bool) -> None:
    bn = nn.BatchNorm1d(2, momentum=None, fused=fused)
    for batch in BATCHES:
        bn(mg.tensor(batch))
    np.testing.assert_allclose(bn.running_mean.numpy(), [8 / 3, 5 / 3], rtol=0, atol=1e-14)
    np.testing.assert_allclose(bn.running_var.numpy(), [4 / 3, 4.0], rtol=0, atol=1e-14)


def test_running_statistics_in_every_layout(float64) -> None:
    for shape in LAYOUTS:
        x, *_ = _inputs(shape)
        bn = nn.BatchNorm1d(shape[1], momentum=0.3) if len(shape) < 4 else \
            nn.BatchNorm2d(shape[1], momentum=0.3)
        bn(x)
        axes = (0, *range(2, len(shape)))
        np.testing.assert_allclose(bn.running_mean.numpy(), 0.3 * x.data.mean(axis=axes),
                                   rtol=1e-13)
        np.testing.assert_allclose(bn.running_var.numpy(),
                                   0.7 + 0.3 * x.data.var(axis=axes, ddof=1), rtol=1e-13)


def test_without_running_statistics_eval_uses_the_batch(float64) -> None:
    bn = nn.BatchNorm1d(3, track_running_stats=False, affine=False).eval()
    x, *_ = _inputs((5, 3))
    assert bn.running_mean is None and "running_mean" not in bn.state_dict()
    np.testing.assert_allclose(bn(x).numpy(), _reference(x.data, np.ones(3), np.zeros(3)),
                               atol=1e-13)


# --- fused == composed, forever -----------------------------------------------------------

@pytest.mark.parametrize("shape", LAYOUTS + BLOCKED_LAYOUTS, ids=str)
@pytest.mark.parametrize("stats", MODES)
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("create_graph", [False, True], ids=["numpy-vjp", "tensor-vjp"])
def test_fused_equals_composed(shape, stats: str, training: bool, create_graph: bool) -> None:
    x, w, b, g = _inputs(shape, seed=len(shape))
    results = []
    for fused in (True, False):
        running = [mg.tensor(np.linspace(-1, 1, shape[1])),
                   mg.tensor(np.linspace(0.5, 2, shape[1]))]
        y = F.batch_norm(x, *running, w, b, training=training, momentum=0.2, stats=stats,
                         fused=fused)
        grads = mg.grad(y, [x, w, b], mg.tensor(g), create_graph=create_graph)
        results.append([y.data, *(t.data for t in grads), *(r.data for r in running)])
    for fused_value, composed_value in zip(*results):
        np.testing.assert_allclose(fused_value, composed_value, rtol=0, atol=1e-10)
    mean = None if training else np.linspace(-1, 1, shape[1])
    var = None if training else np.linspace(0.5, 2, shape[1])
    np.testing.assert_allclose(results[0][0], _reference(x.data, w.data, b.data, mean, var),
                               atol=1e-12)


@given(n=st.integers(2, 4), c=st.integers(1, 3), spatial=st.lists(st.integers(1, 3), max_size=2),
       stats=st.sampled_from(MODES), training=st.booleans(), seed=st.integers(0, 2**16))
def test_fused_equals_composed_on_drawn_shapes(n, c, spatial, stats, training, seed) -> None:
    x, w, b, g = _inputs((n, c, *spatial), seed)
    outputs = []
    for fused in (True, False):
        running = [mg.tensor(np.full(c, 0.25)), mg.tensor(np.full(c, 1.5))]
        y = F.batch_norm(x, *running, w, b, training=training, stats=stats, fused=fused)
        grads = mg.grad(y, [x, w, b], mg.tensor(g))
        outputs.append([y.data, *(t.data for t in grads), *(r.data for r in running)])
    for fused_value, composed_value in zip(*outputs):
        np.testing.assert_allclose(fused_value, composed_value, rtol=0, atol=1e-10)


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("affine", [(True, True), (True, False), (False, True), (False, False)])
def test_optional_weight_and_bias(fused: bool, affine) -> None:
    x, w, b, _ = _inputs((5, 3))
    w, b = (w if affine[0] else None), (b if affine[1] else None)
    y = F.batch_norm(x, None, None, w, b, training=True, fused=fused)
    expected = _reference(x.data, np.ones(3) if w is None else w.data,
                          np.zeros(3) if b is None else b.data)
    np.testing.assert_allclose(y.numpy(), expected, atol=1e-13)
    mg.gradcheck(lambda *ts: F.batch_norm(ts[0], None, None, *_pick(ts[1:], affine),
                                          training=True, fused=fused),
                 [x, *(t for t in (w, b) if t is not None)])


def _pick(params, affine):
    params = list(params)
    return tuple(params.pop(0) if present else None for present in affine)


# --- derivatives ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", LAYOUTS, ids=str)
@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_batch_statistics_gradcheck_and_gradgradcheck(shape, fused: bool) -> None:
    x, w, b, _ = _inputs(shape, seed=3)

    def fn(x, w, b):
        return F.batch_norm(x, None, None, w, b, training=True, fused=fused)

    assert mg.gradcheck(fn, [x, w, b])
    assert mg.gradgradcheck(fn, [x, w, b])


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_evaluation_mode_gradcheck_and_gradgradcheck(fused: bool) -> None:
    x, w, b, _ = _inputs((4, 3, 2), seed=4)
    mean, var = mg.tensor(np.array([0.1, -0.2, 0.3])), mg.tensor(np.array([0.5, 1.5, 2.0]))

    def fn(x, w, b):
        return F.batch_norm(x, mean, var, w, b, training=False, fused=fused)

    assert mg.gradcheck(fn, [x, w, b])
    assert mg.gradgradcheck(fn, [x, w, b])


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_detached_statistics_gradients_in_closed_form(fused: bool) -> None:
    """Detached: dx = gamma / sigma * dy (the statistics are constants), and gamma and beta
    get the usual sums. Finite differences would see the statistics move, so the weight and
    bias are checked numerically with x held fixed, and dx against the closed form."""
    x, w, b, g = _inputs((6, 3, 2), seed=5)
    y = F.batch_norm(x, None, None, w, b, training=True, stats="detached", fused=fused)
    dx, dw, db = mg.grad(y, [x, w, b], mg.tensor(g))
    sigma = np.sqrt(x.data.var(axis=(0, 2)) + EPS).reshape(1, 3, 1)
    x_hat = (x.data - x.data.mean(axis=(0, 2)).reshape(1, 3, 1)) / sigma
    np.testing.assert_allclose(dx.numpy(), g * w.data.reshape(1, 3, 1) / sigma, atol=1e-13)
    np.testing.assert_allclose(dw.numpy(), (g * x_hat).sum(axis=(0, 2)), atol=1e-12)
    np.testing.assert_allclose(db.numpy(), g.sum(axis=(0, 2)), atol=1e-12)
    constant_x = _t(x.data, requires_grad=False)

    def fn(w, b):
        return F.batch_norm(constant_x, None, None, w, b, training=True, stats="detached",
                            fused=fused)

    assert mg.gradcheck(fn, [w, b])
    assert mg.gradgradcheck(fn, [w, b])


def test_only_needed_gradients_are_computed() -> None:
    x, w, b, g = _inputs((5, 3))
    x_const = _t(x.data, requires_grad=False)
    y = F.batch_norm(x_const, None, None, w, b, training=True)
    dw, db = mg.grad(y, [w, b], mg.tensor(g))
    full = mg.grad(F.batch_norm(x, None, None, w, b, training=True), [w, b], mg.tensor(g))
    np.testing.assert_allclose(dw.numpy(), full[0].numpy(), atol=1e-13)
    np.testing.assert_allclose(db.numpy(), full[1].numpy(), atol=1e-13)


# --- the paper's section 2: what the gradient does to a bias before the normalization ----

def _bias_gradient(stats: str, fused: bool):
    rng = np.random.default_rng(7)
    u = _t(rng.standard_normal((16, 4)) * 3.0, requires_grad=False)
    bias = _t(rng.standard_normal(4))
    gamma, beta = _t(rng.uniform(0.5, 2.0, 4)), _t(rng.standard_normal(4))
    upstream = rng.standard_normal((16, 4))  # dl/dy for l = sum(upstream * y)
    x = u + bias
    y = F.batch_norm(x, None, None, gamma, beta, training=True, stats=stats, fused=fused)
    (y * mg.tensor(upstream)).sum().backward()
    return bias.grad.numpy(), x.data, gamma.data, upstream


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_bias_gradient_vanishes_when_differentiating_through_the_statistics(fused) -> None:
    db, *_ = _bias_gradient("batch", fused)
    assert np.abs(db).max() < 1e-12


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_bias_gradient_survives_when_the_statistics_are_detached(fused) -> None:
    db, x, gamma, upstream = _bias_gradient("detached", fused)
    dl_dxhat = upstream * gamma
    expected = dl_dxhat.sum(axis=0) / np.sqrt(x.var(axis=0) + EPS)
    np.testing.assert_allclose(db, expected, rtol=0, atol=1e-12)
    assert np.abs(db).min() > 0.1


# --- graph shapes ---------------------------------------------------------------------

def test_fused_is_one_node_and_composed_shows_each_step() -> None:
    x, w, b, _ = _inputs((4, 3))
    fused = F.batch_norm(x, None, None, w, b, training=True)
    assert fused.grad_fn.op is BatchNormFunction and fused.grad_fn.name == "batch_norm"
    assert fused.grad_fn.inputs == (x, w, b)
    composed = F.batch_norm(x, None, None, w, b, training=True, fused=False)
    names = [node.name for node in topological_order([composed.grad_fn])]
    assert sorted(names) == sorted(["mean", "sub", "var", "add", "sqrt", "div", "mul", "add"])


def test_composed_detached_statistics_are_cut_edges() -> None:
    x, w, b, _ = _inputs((4, 3))
    y = F.batch_norm(x, None, None, w, b, training=True, stats="detached", fused=False)
    nodes = topological_order([y.grad_fn])
    assert sorted(node.name for node in nodes) == ["add", "div", "mul", "sub"]
    cut = {node.name: t.detached_from.op_name for node in nodes for t in node.inputs
           if t.detached_from is not None}
    assert cut == {"sub": "mean", "div": "sqrt"}


# --- dtypes and errors -----------------------------------------------------------------

@pytest.mark.parametrize("fused", [True, False])
def test_float32_stays_float32(fused: bool) -> None:
    bn = nn.BatchNorm2d(3, fused=fused)
    x = mg.randn(4, 3, 2, 2, requires_grad=True)
    y = bn(x)
    y.backward(mg.ones_like(y))
    for t in (y, x.grad, bn.weight.grad, bn.bias.grad, bn.running_mean, bn.running_var):
        assert t.dtype == np.float32


def test_one_value_per_channel_is_an_error_when_training() -> None:
    bn = nn.BatchNorm1d(4)
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\(1, 4\)"):
        bn(mg.randn(1, 4))
    assert int(bn.num_batches_tracked.item()) == 0
    with pytest.raises(ValueError, match=r"\(1, 4, 1\)"):
        bn(mg.randn(1, 4, 1))
    bn(mg.randn(1, 4, 5))  # five values per channel: fine
    bn.eval()
    assert bn(mg.randn(1, 4)).shape == (1, 4)  # evaluation uses the running statistics


def test_wrong_layouts_and_channels_name_the_layer() -> None:
    with pytest.raises(ValueError, match=r"BatchNorm1d\(8\).*has 5 channels.*expected 8"):
        nn.BatchNorm1d(8)(mg.randn(4, 5))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected a 4-D .*\(4, 3\)"):
        nn.BatchNorm2d(3)(mg.randn(4, 3))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected a 2-D"):
        nn.BatchNorm1d(3)(mg.randn(2, 3, 2, 2))


def test_functional_argument_errors() -> None:
    x = mg.randn(4, 3)
    with pytest.raises(ValueError, match="stats must be one of"):
        F.batch_norm(x, None, None, training=True, stats="population")
    with pytest.raises(ValueError, match=r"evaluation mode.*needs running_mean"):
        F.batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.batch_norm(x, None, None, mg.ones(4), training=True)
    with pytest.raises(ValueError, match="momentum must be a number"):
        F.batch_norm(x, mg.zeros(3), mg.ones(3), training=True, momentum=None)
    with pytest.raises(TypeError, match="float32 but the weight is float64"):
        F.batch_norm(x, None, None, mg.ones(3, dtype=np.float64), training=True)
    with pytest.raises(ValueError, match="stats must be one of"):
        nn.BatchNorm1d(3, stats="running")


def test_module_repr_and_state() -> None:
    bn = nn.BatchNorm1d(4, stats="detached", fused=False)
    assert repr(bn) == ("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, "
                        "track_running_stats=True, stats='detached', fused=False)")
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    bn(mg.randn(3, 4))
    bn.reset_running_stats()
    assert bn.running_mean.numpy().tolist() == [0.0] * 4
    assert int(bn.num_batches_tracked.item()) == 0


# --- it trains ---------------------------------------------------------------------------

@pytest.mark.parametrize("fused", [True, False])
def test_mlp_with_batchnorm_fits_a_synthetic_problem(fused: bool) -> None:
    """Two interleaved rings: not linearly separable; a BN MLP fits them quickly."""
    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    n = 256
    radius = np.where(np.arange(n) % 2 == 0, 1.0, 2.0)
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += rng.normal(0, 0.1, points.shape)
    labels = (np.arange(n) % 2).astype(np.int64)
    x = mg.tensor(points.astype(np.float32))
    model = nn.Sequential(nn.Linear(2, 32, bias=False), nn.BatchNorm1d(32, fused=fused),
                          nn.ReLU(), nn.Linear(32, 32, bias=False),
                          nn.BatchNorm1d(32, fused=fused), nn.ReLU(), nn.Linear(32, 2))
    optimizer = mg.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(150):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05
    model.eval()
    accuracy = (model(x).numpy().argmax(axis=1) == labels).mean()
    assert accuracy > 0.98
