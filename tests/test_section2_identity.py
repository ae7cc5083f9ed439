"""The identity behind section 2 of the Batch Normalization paper, in float64.

A layer computes x = u + b and normalizes x_hat = x - E[x] over the mini-batch (axis 0).

* Differentiating through E[x]: every loss of x_hat has dl/db = 0, because
  dl/db = sum_i (g_i - mean_k g_k) = 0 for g = dl/dx_hat. Shifting b shifts E[x] equally.
* Treating E[x] as a constant (`detach()`): dl/db = sum_i g_i, the column sums of
  dl/dx_hat, so gradient descent moves b while the loss, which does not depend on b at all,
  never changes: b drifts.

The same holds for the scaled version x_hat = (x - E[x]) / std(x) when both statistics are
differentiated. Hypothesis chooses the batch size N, the width D, the loss and the data.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.tensor import Tensor


def weighted_squares(x_hat: Tensor, rng: np.random.Generator) -> Tensor:
    return (x_hat * x_hat * mg.tensor(rng.standard_normal(x_hat.shape))).sum()


def weighted_tanh(x_hat: Tensor, rng: np.random.Generator) -> Tensor:
    return (x_hat.tanh() * mg.tensor(rng.standard_normal(x_hat.shape))).sum()


def softmax_cross_entropy(x_hat: Tensor, rng: np.random.Generator) -> Tensor:
    n, d = x_hat.shape
    labels = rng.integers(0, d, n)
    return -x_hat.log_softmax(axis=1)[np.arange(n), labels].mean()


LOSSES = {
    "weighted squares": weighted_squares,
    "weighted tanh": weighted_tanh,
    "softmax cross-entropy": softmax_cross_entropy,
}

batches = st.fixed_dictionaries({
    "n": st.integers(2, 16),
    "d": st.integers(1, 5),
    "loss": st.sampled_from(sorted(LOSSES)),
    "seed": st.integers(0, 2**32 - 1),
})


def _layer(n: int, d: int, seed: int) -> tuple[Tensor, Tensor, np.random.Generator]:
    """x = u + b in float64, with b the bias whose gradient is in question."""
    rng = np.random.default_rng(seed)
    u = mg.tensor(rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0))
    b = mg.tensor(rng.standard_normal(d), requires_grad=True)
    return u + b, b, rng


def _rounding(terms: np.ndarray) -> float:
    """Rounding allowance for a column sum: relative to the summed magnitudes, which matters
    only when the terms cancel (a relative tolerance alone cannot judge a sum near 0)."""
    return 1e-15 * float(np.abs(terms).sum(axis=0).max())


@given(batches)
def test_centering_through_the_mean_gives_zero_bias_gradient(batch) -> None:
    x, b, rng = _layer(batch["n"], batch["d"], batch["seed"])
    x_hat = x - x.mean(axis=0)
    LOSSES[batch["loss"]](x_hat, rng).backward()
    assert b.grad.dtype == np.float64
    assert np.abs(b.grad.numpy()).max() < 1e-12


@given(batches)
def test_centering_with_detached_mean_gives_column_sums(batch) -> None:
    x, b, rng = _layer(batch["n"], batch["d"], batch["seed"])
    x_hat = x - x.mean(axis=0).detach()
    x_hat.retain_grad()
    LOSSES[batch["loss"]](x_hat, rng).backward()
    g = x_hat.grad.numpy()
    np.testing.assert_allclose(b.grad.numpy(), g.sum(axis=0), rtol=1e-12,
                               atol=_rounding(g))


@given(batches)
def test_scaled_normalization_through_both_statistics_gives_zero_bias_gradient(batch) -> None:
    x, b, rng = _layer(batch["n"], batch["d"], batch["seed"])
    x_hat = (x - x.mean(axis=0)) / x.std(axis=0)
    x_hat.retain_grad()
    LOSSES[batch["loss"]](x_hat, rng).backward()
    # dl/db is a sum of N terms that cancel; rounding is relative to their size
    scale = max(1.0, np.abs(x_hat.grad.numpy()).sum() / x.numpy().std(axis=0).min())
    assert np.abs(b.grad.numpy()).max() < 1e-12 * scale


@given(batches)
def test_scaled_normalization_with_detached_statistics(batch) -> None:
    x, b, rng = _layer(batch["n"], batch["d"], batch["seed"])
    std = x.std(axis=0).detach()
    x_hat = (x - x.mean(axis=0).detach()) / std
    x_hat.retain_grad()
    LOSSES[batch["loss"]](x_hat, rng).backward()
    g = x_hat.grad.numpy() / std.numpy()
    np.testing.assert_allclose(b.grad.numpy(), g.sum(axis=0), rtol=1e-12, atol=_rounding(g))


def test_detached_gradient_is_the_closed_form_column_sum() -> None:
    """For l = sum(W * x_hat^2): dl/dx_hat = 2 W x_hat, so dl/db = sum_i 2 W_i x_hat_i,
    which is not zero: the detached step moves b."""
    x, b, rng = _layer(8, 3, seed=0)
    weights = rng.standard_normal((8, 3))
    x_hat = x - x.mean(axis=0).detach()
    (x_hat * x_hat * mg.tensor(weights)).sum().backward()
    expected = (2 * weights * x_hat.numpy()).sum(axis=0)
    np.testing.assert_allclose(b.grad.numpy(), expected, rtol=1e-12)
    assert np.abs(expected).min() > 1e-3


def test_the_loss_does_not_depend_on_b() -> None:
    """Why the detached gradient is wrong: moving b leaves x_hat, and so the loss, as is."""
    x, b, _ = _layer(6, 2, seed=1)
    u = x - b
    shifted = u + (b + 5.0)
    np.testing.assert_allclose((shifted - shifted.mean(axis=0)).numpy(),
                               (x - x.mean(axis=0)).numpy(), atol=1e-13)
