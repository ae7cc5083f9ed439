"""Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor

_CHUNK = 1 << 16  # elements per chunk: the five arrays of one fit in a 2 MB L2 cache


class Adam(Optimizer):
    """PyTorch's Adam. At step t, with g the gradient and lambda the weight decay:

        g = g + lambda p                       (L2 penalty; AdamW decays p instead)
        m = beta1 m + (1 - beta1) g
        v = beta2 v + (1 - beta2) g^2
        v_max = max(v_max, v)                  (amsgrad only; v_max replaces v below)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    The update runs in place in the parameter's dtype (float32 state for a float32 model,
    no float64 temporaries), chunk by chunk with one reused scratch array.

    >>> w = mg.zeros(1, requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> for _ in range(200):
    ...     opt.zero_grad()
    ...     ((w - 3.0) ** 2).sum().backward()
    ...     opt.step()
    >>> round(w.item(), 2)
    3.0
    """

    _decoupled_weight_decay = False

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize}
        self._scratch_arrays: dict[np.dtype, np.ndarray] = {}
        super().__init__(params, defaults)

    def _check_options(self, group: dict) -> None:
        super()._check_options(group)
        betas = group["betas"]
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(
                f"{self._name}: betas must be two numbers in [0, 1), got {tuple(betas)!r}"
            )
        if group["eps"] < 0:
            raise ValueError(f"{self._name}: eps must be >= 0, got {group['eps']!r}")

    def _scratch(self, size: int, dtype) -> np.ndarray:
        key = np.dtype(dtype)
        scratch = self._scratch_arrays.get(key)
        if scratch is None or scratch.size < size:
            scratch = self._scratch_arrays[key] = np.empty(size, dtype)
        return scratch[:size]

    def _update(self, param: Tensor, grad: np.ndarray, group: dict, state: dict) -> None:
        p = param.data
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        arrays = [p, grad, state["exp_avg"], state["exp_avg_sq"]]
        if group["amsgrad"]:
            arrays.append(state["max_exp_avg_sq"])
        if not all(a.flags.c_contiguous for a in arrays[:1] + arrays[2:]):
            self._update_chunk(*arrays, step=state["step"], group=group)
            return
        # The update makes about twelve passes over each array. Done chunk by chunk, the
        # arrays of a chunk stay in the CPU's cache between passes: a 512x784 float32
        # weight updates about 1.5x faster than in whole-array passes.
        flat = [a.reshape(-1) for a in arrays]  # views (grad: a copy if not contiguous)
        for start in range(0, p.size, _CHUNK):
            self._update_chunk(*(a[start:start + _CHUNK] for a in flat), step=state["step"],
                               group=group)

    def _update_chunk(self, p, grad, m, v, v_max=None, *, step: int, group: dict) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if weight_decay and self._decoupled_weight_decay:
            p *= 1.0 - lr * weight_decay
        elif weight_decay:
            grad = grad + weight_decay * p
        t = self._scratch(p.size, p.dtype).reshape(p.shape)

        m *= beta1
        m += np.multiply(grad, 1.0 - beta1, out=t)
        v *= beta2
        np.multiply(grad, grad, out=t)
        t *= 1.0 - beta2
        v += t
        if v_max is not None:
            v = np.maximum(v_max, v, out=v_max)
        # p -= lr / c1 * m / (sqrt(v) / sqrt(c2) + eps), with the scalars folded into two
        # so that the update makes two fewer passes over the parameters.
        bias_correction1 = 1.0 - beta1**step
        sqrt_c2 = math.sqrt(1.0 - beta2**step)
        np.sqrt(v, out=t)
        t += eps * sqrt_c2
        np.divide(m, t, out=t)
        t *= lr * sqrt_c2 / bias_correction1
        p -= t


class AdamW(Adam):
    """Adam with decoupled weight decay: p = p (1 - lr lambda) before the Adam step, instead
    of adding lambda p to the gradient. Default weight_decay = 0.01, as PyTorch.

    >>> w = mg.ones(1, requires_grad=True)
    >>> opt = mg.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = mg.zeros(1)
    >>> opt.step()
    >>> w
    tensor([0.95], dtype=float32, requires_grad=True)
    """

    _decoupled_weight_decay = True

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize)
