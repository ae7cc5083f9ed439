"""The Tensor as a user meets it: construction, dtypes, factories, attributes, operators and
the errors that bad input gets."""

from __future__ import annotations

import operator
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad.tensor import Tensor

# --- construction and dtype rules -------------------------------------------------------


@pytest.mark.parametrize("data, dtype", [
    (1.5, np.float32),
    ([1.0, 2.0], np.float32),
    ([1, 2.5], np.float32),
    (3, np.int64),
    ([[1, 2], [3, 4]], np.int64),
    (True, np.bool_),
    ([True, False], np.bool_),
    (np.arange(3, dtype=np.int32), np.int32),
    (np.ones(2, dtype=np.float64), np.float64),
    (np.ones(2, dtype=np.float16), np.float16),
    (np.float64(2.0), np.float64),
])
def test_constructor_dtype_rules(data, dtype) -> None:
    assert Tensor(data).dtype == dtype
    assert mg.tensor(data).dtype == dtype


def test_numpy_arrays_are_shared_by_tensor_and_copied_by_mg_tensor() -> None:
    array = np.zeros(3)
    assert Tensor(array).data is array
    copied = mg.tensor(array)
    array[0] = 1.0
    assert copied.numpy()[0] == 0.0


def test_explicit_dtype_wins() -> None:
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert mg.tensor(1.5, dtype=np.float16).dtype == np.float16


@pytest.mark.parametrize("data", ["abc", None, {"a": 1}, [1, "x"], 1 + 2j, object()])
def test_non_numeric_data_is_a_type_error(data) -> None:
    with pytest.raises(TypeError, match="not numeric"):
        Tensor(data)


