"""Section 2's identity in a convolutional network (float64): the bias of a convolution in
front of BatchNorm2d gets exactly zero gradient, per channel, because BatchNorm2d subtracts
each channel's mean over the batch and the positions, and the bias shifts that mean by as
much as it shifts every value. With `stats="detached"` the mean is a constant of the
gradient and the bias gets the channel sums of the gradient: nonzero, so it drifts.
Hypothesis chooses the shapes, the geometry, the BatchNorm path (fused or composed) and the
data."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch name

setups = st.fixed_dictionaries({
    "n": st.integers(1, 4),
    "size": st.integers(3, 6),
    "channels": st.integers(1, 4),
    "stride": st.integers(1, 2),
    "fused": st.booleans(),
    "seed": st.integers(0, 2**32 - 1),
})


def _conv_bias_gradient(stats: str, n, size, channels, stride, fused, seed) -> np.ndarray:
    """dl/d(conv bias) for Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Linear -> CE."""
    mg.manual_seed(seed % 2**31)
    rng = np.random.default_rng(seed)
    conv = nn.Conv2d(2, channels, 3, stride=stride, padding=1, dtype=np.float64)
    conv.bias.data[...] = rng.standard_normal(channels) * 3  # a bias far from zero
    norm = nn.BatchNorm2d(channels, stats=stats, fused=fused, dtype=np.float64)
    x = mg.tensor(rng.standard_normal((n, 2, size, size)) * rng.uniform(0.5, 3.0))
    y = F.max_pool2d(norm(conv(x)).relu(), 2, ceil_mode=True).flatten(1)
    head = nn.Linear(y.shape[1], 3, dtype=np.float64)
    loss = F.cross_entropy(head(y), rng.integers(0, 3, n))
    loss.backward()
    return conv.bias.grad.numpy()


@given(setups)
def test_conv_bias_before_batchnorm2d_gets_exactly_zero_gradient(setup) -> None:
    grad = _conv_bias_gradient("batch", **setup)
    assert np.abs(grad).max() < 1e-12, grad


@given(setups)
def test_conv_bias_gets_a_gradient_when_statistics_are_detached(setup) -> None:
    grad = _conv_bias_gradient("detached", **setup)
    assert np.abs(grad).max() > 1e-6, grad


@given(setups)
def test_per_sample_normalizations_cancel_only_the_bias_they_subtract(setup) -> None:
    """InstanceNorm subtracts each channel's own mean: the conv bias gets zero gradient.
    GroupNorm subtracts a group's mean: only the bias' mean within each group is cancelled,
    so the gradient sums to zero over each group but not channel by channel."""
    rng = np.random.default_rng(setup["seed"])
    n, size = setup["n"], setup["size"]
    conv = nn.Conv2d(2, 4, 3, padding=1, dtype=np.float64)
    conv.bias.data[...] = rng.standard_normal(4) * 3
    x = mg.tensor(rng.standard_normal((n, 2, size, size)))
    weights = mg.tensor(rng.standard_normal((n, 4, size, size)))
    for norm, groups in ((nn.InstanceNorm2d(4), 4), (nn.GroupNorm(2, 4, dtype=np.float64), 2)):
        conv.zero_grad()
        (norm(conv(x)).tanh() * weights).sum().backward()
        grad = conv.bias.grad.numpy()
        assert np.abs(grad.reshape(groups, -1).sum(1)).max() < 1e-12, grad
        if groups == 2:
            assert np.abs(grad).max() > 1e-6, grad
