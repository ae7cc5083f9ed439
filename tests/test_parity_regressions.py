"""Regression tests for values that once disagreed with PyTorch, and for PyTorch habits that
once failed. Each expected value is PyTorch's (written out, so these run without it; the
conformance suite in tests/conformance/ checks the same against PyTorch itself)."""

from __future__ import annotations

import gc
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - PyTorch's spelling
from minigrad import nn


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors():
    """Forward ops may warn as NumPy does; these tests also check that backward never does."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


# --- explicit dtypes keep full precision -----------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: mg.tensor(0.1, dtype=np.float64),
    lambda: mg.tensor([0.1], dtype="float64"),
    lambda: mg.Tensor(0.1, dtype=np.float64),
    lambda: mg.Tensor([[0.1]], dtype=np.float64),
    lambda: mg.full((2,), 0.1, dtype=np.float64),
    lambda: mg.as_tensor(np.float64(0.1)),
    lambda: mg.tensor(np.array([0.1])),
    lambda: mg.arange(0.1, 0.2, 0.5, dtype=np.float64),
])
def test_an_explicit_float64_is_never_rounded_through_float32(make) -> None:
    assert make().data.reshape(-1)[0] == 0.1  # 0.10000000149011612 once


def test_python_floats_still_take_the_default_dtype() -> None:
    assert mg.tensor(0.1).dtype == np.float32
    assert mg.tensor(0.1, dtype=np.float32).item() == np.float32(0.1)


# --- bool beside float ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "pow"])
def test_a_bool_operand_keeps_the_float_dtype_and_values(dtype, op) -> None:
    """As PyTorch: float32 * bool is float32 (the mask counts as 0 and 1), in either order,
    and the float operand's gradient is what it would be with a float mask."""
    values = np.array([0.5, 2.0, 3.0], dtype)
    mask = np.array([True, False, True])
    function = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
                "truediv": np.divide, "pow": np.power}[op]
    x, m = mg.tensor(values, requires_grad=True), mg.tensor(mask)
    as_float = mg.tensor(mask.astype(dtype))
    with np.errstate(divide="ignore"):  # x / False is inf, as in PyTorch
        for left, right, expected in [(x, m, function(values, mask.astype(dtype))),
                                      (m, x, function(mask.astype(dtype), values))]:
            result = getattr(left, f"__{op}__")(right)
            assert result.dtype == dtype
            np.testing.assert_array_equal(result.data, expected)
    (grad_bool,) = mg.grad((x * m).sum(), x)
    (grad_float,) = mg.grad((x * as_float).sum(), x)
    np.testing.assert_array_equal(grad_bool.data, grad_float.data)
    assert grad_bool.dtype == dtype


# --- var / std ------------------------------------------------------------------------

def test_var_and_std_default_to_the_unbiased_estimate() -> None:
    x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == pytest.approx(5 / 3)  # PyTorch; the biased 1.25 once
    assert x.std().item() == pytest.approx(np.sqrt(5 / 3))
    for biased in (x.var(correction=0), x.var(unbiased=False), x.var(ddof=0),
                   mg.var(x, 0, False)):
        assert biased.item() == pytest.approx(1.25)
    assert float(np.var(x)) == pytest.approx(1.25)  # NumPy's function keeps NumPy's default
    with pytest.raises(TypeError, match="give one of"):
        x.var(correction=0, ddof=0)


@pytest.mark.parametrize("reduce", ["std", "var"])
def test_zero_spread_has_a_zero_gradient(reduce) -> None:
    x = mg.tensor([[2.0, 1.0], [2.0, 3.0]], dtype=np.float64, requires_grad=True)
    getattr(x, reduce)(dim=0).sum().backward()  # column 0 is constant
    np.testing.assert_array_equal(x.grad.numpy()[:, 0], [0.0, 0.0])  # NaN once (std)
    assert np.isfinite(x.grad.numpy()).all()


