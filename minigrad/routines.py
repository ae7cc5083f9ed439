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
    from it (no copy of arrays of that dtype), as `torch.as_tensor`.

    >>> a = np.array([1.0, 2.0])
    >>> mg.as_tensor(a).numpy() is a
    True
    >>> mg.as_tensor([1.0, 2.0])
    tensor([1., 2.], dtype=float32)
    """
    if isinstance(value, Tensor):
        return value if dtype is None else value.to(dtype)
    return Tensor(value, dtype=dtype)


# --- the Tensor methods as functions: `minigrad.exp(x)` is `x.exp()` --------------------

def exp(x, *args, **kwargs) -> Tensor:
    """e**x, elementwise. `minigrad.exp(x, ...)` is `Tensor.exp(x, ...)`.

    >>> mg.exp([0.0, 1.0])
    tensor([1.    , 2.7183], dtype=float32)
    """
    return as_tensor(x).exp(*args, **kwargs)

def log(x, *args, **kwargs) -> Tensor:
    """The natural logarithm, elementwise. `minigrad.log(x, ...)` is `Tensor.log(x, ...)`.

    >>> mg.log([1.0, np.e])
    tensor([0., 1.], dtype=float32)
    """
    return as_tensor(x).log(*args, **kwargs)

def sqrt(x, *args, **kwargs) -> Tensor:
    """The square root, elementwise. `minigrad.sqrt(x, ...)` is `Tensor.sqrt(x, ...)`.

    >>> mg.sqrt([4.0, 9.0])
    tensor([2., 3.], dtype=float32)
    """
    return as_tensor(x).sqrt(*args, **kwargs)

def abs(x, *args, **kwargs) -> Tensor:  # noqa: A001 - the NumPy and PyTorch name
    """The absolute value, elementwise. `minigrad.abs(x, ...)` is `Tensor.abs(x, ...)`.

    >>> mg.abs([-1.5, 2.0])
    tensor([1.5, 2. ], dtype=float32)
    """
    return as_tensor(x).abs(*args, **kwargs)

def erf(x, *args, **kwargs) -> Tensor:
    """The error function, elementwise. `minigrad.erf(x, ...)` is `Tensor.erf(x, ...)`.

    >>> mg.erf([0.0, 1.0])
    tensor([0.    , 0.8427], dtype=float32)
    """
    return as_tensor(x).erf(*args, **kwargs)

def relu(x, *args, **kwargs) -> Tensor:
    """max(x, 0), elementwise. `minigrad.relu(x, ...)` is `Tensor.relu(x, ...)`.

    >>> mg.relu([-1.0, 2.0])
    tensor([0., 2.], dtype=float32)
    """
    return as_tensor(x).relu(*args, **kwargs)

def tanh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic tangent, elementwise. `minigrad.tanh(x, ...)` is `Tensor.tanh(x, ...)`.

    >>> mg.tanh([0.0, 1.0])
    tensor([0.    , 0.7616], dtype=float32)
    """
    return as_tensor(x).tanh(*args, **kwargs)

def sigmoid(x, *args, **kwargs) -> Tensor:
    """1 / (1 + e**-x), elementwise. `minigrad.sigmoid(x, ...)` is `Tensor.sigmoid(x, ...)`.

    >>> mg.sigmoid([0.0, 2.0])
    tensor([0.5   , 0.8808], dtype=float32)
    """
    return as_tensor(x).sigmoid(*args, **kwargs)

def softplus(x, *args, **kwargs) -> Tensor:
    """log(1 + e**x), elementwise. `minigrad.softplus(x, ...)` is `Tensor.softplus(x, ...)`.

    >>> mg.softplus([0.0, 30.0])
    tensor([ 0.6931, 30.    ], dtype=float32)
    """
    return as_tensor(x).softplus(*args, **kwargs)

def gelu(x, *args, **kwargs) -> Tensor:
    """x * Phi(x), elementwise (`approximate="tanh"` for the tanh form).
    `minigrad.gelu(x, ...)` is `Tensor.gelu(x, ...)`.

    >>> mg.gelu([-1.0, 0.0, 1.0])
    tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
    """
    return as_tensor(x).gelu(*args, **kwargs)

