"""Reductions and scans as functions: `minigrad.sum(x, dim)` is `x.sum(dim)`."""

from __future__ import annotations

from minigrad.routines.convert import as_tensor
from minigrad.tensor import Tensor


def sum(x, *args, **kwargs) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """The sum over axes. `minigrad.sum(x, ...)` is `Tensor.sum(x, ...)`.

    >>> mg.sum(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=0)
    tensor([4., 6.], dtype=float32)
    """
    return as_tensor(x).sum(*args, **kwargs)


def mean(x, *args, **kwargs) -> Tensor:
    """The mean over axes. `minigrad.mean(x, ...)` is `Tensor.mean(x, ...)`.

    >>> mg.mean(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1)
    tensor([1.5, 3.5], dtype=float32)
    """
    return as_tensor(x).mean(*args, **kwargs)


def var(x, *args, **kwargs) -> Tensor:
    """The variance over axes. `minigrad.var(x, ...)` is `Tensor.var(x, ...)`.

    >>> mg.var([1.0, 2.0, 3.0, 4.0])
    tensor(1.6667, dtype=float32)
    """
    return as_tensor(x).var(*args, **kwargs)


def std(x, *args, **kwargs) -> Tensor:
    """The standard deviation over axes. `minigrad.std(x, ...)` is `Tensor.std(x, ...)`.

    >>> mg.std([1.0, 2.0, 3.0])
    tensor(1., dtype=float32)
    """
    return as_tensor(x).std(*args, **kwargs)


def max(x, *args, **kwargs) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """The maximum over axes. `minigrad.max(x, ...)` is `Tensor.max(x, ...)`.

    >>> x = mg.tensor([[1.0, 5.0], [3.0, 2.0]])
    >>> mg.max(x), mg.max(x, dim=1).values
    (tensor(5., dtype=float32), tensor([5., 3.], dtype=float32))
    """
    return as_tensor(x).max(*args, **kwargs)


def min(x, *args, **kwargs) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """The minimum over axes. `minigrad.min(x, ...)` is `Tensor.min(x, ...)`.

    >>> x = mg.tensor([[1.0, 5.0], [3.0, 2.0]])
    >>> mg.min(x), mg.min(x, dim=1).indices
    (tensor(1., dtype=float32), tensor([0, 1], dtype=int64))
    """
    return as_tensor(x).min(*args, **kwargs)


def logsumexp(x, *args, **kwargs) -> Tensor:
    """log(sum(exp(x))) over axes, computed stably.
    `minigrad.logsumexp(x, ...)` is `Tensor.logsumexp(x, ...)`.

    >>> mg.logsumexp([0.0, 0.0])
    tensor(0.6931, dtype=float32)
    """
    return as_tensor(x).logsumexp(*args, **kwargs)


def softmax(x, *args, **kwargs) -> Tensor:
    """Softmax along one axis. `minigrad.softmax(x, ...)` is `Tensor.softmax(x, ...)`.

    >>> mg.softmax([0.0, 0.0])
    tensor([0.5, 0.5], dtype=float32)
    """
    return as_tensor(x).softmax(*args, **kwargs)


def log_softmax(x, *args, **kwargs) -> Tensor:
    """log(softmax(x)) along one axis, computed stably.
    `minigrad.log_softmax(x, ...)` is `Tensor.log_softmax(x, ...)`.

    >>> mg.log_softmax([0.0, 0.0])
    tensor([-0.6931, -0.6931], dtype=float32)
    """
    return as_tensor(x).log_softmax(*args, **kwargs)


def argmax(x, *args, **kwargs) -> Tensor:
    """Indices of the maxima (not differentiable).
    `minigrad.argmax(x, ...)` is `Tensor.argmax(x, ...)`.

    >>> mg.argmax(mg.tensor([[1.0, 5.0], [3.0, 2.0]]), dim=1)
    tensor([1, 0], dtype=int64)
    """
    return as_tensor(x).argmax(*args, **kwargs)


def argmin(x, *args, **kwargs) -> Tensor:
    """Indices of the minima (not differentiable).
    `minigrad.argmin(x, ...)` is `Tensor.argmin(x, ...)`.

    >>> mg.argmin(mg.tensor([[1.0, 5.0], [3.0, 2.0]]), dim=1)
    tensor([0, 1], dtype=int64)
    """
    return as_tensor(x).argmin(*args, **kwargs)


def amax(x, *args, **kwargs) -> Tensor:
    """The maximum over dims (values only). `minigrad.amax(x, ...)` is `Tensor.amax(x, ...)`.

    >>> mg.amax(mg.tensor([[1.0, 5.0], [3.0, 2.0]]), dim=1)
    tensor([5., 3.], dtype=float32)
    """
    return as_tensor(x).amax(*args, **kwargs)


def amin(x, *args, **kwargs) -> Tensor:
    """The minimum over dims (values only). `minigrad.amin(x, ...)` is `Tensor.amin(x, ...)`.

    >>> mg.amin(mg.tensor([[1.0, 5.0], [3.0, 2.0]]), dim=0)
    tensor([1., 2.], dtype=float32)
    """
    return as_tensor(x).amin(*args, **kwargs)


def numel(x) -> int:
    """The number of elements. `minigrad.numel(x)` is `Tensor.numel(x)`.

    >>> mg.numel(mg.zeros(2, 3))
    6
    """
    return as_tensor(x).numel()


def cumsum(x, *args, **kwargs) -> Tensor:
    """Running sums along dim. `minigrad.cumsum(x, dim)` is `Tensor.cumsum(x, dim)`.

    >>> mg.cumsum(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1)
    tensor([[1., 3.],
            [3., 7.]], dtype=float32)
    """
    return as_tensor(x).cumsum(*args, **kwargs)


def cumprod(x, *args, **kwargs) -> Tensor:
    """Running products along dim. `minigrad.cumprod(x, dim)` is `Tensor.cumprod(x, dim)`.

    >>> mg.cumprod(mg.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([1., 2., 6.], dtype=float32)
    """
    return as_tensor(x).cumprod(*args, **kwargs)


def prod(x, *args, **kwargs) -> Tensor:
    """The product over dims. `minigrad.prod(x, ...)` is `Tensor.prod(x, ...)`.

    >>> mg.prod(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=0)
    tensor([3., 8.], dtype=float32)
    """
    return as_tensor(x).prod(*args, **kwargs)


def norm(x, *args, **kwargs) -> Tensor:
    """The p-norm over dims. `minigrad.norm(x, p, dim)` is `Tensor.norm(x, p, dim)`.

    >>> mg.norm(mg.tensor([3.0, 4.0]))
    tensor(5., dtype=float32)
    """
    return as_tensor(x).norm(*args, **kwargs)


__all__ = [
    "amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logsumexp", "max",
    "mean", "min", "norm", "numel", "prod", "softmax", "std", "sum", "var",
]
