"""The checkers themselves: gradcheck and gradgradcheck must catch wrong derivatives and say
where. Each faulty primitive is a Function subclass defined here and never registered."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd.function import Function
from minigrad.tensor import Tensor
from minigrad.testing import GradcheckError

WRONG_ELEMENT = (1, 2)


class MulWrongAtOneElement(Function):
    """z = a * b, with a VJP for b that is off by exactly 1 at WRONG_ELEMENT."""

    name = "mul_wrong_at_one_element"

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        offset = np.zeros(b.shape)
        offset[WRONG_ELEMENT] = 1.0
        return g * b, g * a + Tensor(offset)


class CubeRawNumpyVJP(Function):
    """z = a^3 with a VJP that is right in value but computed on raw arrays, so it is a
    constant to the graph: first derivatives pass, second derivatives are lost."""

    name = "cube_raw_numpy_vjp"

    @staticmethod
    def forward(ctx, a):
        return a**3

    @staticmethod
    def backward(ctx, g):
        return Tensor(g.data * 3 * ctx.inputs[0].data ** 2)


class CubeWrongSecondOrder(Function):
    """z = a^3 with VJP g * 3 * a * stop(a): right value, but its derivative in a is
    3 g a instead of 6 g a."""

    name = "cube_wrong_second_order"

    @staticmethod
    def forward(ctx, a):
        return a**3

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        return g * 3 * a * Tensor(a.data)


class Cube(Function):
    """z = a^3.   VJP: a_bar = 3 g a^2, in Tensor ops: right to every order."""

    name = "cube"

    @staticmethod
    def forward(ctx, a):
        return a**3

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]
        return g * 3 * a * a


def _inputs(*shapes, seed=0) -> list[Tensor]:
    rng = np.random.default_rng(seed)
    return [mg.tensor(rng.uniform(0.5, 2.0, s), requires_grad=True) for s in shapes]


def test_faulty_functions_stay_out_of_the_registry() -> None:
    for op in (MulWrongAtOneElement, CubeRawNumpyVJP, CubeWrongSecondOrder, Cube):
        assert op.name not in mg.ops.PRIMITIVES


def test_gradcheck_catches_a_wrong_vjp_and_says_where() -> None:
    a, b = _inputs((2, 3), (2, 3))
    with pytest.raises(GradcheckError) as error:
        mg.gradcheck(MulWrongAtOneElement.apply, [a, b])
    message = str(error.value)
    pattern = (r"gradient of input 1 \(shape \(2, 3\)\) is wrong at element \(1, 2\): "
               r"numeric (\S+), analytic (\S+)")
    match = re.search(pattern, message)
    assert match, message
    numeric, analytic = float(match.group(1)), float(match.group(2))
    # the only error is the +1 at that element: numeric is the true derivative there
    assert analytic - numeric == pytest.approx(1.0, abs=1e-6)
    assert "atol=" in message and "rtol=" in message


def test_gradcheck_names_the_first_input_when_it_is_wrong() -> None:
    a, b = _inputs((2, 3), (2, 3))
    with pytest.raises(GradcheckError, match=r"input 0 .* at element \(1, 2\)"):
        mg.gradcheck(lambda x, y: MulWrongAtOneElement.apply(y, x), [a, b])


def test_gradcheck_without_raising_returns_false() -> None:
    a, b = _inputs((2, 3), (2, 3))
    assert mg.gradcheck(MulWrongAtOneElement.apply, [a, b], raise_exception=False) is False


def test_gradcheck_passes_on_correct_derivatives() -> None:
    a, b = _inputs((2, 3), (3,))
    assert mg.gradcheck(lambda x, y: x * y, [a, b]) is True
    assert mg.gradcheck(Cube.apply, [a]) is True
    assert mg.gradgradcheck(Cube.apply, [a]) is True


def test_gradcheck_with_several_outputs_and_constant_inputs() -> None:
    (a,) = _inputs((3,))
    constant = mg.tensor(np.array([1.0, -1.0, 2.0]))
    assert mg.gradcheck(lambda x, c: (x * c, (x * x).sum()), [a, constant])
    x, y = _inputs((2, 3), (2, 3))
    with pytest.raises(GradcheckError, match=r"input 1 .* at element \(1, 2\)"):
        mg.gradcheck(lambda p, q: (p * 2, MulWrongAtOneElement.apply(p, q)), [x, y])


def test_gradcheck_needs_an_input_that_requires_grad() -> None:
    with pytest.raises(ValueError, match="no input requires grad"):
        mg.gradcheck(lambda x: x * 2, [mg.ones(2)])


def test_gradcheck_works_in_float64_whatever_the_inputs() -> None:
    seen = []
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert x.dtype == np.float32

    def fn(t):
        seen.append(t.dtype)
        return t.exp()

    assert mg.gradcheck(fn, [x])
    assert set(seen) == {np.dtype(np.float64)}
    assert x.dtype == np.float32 and x.grad is None  # the caller's tensor is untouched


def test_first_order_checks_pass_for_the_second_order_faults() -> None:
    """Both faulty cubes have the right first derivative: only gradgradcheck sees them."""
    (a,) = _inputs((4,))
    assert mg.gradcheck(CubeRawNumpyVJP.apply, [a])
    assert mg.gradcheck(CubeWrongSecondOrder.apply, [a])


def test_gradgradcheck_catches_a_vjp_that_is_not_differentiable() -> None:
    (a,) = _inputs((4,))
    # The VJP computed with NumPy leaves the graph: its output does not require grad.
    with pytest.raises(GradcheckError, match=r"gradcheck: output 0 \(shape \(4,\)\) does "
                                             r"not require grad .* left the graph"):
        mg.gradgradcheck(CubeRawNumpyVJP.apply, [a])


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    (a,) = _inputs((2, 2))
    with pytest.raises(GradcheckError) as error:
        mg.gradgradcheck(CubeWrongSecondOrder.apply, [a])
    match = re.search(r"input 0 .* numeric (\S+), analytic (\S+) ", str(error.value))
    assert match, str(error.value)
    numeric, analytic = float(match.group(1)), float(match.group(2))
    assert analytic == pytest.approx(numeric / 2, rel=1e-4)  # 3 g a instead of 6 g a


def test_gradgradcheck_also_checks_the_derivative_in_the_cotangent() -> None:
    """A VJP whose value is right but which treats g as a constant passes gradcheck;
    gradgradcheck differentiates the VJP in g too (its input 1 is the cotangent)."""

    class CotangentAsConstant(Function):
        name = "cotangent_as_constant"

        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return Tensor(g.data * 2)

    (a,) = _inputs((3,))
    assert mg.gradcheck(CotangentAsConstant.apply, [a])
    with pytest.raises(GradcheckError, match=r"output 0 \(shape \(3,\)\) .* left the graph"):
        mg.gradgradcheck(CotangentAsConstant.apply, [a])


def test_gradcheck_fails_for_a_function_that_leaves_the_graph() -> None:
    """A check that compares zero with zero proves nothing: leaving the graph through
    .numpy(), .data or a new tensor, or returning a non-tensor, fails with the reason."""
    (a,) = _inputs((3,))
    leaving = [
        lambda x: Tensor(x.numpy() ** 2),
        lambda x: Tensor(x.data * 2.0),
        lambda x: (x * 2).detach(),
        lambda x: Tensor(np.float64((x.numpy() ** 2).sum())),
    ]
    for fn in leaving:
        with pytest.raises(GradcheckError, match="left the graph"):
            mg.gradcheck(fn, [a])
        assert mg.gradcheck(fn, [a], raise_exception=False) is False
        with pytest.raises(GradcheckError, match="left the graph"):
            mg.gradgradcheck(fn, [a])
    for fn in (lambda x: float((x * x).sum().item()), lambda x: (x * x).numpy()):
        with pytest.raises(GradcheckError, match="not a Tensor"):
            mg.gradcheck(fn, [a])