def clip(x, *args, **kwargs) -> Tensor:
    """Values limited to [min, max]. `minigrad.clip(x, ...)` is `Tensor.clip(x, ...)`.

    >>> mg.clip([-2.0, 0.5, 2.0], -1.0, 1.0)
    tensor([-1. ,  0.5,  1. ], dtype=float32)
    >>> mg.clamp([-2.0, 0.5, 2.0], min=0.0)
    tensor([0. , 0.5, 2. ], dtype=float32)
    """
    return as_tensor(x).clip(*args, **kwargs)

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

def reshape(x, *args, **kwargs) -> Tensor:
    """The same elements in a new shape. `minigrad.reshape(x, ...)` is `Tensor.reshape(x, ...)`.

    >>> mg.reshape(mg.arange(6), (2, 3))
    tensor([[0, 1, 2],
            [3, 4, 5]], dtype=int64)
    """
    return as_tensor(x).reshape(*args, **kwargs)

def transpose(x, *args, **kwargs) -> Tensor:
    """Axes permuted. `minigrad.transpose(x, ...)` is `Tensor.transpose(x, ...)`.

    >>> mg.transpose(mg.zeros(2, 3), 0, 1).shape
    (3, 2)
    """
    return as_tensor(x).transpose(*args, **kwargs)

def squeeze(x, *args, **kwargs) -> Tensor:
    """Axes of length 1 removed. `minigrad.squeeze(x, ...)` is `Tensor.squeeze(x, ...)`.

    >>> mg.squeeze(mg.zeros(1, 3, 1)).shape
    (3,)
    """
    return as_tensor(x).squeeze(*args, **kwargs)

def unsqueeze(x, *args, **kwargs) -> Tensor:
    """An axis of length 1 inserted. `minigrad.unsqueeze(x, ...)` is `Tensor.unsqueeze(x, ...)`.

    >>> mg.unsqueeze(mg.zeros(3), 0).shape
    (1, 3)
    """
    return as_tensor(x).unsqueeze(*args, **kwargs)

def flatten(x, *args, **kwargs) -> Tensor:
    """A range of axes merged into one. `minigrad.flatten(x, ...)` is `Tensor.flatten(x, ...)`.

    >>> mg.flatten(mg.zeros(2, 3, 4), 1).shape
    (2, 12)
    """
    return as_tensor(x).flatten(*args, **kwargs)

def broadcast_to(x, *args, **kwargs) -> Tensor:
    """Broadcast to a shape. `minigrad.broadcast_to(x, ...)` is `Tensor.broadcast_to(x, ...)`.

    >>> mg.broadcast_to([1.0, 2.0], (2, 2))
    tensor([[1., 2.],
            [1., 2.]], dtype=float32)
    """
    return as_tensor(x).broadcast_to(*args, **kwargs)

def permute(x, *args, **kwargs) -> Tensor:
    """Dims reordered. `minigrad.permute(x, ...)` is `Tensor.permute(x, ...)`.

    >>> mg.permute(mg.zeros(1, 2, 3), (2, 0, 1)).shape
    (3, 1, 2)
    """
    return as_tensor(x).permute(*args, **kwargs)

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

def clone(x, *args, **kwargs) -> Tensor:
    """A differentiable copy. `minigrad.clone(x)` is `Tensor.clone(x)`.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> mg.clone(x)
    tensor([1., 2.], dtype=float32, grad_fn=<clone>)
    """
    return as_tensor(x).clone(*args, **kwargs)

def numel(x) -> int:
    """The number of elements. `minigrad.numel(x)` is `Tensor.numel(x)`.

    >>> mg.numel(mg.zeros(2, 3))
    6
    """
    return as_tensor(x).numel()

def swapaxes(x, *args, **kwargs) -> Tensor:
    """Two axes swapped. `minigrad.swapaxes(x, ...)` is `Tensor.swapaxes(x, ...)`.

    >>> mg.swapaxes(mg.zeros(2, 3, 4), 0, 2).shape
    (4, 3, 2)
    """
    return as_tensor(x).swapaxes(*args, **kwargs)


clamp = clip


def maximum(a, b) -> Tensor:
    """Elementwise maximum; a tie sends half of the gradient to each side.

    A number on either side takes the tensor's dtype, as with the operators.

    >>> mg.maximum(mg.tensor([1.0, 5.0]), 3.0)
    tensor([3., 5.], dtype=float32)
    """
    return ops.Maximum.apply(*_operands(a, b))


