"""Module-level functions: `minigrad.exp(x)` is `x.exp()`, written out one by one.

"Routines", as NumPy calls its module-level functions, and so apart from two other names:
`minigrad.autograd.Function` is the class of one primitive (forward and VJP), and
`minigrad.nn.functional` holds the neural-network functions (`F.linear`, `F.cross_entropy`).

Arguments that are not tensors (lists, arrays, numbers) are converted first. Functions
with no method counterpart (`where`, `concatenate`/`cat`, `stack`) are defined here.
"""

from __future__ import annotations

from collections.abc import Sequence

from minigrad import ops, shapes
from minigrad.dtypes import promote
from minigrad.tensor import Tensor
from minigrad.tensor.reductions import pick


def as_tensor(value, dtype=None) -> Tensor:
    """`value` itself if it is a tensor (converted when `dtype` differs), else a tensor made
    from it (no copy of arrays of that dtype), as `torch.as_tensor`."""
    if isinstance(value, Tensor):
        return value if dtype is None else value.to(dtype)
    return Tensor(value, dtype=dtype)


# --- the Tensor methods as functions: `minigrad.exp(x)` is `x.exp()` --------------------

def exp(x, *args, **kwargs) -> Tensor:
    """e**x, elementwise. `minigrad.exp(x, ...)` is `Tensor.exp(x, ...)`."""
    return as_tensor(x).exp(*args, **kwargs)

def log(x, *args, **kwargs) -> Tensor:
    """The natural logarithm, elementwise. `minigrad.log(x, ...)` is `Tensor.log(x, ...)`."""
    return as_tensor(x).log(*args, **kwargs)

def sqrt(x, *args, **kwargs) -> Tensor:
    """The square root, elementwise. `minigrad.sqrt(x, ...)` is `Tensor.sqrt(x, ...)`."""
    return as_tensor(x).sqrt(*args, **kwargs)

def abs(x, *args, **kwargs) -> Tensor:  # noqa: A001 - the NumPy and PyTorch name
    """The absolute value, elementwise. `minigrad.abs(x, ...)` is `Tensor.abs(x, ...)`."""
    return as_tensor(x).abs(*args, **kwargs)

def erf(x, *args, **kwargs) -> Tensor:
    """The error function, elementwise. `minigrad.erf(x, ...)` is `Tensor.erf(x, ...)`."""
    return as_tensor(x).erf(*args, **kwargs)

def relu(x, *args, **kwargs) -> Tensor:
    """max(x, 0), elementwise. `minigrad.relu(x, ...)` is `Tensor.relu(x, ...)`."""
    return as_tensor(x).relu(*args, **kwargs)