def test_var_with_too_few_elements_is_nan_with_a_warning() -> None:
    x = mg.tensor([3.0], requires_grad=True)
    with pytest.warns(RuntimeWarning, match="degrees of freedom"):
        v = x.var()
    assert np.isnan(v.item())  # PyTorch: nan and a warning; a ValueError once
    with pytest.warns(RuntimeWarning, match="degrees of freedom"):
        assert np.isnan(mg.zeros(0).std().item())


# --- pow's gradients at the edges ----------------------------------------------------------

def test_pow_gradients_at_a_negative_or_zero_base() -> None:
    a = mg.tensor([-2.0, 0.0, 0.0, 2.0], dtype=np.float64, requires_grad=True)
    b = mg.tensor([2.0, -1.0, 2.0, 0.0], dtype=np.float64, requires_grad=True)
    with np.errstate(divide="ignore"):  # the forward's 0 ** -1 = inf warns, as in NumPy
        y = a**b
    y.sum().backward()  # backward never warns
    db = b.grad.numpy()
    assert np.isnan(db[0])  # PyTorch: nan (log of a negative base); -0.0 once
    assert db[1] == -np.inf  # PyTorch: -inf; nan once
    assert db[2] == 0.0 and db[3] == pytest.approx(np.log(2.0))
    np.testing.assert_array_equal(a.grad.numpy()[[0, 2, 3]], [-4.0, 0.0, 0.0])


# --- hooks ----------------------------------------------------------------------------

@pytest.mark.parametrize("returned, error, message", [
    (lambda g: mg.zeros(3, dtype=np.float64), RuntimeError, r"changed the shape .* \(2,\)"),
    (lambda g: g.astype(np.float32), RuntimeError, r"changed the dtype .* float64"),
    (lambda g: g.numpy() * 2, TypeError, r"returned ndarray"),
])
@pytest.mark.parametrize("leaf", [True, False])
def test_a_hook_returning_the_wrong_thing_is_an_error_naming_it(returned, error, message,
                                                              leaf) -> None:
    x = mg.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    hooked = x if leaf else x * 1.0

    def bad_hook(g):
        return returned(g)

    hooked.register_hook(bad_hook)
    with pytest.raises(error, match="hook 'test_.*bad_hook'.*" + message):
        (hooked * 3.0).sum().backward()
    assert x.grad is None  # never a (3,) float32 .grad on a (2,) float64 leaf


# --- .data ----------------------------------------------------------------------------

def test_data_assignment_is_validated() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Tensor\.data: expected a NumPy array"):
        x.data = [1.0, 2.0]
    with pytest.raises(TypeError, match="not numeric"):
        x.data = np.array(["a"])
    with pytest.raises(TypeError, match="requires grad, so its data must be floating"):
        x.data = np.array([1, 2])
    x.data = np.zeros((3, 1), np.float64)  # any shape and floating dtype, as PyTorch
    assert x.shape == (3, 1) and (x * 2).dtype == np.float64
    x.data = mg.ones(2)
    assert x.shape == (2,)


# --- PyTorch's names mean PyTorch's things ---------------------------------------------

def test_transpose_swaps_two_dims_and_permute_permutes() -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(x.transpose(0, 1).numpy(), [[1.0, 3.0], [2.0, 4.0]])
    y = mg.zeros(2, 3, 4)
    assert y.transpose(0, 2).shape == (4, 3, 2) and y.permute(2, 0, 1).shape == (4, 2, 3)
    assert y.mT.shape == (2, 4, 3) and mg.zeros(2, 3).T.shape == (3, 2)


def test_integer_then_index_array_orders_dims_as_pytorch() -> None:
    x = mg.tensor(np.arange(60.0).reshape(3, 5, 4), requires_grad=True)
    y = x[1, :, [0, 1]]
    assert y.shape == (5, 2)  # NumPy: (2, 5)
    np.testing.assert_array_equal(y.numpy(), x.numpy()[1][:, [0, 1]])
    y.sum().backward()
    assert x.grad.numpy().sum() == 10.0


