"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 decay."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor


class SGD(Optimizer):
    """PyTorch's SGD. With g the gradient, lambda the weight decay, mu the momentum,
    tau the dampening and b the momentum buffer:

        d = g + lambda p
        b = d                          at the first step
        b = mu b + (1 - tau) d         afterwards
        d = d + mu b  (Nesterov)   or   d = b
        p = p - lr d

    `maximize=True` ascends instead (d starts from -g).

    >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    """

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_options(self, group: dict) -> None:
        super()._check_options(group)
        if group["momentum"] < 0:
            raise ValueError(f"SGD: momentum must be >= 0, got {group['momentum']!r}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")

    def _update(self, param: Tensor, grad: np.ndarray, group: dict, state: dict) -> None:
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        d = -grad if group["maximize"] else grad  # never written: it is the caller's .grad
        if weight_decay:
            d = d + weight_decay * param.data
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = d.astype(param.dtype, copy=True)
            else:
                buffer *= momentum
                buffer += (1.0 - group["dampening"]) * d
            d = d + momentum * buffer if group["nesterov"] else buffer
        param.data -= group["lr"] * d
