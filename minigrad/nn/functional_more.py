"""More functionals with PyTorch's names and semantics: activations (leaky_relu, elu, selu,
silu, mish, hardtanh, log_sigmoid, softplus with beta and threshold), per-sample
normalizations (group_norm, instance_norm), embedding, one_hot and dropout2d.
Re-exported by `minigrad.nn.functional`.

All are compositions of primitives, so their gradients of every order come for free. Where
a branch is not taken (`where`), its input is clamped first, so that its unused value can
never overflow and turn a zero gradient into 0 * inf = NaN.
"""

from __future__ import annotations

import numpy as np

from minigrad import random
from minigrad.registry import primitives as prim
from minigrad.routines import as_tensor
from minigrad.tensor import Tensor

__all__ = ["dropout2d", "elu", "embedding", "group_norm", "hardtanh", "instance_norm",
           "leaky_relu", "log_sigmoid", "mish", "one_hot", "selu", "silu", "softplus"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _where(mask: np.ndarray, a: Tensor, b: Tensor) -> Tensor:
    return prim.where.apply(Tensor.wrap(mask), a, b)


# --- activations ------------------------------------------------------------------------

def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope * x elsewhere (the slope's gradient at 0, as PyTorch).

    >>> F.leaky_relu(mg.tensor([-2.0, 0.0, 2.0]), 0.1)
    tensor([-0.2,  0. ,  2. ], dtype=float32)
    """
    x = as_tensor(x)
    return _where(x.data > 0, x, x * negative_slope)


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x where x > 0, alpha (exp(x) - 1) where x <= 0 (a NaN takes the first branch, as in
    PyTorch's gradient).

    >>> F.elu(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.8647,  0.    ,  2.    ], dtype=float32)
    """
    x = as_tensor(x)
    negative = x.data <= 0
    # The exponential branch sees 0 wherever it is not taken (NaN and large x included),
    # so its unused value and derivative stay finite.
    inside = _where(negative, x, Tensor.wrap(np.zeros((), x.dtype)))
    return _where(~negative, x, inside.expm1() * alpha)


def selu(x: Tensor) -> Tensor:
    """scale * elu(x, alpha) with the self-normalizing constants of Klambauer et al.

    >>> F.selu(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.5202,  0.    ,  2.1014], dtype=float32)
    """
    return elu(x, SELU_ALPHA) * SELU_SCALE


def silu(x: Tensor) -> Tensor:
    """x * sigmoid(x) (also called swish).

    >>> F.silu(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2384,  0.    ,  1.7616], dtype=float32)
    """
    x = as_tensor(x)
    return x * x.sigmoid()


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch).

    >>> F.softplus(mg.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.    ], dtype=float32)
    """
    x = as_tensor(x)
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    linear = x.data * beta > threshold
    smooth = x.softplus() if beta == 1 else (x * beta).softplus() / beta
    return _where(linear, x, smooth) if linear.any() else smooth


def mish(x: Tensor) -> Tensor:
    """x * tanh(softplus(x)).

    >>> F.mish(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2525,  0.    ,  1.944 ], dtype=float32)
    """
    x = as_tensor(x)
    return x * x.softplus().tanh()


def hardtanh(x: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside, 0 elsewhere
    (at the bounds too, as PyTorch).

    >>> F.hardtanh(mg.tensor([-2.0, 0.0, 2.0]), -1.0, 1.0)
    tensor([-1.,  0.,  1.], dtype=float32)
    """
    x = as_tensor(x)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
    inside = (x.data > min_val) & (x.data < max_val)
    return _where(inside, x, Tensor.wrap(np.clip(x.data, min_val, max_val).astype(x.dtype)))


def log_sigmoid(x: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), without overflow.

    >>> F.log_sigmoid(mg.tensor([0.0]))
    tensor([-0.6931], dtype=float32)
    """
    return -(-as_tensor(x)).softplus()


# --- per-sample normalizations ----------------------------------------------------------

def _affine(y: Tensor, weight, bias) -> Tensor:
    """y * weight + bias with per-channel (axis 1) vectors."""
    shape = (y.shape[1], *(1,) * (y.ndim - 2))
    if weight is not None:
        y = y * weight.reshape(shape)
    return y + bias.reshape(shape) if bias is not None else y


def _check_channels(op: str, x: Tensor, weight, bias) -> None:
    if x.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C, ...), got {x.shape}")
    for what, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != (x.shape[1],):
            raise ValueError(f"{op}: {what} must have shape ({x.shape[1]},) for an input of "
                             f"shape {x.shape}, got {t.shape}")


def group_norm(x: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize each sample over each group of C / num_groups channels (and all positions),
    then scale and shift per channel. No batch statistics: the same in training and eval.

    >>> F.group_norm(mg.tensor([[1.0, 3.0, 10.0, 20.0]]), 2)
    tensor([[-1.,  1., -1.,  1.]], dtype=float32)
    """
    x = as_tensor(x)
    _check_channels("group_norm", x, weight, bias)
    if num_groups <= 0 or x.shape[1] % num_groups:
        raise ValueError(f"group_norm: num_groups={num_groups} must divide the {x.shape[1]} "
                         f"channels of the input of shape {x.shape}")
    groups = x.reshape(x.shape[0], num_groups, -1)
    mean = groups.mean(-1, keepdims=True)
    var = groups.var(-1, keepdims=True, correction=0)
    y = ((groups - mean) / (var + eps).sqrt()).reshape(x.shape)
    return _affine(y, weight, bias)


