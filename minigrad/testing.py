"""Gradient checking against central finite differences, in float64.

`gradcheck(fn, inputs)` contracts the outputs of `fn` with a random cotangent `v` and
compares the analytic vector-Jacobian product `v^T J` with

    (s(x + eps e_i) - s(x - eps e_i)) / (2 eps),   s(x) = sum_k <v_k, fn(x)_k>,

for every element i of every input that requires grad. A random `v` makes a wrong
Jacobian visible with probability one, at the cost of a single backward pass.
`gradgradcheck` applies the same test to the VJP itself, so second derivatives are checked
(including the derivative with respect to `v`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from minigrad.autograd.engine import grad
from minigrad.tensor import Tensor


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message says where and by how much.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> try:
    ...     gradcheck(lambda x: x * x.detach(), [x])
    ... except GradcheckError as error:
    ...     print(str(error)[:40])
    gradcheck: the gradient of input 0 (shap
    """


def _as_outputs(result, caller: str = "gradcheck") -> tuple[Tensor, ...]:
    """The function's outputs; anything but tensors fails the check, since a number or an
    array carries no gradient to compare."""
    outputs = result if isinstance(result, (tuple, list)) else (result,)
    for k, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            raise GradcheckError(
                f"{caller}: output {k} of the function is a {type(o).__name__}, not a Tensor; "
                "its gradient cannot be checked (return tensors computed from the inputs)"
            )
    return tuple(outputs)


def _check_in_graph(outputs: tuple[Tensor, ...], caller: str) -> None:
    """Every floating output must be part of the graph: one that does not require grad was
    computed outside it (through `.numpy()`, `.data`, `detach()` or a new tensor), and a
    check that compares zero with zero would prove nothing."""
    for k, o in enumerate(outputs):
        if o.dtype.kind == "f" and not o.requires_grad:
            raise GradcheckError(
                f"{caller}: output {k} (shape {o.shape}) does not require grad although inputs "
                "do: the function left the graph (through .numpy(), .data, detach() or a new "
                "tensor), so autograd cannot see how it depends on the inputs"
            )


def _to_float64(inputs: Sequence) -> list:
    converted = []
    for x in inputs:
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            converted.append(Tensor(x.data.astype(np.float64), requires_grad=x.requires_grad))
        else:
            converted.append(x)
    return converted


def _cotangents(outputs: tuple[Tensor, ...], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(o.shape) for o in outputs]


def gradcheck(fn: Callable, inputs: Sequence, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, seed: int = 0, raise_exception: bool = True) -> bool:
    """Check the gradients of `fn` at `inputs` against central differences.

    Inputs that are floating tensors are copied to float64; those with `requires_grad`
    are checked. Returns True, or raises `GradcheckError` (False with
    `raise_exception=False`) naming the input, the worst element, and both values.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> gradcheck(lambda x: (x * x).sum(), [x])
    True
    >>> gradcheck(lambda x: x * x.detach(), [x], raise_exception=False)
    False
    """
    inputs = _to_float64(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    try:
        outputs = _as_outputs(fn(*inputs))
        _check_in_graph(outputs, "gradcheck")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    cotangents = _cotangents(outputs, seed)
    differentiable = [(o, v) for o, v in zip(outputs, cotangents) if o.requires_grad]
    if differentiable:
        scalar = sum((o * Tensor(v.astype(o.dtype))).sum() for o, v in differentiable)
        analytic = grad(scalar, [inputs[i] for i in checked], allow_unused=True)
    else:
        analytic = [None] * len(checked)

    def contracted() -> float:
        outs = _as_outputs(fn(*inputs))  # grad mode stays on: fn may itself differentiate
        return float(sum(np.sum(o.data.astype(np.float64) * v) for o, v in zip(outs, cotangents)))

    for i, g in zip(checked, analytic):
        x = inputs[i].data
        numeric = np.zeros(x.shape)
        flat = x.reshape(-1)  # a view: perturbing it perturbs the input
        for k in range(flat.size):
            original = flat[k]
            flat[k] = original + eps
            plus = contracted()
            flat[k] = original - eps
            minus = contracted()
            flat[k] = original
            numeric.reshape(-1)[k] = (plus - minus) / (2 * eps)
        analytic_array = np.zeros(x.shape) if g is None else g.data.astype(np.float64)
        error = np.abs(analytic_array - numeric) - (atol + rtol * np.abs(numeric))
        if error.size and error.max() > 0:
            worst = np.unravel_index(int(np.argmax(error)), x.shape)
            message = (
                f"gradcheck: the gradient of input {i} (shape {x.shape}) is wrong at element "
                f"{tuple(int(w) for w in worst)}: numeric {numeric[worst]:.10g}, analytic "
                f"{analytic_array[worst]:.10g} (atol={atol}, rtol={rtol}); "
                f"max abs difference {np.abs(analytic_array - numeric).max():.3g}"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(fn: Callable, inputs: Sequence, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, seed: int = 0, raise_exception: bool = True) -> bool:
    """Check second derivatives: gradcheck of the map (inputs, v) -> v^T J(inputs).

    The VJP is computed with `create_graph=True`, so every VJP rule along the way must
    itself be differentiable and correct.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> gradgradcheck(lambda x: (x ** 3).sum(), [x])
    True
    """
    inputs = _to_float64(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    try:
        outputs = _as_outputs(fn(*inputs), "gradgradcheck")
        _check_in_graph(outputs, "gradgradcheck")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    vs = [Tensor(v, requires_grad=True) for v in _cotangents(outputs, seed + 1)]
    n = len(inputs)

    def vjp(*args):
        xs, cotangents = list(args[:n]), args[n:]
        outs = _as_outputs(fn(*xs), "gradgradcheck")
        scalar = sum((o * v).sum() for o, v in zip(outs, cotangents) if o.requires_grad)
        grads = grad(scalar, [xs[i] for i in checked], create_graph=True, allow_unused=True)
        # An input the VJP does not depend on has a zero gradient: keep it in the output.
        return tuple(g if g is not None else xs[i] * 0 for i, g in zip(checked, grads))

    return gradcheck(vjp, [*inputs, *vs], eps=eps, atol=atol, rtol=rtol, seed=seed + 2,
                     raise_exception=raise_exception)
