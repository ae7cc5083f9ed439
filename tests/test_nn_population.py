"""PopulationNorm: whole-training-set statistics, constants to the gradient, refreshed
every k steps; `refresh_population_norms` for a whole model."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn.population import Moments

EPS = 1e-5


@pytest.fixture
def data(rng) -> np.ndarray:
    return rng.standard_normal((50, 3)) * [1.0, 2.0, 0.5] + [3.0, -1.0, 0.0]


def test_refresh_from_an_array_a_tensor_a_callable_or_batches(float64, data) -> None:
    mean, var = data.mean(axis=0), data.var(axis=0)
    for source in (data, mg.tensor(data), lambda: mg.tensor(data),
                   [data[:7], data[7:30], mg.tensor(data[30:])]):
        layer = nn.PopulationNorm(3)
        layer.refresh(source)
        np.testing.assert_allclose(layer.mean.numpy(), mean, rtol=1e-13)
        np.testing.assert_allclose(layer.var.numpy(), var, rtol=1e-13)
        assert int(layer.num_refreshes.item()) == 1


def test_moments_of_every_layout_in_any_split(rng) -> None:
    x = rng.standard_normal((6, 2, 3, 2)) * 5 + 100  # a large mean: a naive sum of squares
    moments = Moments(2)                              # would lose digits
    for part in (x[:1], x[1:4], x[4:]):
        moments.add(part)
    np.testing.assert_allclose(moments.mean, x.mean(axis=(0, 2, 3)), rtol=1e-14)
    np.testing.assert_allclose(moments.var, x.var(axis=(0, 2, 3)), rtol=1e-12)


def test_forward_normalizes_with_constants(float64, data) -> None:
    layer = nn.PopulationNorm(3)
    layer.refresh(data)
    layer.weight.data[:] = [2.0, 1.0, 0.5]
    layer.bias.data[:] = [0.0, 1.0, -1.0]
    x = mg.tensor(data[:10], requires_grad=True)
    y = layer(x)
    expected = (data[:10] - data.mean(0)) / np.sqrt(data.var(0) + EPS) * [2, 1, 0.5] + [0, 1, -1]
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-13)
    (y * y).sum().backward()
    # The statistics are constants: dy/dx is diagonal, weight / sigma.
    np.testing.assert_allclose(x.grad.numpy(),
                               2 * y.numpy() * [2, 1, 0.5] / np.sqrt(data.var(0) + EPS),
                               rtol=1e-12)
    assert mg.gradcheck(layer, [x])
    centering = nn.PopulationNorm(3, scale=False, affine=False)
    centering.refresh(data)
    np.testing.assert_allclose(centering(x).numpy(), data[:10] - data.mean(0), rtol=1e-13)


def test_a_bias_before_it_gets_a_gradient_unlike_batchnorm(float64, rng) -> None:
    """The paper's section 2: with the statistics outside the gradient, dl/db is the sum of
    dl/dx_hat / sigma over the batch, not zero; BatchNorm gives zero."""
    u = mg.tensor(rng.standard_normal((16, 3)) * 2)
    b = mg.tensor(rng.standard_normal(3), requires_grad=True)
    upstream = rng.standard_normal((16, 3))
    layer = nn.PopulationNorm(3, affine=False)
    layer.refresh(lambda: u + b)
    (layer(u + b) * mg.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(),
                               upstream.sum(0) / np.sqrt(layer.var.numpy() + EPS), rtol=1e-12)
    assert np.abs(b.grad.numpy()).min() > 0.1
    b.grad = None
    (F.batch_norm(u + b, None, None, training=True) * mg.tensor(upstream)).sum().backward()
    assert np.abs(b.grad.numpy()).max() < 1e-12


def test_due_every_k_training_steps(data) -> None:
    layer = nn.PopulationNorm(3, every=3)
    assert layer.due  # never computed
    layer.refresh(data)
    x = mg.tensor(data[:4].astype(np.float32))
    schedule = []
    for _ in range(7):
        schedule.append(layer.due)
        if layer.due:
            layer.refresh(data)
        layer(x)
    assert schedule == [False, False, False, True, False, False, True]
    layer.eval()
    for _ in range(5):
        layer(x)  # evaluation is not a training step
    assert int(layer.steps_since_refresh.item()) == 1
    assert list(layer.state_dict()) == ["weight", "bias", "mean", "var",
                                        "steps_since_refresh", "num_refreshes"]


def _stacked():
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4, dtype=np.float64), nn.PopulationNorm(4, dtype=np.float64),
                         nn.Dropout(0.5), nn.Linear(4, 4, dtype=np.float64),
                         nn.PopulationNorm(4, every=2, dtype=np.float64))


def test_refresh_population_norms_in_one_pass_or_in_batches(data) -> None:
    whole, batched = _stacked(), _stacked()
    assert nn.refresh_population_norms(whole, data) == ["1", "4"]
    assert nn.refresh_population_norms(batched, mg.tensor(data), batch_size=8) == ["1", "4"]
    with mg.no_grad():
        hidden = whole[0](mg.tensor(data))
        expected_mean, expected_var = hidden.data.mean(0), hidden.data.var(0)
        normalized = (hidden.data - expected_mean) / np.sqrt(expected_var + EPS)
        top = whole[3](mg.tensor(normalized)).data  # dropout is off while refreshing
    for model in (whole, batched):
        np.testing.assert_allclose(model[1].mean.numpy(), expected_mean, rtol=1e-12)
        np.testing.assert_allclose(model[1].var.numpy(), expected_var, rtol=1e-12)
        np.testing.assert_allclose(model[4].mean.numpy(), top.mean(0), rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(model[4].var.numpy(), top.var(0), rtol=1e-11)
        assert all(m.training for m in model.modules())  # modes restored


def test_refresh_population_norms_refreshes_only_the_due_layers(data) -> None:
    model = _stacked()
    x = mg.tensor(data[:5])
    assert nn.refresh_population_norms(model, data) == ["1", "4"]
    model(x)
    assert nn.refresh_population_norms(model, data) == ["1"]  # "4" refreshes every 2 steps
    model(x)
    assert nn.refresh_population_norms(model, data) == ["1", "4"]
    assert nn.refresh_population_norms(model, data, force=True) == ["1", "4"]
    assert nn.refresh_population_norms(nn.Sequential(nn.ReLU()), data) == []
    assert int(model[1].num_refreshes.item()) == 4


def test_errors_name_the_layer(data) -> None:
    layer = nn.PopulationNorm(3)
    with pytest.raises(ValueError, match=r"PopulationNorm\(3\).forward: expected .*got \(4, 5\)"):
        layer(mg.zeros(4, 5))
    with pytest.raises(ValueError, match=r"PopulationNorm\(3\).refresh"):
        layer.refresh(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="no data"):
        layer.refresh([])
    with pytest.raises(ValueError, match="every must be a positive int"):
        nn.PopulationNorm(3, every=0)
