"""Normalization layers: BatchNorm1d, BatchNorm2d and LayerNorm."""

from __future__ import annotations

import numpy as np

from minigrad import dtypes
from minigrad.nn import functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn import init
from minigrad.nn.functional_norm import check_batch_norm_input
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.ops.normalization import TRAINING_STATS
from minigrad.tensor import Tensor


class _BatchNorm(Module):
    """What `BatchNorm1d` and `BatchNorm2d` share: Batch Normalization over axis 1 (the
    channels), with PyTorch's semantics. The public classes document it."""

    _layouts: tuple[int, ...] = ()
    _layout_text = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, stats: str = "batch",
                 fused: bool = True, dtype=None) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_features, (int, np.integer)) or num_features <= 0:
            raise ValueError(f"{name}: num_features must be a positive int, got {num_features!r}")
        if stats not in TRAINING_STATS:
            raise ValueError(f"{name}: stats must be one of {TRAINING_STATS}, got {stats!r}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None, got {momentum!r}")
        if eps <= 0:
            raise ValueError(f"{name}: eps must be positive, got {eps!r}")
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.stats, self.fused = stats, fused
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.ones(self.num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(self.num_features, dtype)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.zeros((), np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self) -> None:
        """Reset the running statistics, and `weight` to 1 and `bias` to 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def _check_input(self, x: Tensor) -> None:
        if x.ndim not in self._layouts:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): expected {self._layout_text} "
                f"input, got shape {x.shape}"
            )
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): the input of shape {x.shape} "
                f"has {x.shape[1]} channels on axis 1, expected {self.num_features}"
            )
        check_batch_norm_input(x, self.training, type(self).__name__)

    def forward(self, x: Tensor) -> Tensor:
        self._check_input(x)
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.data)
        use_batch_stats = self.training or self.running_mean is None
        # In training without tracking, or in evaluation, the buffers are not updated.
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            x,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight, self.bias, use_batch_stats, momentum, self.eps, self.stats, self.fused,
        )

    def extra_repr(self) -> str:
        text = (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")
        if self.stats != "batch":
            text += f", stats={self.stats!r}"
        return text if self.fused else text + ", fused=False"


class BatchNorm1d(_BatchNorm):
    """Batch Normalization of (N, C) or (N, C, L) inputs, over N (and L) per channel C:
    `y = (x - mean) / sqrt(var + eps) * weight + bias`, with PyTorch's semantics.

    **Training** (`model.train()`, the default) normalizes with the mini-batch's mean and
    biased variance, differentiates through them (so a bias before the layer gets no
    gradient, section 2 of the paper), and updates the buffers `running_mean`,
    `running_var` (unbiased) and `num_batches_tracked`, which training never reads:
    `running = (1 - momentum) * running + momentum * batch`; `momentum=None` makes them a
    cumulative average over all batches seen. **Evaluation** (`model.eval()`) normalizes
    with the running statistics, so an example's output depends on that example alone;
    with `track_running_stats=False` there are no buffers and evaluation uses the batch's
    statistics too. `weight` (gamma) and `bias` (beta) exist when `affine`.

    Two options are minigrad's own, for studying the method: `stats="detached"` treats the
    batch statistics as constants in the gradient (the normalization "outside the
    gradient step" of section 2, see `minigrad.nn.functional.batch_norm`), and
    `fused=False` builds the graph from primitives instead of the one fused op (same
    values and gradients, a graph to draw).

    Args:
        num_features: C, the number of channels.
        eps: added to the variance before the square root.
        momentum: weight of the new batch in the running statistics, or None.
        affine: learn `weight` and `bias`.
        track_running_stats: keep running statistics for evaluation.
        stats: "batch" (differentiated, as PyTorch) or "detached".
        fused: one fused op (fast) or the composed graph (drawable).
        dtype (np.dtype | None): of the parameters and buffers (the default float dtype if
            None).

    >>> bn = nn.BatchNorm1d(3)
    >>> y = bn(mg.randn(8, 3))
    >>> [round(float(m), 6) + 0.0 for m in y.mean(axis=0).numpy()]
    [0.0, 0.0, 0.0]
    """

    _layouts = (2, 3)
    _layout_text = "a 2-D (N, C) or 3-D (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch Normalization of (N, C, H, W) inputs, over N, H and W per channel C; the
    arguments, modes and options are those of `BatchNorm1d`.

    >>> nn.BatchNorm2d(4)(mg.randn(2, 4, 5, 5)).shape
    (2, 4, 5, 5)
    """

    _layouts = (4,)
    _layout_text = "a 4-D (N, C, H, W)"


class LayerNorm(Module):
    """Normalize each sample over its last axes (`normalized_shape`), with a learned
    elementwise scale and shift of that shape: no batch statistics, same in train and eval.

    >>> norm = nn.LayerNorm(2)
    >>> norm(mg.tensor([[1.0, 3.0], [2.0, 0.0]]))
    tensor([[-1.,  1.],
            [ 1., -1.]], dtype=float32, grad_fn=<add>)
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, dtype=None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
            else tuple(normalized_shape)
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.ones(self.normalized_shape, dtype)) \
            if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype)) \
            if elementwise_affine and bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(Module):
    """Normalize each sample over groups of channels (Wu & He, 2018), with a learned
    per-channel scale and shift: no batch statistics, the same in training and eval.

    >>> norm = nn.GroupNorm(2, 4)
    >>> norm(mg.tensor([[1.0, 3.0, 10.0, 20.0]])).shape
    (1, 4)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, dtype=None) -> None:
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_groups={num_groups} must divide "
                             f"num_channels={num_channels}")
        self.num_groups, self.num_channels, self.eps, self.affine = (
            num_groups, num_channels, eps, affine)
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.ones(num_channels, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype)) if affine else None

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm({self.num_groups}, {self.num_channels}): expected an "
                             f"input of shape (N, {self.num_channels}, ...), got {x.shape}")
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class _InstanceNorm(Module):
    """Normalize each (sample, channel) over its positions. PyTorch's defaults: no affine
    parameters and no running statistics."""

    _spatial = 0

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False, dtype=None) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype)) if affine else None
        stats = track_running_stats
        self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype)) if stats
                             else None)
        self.register_buffer("running_var", Tensor(np.ones(num_features, dtype)) if stats
                             else None)

    def forward(self, x: Tensor) -> Tensor:
        name, spatial = type(self).__name__, self._spatial
        if x.ndim not in (spatial + 1, spatial + 2):
            raise ValueError(f"{name}({self.num_features}): expected a {spatial + 1}-D "
                             f"(unbatched) or {spatial + 2}-D input, got shape {x.shape}")
        if x.ndim == spatial + 1:
            return self.forward(x.unsqueeze(0)).squeeze(0)
        if x.shape[1] != self.num_features:
            raise ValueError(f"{name}({self.num_features}): the input of shape {x.shape} has "
                             f"{x.shape[1]} channels on axis 1")
        use_input_stats = self.training or not self.track_running_stats
        return F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                               use_input_stats, self.momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) inputs.

    >>> nn.InstanceNorm1d(2)(mg.zeros(8, 2, 5)).shape
    (8, 2, 5)
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) inputs (Ulyanov et al., 2016).

    >>> nn.InstanceNorm2d(3)(mg.zeros(8, 3, 4, 4)).shape
    (8, 3, 4, 4)
    """

    _spatial = 2
