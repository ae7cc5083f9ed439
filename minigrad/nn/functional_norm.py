"""Batch normalization as a function, `F.batch_norm`: fused into one node or composed of
primitives (see `minigrad.ops.normalization`). Part of `minigrad.nn.functional`."""

from __future__ import annotations

from minigrad.ops.normalization import (
    TRAINING_STATS,
    BatchNormFunction,
    Channels,
    RunningStats,
    batch_norm_composed,
)
from minigrad.tensor import Tensor


def check_batch_norm_input(x: Tensor, training: bool, fn: str = "batch_norm") -> None:
    """A training batch needs more than one value per channel: with one, the variance is 0
    and the unbiased variance 0/0."""
    if x.ndim < 2:
        raise ValueError(f"{fn}: expected an input of shape (N, C, ...), got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{fn}: the input must be floating point, got {x.dtype}")
    if training and Channels(x.shape).count <= 1:
        raise ValueError(
            f"{fn}: expected more than 1 value per channel when training, got an input of "
            f"shape {x.shape}; use a batch of 2 or more, or evaluation mode"
        )


def _check_per_channel(x: Tensor, **vectors: Tensor | None) -> None:
    channels = x.shape[1]
    for what, t in vectors.items():
        if t is not None and t.shape != (channels,):
            raise ValueError(
                f"batch_norm: {what} must have shape ({channels},) for an input of shape "
                f"{x.shape} (C = {channels} on axis 1), got {t.shape}"
            )
    for what in ("weight", "bias"):
        t = vectors[what]
        if t is not None and t.dtype != x.dtype:
            raise TypeError(f"batch_norm: the input is {x.dtype} but the {what} is {t.dtype}")


def batch_norm(x: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5,
               stats: str = "batch", fused: bool = True) -> Tensor:
    """Batch Normalization over all axes but axis 1 of x: (N, C), (N, C, L) or (N, C, H, W).

    Training (`training=True`) normalizes with the mini-batch mean and biased variance and,
    when running statistics are given, updates them in place with `momentum` (the unbiased
    variance goes into `running_var`). Evaluation uses the running statistics.

    `stats` selects how the gradient treats the mini-batch statistics in training:
    "batch" differentiates through them (real BatchNorm), "detached" treats them as constants
    (the normalization of the paper's section 2, computed outside the gradient step).
    `fused` chooses one `batch_norm` node (fast) or the composition of primitives (drawable).

    >>> x = mg.tensor([[1.0], [3.0]])
    >>> mean, var = mg.zeros(1), mg.ones(1)
    >>> F.batch_norm(x, mean, var, training=True, momentum=0.5)
    tensor([[-1.],
            [ 1.]], dtype=float32)
    >>> mean, var
    (tensor([1.], dtype=float32), tensor([1.5], dtype=float32))
    """
    if stats not in TRAINING_STATS:
        raise ValueError(f"batch_norm: stats must be one of {TRAINING_STATS}, got {stats!r}")
    check_batch_norm_input(x, training)
    _check_per_channel(x, running_mean=running_mean, running_var=running_var, weight=weight,
                       bias=bias)
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: give both running_mean and running_var, or neither")
    if not training and running_mean is None:
        raise ValueError("batch_norm: evaluation mode (training=False) needs running_mean and "
                         "running_var")
    running = None
    if running_mean is not None:
        if training and (momentum is None or not 0.0 <= momentum <= 1.0):
            raise ValueError(
                f"batch_norm: momentum must be a number in [0, 1], got {momentum!r} (the "
                "BatchNorm modules turn momentum=None into a cumulative average)"
            )
        running = RunningStats(running_mean, running_var, momentum)
    mode = stats if training else "running"
    if fused:
        affine = tuple(t for t in (weight, bias) if t is not None)
        return BatchNormFunction.apply(x, *affine, stats=mode, eps=eps, running=running,
                                       has_weight=weight is not None, has_bias=bias is not None)
    return batch_norm_composed(x, weight, bias, stats=mode, eps=eps, running=running)


__all__ = ["batch_norm"]