def minimum(a, b) -> Tensor:
    """Elementwise minimum; a tie sends half of the gradient to each side.

    A number on either side takes the tensor's dtype, as with the operators.

    >>> mg.minimum(mg.tensor([1.0, 5.0]), 3.0)
    tensor([1., 3.], dtype=float32)
    """
    return ops.Minimum.apply(*_operands(a, b))


def _operands(a, b) -> tuple[Tensor, Tensor]:
    """`a` and `b` as tensors of one dtype kind; a number takes the tensor's dtype."""
    if isinstance(a, Tensor):
        return promote(a, a._operand(b))
    if isinstance(b, Tensor):
        return promote(b._operand(a), b)
    return promote(as_tensor(a), as_tensor(b))


def add(a, b, *, alpha=1) -> Tensor:
    """`a + alpha * b` (PyTorch's `add`); numbers take the tensor's dtype.

    >>> mg.add(mg.tensor([1.0, 2.0]), 1.0, alpha=2)
    tensor([3., 4.], dtype=float32)
    """
    return _operands(a, b)[0].add(b, alpha=alpha)


def sub(a, b, *, alpha=1) -> Tensor:
    """`a - alpha * b` (PyTorch's `sub`).

    >>> mg.sub(mg.tensor([3.0, 4.0]), 1.0, alpha=2)
    tensor([1., 2.], dtype=float32)
    """
    return _operands(a, b)[0].sub(b, alpha=alpha)


def mul(a, b) -> Tensor:
    """`a * b`.

    >>> mg.mul(mg.tensor([1.0, 2.0]), 3.0)
    tensor([3., 6.], dtype=float32)
    """
    return _operands(a, b)[0] * b


def div(a, b, *, rounding_mode: str | None = None) -> Tensor:
    """`a / b` (true division).

    >>> mg.div(mg.tensor([1.0, 3.0]), 2.0)
    tensor([0.5, 1.5], dtype=float32)
    """
    return _operands(a, b)[0].div(b, rounding_mode=rounding_mode)


def pow(a, b) -> Tensor:  # noqa: A001 - PyTorch's name
    """`a ** b`.

    >>> mg.pow(mg.tensor([2.0, 3.0]), 2)
    tensor([4., 9.], dtype=float32)
    >>> mg.pow(2.0, mg.tensor([1.0, 3.0]))
    tensor([2., 8.], dtype=float32)
    """
    return _operands(a, b)[0] ** b


def neg(x) -> Tensor:
    """`-x`.

    >>> mg.neg([1.0, -2.0])
    tensor([-1.,  2.], dtype=float32)
    """
    return -as_tensor(x)


def square(x) -> Tensor:
    """`x * x`.

    >>> mg.square([-2.0, 3.0])
    tensor([4., 9.], dtype=float32)
    """
    return as_tensor(x).square()


def mm(a, b) -> Tensor:
    """The product of two 2-D tensors.

    >>> mg.mm(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), mg.eye(2))
    tensor([[1., 2.],
            [3., 4.]], dtype=float32)
    """
    return as_tensor(a).mm(b)


def dot(a, b) -> Tensor:
    """The inner product of two 1-D tensors.

    >>> mg.dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    tensor(32., dtype=float32)
    """
    return as_tensor(a).dot(b)


def matmul(a, b) -> Tensor:
    """`a @ b`, with NumPy's rules for 1-D operands and batch broadcasting.

    >>> mg.matmul(mg.zeros(5, 2, 3), mg.zeros(3, 4)).shape
    (5, 2, 4)
    """
    return as_tensor(a) @ b


def where(condition, a, b) -> Tensor:
    """Elements of `a` where `condition` holds, else of `b` (all three broadcast).

    >>> x = mg.tensor([-1.0, 2.0, -3.0])
    >>> mg.where(x > 0, x, 0.0)
    tensor([0., 2., 0.], dtype=float32)
    """
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
    """Join tensors along an existing dim (0 by default); all other dims must match.

    >>> mg.cat([mg.tensor([1.0]), mg.tensor([2.0, 3.0])])
    tensor([1., 2., 3.], dtype=float32)
    >>> mg.cat([mg.zeros(2, 3), mg.ones(2, 1)], dim=1).shape
    (2, 4)
    """
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
    """Join tensors of one shape along a new dim (0 by default).

    >>> mg.stack([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])])
    tensor([[1., 2.],
            [3., 4.]], dtype=float32)
    """
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


# --- more elementwise math, scans, indexing and sorting: `minigrad.sin(x)` is `x.sin()` --

