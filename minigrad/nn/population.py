"""Normalization with whole-training-set statistics computed outside the gradient step.

Section 2 of the Batch Normalization paper (Ioffe & Szegedy 2015) considers "whitening
activations at every training step or at some interval": normalize x = u + b with
E[x] and Var[x] over the *whole training set*, recomputed every k steps, and treated as
constants by the gradient. The paper shows why that fails: the gradient step on b ignores
that E[x] moves with b, so the next recomputation of E[x] cancels the update, the loss does
not change, and b grows without bound (worse when the normalization also scales).

`PopulationNorm` is that normalization, so it can be compared with BatchNorm, which
normalizes with *mini-batch* statistics and differentiates through them (and uses moving
averages only at inference):

    model = Sequential(Linear(20, 64), PopulationNorm(64, every=10), ReLU(), Linear(64, 2))
    for step in range(steps):
        refresh_population_norms(model, x_train)   # refreshes the layers that are due
        loss = F.cross_entropy(model(x_batch), y_batch)
        ...

A step is one forward call in training mode. A layer is due before its first forward and
then every `every` steps; `layer.refresh(data)` recomputes its statistics at any time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from minigrad import dtypes
from minigrad.autograd.grad_mode import no_grad
from minigrad.nn.functional_norm import check_batch_norm_input
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.ops.normalization import Channels
from minigrad.routines import as_tensor
from minigrad.tensor import Tensor


class Moments:
    """Per-channel mean and (population) variance accumulated over batches, combined with
    Chan et al.'s pairwise update so the result does not depend on how data is split."""

    def __init__(self, channels: int) -> None:
        self.count = 0
        self.mean = np.zeros(channels)
        self.m2 = np.zeros(channels)  # sum of squared deviations from the mean

    def add(self, batch: np.ndarray) -> None:
        ch = Channels(batch.shape)
        view = batch.reshape(ch.view)
        axes = (0,) if ch.s == 1 else (0, 2)
        # float64 accumulators, without a float64 copy of the batch
        batch_mean = view.sum(axis=axes, dtype=np.float64) / ch.count
        centered = view - ch.column(batch_mean.astype(batch.dtype))
        batch_m2 = np.square(centered, out=centered).sum(axis=axes, dtype=np.float64)
        total = self.count + ch.count
        delta = batch_mean - self.mean
        self.mean += delta * (ch.count / total)
        self.m2 += batch_m2 + delta * delta * (self.count * ch.count / total)
        self.count = total

    @property
    def var(self) -> np.ndarray:
        return self.m2 / self.count