def tanh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic tangent, elementwise. `minigrad.tanh(x, ...)` is `Tensor.tanh(x, ...)`."""
    return as_tensor(x).tanh(*args, **kwargs)

def sigmoid(x, *args, **kwargs) -> Tensor:
    """1 / (1 + e**-x), elementwise. `minigrad.sigmoid(x, ...)` is `Tensor.sigmoid(x, ...)`."""
    return as_tensor(x).sigmoid(*args, **kwargs)

def softplus(x, *args, **kwargs) -> Tensor:
    """log(1 + e**x), elementwise. `minigrad.softplus(x, ...)` is `Tensor.softplus(x, ...)`."""
    return as_tensor(x).softplus(*args, **kwargs)

def gelu(x, *args, **kwargs) -> Tensor:
    """x * Phi(x), elementwise (`approximate="tanh"` for the tanh form).
    `minigrad.gelu(x, ...)` is `Tensor.gelu(x, ...)`."""
    return as_tensor(x).gelu(*args, **kwargs)

def clip(x, *args, **kwargs) -> Tensor:
    """Values limited to [min, max]. `minigrad.clip(x, ...)` is `Tensor.clip(x, ...)`."""
    return as_tensor(x).clip(*args, **kwargs)

def sum(x, *args, **kwargs) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """The sum over axes. `minigrad.sum(x, ...)` is `Tensor.sum(x, ...)`."""
    return as_tensor(x).sum(*args, **kwargs)

def mean(x, *args, **kwargs) -> Tensor:
    """The mean over axes. `minigrad.mean(x, ...)` is `Tensor.mean(x, ...)`."""
    return as_tensor(x).mean(*args, **kwargs)

def var(x, *args, **kwargs) -> Tensor:
    """The variance over axes. `minigrad.var(x, ...)` is `Tensor.var(x, ...)`."""
    return as_tensor(x).var(*args, **kwargs)

def std(x, *args, **kwargs) -> Tensor:
    """The standard deviation over axes. `minigrad.std(x, ...)` is `Tensor.std(x, ...)`."""
    return as_tensor(x).std(*args, **kwargs)

def max(x, *args, **kwargs) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """The maximum over axes. `minigrad.max(x, ...)` is `Tensor.max(x, ...)`."""
    return as_tensor(x).max(*args, **kwargs)

def min(x, *args, **kwargs) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """The minimum over axes. `minigrad.min(x, ...)` is `Tensor.min(x, ...)`."""
    return as_tensor(x).min(*args, **kwargs)

def logsumexp(x, *args, **kwargs) -> Tensor:
    """log(sum(exp(x))) over axes, computed stably.
    `minigrad.logsumexp(x, ...)` is `Tensor.logsumexp(x, ...)`."""
    return as_tensor(x).logsumexp(*args, **kwargs)

def softmax(x, *args, **kwargs) -> Tensor:
    """Softmax along one axis. `minigrad.softmax(x, ...)` is `Tensor.softmax(x, ...)`."""
    return as_tensor(x).softmax(*args, **kwargs)

def log_softmax(x, *args, **kwargs) -> Tensor:
    """log(softmax(x)) along one axis, computed stably.
    `minigrad.log_softmax(x, ...)` is `Tensor.log_softmax(x, ...)`."""
    return as_tensor(x).log_softmax(*args, **kwargs)

def argmax(x, *args, **kwargs) -> Tensor:
    """Indices of the maxima (not differentiable).
    `minigrad.argmax(x, ...)` is `Tensor.argmax(x, ...)`."""
    return as_tensor(x).argmax(*args, **kwargs)

def argmin(x, *args, **kwargs) -> Tensor:
    """Indices of the minima (not differentiable).
    `minigrad.argmin(x, ...)` is `Tensor.argmin(x, ...)`."""
    return as_tensor(x).argmin(*args, **kwargs)

def reshape(x, *args, **kwargs) -> Tensor:
    """The same elements in a new shape. `minigrad.reshape(x, ...)` is `Tensor.reshape(x, ...)`."""
    return as_tensor(x).reshape(*args, **kwargs)

def transpose(x, *args, **kwargs) -> Tensor:
    """Axes permuted. `minigrad.transpose(x, ...)` is `Tensor.transpose(x, ...)`."""
    return as_tensor(x).transpose(*args, **kwargs)

def squeeze(x, *args, **kwargs) -> Tensor:
    """Axes of length 1 removed. `minigrad.squeeze(x, ...)` is `Tensor.squeeze(x, ...)`."""
    return as_tensor(x).squeeze(*args, **kwargs)

def unsqueeze(x, *args, **kwargs) -> Tensor:
    """An axis of length 1 inserted. `minigrad.unsqueeze(x, ...)` is `Tensor.unsqueeze(x, ...)`."""
    return as_tensor(x).unsqueeze(*args, **kwargs)

def flatten(x, *args, **kwargs) -> Tensor:
    """A range of axes merged into one. `minigrad.flatten(x, ...)` is `Tensor.flatten(x, ...)`."""
    return as_tensor(x).flatten(*args, **kwargs)

def broadcast_to(x, *args, **kwargs) -> Tensor:
    """Broadcast to a shape. `minigrad.broadcast_to(x, ...)` is `Tensor.broadcast_to(x, ...)`."""
    return as_tensor(x).broadcast_to(*args, **kwargs)

def permute(x, *args, **kwargs) -> Tensor:
    """Dims reordered. `minigrad.permute(x, ...)` is `Tensor.permute(x, ...)`."""
    return as_tensor(x).permute(*args, **kwargs)

def amax(x, *args, **kwargs) -> Tensor:
    """The maximum over dims (values only). `minigrad.amax(x, ...)` is `Tensor.amax(x, ...)`."""
    return as_tensor(x).amax(*args, **kwargs)

def amin(x, *args, **kwargs) -> Tensor:
    """The minimum over dims (values only). `minigrad.amin(x, ...)` is `Tensor.amin(x, ...)`."""
    return as_tensor(x).amin(*args, **kwargs)

def clone(x, *args, **kwargs) -> Tensor:
    """A differentiable copy. `minigrad.clone(x)` is `Tensor.clone(x)`."""
    return as_tensor(x).clone(*args, **kwargs)

def numel(x) -> int:
    """The number of elements. `minigrad.numel(x)` is `Tensor.numel(x)`."""
    return as_tensor(x).numel()

def swapaxes(x, *args, **kwargs) -> Tensor:
    """Two axes swapped. `minigrad.swapaxes(x, ...)` is `Tensor.swapaxes(x, ...)`."""
    return as_tensor(x).swapaxes(*args, **kwargs)


clamp = clip


def maximum(a, b) -> Tensor:
    """Elementwise maximum; a tie sends half of the gradient to each side.

    A number on either side takes the tensor's dtype, as with the operators."""
    return ops.Maximum.apply(*_operands(a, b))


