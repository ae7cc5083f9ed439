"""Convolution, pooling and padding against PyTorch (values and gradients, float64), and
the conventions finite differences cannot see: max pooling's routing of tied gradients,
PyTorch's initialization, float32 staying float32."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers.torch_parity import compare_with_torch

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch name

torch = pytest.importorskip("torch")
TF = torch.nn.functional
pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")


def _both(fn_mg, fn_torch, *arrays, grad=True):
    compare_with_torch(torch, fn_mg, fn_torch, *arrays, grad=grad)


CONV2D = [
    dict(),
    dict(padding=1),
    dict(stride=2, padding=(1, 0)),
    dict(stride=(1, 2), dilation=(2, 1), padding=2),
    dict(groups=2, padding="same"),
    dict(groups=4, padding="valid", stride=3),
    dict(padding="same", dilation=2),
]


@pytest.mark.parametrize("params", CONV2D, ids=str)
def test_conv2d_matches_pytorch(rng, params) -> None:
    groups = params.get("groups", 1)
    x = rng.standard_normal((2, 4, 7, 6))
    w = rng.standard_normal((8, 4 // groups, 3, 2))
    b = rng.standard_normal(8)
    _both(lambda x, w, b: F.conv2d(x, w, b, **params),
          lambda x, w, b: TF.conv2d(x, w, b, **params), x, w, b)


@pytest.mark.parametrize("params", [dict(), dict(stride=2, padding=2, dilation=2, groups=2),
                                    dict(padding="same")], ids=str)
def test_conv1d_matches_pytorch(rng, params) -> None:
    x, w = rng.standard_normal((3, 4, 9)), rng.standard_normal((2, 4 // params.get("groups", 1), 4))
    _both(lambda x, w: F.conv1d(x, w, **params), lambda x, w: TF.conv1d(x, w, **params), x, w)


def test_conv2d_unbatched_input_matches_pytorch(rng) -> None:
    x, w = rng.standard_normal((3, 5, 5)), rng.standard_normal((2, 3, 3, 3))
    _both(lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: TF.conv2d(x, w, padding=1), x, w)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_module_padding_modes_match_pytorch(rng, mode) -> None:
    ours = nn.Conv2d(2, 3, (3, 2), padding="same", padding_mode=mode, dtype=np.float64)
    theirs = torch.nn.Conv2d(2, 3, (3, 2), padding="same", padding_mode=mode).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.numpy()))
        theirs.bias.copy_(torch.tensor(ours.bias.numpy()))
    x = rng.standard_normal((2, 2, 5, 4))
    _both(ours, theirs, x)


def test_conv_module_defaults_and_initialization() -> None:
    mg.manual_seed(0)
    conv = nn.Conv2d(6, 12, 5, groups=3)
    assert conv.weight.shape == (12, 2, 5, 5) and conv.bias.shape == (12,)
    assert conv.weight.dtype == np.float32
    assert (conv.stride, conv.padding, conv.dilation) == ((1, 1), (0, 0), (1, 1))
    bound = 1 / math.sqrt(2 * 5 * 5)  # kaiming_uniform(a=sqrt(5)): 1/sqrt(fan_in)
    for p in (conv.weight, conv.bias):
        assert np.abs(p.numpy()).max() <= bound
        assert np.abs(p.numpy()).max() > 0.9 * bound
    assert nn.Conv1d(2, 4, 3, bias=False).bias is None
    assert "Conv2d(6, 12, kernel_size=(5, 5)" in repr(conv)


def test_float32_stays_float32(rng) -> None:
    x = mg.tensor(rng.standard_normal((2, 3, 6, 6)).astype(np.float32), requires_grad=True)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.MaxPool2d(2), nn.AvgPool2d(3, 1, 1),
                          nn.AdaptiveAvgPool2d(2))
    y = F.pad(model(x), (1, 1), mode="reflect")
    y.sum().backward()
    assert y.dtype == x.grad.dtype == model[0].weight.grad.dtype == np.float32


# --- pooling ----------------------------------------------------------------------------

POOLS = [
    (dict(kernel_size=2),) * 2,
    (dict(kernel_size=3, stride=2, padding=1),) * 2,
    (dict(kernel_size=(3, 2), stride=(2, 1), ceil_mode=True),) * 2,
    (dict(kernel_size=2, stride=2, dilation=2), None),
    (None, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    (None, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (None, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (None, dict(kernel_size=2, divisor_override=3)),
]


@pytest.mark.parametrize("max_params, avg_params", POOLS, ids=str)
def test_pooling_matches_pytorch(rng, max_params, avg_params) -> None:
    x = rng.standard_normal((2, 3, 7, 6))
    if max_params is not None:
        _both(lambda x: F.max_pool2d(x, **max_params), lambda x: TF.max_pool2d(x, **max_params), x)
    if avg_params is not None:
        _both(lambda x: F.avg_pool2d(x, **avg_params), lambda x: TF.avg_pool2d(x, **avg_params), x)


def test_max_pool_routes_tied_gradients_as_pytorch(rng) -> None:
    """Ties (a constant input, repeated values, overlapping windows, -inf and NaN): the
    gradient goes to the same element PyTorch picks, and adds up where windows share it."""
    x = rng.integers(0, 3, (2, 2, 6, 7)).astype(np.float64)
    x[0, 0] = 1.0
    x[1, 1, 0, :3] = -np.inf
    x[1, 0, 2, 2] = np.nan
    for params in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
                   dict(kernel_size=3, stride=2, ceil_mode=True)):
        ours, theirs = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, y_ref = F.max_pool2d(ours, **params), TF.max_pool2d(theirs, **params)
        np.testing.assert_array_equal(y.numpy(), y_ref.detach().numpy())
        cotangent = rng.standard_normal(y.shape)
        y.backward(mg.tensor(cotangent))
        y_ref.backward(torch.tensor(cotangent))
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
        _, indices = F.max_pool2d(ours, **params, return_indices=True)
        _, indices_ref = TF.max_pool2d(theirs, **params, return_indices=True)
        assert indices.dtype == np.int64
        np.testing.assert_array_equal(indices.numpy(), indices_ref.numpy())


def test_max_pool_modules_return_indices_as_pytorch(rng) -> None:
    """MaxPool1d/2d(return_indices=True) return (output, indices), the flat position of
    each maximum in its input plane; the indices never require grad."""
    x = rng.standard_normal((2, 3, 6, 5))
    for ours, theirs, data in ((nn.MaxPool2d(3, 2, 1, return_indices=True),
                                torch.nn.MaxPool2d(3, 2, 1, return_indices=True), x),
                               (nn.MaxPool1d(2, return_indices=True),
                                torch.nn.MaxPool1d(2, return_indices=True), x[:, :, 0])):
        (y, indices), (y_ref, indices_ref) = ours(mg.tensor(data, requires_grad=True)), \
            theirs(torch.tensor(data))
        np.testing.assert_allclose(y.numpy(), y_ref.numpy())
        np.testing.assert_array_equal(indices.numpy(), indices_ref.numpy())
        assert y.requires_grad and not indices.requires_grad



def test_max_unpool_modules_invert_max_pool_as_pytorch(rng) -> None:
    """MaxUnpool2d puts each maximum back (output_size recovers an odd size); its gradient
    reads the cotangent at the indices, as PyTorch's."""
    x = rng.standard_normal((2, 3, 5, 5))
    y, indices = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    ours = mg.tensor(y.numpy(), requires_grad=True)
    theirs = y.clone().requires_grad_()
    z = nn.MaxUnpool2d(2)(ours, indices.numpy(), output_size=(5, 5))
    z_ref = torch.nn.MaxUnpool2d(2)(theirs, indices, output_size=(5, 5))
    np.testing.assert_array_equal(z.numpy(), z_ref.detach().numpy())
    cotangent = rng.standard_normal(z.shape)
    z.backward(mg.tensor(cotangent))
    z_ref.backward(torch.tensor(cotangent))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_max_pool1d_and_avg_pool1d_match_pytorch(rng) -> None:
    x = rng.standard_normal((2, 3, 9))
    _both(lambda x: F.max_pool1d(x, 3, 2, 1), lambda x: TF.max_pool1d(x, 3, 2, 1), x)
    _both(lambda x: F.avg_pool1d(x, 3, 2, 1), lambda x: TF.avg_pool1d(x, 3, 2, 1), x)