def test_ragged_data_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match=r"^tensor: nested sequences of different lengths"):
        Tensor([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("data", [[1, 2], 3, [True], np.arange(3)])
def test_integer_and_bool_tensors_cannot_require_grad(data) -> None:
    with pytest.raises(TypeError, match=r"only floating-point tensors can require grad, "
                                        r"this one is (int64|bool)"):
        Tensor(data, requires_grad=True)
    t = Tensor(data)
    with pytest.raises(TypeError, match="only floating-point"):
        t.requires_grad_()
    assert not t.requires_grad


def test_set_default_dtype_float64_and_back() -> None:
    mg.set_default_dtype(np.float64)
    try:
        assert mg.get_default_dtype() == np.float64
        assert Tensor(1.5).dtype == np.float64
        assert Tensor([1, 2]).dtype == np.int64  # ints are not floats
        assert mg.zeros(2).dtype == mg.randn(2).dtype == mg.arange(0.0, 1.0, 0.5).dtype \
            == np.float64
        assert (Tensor(np.ones(2, np.float32)) * 2.0).dtype == np.float32  # arrays keep theirs
    finally:
        mg.set_default_dtype(np.float32)
    assert Tensor(1.5).dtype == mg.zeros(1).dtype == np.float32


def test_set_default_dtype_rejects_non_floating() -> None:
    with pytest.raises(TypeError, match="set_default_dtype: expected a floating dtype"):
        mg.set_default_dtype(np.int32)
    assert mg.get_default_dtype() == np.float32


def test_float64_fixture_sets_and_restores(float64) -> None:
    assert Tensor(1.0).dtype == np.float64


SCALARS = [2, 2.5, True, np.float64(2.5), np.float32(2.5), np.int64(2), np.float16(2.5)]
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b, "pow": lambda a, b: a**b,
    "maximum": mg.maximum, "minimum": mg.minimum,
}


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("op", BINARY, ids=str)
@pytest.mark.parametrize("side", ["left", "right"])
def test_scalars_never_upcast_float32(scalar, op, side) -> None:
    x = mg.tensor([0.5, 1.5, 2.5], requires_grad=True)
    out = BINARY[op](x, scalar) if side == "right" else BINARY[op](scalar, x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_float32_module_functions_with_scalars() -> None:
    x = mg.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    parts = [mg.where(x > 0, x, 0.0), mg.where(x > 0, 1.0, x), x.clip(0.0, 1.0),
             mg.maximum(x, np.float64(0.0)), x.clip(min=np.float64(0.0))]
    assert all(p.dtype == np.float32 for p in parts)
    mg.stack(parts).sum().backward()
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("source, target", [(np.float32, np.float64), (np.float64, np.float32),
                                            (np.float32, np.float16)])
def test_astype_between_floats_is_differentiable(source, target) -> None:
    x = mg.tensor(np.array([1.0, 2.0], dtype=source), requires_grad=True)
    y = x.astype(target)
    assert y.dtype == target and y.grad_fn is not None and y.grad_fn.op.name == "cast"
    (y * y).sum().backward()
    assert x.grad.dtype == source
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_astype_to_integer_leaves_the_graph() -> None:
    x = mg.tensor([1.5, -2.5], requires_grad=True)
    y = x.astype(np.int64)
    assert y.dtype == np.int64 and not y.requires_grad and y.grad_fn is None
    assert y.tolist() == [1, -2]


def test_astype_same_dtype_is_identity_and_float_double() -> None:
    x = mg.tensor([1.0])
    assert x.astype(np.float32) is x
    assert x.double().dtype == np.float64 and x.double().float().dtype == np.float32


def test_integer_data_becomes_default_float_in_float_math() -> None:
    i = mg.tensor([1, 4])
    assert i.sqrt().dtype == i.exp().dtype == (i / 2).dtype == np.float32
    np.testing.assert_allclose(i.sqrt().numpy(), [1.0, 2.0])
    assert i.mean().dtype == i.var().dtype == i.std().dtype == i.logsumexp().dtype \
        == i.softmax().dtype == np.float32
    assert i.mean().item() == 2.5 and i.var().item() == 4.5
    assert i.sum().dtype == i.max().dtype == np.int64  # these stay integers
    assert mg.tensor([True, False, True, True]).mean().item() == 0.75


def test_integer_reductions_follow_the_default_dtype(float64) -> None:
    assert mg.tensor([1, 2]).mean().dtype == mg.tensor([1, 2]).logsumexp().dtype == np.float64


# --- factories ----------------------------------------------------------------------------

@pytest.mark.parametrize("factory", [mg.zeros, mg.ones, mg.randn, mg.rand])
def test_factories_take_shape_as_ints_or_tuple(factory) -> None:
    assert factory(2, 3).shape == factory((2, 3)).shape == factory([2, 3]).shape == (2, 3)
    assert factory(4).shape == (4,)
    assert factory().shape == ()
    assert factory(2, dtype=np.float64).dtype == np.float64
    assert factory(2).dtype == np.float32
    assert factory(2, requires_grad=True).requires_grad


def test_factory_values() -> None:
    np.testing.assert_array_equal(mg.zeros(2, 2).numpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(mg.ones(3).numpy(), np.ones(3))
    assert mg.full((2, 2), 7.0).tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert mg.full(3, 7).dtype == np.int64 and mg.full(3, 7.0).dtype == np.float32
    assert mg.full(2, 1, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(mg.eye(3).numpy(), np.eye(3))
    assert mg.eye(2, 3).shape == (2, 3) and mg.eye(2).dtype == np.float32
    assert mg.arange(4).tolist() == [0, 1, 2, 3] and mg.arange(4).dtype == np.int64
    assert mg.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert mg.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert mg.arange(3, dtype=np.float64).dtype == np.float64
    r = mg.rand(1000).numpy()
    assert r.min() >= 0.0 and r.max() < 1.0


@pytest.mark.parametrize("factory", [mg.randn, mg.rand])
def test_random_factories_refuse_integer_dtypes(factory) -> None:
    with pytest.raises(TypeError, match=f"{factory.__name__}: samples need a floating dtype, "
                                        "got int64"):
        factory(3, dtype=np.int64)


def test_arange_refuses_a_zero_step() -> None:
    with pytest.raises(ValueError, match="arange: step must not be zero"):
        mg.arange(0, 5, 0)


def test_like_factories_copy_shape_and_dtype() -> None:
    t = mg.tensor(np.zeros((2, 3), dtype=np.float64))
    for made in (mg.zeros_like(t), mg.ones_like(t)):
        assert made.shape == (2, 3) and made.dtype == np.float64 and not made.requires_grad
    assert mg.ones_like(t, dtype=np.float32).dtype == np.float32
    assert mg.zeros_like(t, requires_grad=True).requires_grad
    assert mg.ones_like(t).numpy().sum() == 6


def test_manual_seed_makes_random_draws_reproducible() -> None:
    mg.manual_seed(42)
    first = (mg.randn(3, 2).numpy().copy(), mg.rand(4).numpy().copy())
    mg.manual_seed(42)
    second = (mg.randn(3, 2).numpy(), mg.rand(4).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    mg.manual_seed(43)
    assert not np.array_equal(mg.randn(3, 2).numpy(), first[0])


# --- attributes, conversions, repr -------------------------------------------------------

def test_array_attributes_and_conversions() -> None:
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
    assert x.T.shape == (3, 2) and x.T.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert mg.zeros(4, 2, 3).mT.shape == (4, 3, 2)
    assert mg.zeros(4, 2, 3).T.shape == (3, 2, 4)
    assert isinstance(x.numpy(), np.ndarray) and x.numpy() is x.data
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert x.sum().item() == 15.0 and isinstance(x.sum().item(), float)
    assert mg.tensor([3]).item() == 3 and isinstance(mg.tensor([3]).item(), int)
    assert float(mg.tensor(2.5)) == 2.5


def test_item_and_len_errors() -> None:
    with pytest.raises(ValueError, match="item: the tensor has 6 elements, not 1"):
        mg.zeros(2, 3).item()
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mg.tensor(1.0))
    with pytest.raises(ValueError, match="truth value of a tensor with 2 elements"):
        bool(mg.zeros(2))


def test_repr_shows_values_dtype_requires_grad_and_op() -> None:
    leaf = mg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(leaf) == "tensor([1., 2.], dtype=float32, requires_grad=True)"
    assert repr(leaf * 3) == "tensor([3., 6.], dtype=float32, grad_fn=<mul>)"
    assert repr(mg.tensor([1, 2])) == "tensor([1, 2], dtype=int64)"
    assert repr(leaf.sum()) == "tensor(3., dtype=float32, grad_fn=<sum>)"
    assert "name='w'" in repr(mg.tensor(1.0, name="w"))


# --- operators ----------------------------------------------------------------------------

COMPARISONS = {
    "<": (lambda a, b: a < b, [True, False, False]),
    "<=": (lambda a, b: a <= b, [True, True, False]),
    ">": (lambda a, b: a > b, [False, False, True]),
    ">=": (lambda a, b: a >= b, [False, True, True]),
    "==": (lambda a, b: a == b, [False, True, False]),
    "!=": (lambda a, b: a != b, [True, False, True]),
}


@pytest.mark.parametrize("op", COMPARISONS, ids=str)
@pytest.mark.parametrize("other", ["scalar", "tensor", "array"])
def test_comparisons_are_bool_tensors_outside_the_graph(op, other) -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = {"scalar": 2.0, "tensor": mg.tensor(2.0, requires_grad=True),
         "array": np.full(3, 2.0)}[other]
    fn, expected = COMPARISONS[op]
    result = fn(x, b)
    assert isinstance(result, Tensor) and result.dtype == np.bool_
    assert result.tolist() == expected
    assert not result.requires_grad and result.grad_fn is None


def test_tensors_hash_by_identity() -> None:
    a, b = mg.tensor(1.0), mg.tensor(1.0)
    assert len({a, b}) == 2 and {a: 1}[a] == 1


REFLECTED = {
    "+": (lambda a, x: a + x, lambda a, x: np.ones_like(x)),
    "-": (lambda a, x: a - x, lambda a, x: -np.ones_like(x)),
    "*": (lambda a, x: a * x, lambda a, x: a),
    "/": (lambda a, x: a / x, lambda a, x: -a / x**2),
    "**": (lambda a, x: a**x, lambda a, x: a**x * np.log(a)),
    "@": (lambda a, x: a @ x, lambda a, x: np.broadcast_to(a.sum(0)[:, None], x.shape)),
}


@pytest.mark.parametrize("op", REFLECTED, ids=str)
def test_numpy_array_on_the_left_keeps_the_graph(op) -> None:
    a = np.array([[1.0, 2.0], [3.0, 0.5]])
    x = mg.tensor(np.array([[0.5, 1.0], [1.5, 2.0]]), requires_grad=True)
    fn, derivative = REFLECTED[op]
    out = fn(a, x)
    assert isinstance(out, Tensor) and out.grad_fn is not None
    np.testing.assert_allclose(out.numpy(), fn(a, x.numpy()))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), derivative(a, x.numpy()), rtol=1e-12)


def test_numpy_scalar_on_the_left_gives_a_tensor() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    for result in (np.float64(2.0) * x, np.float32(1.0) + x, np.int64(3) - x):
        assert isinstance(result, Tensor) and result.grad_fn is not None
        assert result.dtype == np.float32


def test_unary_operators() -> None:
    x = mg.tensor([1.0, -2.0], requires_grad=True)
    assert (+x) is x
    (-x).sum().backward()
    assert x.grad.tolist() == [-1.0, -1.0]


# --- bad input: the error names the op, the shapes and what was expected ------------------

def test_matmul_misaligned_message() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "matmul: shapes (2, 3) and (4, 2) are not aligned (3 != 4)")):
        mg.zeros(2, 3) @ mg.zeros(4, 2)
    with pytest.raises(ValueError, match=re.escape(
            "matmul: shapes (3,) and (2,) are not aligned (3 != 2)")):
        mg.matmul(mg.zeros(3), mg.zeros(2))