def instance_norm(x: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, channel) over its positions, then scale and shift per channel.

    With running statistics and `use_input_stats`, they are updated with the batch average
    of the per-instance mean and unbiased variance; without `use_input_stats`, they are used.

    >>> F.instance_norm(mg.tensor([[[1.0, 3.0], [2.0, 6.0]]]))
    tensor([[[-1.,  1.],
             [-1.,  1.]]], dtype=float32)
    """
    x = as_tensor(x)
    _check_channels("instance_norm", x, weight, bias)
    axes = tuple(range(2, x.ndim))
    if not axes:
        raise ValueError(f"instance_norm: expected spatial axes after (N, C), got {x.shape}")
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: use_input_stats=False needs running statistics")
        shape = (x.shape[1], *(1,) * len(axes))
        y = (x - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
        return _affine(y, weight, bias)
    count = int(np.prod([x.shape[a] for a in axes]))
    if count <= 1:
        raise ValueError(f"instance_norm: expected more than 1 value per instance, got an "
                         f"input of shape {x.shape}")
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True, correction=0)
    if running_mean is not None:
        batch_mean = mean.data.reshape(x.shape[:2]).mean(0)
        batch_var = var.data.reshape(x.shape[:2]).mean(0) * count / (count - 1)
        running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * batch_mean
        running_var.data[...] = (1 - momentum) * running_var.data + momentum * batch_var
    return _affine((x - mean) / (var + eps).sqrt(), weight, bias)


# --- embedding, one_hot, dropout2d ----------------------------------------------------------

def _class_indices(op: str, index, size: int | None) -> np.ndarray:
    array = np.asarray(getattr(index, "data", index))
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer indices, got {array.dtype}")
    if size is not None and array.size and (array.min() < 0 or array.max() >= size):
        bad = int(array[(array < 0) | (array >= size)].flat[0])
        raise IndexError(f"{op}: index {bad} is out of range [0, {size}) (indices of shape "
                         f"{array.shape})")
    return array


def embedding(x, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of `weight` (num_embeddings, dim) picked by the integer indices x: shape
    (*x.shape, dim). The row `padding_idx` gets no gradient.

    >>> weight = mg.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> F.embedding(mg.tensor([2, 0]), weight)
    tensor([[2., 2.],
            [0., 0.]], dtype=float32)
    """
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                         f"got shape {weight.shape}")
    index = _class_indices("embedding", x, weight.shape[0])
    rows = weight[index]
    if padding_idx is None:
        return rows
    padding_idx %= weight.shape[0]
    return _where((index == padding_idx)[..., None], weight.detach()[index], rows)


def one_hot(x, num_classes: int = -1) -> Tensor:
    """int64 rows of the identity: shape (*x.shape, num_classes); num_classes=-1 means
    max(x) + 1.

    >>> F.one_hot(mg.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]], dtype=int64)
    """
    index = _class_indices("one_hot", x, None)
    if index.size and index.min() < 0:
        raise IndexError(f"one_hot: class index {int(index.min())} is negative")
    if num_classes == -1:
        num_classes = int(index.max()) + 1 if index.size else 0
    _class_indices("one_hot", index, num_classes)
    return Tensor.wrap(np.eye(num_classes, dtype=np.int64)[index])


def dropout2d(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero whole channels with probability p (of (N, C, H, W), or (C, H, W) unbatched) and
    scale the rest by 1 / (1 - p); the identity when not training.

    >>> mg.manual_seed(0)
    >>> F.dropout2d(mg.ones(1, 4, 1, 1), p=0.5).flatten()
    tensor([2., 2., 2., 0.], dtype=float32)
    """
    x = as_tensor(x)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: p must be a probability in [0, 1], got {p}")
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                         f"shape {x.shape}")
    if not training or p == 0.0:
        return x
    channels = x.shape[:-2]
    keep = random.generator().random(channels, dtype=np.float32) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = (keep * scale).astype(x.dtype).reshape(*channels, 1, 1)
    return x * Tensor.wrap(mask)
