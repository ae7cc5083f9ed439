"""cnn_step: one full SGD step of a small convolutional network with BatchNorm2d, float32.

    Conv2d(1, 32, 3, padding=1) -> BatchNorm2d -> ReLU -> MaxPool2d(2)
    -> Conv2d(32, 64, 3, padding=1) -> BatchNorm2d -> ReLU -> MaxPool2d(2)
    -> Flatten -> Linear(3136, 10), cross-entropy, SGD (lr 0.01), batch 64 of 1x28x28

One step is zero_grad, forward, backward, optimizer step, with the phases timed as in
`mlp_step`. The same text runs on minigrad and on PyTorch; the NumPy reference is the same
math by hand: im2col through a sliding-window view and one matrix product per convolution,
in the channels-first layout (C, N, H, W) that makes BatchNorm2d a row-wise normalization.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks.workloads import frameworks
from benchmarks.workloads.base import Check, Medians, Metric, Workload, ratio_check
from benchmarks.workloads.frameworks import Framework
from benchmarks.workloads.mlp_step import _timed_step, classifier_step, phase_metrics, sized
from benchmarks.workloads.numpy_nn import cross_entropy, init_linear

FULL = {"batch": 64, "size": 28, "channels": (32, 64), "classes": 10}
QUICK = {"batch": 8, "size": 8, "channels": (4, 8), "classes": 10}
LR = 0.01


def batch(sizes: dict) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    n, s = sizes["batch"], sizes["size"]
    return (rng.standard_normal((n, 1, s, s), dtype=np.float32),
            rng.integers(0, sizes["classes"], n))


def make_step_autograd(sizes: dict, fw: Framework):
    nn = fw.nn
    fw.manual_seed(0)
    c1, c2 = sizes["channels"]
    flat = c2 * (sizes["size"] // 4) ** 2
    model = nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(flat, sizes["classes"]))
    opt = fw.optim.SGD(model.parameters(), lr=LR)
    return classifier_step(fw, model, opt, *batch(sizes))


# --- the handwritten reference, layout (C, N, H, W) ----------------------------------------

def _columns(a: np.ndarray) -> np.ndarray:
    """im2col for a 3x3 kernel with padding 1: (C * 9, N * H * W)."""
    c, n, h, w = a.shape
    windows = sliding_window_view(np.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3),
                                  axis=(2, 3))  # (C, N, H, W, 3, 3)
    return windows.transpose(0, 4, 5, 1, 2, 3).reshape(c * 9, n * h * w)


def _col2im(cols: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The adjoint of `_columns`: add each kernel offset's rows back into place."""
    c, n, h, w = shape
    cols = cols.reshape(c, 3, 3, n, h, w)
    padded = np.zeros((c, n, h + 2, w + 2), cols.dtype)
    for i in range(3):
        for j in range(3):
            padded[:, :, i:i + h, j:j + w] += cols[:, i, j]
    return padded[:, :, 1:-1, 1:-1]


def _batch_norm(z: np.ndarray, eps: float = 1e-5):
    """Rows are channels: x_hat over each row (gamma = 1, beta = 0 at the first step)."""
    mean = z.mean(axis=1, keepdims=True)
    centered = z - mean
    inv_std = 1.0 / np.sqrt(np.einsum("ij,ij->i", centered, centered)[:, None] / z.shape[1] + eps)
    centered *= inv_std
    return centered, inv_std


def _batch_norm_backward(dy: np.ndarray, x_hat: np.ndarray, gamma: np.ndarray, inv_std):
    n = dy.shape[1]
    d_beta = dy.sum(axis=1)
    d_gamma = np.einsum("ij,ij->i", dy, x_hat)
    dx = x_hat * (d_gamma / n)[:, None]
    np.subtract(dy, dx, out=dx)
    dx -= (d_beta / n)[:, None]
    dx *= (gamma[:, None] * inv_std)
    return dx, d_gamma, d_beta


def _max_pool(a: np.ndarray):
    """2x2 max pooling and, per output, which of the four positions won (the first max)."""
    quarters = [a[:, :, i::2, j::2] for i in range(2) for j in range(2)]
    y, winner = quarters[0].copy(), np.zeros(quarters[0].shape, np.uint8)
    for k, q in enumerate(quarters[1:], start=1):
        better = (q > y).view(np.uint8)
        winner += better * (np.uint8(k) - winner)  # uint8: far cheaper than winner[mask] = k
        np.maximum(y, q, out=y)
    return y, winner