def sin(x, *args, **kwargs) -> Tensor:
    """The sine, elementwise. `minigrad.sin(x)` is `Tensor.sin(x)`.

    >>> mg.sin([0.0, np.pi / 2])
    tensor([0., 1.], dtype=float32)
    """
    return as_tensor(x).sin(*args, **kwargs)

def cos(x, *args, **kwargs) -> Tensor:
    """The cosine, elementwise. `minigrad.cos(x)` is `Tensor.cos(x)`.

    >>> mg.cos([0.0, np.pi])
    tensor([ 1., -1.], dtype=float32)
    """
    return as_tensor(x).cos(*args, **kwargs)

def tan(x, *args, **kwargs) -> Tensor:
    """The tangent, elementwise. `minigrad.tan(x)` is `Tensor.tan(x)`.

    >>> mg.tan([0.0, np.pi / 4])
    tensor([0., 1.], dtype=float32)
    """
    return as_tensor(x).tan(*args, **kwargs)

def asin(x, *args, **kwargs) -> Tensor:
    """The inverse sine, elementwise. `minigrad.asin(x)` is `Tensor.asin(x)`.

    >>> mg.asin([0.0, 1.0])
    tensor([0.    , 1.5708], dtype=float32)
    """
    return as_tensor(x).asin(*args, **kwargs)

def acos(x, *args, **kwargs) -> Tensor:
    """The inverse cosine, elementwise. `minigrad.acos(x)` is `Tensor.acos(x)`.

    >>> mg.acos([1.0, 0.0])
    tensor([0.    , 1.5708], dtype=float32)
    """
    return as_tensor(x).acos(*args, **kwargs)

def atan(x, *args, **kwargs) -> Tensor:
    """The inverse tangent, elementwise. `minigrad.atan(x)` is `Tensor.atan(x)`.

    >>> mg.atan([0.0, 1.0])
    tensor([0.    , 0.7854], dtype=float32)
    """
    return as_tensor(x).atan(*args, **kwargs)

def atan2(x, other) -> Tensor:
    """The angle of the point (other, x), elementwise. `minigrad.atan2(y, x)` is
    `Tensor.atan2(y, x)`.

    >>> mg.atan2(mg.tensor([1.0, 0.0]), mg.tensor([0.0, -1.0]))
    tensor([1.5708, 3.1416], dtype=float32)
    """
    return as_tensor(x).atan2(other)