def test_matmul_batch_and_scalar_messages() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "matmul: shapes (2, 3, 4) and (3, 4, 5): batch dimensions (2,) and (3,) do not "
            "broadcast")):
        mg.zeros(2, 3, 4) @ mg.zeros(3, 4, 5)
    with pytest.raises(ValueError, match="operands must be at least 1-D"):
        mg.zeros(3) @ mg.tensor(2.0)


@pytest.mark.parametrize("op, operator_fn", [
    ("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
    ("div", operator.truediv), ("pow", operator.pow),
])
def test_shapes_that_do_not_broadcast_name_op_and_shapes(op, operator_fn) -> None:
    expected = f"{op}: shapes (3, 4) and (2, 4) cannot be broadcast together"
    with pytest.raises(ValueError, match=re.escape(expected)):
        operator_fn(mg.ones(3, 4), mg.ones(2, 4))


def test_selections_that_do_not_broadcast_name_op_and_shapes() -> None:
    a, b = mg.ones(3, 4), mg.ones(2, 4)
    with pytest.raises(ValueError, match=re.escape(
            "maximum: shapes (3, 4) and (2, 4) cannot be broadcast together")):
        mg.maximum(a, b)
    with pytest.raises(ValueError, match=re.escape(
            "minimum: shapes (3, 4) and (2, 4) cannot be broadcast together")):
        a.minimum(b)
    with pytest.raises(ValueError, match=re.escape(
            "where: shapes (2,), (3, 4) and (2, 4) cannot be broadcast together")):
        mg.where(mg.tensor([True, False]), a, b)


def test_bad_reshape_names_both_shapes() -> None:
    expected = "reshape: cannot reshape a tensor of shape (2, 3) (6 elements) into shape (4, 2)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        mg.zeros(2, 3).reshape(4, 2)
    with pytest.raises(ValueError, match=re.escape("into shape (-1, -1)")):
        mg.zeros(2, 3).reshape(-1, -1)


@pytest.mark.parametrize("call, message", [
    (lambda x: x.sum(axis=2), "sum: dim 2 is out of range for a tensor with 2 dimension(s)"),
    (lambda x: x.mean(axis=-3), "mean: dim -3 is out of range for a tensor with 2 dimension(s)"),
    (lambda x: x.max(axis=(0, 5)), "max: dim 5 is out of range"),
    (lambda x: x.var(axis=(1, -1)), "var: dim (1, -1) repeats a dim"),
    (lambda x: x.softmax(axis=2), "softmax: dim 2 is out of range"),
    (lambda x: x.log_softmax(axis=-3), "log_softmax: dim -3 is out of range"),
    (lambda x: x.logsumexp(axis=9), "logsumexp: dim 9 is out of range"),
    (lambda x: x.unsqueeze(4), "unsqueeze: dim 4 is out of range"),
    (lambda x: x.swapaxes(0, 2), "swapaxes: dim 2 is out of range"),
    (lambda x: x.permute(0, 0), "permute: dims (0, 0) are not a permutation of 2 dims"),
    (lambda x: x.broadcast_to(3, 3), "broadcast_to: cannot broadcast shape (2, 3) to (3, 3)"),
    (lambda x: mg.tensor(1.0).sum(axis=1), "sum: dim 1 is out of range for a tensor with 0"),
    (lambda x: mg.cat([x, mg.zeros(3, 3)], axis=1),
     "concatenate: tensor 1 has shape (3, 3), which does not match (2, 3) outside axis 1"),
    (lambda x: mg.stack([x, mg.zeros(3)]), "stack: all tensors must have one shape"),
    (lambda x: x.clip(), "clip: give at least one of min and max"),
    (lambda x: x.gelu("fast"), "gelu: approximate must be 'none' or 'tanh'"),
])
def test_bad_axes_and_shapes_name_the_op(call, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call(mg.zeros(2, 3))


def test_axis_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=re.escape(
            "var: dim must be an int, a tuple of ints or None, got 1.5")):
        mg.zeros(2, 3).var(axis=1.5)
    with pytest.raises(TypeError, match="sum: dim must be an int"):
        mg.zeros(2, 3).sum(axis=(0, 1.0))


@pytest.mark.parametrize("index, message", [
    (5, "getitem: index 5 is out of bounds for axis 0 with size 2 (tensor of shape (2, 3))"),
    ([0, 7], "is out of bounds"),
    (0.5, "getitem: index 0.5 is a float (tensor of shape (2, 3))"),
    (np.array([0.5]), "getitem: index arrays must be integer or bool, got float64"),
    (mg.tensor([True, False, True]), "(tensor of shape (2, 3))"),
])
def test_bad_index_names_the_tensor_shape(index, message) -> None:
    with pytest.raises(IndexError, match=re.escape(message)):
        mg.zeros(2, 3)[index]


def test_transpose_rejects_out_of_range_axes() -> None:
    with pytest.raises(ValueError, match="transpose: dim 3 is out of range"):
        mg.zeros(2, 3).transpose(0, 3)


@pytest.mark.parametrize("shape", [(2.5,), (-1,), ((2, -3),)])
def test_bad_shape_arguments_name_the_factory(shape) -> None:
    with pytest.raises((TypeError, ValueError), match=r"^zeros: "):
        mg.zeros(*shape)


def test_flatten_with_start_after_end_says_so() -> None:
    with pytest.raises(ValueError, match="flatten: start_dim"):
        mg.zeros(2, 3, 4).flatten(2, 0)


def test_where_condition_must_be_bool() -> None:
    x = mg.zeros(2)
    with pytest.raises(TypeError, match="where: condition must be bool, got float32"):
        mg.where(x, x, x)


def test_requires_grad_cannot_be_changed_on_non_leaves() -> None:
    y = mg.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"can only be changed on leaf tensors.*'mul'"):
        y.requires_grad = False


@pytest.mark.parametrize("make_other", [lambda: 2.5, lambda: mg.ones(2), lambda: np.float32(2)])
def test_integers_beside_floats_take_the_float_dtype(make_other) -> None:
    ints = mg.tensor([1, 2])
    other = make_other()
    for result in (ints * other, other * ints, ints + other, ints - other, ints / other,
                   mg.maximum(ints, other), ints ** other):
        assert result.dtype == np.float32


def test_integer_division_gives_the_default_float() -> None:
    ints = mg.tensor([1, 2])
    assert (ints / ints).dtype == np.float32
    assert (ints + 1).dtype == np.int64