class PopulationNorm(Module):
    """Normalize each channel (axis 1) with a stored mean and variance that the gradient
    treats as constants: y = (x - mean) / sqrt(var + eps) * weight + bias.

    The statistics are those of this layer's input over the whole training set, set by
    `refresh` (directly, or for every due layer of a model by `refresh_population_norms`).
    Before the first refresh they are mean 0, variance 1. `scale=False` only subtracts the
    mean (the paper's x_hat = x - E[x]); `affine=False` drops weight and bias.

    Buffers: `mean`, `var`, `steps_since_refresh`, `num_refreshes`.

    >>> norm = nn.PopulationNorm(2)
    >>> norm.refresh(mg.tensor([[1.0, 10.0], [3.0, 30.0]]))
    >>> norm.mean, norm.var
    (tensor([ 2., 20.], dtype=float32), tensor([  1., 100.], dtype=float32))
    >>> norm(mg.tensor([[3.0, 10.0]]))
    tensor([[ 1., -1.]], dtype=float32, grad_fn=<add>)
    """

    def __init__(self, num_features: int, every: int = 1, eps: float = 1e-5,
                 scale: bool = True, affine: bool = True, dtype=None) -> None:
        super().__init__()
        if not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"PopulationNorm: every must be a positive int, got {every!r}")
        self.num_features, self.every, self.eps = int(num_features), int(every), eps
        self.scale, self.affine = scale, affine
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.ones(self.num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(self.num_features, dtype)) if affine else None
        self.register_buffer("mean", Tensor(np.zeros(self.num_features, dtype)))
        self.register_buffer("var", Tensor(np.ones(self.num_features, dtype)))
        self.register_buffer("steps_since_refresh", Tensor(np.zeros((), np.int64)))
        self.register_buffer("num_refreshes", Tensor(np.zeros((), np.int64)))

    @property
    def due(self) -> bool:
        """True when the statistics should be recomputed: never computed yet, or `every`
        training steps since the last time."""
        return int(self.num_refreshes.data) == 0 or \
            int(self.steps_since_refresh.data) >= self.every

    def refresh(self, data: Tensor | np.ndarray | Callable | Iterable) -> None:
        """Recompute the statistics from this layer's inputs over the training set.

        `data`: the inputs as one tensor or array of shape (N, C, ...); or a callable
        returning them (called without recording a graph); or an iterable of batches."""
        moments = Moments(self.num_features)
        if callable(data):
            with no_grad():
                data = data()
        batches = [data] if isinstance(data, (Tensor, np.ndarray)) else data
        for batch in batches:
            array = batch.data if isinstance(batch, Tensor) else np.asarray(batch)
            self._check_input(array.shape, "refresh")
            moments.add(array)
        if moments.count == 0:
            raise ValueError("PopulationNorm.refresh: no data (an empty iterable of batches)")
        self.set_statistics(moments.mean, moments.var)

    def set_statistics(self, mean: np.ndarray, var: np.ndarray) -> None:
        """Store the statistics (cast to the buffers' dtype) and restart the step count."""
        self.mean.data[...] = mean
        self.var.data[...] = var
        self.steps_since_refresh.data[...] = 0
        self.num_refreshes.data += 1

    def _check_input(self, shape: tuple[int, ...], where: str) -> None:
        if len(shape) not in (2, 3, 4) or shape[1] != self.num_features:
            raise ValueError(
                f"PopulationNorm({self.num_features}).{where}: expected an input of shape "
                f"(N, {self.num_features}), (N, {self.num_features}, L) or "
                f"(N, {self.num_features}, H, W), got {shape}"
            )

    def forward(self, x: Tensor) -> Tensor:
        self._check_input(x.shape, "forward")
        check_batch_norm_input(x, training=False, fn="PopulationNorm")
        if self.training:
            self.steps_since_refresh.data += 1
        shape = Channels(x.shape).broadcast_shape()
        # Constants of the graph: no gradient reaches the statistics.
        y = x - Tensor(self.mean.data.astype(x.dtype).reshape(shape))
        if self.scale:
            std = np.sqrt(self.var.data.astype(x.dtype) + x.dtype.type(self.eps))
            y = y / Tensor(std.reshape(shape))
        if self.weight is not None:
            y = y * self.weight.reshape(shape) + self.bias.reshape(shape)
        return y

    def extra_repr(self) -> str:
        return (f"{self.num_features}, every={self.every}, eps={self.eps}, "
                f"scale={self.scale}, affine={self.affine}")


class _StopForwardError(Exception):
    """Raised by a collecting hook to stop a forward pass that has given what it needed."""


def refresh_population_norms(model: Module, data, batch_size: int | None = None,
                             force: bool = False) -> list[str]:
    """Recompute the statistics of the `PopulationNorm` layers of `model` that are due (all
    of them with `force`) from `data`, the model's training inputs. Returns their names.

    The model runs in evaluation mode without recording a graph (its modes are restored).
    With `batch_size=None` one forward pass over all of `data` does it: each layer
    refreshes from its input just before normalizing it, so the layers above see the new
    statistics. With a `batch_size`, each due layer takes one pass over the batches.

    >>> model = nn.Sequential(nn.Linear(2, 2), nn.PopulationNorm(2))
    >>> nn.refresh_population_norms(model, mg.randn(16, 2))
    ['1']
    """
    due = [(name, m) for name, m in model.named_modules()
           if isinstance(m, PopulationNorm) and (force or m.due)]
    if not due:
        return []
    data = as_tensor(data)
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    handles = []
    try:
        with no_grad():
            if batch_size is None:
                handles = [m.register_forward_pre_hook(lambda layer, args: layer.refresh(args[0]))
                           for _, m in due]
                model(data)
            else:
                for _, layer in due:
                    _refresh_in_batches(model, layer, data, batch_size)
    finally:
        for handle in handles:
            handle.remove()
        for module, mode in modes:
            object.__setattr__(module, "training", mode)
    return [name for name, _ in due]


def _refresh_in_batches(model: Module, layer: PopulationNorm, data: Tensor,
                        batch_size: int) -> None:
    if batch_size < 1:
        raise ValueError(f"refresh_population_norms: batch_size must be >= 1, got {batch_size}")
    moments = Moments(layer.num_features)

    def collect(module, args):
        module._check_input(args[0].shape, "refresh")
        moments.add(args[0].data)
        raise _StopForwardError  # the layers above are not needed

    with layer.register_forward_pre_hook(collect):
        for start in range(0, data.shape[0], batch_size):
            try:
                model(data[start:start + batch_size])
            except _StopForwardError:
                pass
    layer.set_statistics(moments.mean, moments.var)
