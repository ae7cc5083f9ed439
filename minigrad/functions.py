"""Module-level functions that mirror the Tensor methods: `minigrad.exp(x)` is `x.exp()`.

Arguments that are not tensors (lists, arrays, numbers) are converted first. Functions
with no method counterpart (`where`, `concatenate`/`cat`, `stack`) are defined here.
"""

from __future__ import annotations

from collections.abc import Sequence

from minigrad import ops
from minigrad.dtypes import promote
from minigrad.tensor import Tensor

_MIRRORED = (
    "exp", "log", "sqrt", "abs", "erf", "relu", "tanh", "sigmoid", "softplus", "gelu",
    "clip", "clamp", "sum", "mean", "var", "std", "max", "min",
    "logsumexp", "softmax", "log_softmax", "argmax", "argmin", "reshape", "transpose",
    "squeeze", "unsqueeze", "flatten", "broadcast_to", "swapaxes",
)


def as_tensor(value) -> Tensor:
    """`value` itself if it is a tensor, else a tensor made from it (no copy of arrays)."""
    return value if isinstance(value, Tensor) else Tensor(value)


def _mirror(name: str):
    method = getattr(Tensor, name)

    def function(x, *args, **kwargs):
        return method(as_tensor(x), *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"`{name}(x, ...)` is `x.{name}(...)`.\n\n{method.__doc__ or ''}"
    return function


globals().update({name: _mirror(name) for name in _MIRRORED})


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


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; all other axes must match."""
    tensors = _check_joinable(tensors, "concatenate")
    (axis,) = ops.normalize_axis(axis, tensors[0].ndim, "concatenate")
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


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis."""
    tensors = _check_joinable(tensors, "stack")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    (axis,) = ops.normalize_axis(axis, tensors[0].ndim + 1, "stack")
    return concatenate([t.unsqueeze(axis) for t in tensors], axis=axis)


__all__ = [*_MIRRORED, "as_tensor", "cat", "concatenate", "matmul", "maximum", "minimum",
           "stack", "where"]