def minimum(a, b) -> Tensor:
    """Elementwise minimum; a tie sends half of the gradient to each side.

    A number on either side takes the tensor's dtype, as with the operators."""
    return ops.Minimum.apply(*_operands(a, b))


def _operands(a, b) -> tuple[Tensor, Tensor]:
    """`a` and `b` as tensors of one dtype kind; a number takes the tensor's dtype."""
    if isinstance(a, Tensor):
        return promote(a, a._operand(b))
    if isinstance(b, Tensor):
        return promote(b._operand(a), b)
    return promote(as_tensor(a), as_tensor(b))


def add(a, b, *, alpha=1) -> Tensor:
    """`a + alpha * b` (PyTorch's `add`); numbers take the tensor's dtype."""
    return _operands(a, b)[0].add(b, alpha=alpha)


def sub(a, b, *, alpha=1) -> Tensor:
    """`a - alpha * b` (PyTorch's `sub`)."""
    return _operands(a, b)[0].sub(b, alpha=alpha)


def mul(a, b) -> Tensor:
    """`a * b`."""
    return _operands(a, b)[0] * b


def div(a, b, *, rounding_mode: str | None = None) -> Tensor:
    """`a / b` (true division)."""
    return _operands(a, b)[0].div(b, rounding_mode=rounding_mode)


def pow(a, b) -> Tensor:  # noqa: A001 - PyTorch's name
    """`a ** b`."""
    return _operands(a, b)[0] ** b


def neg(x) -> Tensor:
    """`-x`."""
    return -as_tensor(x)


def square(x) -> Tensor:
    """`x * x`."""
    return as_tensor(x).square()


def mm(a, b) -> Tensor:
    """The product of two 2-D tensors."""
    return as_tensor(a).mm(b)


def dot(a, b) -> Tensor:
    """The inner product of two 1-D tensors."""
    return as_tensor(a).dot(b)


def matmul(a, b) -> Tensor:
    """`a @ b`, with NumPy's rules for 1-D operands and batch broadcasting."""
    return as_tensor(a) @ b


def where(condition, a, b) -> Tensor:
    """Elements of `a` where `condition` holds, else of `b` (all three broadcast)."""
    condition = as_tensor(condition)
    if condition.dtype.kind != "b":
        raise TypeError(f"where: condition must be bool, got {condition.dtype}")
    return ops.Where.apply(condition, *_operands(a, b))


def _check_joinable(tensors: Sequence[Tensor], op: str) -> list[Tensor]:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a sequence (list or tuple) of tensors, "
                        f"got {type(tensors).__name__}")
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors")
    return tensors


def concatenate(tensors: Sequence[Tensor], dim: int | None = None, *,
                axis: int | None = None) -> Tensor:
    """Join tensors along an existing dim (0 by default); all other dims must match."""
    axis = pick("concatenate", "dim", dim, "axis", axis, 0)
    tensors = _check_joinable(tensors, "concatenate")
    (axis,) = shapes.normalize_axis(axis, tensors[0].ndim, "concatenate")
    first = tensors[0].shape
    for i, t in enumerate(tensors[1:], start=1):
        if t.ndim != len(first) or t.shape[:axis] + t.shape[axis + 1:] != \
                first[:axis] + first[axis + 1:]:
            raise ValueError(
                f"concatenate: tensor {i} has shape {t.shape}, which does not match "
                f"{first} outside axis {axis}"
            )
    return ops.Concatenate.apply(*tensors, axis=axis)


cat = concatenate


def stack(tensors: Sequence[Tensor], dim: int | None = None, *,
          axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dim (0 by default)."""
    axis = pick("stack", "dim", dim, "axis", axis, 0)
    tensors = _check_joinable(tensors, "stack")
    distinct = {t.shape for t in tensors}
    if len(distinct) != 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(distinct)}")
    (axis,) = shapes.normalize_axis(axis, tensors[0].ndim + 1, "stack")
    return concatenate([t.unsqueeze(axis) for t in tensors], axis=axis)


__all__ = [
    "abs",
    "add",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "as_tensor",
    "broadcast_to",
    "cat",
    "clamp",
    "clip",
    "clone",
    "concatenate",
    "div",
    "dot",
    "erf",
    "exp",
    "flatten",
    "gelu",
    "log",
    "log_softmax",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "neg",
    "numel",
    "permute",
    "pow",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "softplus",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "swapaxes",
    "tanh",
    "transpose",
    "unsqueeze",
    "var",
    "where",
]
