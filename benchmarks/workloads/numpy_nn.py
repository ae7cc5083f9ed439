"""Handwritten NumPy layers: the baseline "same math, no graph" for the nn workloads.

Written as a careful engineer would, not as a strawman: float32 throughout (Python scalars
never upcast a float32 array), column reductions that need no temporary (`einsum`), in-place
updates where the old value is dead (`out=`, `+=`), and each backward keeps only what it
needs from its forward. What it does not do is fuse loops the way a compiled kernel can:
NumPy makes one pass over memory per operation, which is the cost minigrad shares.
"""

from __future__ import annotations

import numpy as np


def column_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum_i a[i, j] * b[i, j] without materializing a * b."""
    return np.einsum("ij,ij->j", a, b)


class BatchNorm:
    """BatchNorm1d in training mode: y = gamma * (x - mean) / sqrt(var + eps) + beta, with
    the running statistics updated as PyTorch does (unbiased variance, momentum 0.1)."""

    def __init__(self, features: int, dtype=np.float32, momentum: float = 0.1,
                 eps: float = 1e-5) -> None:
        self.gamma = np.ones(features, dtype)
        self.beta = np.zeros(features, dtype)
        self.running_mean = np.zeros(features, dtype)
        self.running_var = np.ones(features, dtype)
        self.momentum, self.eps = momentum, eps

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, tuple]:
        n = x.shape[0]
        mean = x.mean(axis=0)
        x_hat = x - mean
        var = column_dot(x_hat, x_hat) / n
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat *= inv_std  # x - mean is dead once normalized: reuse its buffer
        y = x_hat * self.gamma
        y += self.beta
        m = self.momentum
        self.running_mean *= 1.0 - m
        self.running_mean += m * mean
        self.running_var *= 1.0 - m
        self.running_var += (m * n / (n - 1)) * var
        return y, (x_hat, inv_std)

    def backward(self, dy: np.ndarray, cache: tuple):
        """dx = gamma * inv_std * (dy - mean(dy) - x_hat * mean(dy * x_hat)), the compact
        form of differentiating through the batch mean and variance."""
        x_hat, inv_std = cache
        n = dy.shape[0]
        d_beta = dy.sum(axis=0)
        d_gamma = column_dot(dy, x_hat)
        dx = x_hat * (d_gamma / n)
        np.subtract(dy, dx, out=dx)
        dx -= d_beta / n
        dx *= self.gamma * inv_std
        return dx, d_gamma, d_beta


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy from logits and its gradient (softmax - one_hot) / n."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    sum_exp = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.mean(np.log(sum_exp[:, 0]) - shifted[rows, labels]))
    grad = exp
    grad /= sum_exp
    grad[rows, labels] -= 1.0
    grad /= n
    return loss, grad


class Adam:
    """torch.optim.Adam's update (no weight decay), in place, with scratch buffers."""

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3, betas=(0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1.0 - b1**self.t)
        sqrt_bc2 = (1.0 - b2**self.t) ** 0.5
        for p, g, m, v, tmp in zip(self.params, grads, self.m, self.v, self.scratch):
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp
            np.sqrt(v, out=tmp)  # denominator: sqrt(v) / sqrt(1 - b2^t) + eps
            tmp /= sqrt_bc2
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


def init_linear(rng: np.random.Generator, fan_in: int, fan_out: int, bias: bool):
    """PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), weight shaped (out, in)."""
    bound = 1.0 / np.sqrt(fan_in)
    w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
    b = rng.uniform(-bound, bound, fan_out).astype(np.float32) if bias else None
    return w, b