@pytest.mark.parametrize("call, shape", [
    (lambda x: x.sum(dim=1, keepdim=True), (2, 1)),
    (lambda x: x.sum(axis=1, keepdims=True), (2, 1)),
    (lambda x: x.mean(dim=(0, 1)), ()),
    (lambda x: x.var(dim=0, keepdim=True), (1, 3)),
    (lambda x: x.std(1), (2,)),
    (lambda x: x.amax(dim=-1, keepdim=True), (2, 1)),
    (lambda x: x.logsumexp(dim=0), (3,)),
    (lambda x: x.softmax(dim=0), (2, 3)),
    (lambda x: x.argmax(dim=1, keepdim=True), (2, 1)),
    (lambda x: x.argmin(keepdim=True), (1, 1)),
    (lambda x: x.squeeze(dim=0), (2, 3)),
    (lambda x: x.unsqueeze(dim=-1), (2, 3, 1)),
    (lambda x: x.flatten(start_dim=0, end_dim=1), (6,)),
    (lambda x: mg.cat([x, x], dim=1), (2, 6)),
    (lambda x: mg.stack([x, x], dim=-1), (2, 3, 2)),
    (lambda x: F.softmax(x, dim=0), (2, 3)),
    (lambda x: F.log_softmax(x, axis=0), (2, 3)),
])
def test_dim_and_keepdim_are_accepted_with_numpy_aliases(call, shape) -> None:
    assert call(mg.ones(2, 3)).shape == shape


def test_max_along_a_dim_returns_values_and_indices() -> None:
    x = mg.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 2.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    np.testing.assert_array_equal(values.numpy(), [5.0, 7.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    values.sum().backward()  # PyTorch: the gradient goes to the index returned, not split
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [1, 0, 0]])
    assert x.max(axis=1).shape == (2,)  # NumPy's spelling: the values
    assert x.max().item() == 7.0 and x.min(1).values.shape == (2,)


def test_zero_d_tensors_reduce_over_dim_0_and_minus_1() -> None:
    s = mg.tensor(3.0)
    for call in (lambda: s.sum(0), lambda: s.mean(-1), lambda: s.amax(0), lambda: s.softmax(0),
                 lambda: s.logsumexp(dim=0), lambda: s.max(dim=0).values):
        assert call().shape == ()
    assert s.argmax(0).item() == 0 and s.softmax(-1).item() == 1.0
    with pytest.raises(IndexError, match="dim 1 is out of range"):
        s.sum(1)


def test_squeeze_of_a_dim_that_is_not_one_is_a_no_op() -> None:
    assert mg.zeros(2, 1).squeeze(0).shape == (2, 1)
    assert mg.zeros(2, 1).squeeze(1).shape == (2,)


def test_clone_size_numel_to_float_double() -> None:
    x = mg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    c = x.clone()
    assert c.data is not x.data and c.grad_fn is not None
    (c * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 2.0, 2.0]])
    assert x.size() == (1, 3) and x.size(-1) == 3 and x.size == 3 and x.numel() == 3
    assert x.dim() == 2
    assert x.double().dtype == np.float64 and x.to(np.float64).float().dtype == np.float32
    assert x.to(mg.zeros(1, dtype=np.float64)).dtype == np.float64 and x.to("cpu") is x
    assert x.double().grad_fn is not None


def test_module_to_double_converts_parameters_in_place() -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    weight = model[0].weight
    assert model.double() is model and model[0].weight is weight
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model(mg.ones(4, 3, dtype=np.float64)).dtype == np.float64
    assert model.float()[0].weight.dtype == np.float32
    assert model.to(np.float64)[1].running_var.dtype == np.float64


def test_softplus_beta_and_threshold() -> None:
    x = mg.tensor([-1.0, 0.0, 3.0, 30.0], dtype=np.float64)
    expected = np.log1p(np.exp(2 * x.numpy())) / 2
    expected[-1] = 30.0  # beta x > threshold: linear, as PyTorch
    np.testing.assert_allclose(F.softplus(x, beta=2.0, threshold=20.0).numpy(), expected)