@pytest.mark.parametrize("size, out", [((6, 6), 3), ((5, 7), (3, 4)), ((4, 5), (None, 2)),
                                       ((3, 3), 1), ((2, 3), (5, 4))])
def test_adaptive_avg_pool2d_matches_pytorch(rng, size, out) -> None:
    x = rng.standard_normal((2, 3, *size))
    _both(lambda x: F.adaptive_avg_pool2d(x, out), lambda x: TF.adaptive_avg_pool2d(x, out), x)
    _both(lambda x: F.adaptive_avg_pool1d(x[0], 4), lambda x: TF.adaptive_avg_pool1d(x[0], 4), x)


# --- padding ----------------------------------------------------------------------------

PADS = [
    ((1, 2), "constant"), ((1, 2, 0, 3), "constant"), ((-1, 2, 1, -2), "constant"),
    ((2, 1), "reflect"), ((3, 3, 1, 2), "reflect"),
    ((2, 0), "replicate"), ((1, 4, 2, 2), "replicate"),
    ((1, 2), "circular"), ((4, 1, 2, 0), "circular"),
]


@pytest.mark.parametrize("pad, mode", PADS, ids=str)
def test_pad_matches_pytorch(rng, pad, mode) -> None:
    x = rng.standard_normal((2, 3, 4, 5)[2 - len(pad) // 2:])  # PyTorch's accepted ranks
    _both(lambda x: F.pad(x, pad, mode=mode), lambda x: TF.pad(x, pad, mode=mode), x)


def test_pad_constant_value_and_order() -> None:
    y = F.pad(mg.tensor([[1.0, 2.0]]), (1, 0, 0, 1), value=-1.0)
    np.testing.assert_array_equal(y.numpy(), [[-1.0, 1.0, 2.0], [-1.0, -1.0, -1.0]])
