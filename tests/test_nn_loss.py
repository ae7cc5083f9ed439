"""Losses: values against NumPy references written from the definitions, reductions, label
smoothing and ignored targets, layouts, numerical stability, derivatives, errors."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention


def _log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _cross_entropy_reference(z, target, smoothing=0.0, ignore_index=-100):
    """Per-row -sum_c q_c log p_c with q = (1 - s) onehot + s / C; 0 for ignored rows."""
    log_p = _log_softmax(z)
    classes = z.shape[1]
    losses = []
    for row, t in zip(log_p, target):
        if t == ignore_index:
            losses.append(0.0)
            continue
        q = np.full(classes, smoothing / classes)
        q[t] += 1 - smoothing
        losses.append(-(q * row).sum())
    return np.array(losses)


@pytest.fixture
def logits(rng) -> mg.Tensor:
    return mg.Tensor(rng.standard_normal((6, 5)) * 3, requires_grad=True)


TARGET = np.array([4, 0, 2, 2, 1, 3])


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_values_and_reductions(logits, smoothing: float) -> None:
    per_row = _cross_entropy_reference(logits.data, TARGET, smoothing)
    for reduction, expected in (("none", per_row), ("sum", per_row.sum()),
                                ("mean", per_row.mean())):
        loss = F.cross_entropy(logits, TARGET, reduction=reduction, label_smoothing=smoothing)
        np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-13)
    module = nn.CrossEntropyLoss(label_smoothing=smoothing)
    np.testing.assert_allclose(module(logits, mg.Tensor(TARGET)).item(), per_row.mean(),
                               rtol=1e-13)


def test_cross_entropy_gradient_is_softmax_minus_target(logits) -> None:
    loss = F.cross_entropy(logits, TARGET, label_smoothing=0.1)
    loss.backward()
    p = np.exp(_log_softmax(logits.data))
    q = np.full((6, 5), 0.1 / 5)
    q[np.arange(6), TARGET] += 0.9
    np.testing.assert_allclose(logits.grad.numpy(), (p - q) / 6, rtol=1e-12, atol=1e-15)


def test_cross_entropy_ignore_index(logits) -> None:
    target = TARGET.copy()
    target[[1, 4]] = -1
    kept = target != -1
    per_row = _cross_entropy_reference(logits.data, target, ignore_index=-1)
    loss = F.cross_entropy(logits, target, ignore_index=-1)
    np.testing.assert_allclose(loss.item(), per_row[kept].mean(), rtol=1e-13)
    loss.backward()
    assert not logits.grad.numpy()[~kept].any()
    everything_ignored = F.cross_entropy(logits, np.full(6, -1), ignore_index=-1)
    assert np.isnan(everything_ignored.item())  # 0 / 0, as PyTorch


def test_cross_entropy_layouts(rng) -> None:
    z = mg.Tensor(rng.standard_normal((2, 4, 3)), requires_grad=True)  # (N, C, d)
    target = np.array([[0, 3, 1], [2, 2, 0]])
    rows = np.moveaxis(z.data, 1, -1).reshape(-1, 4)
    expected = _cross_entropy_reference(rows, target.reshape(-1)).reshape(2, 3)
    np.testing.assert_allclose(F.cross_entropy(z, target, reduction="none").numpy(), expected,
                               rtol=1e-13)
    assert mg.gradcheck(lambda z: F.cross_entropy(z, target), [z])
    single = mg.Tensor(rng.standard_normal(4))
    np.testing.assert_allclose(
        F.cross_entropy(single, np.array(2)).item(),
        _cross_entropy_reference(single.data[None], [2])[0], rtol=1e-13)


def test_cross_entropy_is_stable_and_keeps_float32() -> None:
    z = mg.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(z, [1])
    assert loss.item() == 2000.0 and loss.dtype == np.float32
    loss.backward()
    assert z.grad.dtype == np.float32 and np.all(np.isfinite(z.grad.numpy()))


def test_cross_entropy_errors(logits) -> None:
    with pytest.raises(IndexError, match=r"target 7 at position \(2,\) is not a class index "
                                         r"in \[0, 5\)"):
        F.cross_entropy(logits, [0, 1, 7, 0, 0, 0])
    with pytest.raises(ValueError, match=r"class probabilities .* shape \(6, 5\), got \(6,\) "
                                         r"\(class indices must be integers"):
        F.cross_entropy(logits, np.zeros(6))
    with pytest.raises(TypeError, match="integer class indices or floating class probabilities"):
        F.cross_entropy(logits, np.zeros(6, bool))
    with pytest.raises(ValueError, match=r"need a target of shape \(6,\), got \(5,\)"):
        F.cross_entropy(logits, np.zeros(5, np.int64))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.cross_entropy(logits, TARGET, reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=2.0)


def test_mse_loss(rng) -> None:
    x = mg.Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    y = mg.Tensor(rng.standard_normal((4, 3)))
    diff = x.data - y.data
    np.testing.assert_allclose(nn.MSELoss()(x, y).item(), (diff**2).mean(), rtol=1e-13)
    np.testing.assert_allclose(F.mse_loss(x, y, "sum").item(), (diff**2).sum(), rtol=1e-13)
    assert F.mse_loss(x, y, "none").shape == (4, 3)
    assert mg.gradcheck(lambda x: F.mse_loss(x, y), [x])
    with pytest.raises(ValueError, match=r"input has shape \(4, 3\) but the target has shape"):
        F.mse_loss(x, y.reshape(12))


def test_binary_cross_entropy_with_logits(rng) -> None:
    z = mg.Tensor(rng.standard_normal((5, 2)) * 3, requires_grad=True)
    t = mg.Tensor(rng.uniform(0, 1, (5, 2)))
    w = rng.uniform(0.5, 2, (5, 2))
    pos = np.array([2.0, 0.5])
    sig = 1 / (1 + np.exp(-z.data))
    expected = -w * (pos * t.data * np.log(sig) + (1 - t.data) * np.log(1 - sig))
    loss = F.binary_cross_entropy_with_logits(z, t, weight=w, pos_weight=pos, reduction="none")
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)
    plain = -(t.data * np.log(sig) + (1 - t.data) * np.log(1 - sig)).mean()
    np.testing.assert_allclose(nn.BCEWithLogitsLoss()(z, t).item(), plain, rtol=1e-12)
    assert mg.gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, t, pos_weight=pos), [z])
    assert mg.gradgradcheck(lambda z: F.binary_cross_entropy_with_logits(z, t), [z])
    extreme = mg.tensor([100.0, -100.0])
    values = F.binary_cross_entropy_with_logits(extreme, mg.tensor([0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(values.numpy(), [100.0, 100.0])  # no overflow, no inf