def test_cross_entropy_weight_ignore_index_and_probabilities() -> None:
    z = mg.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]], dtype=np.float64)
    w = mg.tensor([1.0, 2.0, 0.5], dtype=np.float64)
    log_p = z.log_softmax(1).numpy()
    loss = F.cross_entropy(z, [1, 2], weight=w)
    expected = -(2.0 * log_p[0, 1] + 0.5 * log_p[1, 2]) / 2.5
    assert loss.item() == pytest.approx(expected)
    assert F.cross_entropy(z, [1, -1], ignore_index=-1).item() == pytest.approx(-log_p[0, 1])
    q = np.array([[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]])
    assert F.cross_entropy(z, q).item() == pytest.approx(-(q * log_p).sum(1).mean())
    with pytest.raises(TypeError, match="pass reduction= by keyword"):
        F.cross_entropy(z, [1, 2], "sum")


def test_numpy_interop() -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert np.asarray(x) is x.data and np.asarray(x, dtype=np.float64).dtype == np.float64
    assert float(np.sum(x)) == 10.0 and float(np.mean(x)) == 2.5 and float(np.max(x)) == 4.0


def test_empty_tensors_behave_as_in_pytorch() -> None:
    e = mg.zeros(0, 3, requires_grad=True)
    np.testing.assert_array_equal(e.sum(0).numpy(), [0, 0, 0])
    assert np.isnan(e.mean(0).numpy()).all() and e.mean(1).shape == (0,)
    assert (e.logsumexp(0).numpy() == -np.inf).all() and e.logsumexp(1).shape == (0,)
    assert e.softmax(0).shape == (0, 3) and e.log_softmax(1).shape == (0, 3)
    assert e.max(dim=1).values.shape == (0,) and e.amin(1).shape == (0,)
    with pytest.raises(ValueError, match="length 0"):
        e.max(dim=0)
    e.sum().backward()
    assert e.grad.shape == (0, 3)
    with pytest.warns(UserWarning, match="zero-element"):
        layer = nn.Linear(0, 3)
    np.testing.assert_array_equal(layer(mg.zeros(2, 0)).numpy(), np.zeros((2, 3)))


# --- memory: a kept loss keeps what a drawing needs, not the activations -------------------

def test_a_kept_loss_does_not_keep_the_activations() -> None:
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4))
    x = mg.randn(128, 64)
    loss = F.cross_entropy(model(x), np.zeros(128, np.int64))
    loss.backward()
    gc.collect()
    from minigrad.autograd.graph import topological_order

    inputs = [t for node in topological_order([loss.grad_fn]) for t in node.inputs]
    intermediates = [t for t in inputs if t.grad_fn is not None]
    assert intermediates and all(t.values_freed for t in intermediates)
    assert all(t.data.strides == (0,) * t.ndim for t in intermediates)  # no memory each
    assert not x.values_freed  # held by this test, which keeps its values ...
    kept_x = [t for t in inputs if t.grad_fn is None and t.shape == (128, 64)]
    assert kept_x and all(t is not x and t.values_freed for t in kept_x)  # ... not the graph
    assert all(not p.values_freed for p in model.parameters())
    assert [t.shape for t in intermediates] == [(128, 4), (128, 64), (128, 64)]


def test_tensors_held_elsewhere_keep_their_values_after_backward() -> None:
    x = mg.randn(32, 32, requires_grad=True)
    h = (x * 2).relu()  # kept by the user
    h.retain_grad()
    y = (h * 3).sum()
    y.backward()
    assert not h.values_freed and h.grad is not None
    np.testing.assert_array_equal(h.numpy(), np.maximum(x.numpy() * 2, 0))
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()
    z = (x * 2).exp().sum()
    z.backward(retain_graph=True)  # a retained graph keeps everything
    assert not any(t.values_freed for t in z.grad_fn.inputs)


def test_drawing_after_backward_still_works() -> None:
    pytest.importorskip("graphviz")
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4))
    loss = F.cross_entropy(model(mg.randn(16, 64)), np.zeros(16, np.int64))
    loss.backward()
    source = mg.viz.draw(loss, show_values=True).source
    assert "freed by backward" in source and "relu" in source