def _max_pool_backward(g: np.ndarray, winner: np.ndarray, shape) -> np.ndarray:
    da = np.zeros(shape, g.dtype)
    for k in range(4):
        da[:, :, k // 2::2, k % 2::2] = g * (winner == k)
    return da


class NumpyCNN:
    def __init__(self, sizes: dict) -> None:
        rng = np.random.default_rng(0)
        c1, c2 = sizes["channels"]
        self.flat = c2 * (sizes["size"] // 4) ** 2
        self.w1, self.b1 = init_linear(rng, 9, c1, bias=True)
        self.w2, self.b2 = init_linear(rng, c1 * 9, c2, bias=True)
        self.w3, self.b3 = init_linear(rng, self.flat, sizes["classes"], bias=True)
        self.g1, self.be1 = np.ones(c1, np.float32), np.zeros(c1, np.float32)
        self.g2, self.be2 = np.ones(c2, np.float32), np.zeros(c2, np.float32)
        self.params = [self.w1, self.b1, self.g1, self.be1, self.w2, self.b2, self.g2,
                       self.be2, self.w3, self.b3]
        self._saved: tuple = ()

    def _block(self, a, w, b, gamma, beta):
        n, h, wd = a.shape[1:]
        cols = _columns(a)
        z = w @ cols
        z += b[:, None]
        x_hat, inv_std = _batch_norm(z)
        r = x_hat * gamma[:, None] + beta[:, None]
        np.maximum(r, 0.0, out=r)
        y, winner = _max_pool(r.reshape(-1, n, h, wd))
        return y, (cols, x_hat, inv_std, r, winner, a.shape)

    def _block_backward(self, g, w, gamma, saved, input_grad: bool):
        cols, x_hat, inv_std, r, winner, shape = saved
        d_r = _max_pool_backward(g, winner, (len(gamma), *shape[1:])).reshape(r.shape)
        d_r *= r > 0
        d_z, d_gamma, d_beta = _batch_norm_backward(d_r, x_hat, gamma, inv_std)
        d_w, d_b = d_z @ cols.T, d_z.sum(axis=1)
        d_a = _col2im(w.T @ d_z, shape) if input_grad else None
        return d_a, d_w, d_b, d_gamma, d_beta

    def forward(self, x: np.ndarray, labels: np.ndarray) -> float:
        a0 = x.transpose(1, 0, 2, 3)
        a1, saved1 = self._block(a0, self.w1, self.b1, self.g1, self.be1)
        a2, saved2 = self._block(a1, self.w2.reshape(len(self.g2), -1), self.b2, self.g2,
                                 self.be2)
        features = a2.transpose(1, 0, 2, 3).reshape(x.shape[0], self.flat)
        logits = features @ self.w3.T
        logits += self.b3
        loss, d_logits = cross_entropy(logits, labels)
        self._saved = (saved1, saved2, features, a2.shape, d_logits)
        return loss

    def backward(self) -> list[np.ndarray]:
        saved1, saved2, features, shape2, d_logits = self._saved
        self._saved = ()
        g_w3, g_b3 = d_logits.T @ features, d_logits.sum(axis=0)
        d_a2 = (d_logits @ self.w3).reshape(shape2[1], shape2[0], *shape2[2:])
        d_a2 = d_a2.transpose(1, 0, 2, 3)
        d_a1, g_w2, g_b2, g_g2, g_be2 = self._block_backward(d_a2, self.w2, self.g2, saved2,
                                                             True)
        _, g_w1, g_b1, g_g1, g_be1 = self._block_backward(d_a1, self.w1, self.g1, saved1, False)
        return [g_w1, g_b1, g_g1, g_be1, g_w2, g_b2, g_g2, g_be2, g_w3, g_b3]


def make_step_numpy(sizes: dict):
    model = NumpyCNN(sizes)
    x, labels = batch(sizes)
    grads: list = []

    def backward(_loss):
        grads[:] = model.backward()

    def update():
        for p, g in zip(model.params, grads):
            p -= LR * g.reshape(p.shape)

    return _timed_step(lambda: model.forward(x, labels), backward, update)


BUILDERS = {**frameworks.builders(make_step_autograd), "numpy": make_step_numpy}


def _settings(quick: bool) -> dict:
    return {"sizes": QUICK if quick else FULL, "reps": 3 if quick else 15,
            "warmup": 1 if quick else 3}


def _metrics(settings: dict) -> list[Metric]:
    s = settings["sizes"]
    return phase_metrics(f"one step, batch {s['batch']} of 1x{s['size']}x{s['size']}")


def _checks(medians: Medians, settings: dict) -> list[Check]:
    return [ratio_check(medians, "cnn_step: one step", "step", "torch", 3.0)]


WORKLOAD = Workload(
    name="cnn_step",
    title="CNN (Conv-BN2d-ReLU-Pool x2, Linear) SGD step",
    settings=_settings,
    metrics=_metrics,
    builders=sized(BUILDERS),
    checks=_checks,
)
