"""The functions, layers and factories PyTorch users reach for, against PyTorch itself
(values and gradients in float64), plus what finite differences cannot see: zero
gradients of the rounding functions, padding_idx, dropout2d's channel masks."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.torch_parity import compare_with_torch

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch name

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _both(fn_mg, fn_torch, *arrays, grad=True):
    compare_with_torch(torch, fn_mg, fn_torch, *arrays, grad=grad)


UNARY = ["sin", "cos", "tan", "atan", "sinh", "cosh", "expm1", "exp2", "sign", "floor",
         "ceil", "round", "trunc"]
POSITIVE = ["log1p", "log2", "rsqrt"]
UNIT = ["asin", "acos"]


@pytest.mark.parametrize("name", UNARY + POSITIVE + UNIT)
def test_elementwise_functions_match_pytorch(rng, name) -> None:
    x = rng.standard_normal((3, 4)) * 2
    if name in POSITIVE:
        x = np.abs(x) + 0.1
    if name in UNIT:
        x = np.tanh(x) * 0.9
    if name in ("round",):
        x[0, :2] = [0.5, 2.5]  # halves round to even in both
    _both(lambda t: getattr(mg, name)(t), lambda t: getattr(torch, name)(t), x)


def test_atan2_lerp_and_predicates_match_pytorch(rng) -> None:
    a, b, w = rng.standard_normal((3, 3, 4))
    _both(mg.atan2, torch.atan2, a, b)
    _both(lambda x, y, z: x.lerp(y, z), torch.lerp, a, b, w)
    x = np.array([1.0, np.nan, np.inf, -np.inf, 1.0 + 1e-9])
    for name in ("isnan", "isinf", "isfinite"):
        np.testing.assert_array_equal(getattr(mg, name)(x).numpy(),
                                      getattr(torch, name)(torch.tensor(x)).numpy())
    np.testing.assert_array_equal(mg.isclose(x, np.ones(5)).numpy(),
                                  torch.isclose(torch.tensor(x), torch.ones(5).double()))
    m = np.array([[True, False], [True, True]])
    assert mg.tensor(m).all(dim=1).tolist() == [False, True]
    assert mg.tensor(m).any(axis=0, keepdim=True).tolist() == [[True, True]]


@pytest.mark.parametrize("name, kwargs", [
    ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.5}), ("selu", {}),
    ("silu", {}), ("mish", {}), ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
    ("logsigmoid", {}), ("softplus", {"beta": 2.0, "threshold": 3.0}),
])
def test_activations_match_pytorch(rng, name, kwargs) -> None:
    x = rng.standard_normal((4, 5)) * 3
    x[0, :3] = [0.0, -0.5, 2.0]  # the kinks: PyTorch's one-sided choices
    ours = "log_sigmoid" if name == "logsigmoid" else name
    _both(lambda t: getattr(F, ours)(t, **kwargs), lambda t: getattr(TF, name)(t, **kwargs), x)


def test_activations_do_not_overflow_into_nan_gradients() -> None:
    x = mg.tensor(np.array([-1000.0, 1000.0]), requires_grad=True)
    (F.elu(x) + F.selu(x) + F.softplus(x, beta=2) + F.log_sigmoid(x) + F.mish(x)).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scans_and_products_match_pytorch_with_zeros(rng, dim) -> None:
    x = rng.standard_normal((3, 4))
    x[1, 2] = x[0, 0] = 0.0
    x[2, 1] = x[2, 3] = 0.0  # two zeros in one row: the product's gradient there is 0
    _both(lambda t: t.cumsum(dim), lambda t: t.cumsum(dim), x)
    _both(lambda t: t.cumprod(dim=dim), lambda t: t.cumprod(dim), x)
    _both(lambda t: t.prod(dim, keepdim=True), lambda t: t.prod(dim, keepdim=True), x)
    _both(lambda t: t.prod(), lambda t: t.prod(), x + 2.0)


@pytest.mark.parametrize("p, dim", [(2, None), (1, 1), (3, 0), (float("inf"), 1), (0, None),
                                    ("fro", None)])
def test_norm_matches_pytorch(rng, p, dim) -> None:
    x = rng.standard_normal((3, 4))
    _both(lambda t: t.norm(p, dim), lambda t: t.norm(p, dim), x, grad=p != 0)


@pytest.mark.parametrize("spec, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ij->j", [(3, 4)]), ("i,i->", [(4,), (4,)]), ("ij,k->jki", [(2, 3), (2,)]),
    ("ijk", [(2, 3, 2)]), ("ij,jk", [(2, 3), (3, 2)]),
])
def test_einsum_matches_pytorch(rng, spec, shapes) -> None:
    arrays = [rng.standard_normal(s) for s in shapes]
    _both(lambda *t: mg.einsum(spec, *t), lambda *t: torch.einsum(spec, *t), *arrays)


def test_reorder_and_indexing_match_pytorch(rng) -> None:
    x = rng.standard_normal((3, 4))
    index = np.array([[0, 3, 3], [1, 0, 2], [2, 2, 2]])
    src = rng.standard_normal((3, 4))
    cases = [
        (lambda t: t.flip(0, 1), lambda t: t.flip((0, 1))),
        (lambda t: t.roll((1, -1), (0, 1)), lambda t: t.roll((1, -1), (0, 1))),
        (lambda t: t.roll(5), lambda t: t.roll(5)),
        (lambda t: t.repeat(2, 1, 3), lambda t: t.repeat(2, 1, 3)),
        (lambda t: t.tile(2), lambda t: t.tile((2,))),
        (lambda t: t.split(3, 1)[1], lambda t: t.split(3, 1)[1]),
        (lambda t: t.split([1, 2], 0)[1], lambda t: t.split([1, 2], 0)[1]),
        (lambda t: t.chunk(3, 1)[-1], lambda t: t.chunk(3, 1)[-1]),
        (lambda t: t.tril(1), lambda t: t.tril(1)), (lambda t: t.triu(-1), lambda t: t.triu(-1)),
        (lambda t: t.diagonal(1), lambda t: t.diagonal(1)),
        (lambda t: t.diagonal(-1, 1, 0), lambda t: t.diagonal(-1, 1, 0)),
        (lambda t: t.gather(1, index), lambda t: t.gather(1, torch.tensor(index))),
        (lambda t: t.scatter_add(1, index, src), lambda t: t.scatter_add(1, torch.tensor(index),
                                                                         torch.tensor(src))),
        (lambda t: t.scatter(0, index[:, :1] % 3, value=2.0),
         lambda t: t.scatter(0, torch.tensor(index[:, :1] % 3), 2.0)),
        (lambda t: t.index_select(1, np.array([3, 0, 3])),
         lambda t: t.index_select(1, torch.tensor([3, 0, 3]))),
        (lambda t: t.masked_fill(x > 0, -1.0), lambda t: t.masked_fill(torch.tensor(x > 0), -1.0)),
        (lambda t: t.sort(1).values, lambda t: t.sort(1).values),
        (lambda t: t.sort(0, descending=True).values, lambda t: t.sort(0, descending=True).values),
        (lambda t: t.topk(2, 1).values, lambda t: t.topk(2, 1).values),
        (lambda t: t.topk(2, 0, largest=False).values,
         lambda t: t.topk(2, 0, largest=False).values),
    ]
    for ours, theirs in cases:
        _both(ours, theirs, x)
    assert mg.tensor(x).argsort(1).tolist() == torch.tensor(x).argsort(1).tolist()


def test_scatter_with_distinct_indices_matches_pytorch(rng) -> None:
    x, src = rng.standard_normal((2, 4)), rng.standard_normal((2, 3))
    index = np.array([[2, 0, 1], [0, 3, 2]])
    _both(lambda t, s: t.scatter(1, index, s), lambda t, s: t.scatter(1, torch.tensor(index), s),
          x, src)


# --- layers -----------------------------------------------------------------------------

def _copy_params(ours: nn.Module, theirs) -> None:
    with torch.no_grad():
        for (_, p), q in zip(ours.named_parameters(), theirs.parameters()):
            q.copy_(torch.tensor(p.numpy()))


@pytest.mark.parametrize("make", [
    lambda lib: lib.GroupNorm(2, 4, dtype=np.float64 if lib is nn else torch.float64),
    lambda lib: lib.InstanceNorm2d(4, dtype=np.float64 if lib is nn else torch.float64),
    lambda lib: lib.InstanceNorm2d(4, affine=True,
                                   dtype=np.float64 if lib is nn else torch.float64),
])
def test_per_sample_norms_match_pytorch(rng, make) -> None:
    ours, theirs = make(nn), make(torch.nn)
    if ours.weight is not None:
        ours.weight.data[...] = rng.standard_normal(4)
        ours.bias.data[...] = rng.standard_normal(4)
        _copy_params(ours, theirs)
    x = rng.standard_normal((3, 4, 2, 3)) * 2 + 1
    _both(ours, theirs, x)


def test_instance_norm_running_statistics_match_pytorch(rng) -> None:
    ours = nn.InstanceNorm2d(3, track_running_stats=True, dtype=np.float64)
    theirs = torch.nn.InstanceNorm2d(3, track_running_stats=True, dtype=torch.float64)
    x = rng.standard_normal((2, 3, 4, 4)) * 3 + 2
    ours(mg.tensor(x))
    theirs(torch.tensor(x))
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy())
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy())
    ours.eval()
    theirs.eval()
    _both(ours, theirs, x)


def test_embedding_padding_idx_gets_no_gradient() -> None:
    mg.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=2)
    assert (emb.weight.numpy()[2] == 0).all() and (emb.weight.numpy()[0] != 0).any()
    emb.weight.data[2] = 7.0
    out = emb(mg.tensor([[2, 0], [2, 4]]))
    assert out.shape == (2, 2, 3) and (out.numpy()[0, 0] == 7.0).all()
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[:, 0], [1.0, 0.0, 0.0, 0.0, 1.0])


def test_one_hot_matches_pytorch() -> None:
    labels = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(labels).numpy(),
                                  TF.one_hot(torch.tensor(labels)).numpy())
    assert F.one_hot(labels, 6).shape == (2, 2, 6) and F.one_hot(labels).dtype == np.int64


def test_dropout2d_drops_whole_channels_and_scales() -> None:
    mg.manual_seed(0)
    x = mg.ones(8, 16, 3, 3)
    y = nn.Dropout2d(0.5)(x).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # a channel is kept or dropped
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    layer = nn.Dropout2d(0.5)
    layer.eval()
    assert layer(x) is x


def test_module_dict_unflatten_and_activation_modules() -> None:
    blocks = nn.ModuleDict({"a": nn.Linear(2, 3), "b": nn.SiLU()})
    blocks["c"] = nn.LeakyReLU(0.2)
    assert list(blocks) == ["a", "b", "c"] and "b" in blocks and len(blocks) == 3
    assert [name for name, _ in blocks.named_parameters()] == ["a.weight", "a.bias"]
    assert nn.Unflatten(1, (2, -1))(mg.ones(4, 6)).shape == (4, 2, 3)
    for layer in (nn.ELU(), nn.SELU(), nn.Mish(), nn.Hardtanh(), nn.LogSigmoid(), nn.Softplus()):
        assert layer(mg.ones(2)).shape == (2,)
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"


def test_factories() -> None:
    np.testing.assert_allclose(mg.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(mg.logspace(0, 2, 3).numpy(), [1, 10, 100])
    assert mg.linspace(0, 1, 3).dtype == np.float32
    mg.manual_seed(0)
    r = mg.randint(3, 7, (100,))
    assert r.dtype == np.int64 and r.numpy().min() >= 3 and r.numpy().max() < 7
    assert mg.empty(2, 3).shape == (2, 3)
    f = mg.full_like(mg.ones(2, dtype=np.float64), 3)
    assert f.dtype == np.float64 and f.tolist() == [3.0, 3.0]


def test_float32_stays_float32_through_the_new_ops() -> None:
    x = mg.tensor(np.linspace(0.1, 0.9, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    outputs = [
        x.sin(), x.atan2(0.5), x.rsqrt(), x.round(), x.cumsum(1), x.cumprod(0), x.prod(1),
        x.norm(3, dim=0), x.lerp(1.0, 0.25), mg.einsum("ij,kj->ik", x, x), x.flip(1),
        x.roll(1, 0), x.repeat(2, 1), x.tril(), x.gather(1, np.array([[0], [2]])),
        x.scatter_add(0, np.array([[1, 0, 1]]), x), x.masked_fill(x.data > 0.5, 2.0),
        x.sort(1).values, F.elu(x), F.softplus(x, beta=2.0), F.hardtanh(x, 0.2, 0.6),
        F.group_norm(x.reshape(1, 2, 3), 1), F.embedding(np.array([1, 0]), x),
    ]
    total = outputs[0].sum()
    for y in outputs:
        assert y.dtype == np.float32, y
        total = total + y.sum()
    total.backward()
    assert x.grad.dtype == np.float32


def test_conv_modules_take_unbatched_input_as_pytorch(rng) -> None:
    conv = nn.Conv2d(2, 3, 3, padding=1)
    x = mg.tensor(rng.standard_normal((2, 5, 5)).astype(np.float32))
    np.testing.assert_allclose(conv(x).numpy(), conv(x.unsqueeze(0)).numpy()[0])
    assert nn.MaxPool2d(2)(x).shape == (2, 2, 2)
    assert nn.InstanceNorm2d(2)(x).shape == (2, 5, 5)
