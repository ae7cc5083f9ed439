"""Section 2 of the Batch Normalization paper, run exactly: the bias that drifts forever.

The layer: inputs `u` for a fixed training set of N samples, `x = u + b`, and the
normalization `x_hat = x - E[x]`, where `E[x]` is the mean over the whole training set.
A downstream loss compares `x_hat` (through an optional small head) with fixed targets t:

    l = 1/(2N) sum_i ||y_i - t_i||^2,    y = head(x_hat)

Only `b` (and the head's parameter, if any) is trained, with plain gradient descent on the
whole set, in float64.

`mode="detached"` ignores the dependence of `E[x]` on `b` (E[x] is a constant to the
gradient, as when the normalization is computed outside the gradient step). Then
dl/db = sum_i dl/dx_hat_i, which never changes because `x_hat` never changes:
u + (b + db) - E[u + (b + db)] = u + b - E[u + b]. `b` moves by the same step forever and
the loss stays where it is.

`mode="full"` differentiates through `E[x]`: the mean path carries -sum_i dl/dx_hat_i,
which cancels the direct path, so dl/db = 0 exactly and `b` never moves.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

import minigrad as mg
from minigrad.experiments.checks import check_choice, check_positive
from minigrad.section2 import MODES, section2_layer
from minigrad.tensor import Tensor

Mode = Literal["detached", "full"]
Head = Literal["fixed", "scale", "shift"]

HEADS: tuple[str, ...] = ("fixed", "scale", "shift")


def section2_problem(seed: int = 0, samples: int = 32, features: int = 3
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The fixed training set of the section-2 layer: inputs `u` and targets `t` (float64).

    The targets follow the inputs (`t = 0.5 (u - mean u) + noise + offset`) and have a
    nonzero mean, so `sum_i dl/dx_hat_i` is not zero and the detached gradient has somewhere
    to push `b`.
    """
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((samples, features)) + rng.uniform(-2.0, 2.0, features)
    offset = rng.choice([-1.0, 1.0], features) * rng.uniform(0.5, 1.5, features)
    noise = 0.5 * rng.standard_normal((samples, features))
    t = 0.5 * (u - u.mean(axis=0)) + noise + offset
    return u, t


def squared_error(y: Tensor, t: Tensor) -> Tensor:
    """`1/(2N) sum_i ||y_i - t_i||^2`: half the mean squared distance per sample."""
    return ((y - t) ** 2).sum() * (0.5 / y.shape[0])


def bias_drift(mode: Mode = "detached", steps: int = 50, lr: float = 0.1, seed: int = 0, *,
               head: Head = "fixed", head_weight_decay: float = 0.0, samples: int = 32,
               features: int = 3) -> dict[str, np.ndarray]:
    """Train only `b` (and the head) of the section-2 layer with gradient descent.

    Args:
        mode: "detached" (E[x] treated as a constant by the gradient) or "full"
            (differentiated through E[x], as Batch Normalization does).
        steps: number of gradient steps, each on the whole training set.
        lr: learning rate of plain gradient descent.
        seed: the seed of the training set (the run itself has no randomness).
        head: what sits between `x_hat` and the loss. "fixed": nothing, `y = x_hat`.
            "scale": a learnable per-unit scale, `y = gamma * x_hat`. "shift": a learnable
            per-unit shift, `y = x_hat + beta` (the role BatchNorm's beta plays).
        head_weight_decay: L2 penalty `wd/2 ||param||^2` on the head's parameter.
        samples: number of samples in the training set.
        features: number of units of the layer.

    Returns:
        A dict of per-step arrays, row k describing the state before update k:
        `b` (steps, features), `loss` (steps,), `grad_b` (steps, features),
        `head` (steps, features; gamma or beta, zeros for "fixed"), `grad_head`,
        `output_change` (steps,): max |x_hat_k - x_hat_0|, how much the layer's output moved.
        Also `b_final` and `head_final` (features,), the values after the last update.

    Example:
        >>> r = bias_drift("full", steps=3)
        >>> float(abs(r["grad_b"]).max()) < 1e-12
        True
    """
    check_choice("bias_drift", "mode", mode, MODES)
    check_choice("bias_drift", "head", head, HEADS)
    check_positive("bias_drift", steps=steps, lr=lr, samples=samples, features=features)
    u_data, t_data = section2_problem(seed, samples, features)
    u, t = mg.tensor(u_data), mg.tensor(t_data)
    b = mg.zeros(features, dtype=np.float64, requires_grad=True)
    head_init = 1.0 if head == "scale" else 0.0
    head_param = mg.full((features,), head_init, dtype=np.float64, requires_grad=True)
    params = [b] if head == "fixed" else [b, head_param]

    keys = ("b", "grad_b", "head", "grad_head")
    record: dict[str, list] = {key: [] for key in (*keys, "loss", "output_change")}
    first_output = None
    for _ in range(steps):
        _, _, x_hat = section2_layer(u, b, mode)
        if head == "scale":
            y = x_hat * head_param
        elif head == "shift":
            y = x_hat + head_param
        else:
            y = x_hat
        loss = squared_error(y, t)
        if head != "fixed" and head_weight_decay:
            loss = loss + (head_param * head_param).sum() * (0.5 * head_weight_decay)
        grads = mg.grad(loss, params)
        grad_head = grads[1].data if head != "fixed" else np.zeros(features)
        if first_output is None:
            first_output = x_hat.data.copy()
        for key, value in zip(keys, (b.data, grads[0].data, head_param.data, grad_head)):
            record[key].append(value.copy())
        record["loss"].append(loss.item())
        record["output_change"].append(float(np.abs(x_hat.data - first_output).max()))
        with mg.no_grad():
            for param, grad in zip(params, grads):
                param.data -= lr * grad.data
    result = {key: np.array(values) for key, values in record.items()}
    result["b_final"] = b.data.copy()
    result["head_final"] = head_param.data.copy() if head != "fixed" else np.zeros(features)
    return result

