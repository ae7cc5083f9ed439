"""Initializers: fill a tensor's data in place (outside the graph) and return the tensor.

PyTorch's names and formulas. Samples come from the generator that `minigrad.manual_seed`
seeds, drawn directly in the tensor's dtype. For a weight of shape (out, in, *kernel),
fan_in = in * prod(kernel) and fan_out = out * prod(kernel).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from minigrad import random
from minigrad.tensor import Tensor

_NONLINEARITY_GAINS = {
    "linear": 1.0, "conv1d": 1.0, "conv2d": 1.0, "sigmoid": 1.0,
    "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain that keeps activations' variance stable through `nonlinearity`:
    1 for linear and sigmoid, 5/3 for tanh, sqrt(2) for relu,
    sqrt(2 / (1 + a^2)) for leaky_relu with negative slope a (default 0.01).

    >>> calculate_gain("relu"), calculate_gain("tanh")
    (1.4142135623730951, 1.6666666666666667)
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope * slope))
    if nonlinearity not in _NONLINEARITY_GAINS:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; known: "
            f"{sorted([*_NONLINEARITY_GAINS, 'leaky_relu'])}"
        )
    return _NONLINEARITY_GAINS[nonlinearity]


def fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel).

    >>> fan_in_and_fan_out(mg.zeros(8, 3, 5, 5))
    (75, 200)
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a tensor with at least 2 dimensions, got shape "
            f"{tensor.shape}"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _sampling_dtype(tensor: Tensor):
    return tensor.dtype if tensor.dtype in (np.float32, np.float64) else np.float64


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples of U(a, b).

    >>> w = uniform_(mg.zeros(1000), -1.0, 1.0)
    >>> bool(w.min() >= -1.0), bool(w.max() < 1.0)
    (True, True)
    """
    if not a <= b:
        raise ValueError(f"uniform_: need a <= b, got a={a}, b={b}")
    sample = random.generator().random(tensor.shape, dtype=_sampling_dtype(tensor))
    tensor.data[...] = sample * (b - a) + a
    return tensor


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples of N(mean, std^2).

    >>> w = normal_(mg.zeros(10000), mean=2.0, std=0.5)
    >>> round(w.mean().item(), 1), round(w.std().item(), 1)
    (2.0, 0.5)
    """
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    sample = random.generator().standard_normal(tensor.shape, dtype=_sampling_dtype(tensor))
    tensor.data[...] = sample * std + mean
    return tensor


def constant_(tensor: Tensor, value: float) -> Tensor:
    """Fill `tensor` with `value`, in place and outside autograd; returns it.

    >>> constant_(mg.zeros(2), 0.5)
    tensor([0.5, 0.5], dtype=float32)
    """
    tensor.data[...] = value
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with zeros, in place; returns it (`constant_(tensor, 0)`).

    >>> zeros_(mg.ones(3))
    tensor([0., 0., 0.], dtype=float32)
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with ones, in place; returns it (`constant_(tensor, 1)`).

    >>> ones_(mg.zeros(3))
    tensor([1., 1., 1.], dtype=float32)
    """
    return constant_(tensor, 1.0)


def _is_empty(tensor: Tensor, initializer: str) -> bool:
    """True (with PyTorch's warning) for a tensor with no elements, whose fans may be 0:
    initializing it is a no-op, as in PyTorch (`nn.Linear(0, 3)` is valid)."""
    if tensor.numel() == 0:
        warnings.warn(f"{initializer}: initializing zero-element tensors is a no-op",
                      UserWarning, stacklevel=3)
        return True
    return False


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Tensor:
    """He et al. (2015), uniform: U(-bound, bound), bound = gain * sqrt(3 / fan).

    `Linear`'s default is this with a = sqrt(5), which gives bound = 1 / sqrt(fan_in).

    >>> w = kaiming_uniform_(mg.zeros(256, 64))
    >>> bool(w.abs().max() <= (6 / 64) ** 0.5)
    True
    """
    if _is_empty(tensor, "kaiming_uniform_"):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """He et al. (2015), normal: N(0, std^2), std = gain / sqrt(fan).

    >>> w = kaiming_normal_(mg.zeros(256, 64))
    >>> round(w.std().item(), 2), round((2 / 64) ** 0.5, 2)
    (0.18, 0.18)
    """
    if _is_empty(tensor, "kaiming_normal_"):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot & Bengio (2010), uniform: bound = gain * sqrt(6 / (fan_in + fan_out)).

    >>> w = xavier_uniform_(mg.zeros(100, 50))
    >>> bool(w.abs().max() <= (6 / 150) ** 0.5)
    True
    """
    if _is_empty(tensor, "xavier_uniform_"):
        return tensor
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot & Bengio (2010), normal: std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> w = xavier_normal_(mg.zeros(200, 100))
    >>> round(w.std().item(), 2), round((2 / 300) ** 0.5, 2)
    (0.08, 0.08)
    """
    if _is_empty(tensor, "xavier_normal_"):
        return tensor
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))