def sinh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic sine, elementwise. `minigrad.sinh(x)` is `Tensor.sinh(x)`.

    >>> mg.sinh([0.0, 1.0])
    tensor([0.    , 1.1752], dtype=float32)
    """
    return as_tensor(x).sinh(*args, **kwargs)

def cosh(x, *args, **kwargs) -> Tensor:
    """The hyperbolic cosine, elementwise. `minigrad.cosh(x)` is `Tensor.cosh(x)`.

    >>> mg.cosh([0.0, 1.0])
    tensor([1.    , 1.5431], dtype=float32)
    """
    return as_tensor(x).cosh(*args, **kwargs)

def log1p(x, *args, **kwargs) -> Tensor:
    """log(1 + x), exact for small x. `minigrad.log1p(x)` is `Tensor.log1p(x)`.

    >>> mg.log1p([0.0, 1e-10])
    tensor([0.e+00, 1.e-10], dtype=float32)
    """
    return as_tensor(x).log1p(*args, **kwargs)

def expm1(x, *args, **kwargs) -> Tensor:
    """exp(x) - 1, exact for small x. `minigrad.expm1(x)` is `Tensor.expm1(x)`.

    >>> mg.expm1([0.0, 1e-10])
    tensor([0.e+00, 1.e-10], dtype=float32)
    """
    return as_tensor(x).expm1(*args, **kwargs)

def log2(x, *args, **kwargs) -> Tensor:
    """The base-2 logarithm. `minigrad.log2(x)` is `Tensor.log2(x)`.

    >>> mg.log2([1.0, 8.0])
    tensor([0., 3.], dtype=float32)
    """
    return as_tensor(x).log2(*args, **kwargs)

def exp2(x, *args, **kwargs) -> Tensor:
    """2 ** x. `minigrad.exp2(x)` is `Tensor.exp2(x)`.

    >>> mg.exp2([0.0, 3.0])
    tensor([1., 8.], dtype=float32)
    """
    return as_tensor(x).exp2(*args, **kwargs)

def rsqrt(x, *args, **kwargs) -> Tensor:
    """1 / sqrt(x). `minigrad.rsqrt(x)` is `Tensor.rsqrt(x)`.

    >>> mg.rsqrt([4.0, 16.0])
    tensor([0.5 , 0.25], dtype=float32)
    """
    return as_tensor(x).rsqrt(*args, **kwargs)

def sign(x, *args, **kwargs) -> Tensor:
    """-1, 0 or 1 (zero gradient). `minigrad.sign(x)` is `Tensor.sign(x)`.

    >>> mg.sign([-2.0, 0.0, 3.0])
    tensor([-1.,  0.,  1.], dtype=float32)
    """
    return as_tensor(x).sign(*args, **kwargs)

def floor(x, *args, **kwargs) -> Tensor:
    """Rounded down (zero gradient). `minigrad.floor(x)` is `Tensor.floor(x)`.

    >>> mg.floor([-1.5, 1.5])
    tensor([-2.,  1.], dtype=float32)
    """
    return as_tensor(x).floor(*args, **kwargs)

def ceil(x, *args, **kwargs) -> Tensor:
    """Rounded up (zero gradient). `minigrad.ceil(x)` is `Tensor.ceil(x)`.

    >>> mg.ceil([-1.5, 1.5])
    tensor([-1.,  2.], dtype=float32)
    """
    return as_tensor(x).ceil(*args, **kwargs)

def round(x, *args, **kwargs) -> Tensor:  # noqa: A001 - PyTorch's name
    """Rounded half to even (zero gradient). `minigrad.round(x)` is `Tensor.round(x)`.

    >>> mg.round([0.5, 1.5, 2.5])
    tensor([0., 2., 2.], dtype=float32)
    """
    return as_tensor(x).round(*args, **kwargs)

def trunc(x, *args, **kwargs) -> Tensor:
    """Rounded toward zero (zero gradient). `minigrad.trunc(x)` is `Tensor.trunc(x)`.

    >>> mg.trunc([-1.5, 1.5])
    tensor([-1.,  1.], dtype=float32)
    """
    return as_tensor(x).trunc(*args, **kwargs)

def isnan(x) -> Tensor:
    """True where x is NaN. `minigrad.isnan(x)` is `Tensor.isnan(x)`.

    >>> mg.isnan(mg.tensor([1.0, np.nan]))
    tensor([False,  True], dtype=bool)
    """
    return as_tensor(x).isnan()

def isinf(x) -> Tensor:
    """True where x is +-inf. `minigrad.isinf(x)` is `Tensor.isinf(x)`.

    >>> mg.isinf(mg.tensor([1.0, np.inf]))
    tensor([False,  True], dtype=bool)
    """
    return as_tensor(x).isinf()

def isfinite(x) -> Tensor:
    """True where x is neither NaN nor infinite. `minigrad.isfinite(x)` is `Tensor.isfinite(x)`.

    >>> mg.isfinite(mg.tensor([1.0, np.inf, np.nan]))
    tensor([ True, False, False], dtype=bool)
    """
    return as_tensor(x).isfinite()

def isclose(x, other, *args, **kwargs) -> Tensor:
    """|x - other| <= atol + rtol |other|. `minigrad.isclose(x, y)` is `Tensor.isclose(x, y)`.

    >>> mg.isclose(mg.tensor([1.0, 1.1]), mg.tensor([1.0, 1.0]))
    tensor([ True, False], dtype=bool)
    """
    return as_tensor(x).isclose(other, *args, **kwargs)

def all(x, *args, **kwargs) -> Tensor:  # noqa: A001 - PyTorch's name
    """True where every element is nonzero. `minigrad.all(x)` is `Tensor.all(x)`.

    >>> mg.all(mg.tensor([[True, False], [True, True]]), dim=1)
    tensor([False,  True], dtype=bool)
    """
    return as_tensor(x).all(*args, **kwargs)

def any(x, *args, **kwargs) -> Tensor:  # noqa: A001 - PyTorch's name
    """True where some element is nonzero. `minigrad.any(x)` is `Tensor.any(x)`.

    >>> mg.any(mg.tensor([0.0, 2.0]))
    tensor(True, dtype=bool)
    """
    return as_tensor(x).any(*args, **kwargs)

def lerp(x, end, weight) -> Tensor:
    """x + weight (end - x). `minigrad.lerp(x, end, w)` is `Tensor.lerp(x, end, w)`.

    >>> mg.lerp(mg.tensor([0.0, 10.0]), mg.tensor([1.0, 20.0]), 0.5)
    tensor([ 0.5, 15. ], dtype=float32)
    """
    return as_tensor(x).lerp(end, weight)

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

def flip(x, *args, **kwargs) -> Tensor:
    """Reversed along dims. `minigrad.flip(x, dims)` is `Tensor.flip(x, dims)`.

    >>> mg.flip(mg.arange(4), 0)
    tensor([3, 2, 1, 0], dtype=int64)
    """
    return as_tensor(x).flip(*args, **kwargs)

def roll(x, *args, **kwargs) -> Tensor:
    """Shifted cyclically. `minigrad.roll(x, shifts, dims)` is `Tensor.roll(x, shifts, dims)`.

    >>> mg.roll(mg.arange(4), 1)
    tensor([3, 0, 1, 2], dtype=int64)
    """
    return as_tensor(x).roll(*args, **kwargs)

def tile(x, *args, **kwargs) -> Tensor:
    """Repeated along axes. `minigrad.tile(x, dims)` is `Tensor.tile(x, dims)`.

    >>> mg.tile(mg.tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2], dtype=int64)
    """
    return as_tensor(x).tile(*args, **kwargs)

def split(x, *args, **kwargs) -> tuple[Tensor, ...]:
    """Pieces along dim. `minigrad.split(x, size, dim)` is `Tensor.split(x, size, dim)`.

    >>> mg.split(mg.arange(5), 2)
    (tensor([0, 1], dtype=int64), tensor([2, 3], dtype=int64), tensor([4], dtype=int64))
    """
    return as_tensor(x).split(*args, **kwargs)

def chunk(x, *args, **kwargs) -> tuple[Tensor, ...]:
    """Equal pieces along dim. `minigrad.chunk(x, n, dim)` is `Tensor.chunk(x, n, dim)`.

    >>> mg.chunk(mg.arange(6), 3)
    (tensor([0, 1], dtype=int64), tensor([2, 3], dtype=int64), tensor([4, 5], dtype=int64))
    """
    return as_tensor(x).chunk(*args, **kwargs)

def tril(x, *args, **kwargs) -> Tensor:
    """The lower triangle. `minigrad.tril(x, k)` is `Tensor.tril(x, k)`.

    >>> mg.tril(mg.ones(3, 3))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]], dtype=float32)
    """
    return as_tensor(x).tril(*args, **kwargs)

def triu(x, *args, **kwargs) -> Tensor:
    """The upper triangle. `minigrad.triu(x, k)` is `Tensor.triu(x, k)`.

    >>> mg.triu(mg.ones(3, 3), 1)
    tensor([[0., 1., 1.],
            [0., 0., 1.],
            [0., 0., 0.]], dtype=float32)
    """
    return as_tensor(x).triu(*args, **kwargs)

def diagonal(x, *args, **kwargs) -> Tensor:
    """A diagonal as the last axis. `minigrad.diagonal(x, ...)` is `Tensor.diagonal(x, ...)`.

    >>> mg.diagonal(mg.tensor([[1, 2], [3, 4]]))
    tensor([1, 4], dtype=int64)
    """
    return as_tensor(x).diagonal(*args, **kwargs)

def gather(x, dim: int, index) -> Tensor:
    """Values read at index along dim. `minigrad.gather(x, dim, index)` is `Tensor.gather`.

    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.gather(x, 1, mg.tensor([[1], [0]]))
    tensor([[2.],
            [3.]], dtype=float32)
    """
    return as_tensor(x).gather(dim, index)

def scatter(x, dim: int, index, src=None, **kwargs) -> Tensor:
    """Values written at index along dim. `minigrad.scatter(x, ...)` is `Tensor.scatter`.

    >>> mg.scatter(mg.zeros(3), 0, mg.tensor([2, 0]), mg.tensor([5.0, 6.0]))
    tensor([6., 0., 5.], dtype=float32)
    """
    return as_tensor(x).scatter(dim, index, src, **kwargs)

def scatter_add(x, dim: int, index, src) -> Tensor:
    """Values added at index along dim. `minigrad.scatter_add(x, ...)` is `Tensor.scatter_add`.

    >>> mg.scatter_add(mg.zeros(3), 0, mg.tensor([2, 2, 0]), mg.tensor([1.0, 1.0, 4.0]))
    tensor([4., 0., 2.], dtype=float32)
    """
    return as_tensor(x).scatter_add(dim, index, src)


def scatter_reduce(x, dim: int, index, src, reduce: str, *, include_self: bool = True) -> Tensor:
    """Values combined at index along dim by `reduce`. `minigrad.scatter_reduce(x, ...)` is
    `Tensor.scatter_reduce`.

    >>> src = mg.tensor([1.0, 2.0, 3.0])
    >>> mg.scatter_reduce(mg.zeros(2), 0, mg.tensor([0, 0, 1]), src, "amax")
    tensor([2., 3.], dtype=float32)
    """
    return as_tensor(x).scatter_reduce(dim, index, src, reduce, include_self=include_self)

def index_select(x, dim: int, index) -> Tensor:
    """Entries along dim. `minigrad.index_select(x, dim, index)` is `Tensor.index_select`.

    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.index_select(x, 0, mg.tensor([1, 1, 0]))
    tensor([[3., 4.],
            [3., 4.],
            [1., 2.]], dtype=float32)
    """
    return as_tensor(x).index_select(dim, index)

def masked_fill(x, mask, value) -> Tensor:
    """value where mask. `minigrad.masked_fill(x, mask, v)` is `Tensor.masked_fill(x, mask, v)`.

    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.masked_fill(x, x > 2, 0.0)
    tensor([[1., 2.],
            [0., 0.]], dtype=float32)
    """
    return as_tensor(x).masked_fill(mask, value)

def sort(x, *args, **kwargs):
    """(values, indices) sorted along dim. `minigrad.sort(x, ...)` is `Tensor.sort(x, ...)`.

    >>> mg.sort(mg.tensor([3.0, 1.0, 2.0]), descending=True).values
    tensor([3., 2., 1.], dtype=float32)
    """
    return as_tensor(x).sort(*args, **kwargs)

def argsort(x, *args, **kwargs) -> Tensor:
    """The sorting indices. `minigrad.argsort(x, ...)` is `Tensor.argsort(x, ...)`.

    >>> mg.argsort(mg.tensor([3.0, 1.0, 2.0]))
    tensor([1, 2, 0], dtype=int64)
    """
    return as_tensor(x).argsort(*args, **kwargs)

def topk(x, *args, **kwargs):
    """(values, indices) of the k largest. `minigrad.topk(x, k)` is `Tensor.topk(x, k)`.

    >>> mg.topk(mg.tensor([3.0, 1.0, 2.0]), 2).indices
    tensor([0, 2], dtype=int64)
    """
    return as_tensor(x).topk(*args, **kwargs)

def einsum(subscripts, *operands) -> Tensor:
    """A sum of products over named indices: `einsum("ij,jk->ik", a, b)` is a @ b;
    `...` stands for broadcast batch axes and an index may repeat in one operand ("ii->i",
    the diagonal), as in torch.einsum, whose sublist form `einsum(a, [0, 1], b, [1, 2])` is
    accepted too. Differentiable in every operand, to any order (see `minigrad.ops.einsum`).

    >>> a, b = mg.tensor([[1.0, 2.0]]), mg.tensor([[3.0], [4.0]])
    >>> mg.einsum("ij,jk->ik", a, b)
    tensor([[11.]], dtype=float32)
    >>> mg.einsum("ii->", mg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5., dtype=float32)
    """
    if not isinstance(subscripts, str):
        subscripts, operands = ops.einsum.from_sublists((subscripts, *operands))
    elif len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    spec, tensors = ops.einsum.explicit(subscripts, [as_tensor(t) for t in operands])
    return ops.Einsum.apply(*tensors, subscripts=spec)


__all__ += [
    "acos", "all", "any", "argsort", "asin", "atan", "atan2", "ceil", "chunk", "cos", "cosh",
    "cumprod", "cumsum", "diagonal", "einsum", "exp2", "expm1", "flip", "floor", "gather",
    "index_select", "isclose", "isfinite", "isinf", "isnan", "lerp", "log1p", "log2",
    "masked_fill", "norm", "prod", "roll", "round", "rsqrt", "scatter", "scatter_add",
    "scatter_reduce",
    "sign", "sin", "sinh", "sort", "split", "tan", "tile", "topk", "tril", "triu", "trunc",
]
