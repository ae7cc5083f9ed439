"""Binary arithmetic and products as functions (`add`, `mul`, `matmul`, `einsum`, ...) and
`where`; a number on either side takes the tensor's dtype, as with the operators."""

from __future__ import annotations

from minigrad import ops
from minigrad.dtypes import promote
from minigrad.routines.convert import as_tensor
from minigrad.tensor import Tensor


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


__all__ = [
    "add", "div", "dot", "einsum", "matmul", "maximum", "minimum", "mm", "mul", "neg", "pow",
    "square", "sub", "where",
]
