"""The section-2 experiments: the claims of the paper, asserted in float64."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import minigrad as mg
from minigrad.experiments import (
    bias_drift,
    interval_stats,
    normalize,
    scale_drift,
    section2_problem,
)
from minigrad.experiments.datasets import load_digits, make_moons, make_spirals

LR = 0.1


# --- bias_drift: x = u + b, x_hat = x - E[x] ---------------------------------------------
@pytest.fixture(scope="module")
def detached():
    return bias_drift("detached", steps=40, lr=LR, seed=3)


@pytest.fixture(scope="module")
def full():
    return bias_drift("full", steps=40, lr=LR, seed=3)


def test_detached_loss_stays_fixed(detached):
    relative = np.abs(detached["loss"] - detached["loss"][0]) / detached["loss"][0]
    assert relative.max() < 1e-10
    assert detached["output_change"].max() < 1e-10


def test_detached_gradient_is_the_same_nonzero_vector_every_step(detached):
    grad_b = detached["grad_b"]
    assert np.abs(grad_b[0]).min() > 0.1
    np.testing.assert_allclose(grad_b, np.broadcast_to(grad_b[0], grad_b.shape), rtol=1e-10)


def test_detached_gradient_is_minus_the_target_mean():
    # With l = 1/(2N) sum ||x_hat - t||^2: sum_i dl/dx_hat_i = mean(x_hat) - mean(t) = -mean(t).
    _, t = section2_problem(seed=3)
    result = bias_drift("detached", steps=2, lr=LR, seed=3)
    np.testing.assert_allclose(result["grad_b"][0], -t.mean(axis=0), rtol=1e-12)


def test_detached_bias_moves_by_the_same_step_forever(detached):
    b = np.vstack([detached["b"], detached["b_final"]])
    steps = np.diff(b, axis=0)
    np.testing.assert_allclose(steps, -LR * detached["grad_b"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b[-1], -LR * len(steps) * detached["grad_b"][0], rtol=1e-10)
    assert np.all(np.abs(b[-1]) > np.abs(b[len(b) // 2]))  # grows without bound


def test_full_gradient_is_zero_and_bias_never_moves(full):
    assert np.abs(full["grad_b"]).max() < 1e-12
    assert np.abs(full["b"]).max() < 1e-12 and np.abs(full["b_final"]).max() < 1e-12
    np.testing.assert_allclose(full["loss"], full["loss"][0], rtol=1e-12)


def test_both_modes_compute_the_same_loss(detached, full):
    assert detached["loss"][0] == pytest.approx(full["loss"][0], rel=1e-14)


def test_learnable_shift_absorbs_the_drift():
    # grad_b = grad_beta = beta - mean(t) every step, so b - beta never changes: b stops
    # when beta has learned the targets' mean, having drifted exactly as far as beta moved.
    _, t = section2_problem(seed=1)
    result = bias_drift("detached", steps=300, lr=0.2, seed=1, head="shift")
    np.testing.assert_allclose(result["grad_b"], result["grad_head"], atol=1e-13)
    np.testing.assert_allclose(result["b_final"], result["head_final"], atol=1e-12)
    np.testing.assert_allclose(result["head_final"], t.mean(axis=0), atol=1e-9)
    assert np.abs(result["grad_b"][-1]).max() < 1e-9
    full = bias_drift("full", steps=300, lr=0.2, seed=1, head="shift")
    assert np.abs(full["b_final"]).max() < 1e-12
    np.testing.assert_allclose(full["loss"], result["loss"], rtol=1e-12)


def test_drift_persists_when_weight_decay_holds_the_shift_back():
    # beta settles at mean(t)/(1 + wd), leaving sum dl/dx_hat = -wd mean(t)/(1 + wd): b keeps
    # moving by lr * wd * mean(t) / (1 + wd) per step, forever.
    _, t = section2_problem(seed=0)
    wd, lr = 0.1, 0.2
    result = bias_drift("detached", steps=400, lr=lr, seed=0, head="shift",
                        head_weight_decay=wd)
    rate = lr * wd * t.mean(axis=0) / (1 + wd)
    np.testing.assert_allclose(result["b_final"] - result["b"][-1], rate, rtol=1e-8)


def test_drift_persists_with_a_learnable_scale():
    result = bias_drift("detached", steps=300, lr=0.2, seed=0, head="scale")
    gamma = result["head"][-1]
    _, t = section2_problem(seed=0)
    np.testing.assert_allclose(result["grad_b"][-1], -gamma * t.mean(axis=0), rtol=1e-8)
    assert np.abs(result["grad_b"][-1]).min() > 0.05


def test_bias_drift_is_deterministic():
    first, second = bias_drift("detached", steps=5, seed=7), bias_drift("detached", steps=5,
                                                                        seed=7)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "sometimes"}, "mode must be one of 'detached', 'full'"),
    ({"head": "tail"}, "head must be one of"),
    ({"steps": 0}, "steps must be positive"),
    ({"lr": -1.0}, "lr must be positive"),
])
def test_bias_drift_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bias_drift(**kwargs)


# --- scale_drift: x_hat = (x - mu) / sigma, x = W u + b -----------------------------------
@pytest.fixture(scope="module")
def digits():
    pytest.importorskip("sklearn")  # scikit-learn ships the digits
    return load_digits(seed=0)


@pytest.fixture
def no_data(monkeypatch):
    """The digits cannot be loaded: an experiment must reject bad arguments before it tries."""
    def refuse(*args, **kwargs):
        raise AssertionError("the data was loaded before the arguments were checked")

    for name in ("scale_drift", "interval_stats"):  # the modules, which the functions shadow
        module = importlib.import_module(f"minigrad.experiments.{name}")
        monkeypatch.setattr(module, "load_digits", refuse)


@pytest.mark.parametrize("head", ["classifier", "regression"])
def test_differentiated_statistics_give_a_gradient_orthogonal_to_each_row(digits, head):
    result = scale_drift("batch", steps=15, lr=0.5, head=head, data=digits)
    norms = result["w_row_norms"]
    relative_radial = np.abs(result["radial_rows"]) / norms
    assert relative_radial.max() < 1e-12 * result["grad_w_norm"].max()
    assert np.abs(result["radial_cos"]).max() < 1e-12
    assert result["grad_b_norm"].max() < 1e-12
    # Each step only turns W_j: ||W_j||^2 grows by lr^2 ||g_j||^2 (second order), so ||W||^2
    # grows by exactly lr^2 ||g||^2.
    growth = np.diff(result["w_norm"] ** 2)
    np.testing.assert_allclose(growth, 0.25 * result["grad_w_norm"][:-1] ** 2, rtol=1e-6)
    assert result["loss"][-1] < 0.8 * result["loss"][0]


@pytest.mark.parametrize("head, sign", [("classifier", -1.0), ("regression", 1.0)])
def test_detached_statistics_leave_a_radial_part(digits, head, sign):
    result = scale_drift("detached", steps=15, lr=0.5, head=head, data=digits)
    cos = result["radial_cos"][5:]
    assert np.all(sign * cos > 0.1)  # a large share of the gradient points along W
    # The radial part moves ||W||^2 at first order: -2 lr <W, g> + lr^2 ||g||^2.
    expected = -2 * 0.5 * result["radial"][:-1] + 0.25 * result["grad_w_norm"][:-1] ** 2
    np.testing.assert_allclose(np.diff(result["w_norm"] ** 2), expected, rtol=1e-9, atol=1e-12)
    assert result["grad_b_norm"].min() > 1e-6  # and b drifts, as in bias_drift


def test_detached_classifier_weights_grow_linearly_in_norm_squared(digits):
    result = scale_drift("detached", steps=80, lr=0.5, data=digits)
    batch = scale_drift("batch", steps=80, lr=0.5, data=digits)
    assert result["w_norm"][-1] > 1.3 * result["w_norm"][0]
    assert batch["w_norm"][-1] < 1.05 * batch["w_norm"][0]
    assert result["loss"][-1] > batch["loss"][-1]  # the growing norm slows learning


def test_detached_regression_collapses_and_never_learns(digits):
    result = scale_drift("detached", steps=60, lr=0.5, head="regression", data=digits)
    batch = scale_drift("batch", steps=60, lr=0.5, head="regression", data=digits)
    assert result["w_row_norms"].min() < 0.3 * result["w_row_norms"][0].min()
    assert result["loss"].min() > 0.9 * result["loss"][0]
    assert result["test_accuracy"][-1] < 0.4
    assert batch["test_accuracy"][-1] > 0.85


def test_loss_is_invariant_to_the_scale_of_w(digits):
    # The forward pass does not see ||W_j||; the first loss is the same for both modes and
    # for a rescaled start.
    rng = np.random.default_rng(0)
    u = mg.tensor(digits.x_train[:200])
    w = rng.standard_normal((8, 64))
    scales = rng.uniform(0.1, 10.0, (8, 1))
    for stats in ("batch", "detached"):
        a = normalize(u @ mg.tensor(w).T, stats).data
        b = normalize(u @ mg.tensor(w * scales).T, stats).data
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"stats": "population"}, "stats must be one of"),
    ({"head": "mlp"}, "head must be one of"),
    ({"head": "regression", "hidden": 4}, "one unit per class"),
    ({"hidden": 0}, "hidden must be positive"),
    ({"lr": -1.0}, "lr must be positive"),
])
def test_scale_drift_rejects_bad_arguments(kwargs, message, no_data):
    with pytest.raises(ValueError, match=message):
        scale_drift(steps=1, **kwargs)


# --- data sets ------------------------------------------------------------------------
def test_generated_data_sets_are_seeded_and_balanced():
    x, y = make_moons(200, seed=4)
    x2, y2 = make_moons(200, seed=4)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert x.shape == (200, 2) and np.bincount(y).tolist() == [100, 100]
    x, y = make_spirals(300, classes=3, seed=4)
    assert x.shape == (300, 2) and np.bincount(y).tolist() == [100, 100, 100]
    assert np.abs(x).max() <= 1.0 + 1e-12


def test_digits_split_is_stratified_and_standardized(digits):
    assert digits.x_train.shape[1] == 64
    assert len(digits.y_test) == pytest.approx(0.2 * 1797, abs=10)
    assert np.bincount(digits.y_test).min() >= 34
    np.testing.assert_allclose(digits.x_train.mean(axis=0), 0.0, atol=1e-12)


# --- interval_stats: training-set statistics every k steps vs BatchNorm -------------------
def test_batchnorm_leaves_the_first_bias_untouched(digits):
    result = interval_stats("batch", steps=60, lr=0.5, data=digits)
    np.testing.assert_allclose(result["b_norm"], result["b_norm"][0], rtol=1e-12)
    assert np.abs(result["radial_cos"]).max() < 1e-4  # scale invariant up to eps
    assert result["test_accuracy"][-1] > 0.9
    assert int(result["diverged_at"]) == -1


def test_interval_statistics_let_the_bias_drift(digits):
    result = interval_stats("interval", every=10, steps=60, lr=0.5, data=digits)
    refreshed = np.flatnonzero(result["refreshed"])
    np.testing.assert_array_equal(refreshed, np.arange(0, 60, 10))
    assert result["b_norm"][-1] > 2 * result["b_norm"][0]
    assert result["test_accuracy"][-1] > 0.9  # at this learning rate it still learns


def test_interval_statistics_blow_up_where_batchnorm_does_not(digits):
    blown = interval_stats("interval", every=100, steps=40, lr=2.0, data=digits)
    assert 0 < int(blown["diverged_at"]) < 40
    assert np.isnan(blown["loss"][int(blown["diverged_at"]):]).all()
    batchnorm = interval_stats("batch", steps=40, lr=2.0, data=digits)
    assert int(batchnorm["diverged_at"]) == -1
    assert batchnorm["test_accuracy"][-1] > 0.9


def test_interval_stats_is_deterministic(digits):
    first = interval_stats("detached", steps=5, data=digits)
    second = interval_stats("detached", steps=5, data=digits)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


def test_interval_stats_rejects_bad_arguments(no_data):
    with pytest.raises(ValueError, match="mode must be one of 'interval', 'batch'"):
        interval_stats("always", steps=1)
    with pytest.raises(ValueError, match="every must be positive"):
        interval_stats("interval", every=0, steps=1)
    with pytest.raises(ValueError, match="hidden must be positive"):
        interval_stats("batch", steps=1, hidden=0)
    with pytest.raises(ValueError, match=r"BatchNorm \(mode='batch'\) needs a batch_size of at "
                                         "least 2, got 1"):
        interval_stats("batch", steps=1, batch_size=1)
