"""Tensor: an n-d array that remembers how it was computed.

`data` is a NumPy array; `grad_fn` is the graph node that produced the tensor (None for
leaves); `grad` receives gradients from `backward()`. Every operation is a method here
that delegates to a primitive in `minigrad.ops`, which computes with NumPy and records the
graph. Writing to `.data` directly is outside autograd, as in PyTorch: the graph does not
see it.
"""

from __future__ import annotations

import numbers
import weakref
from collections.abc import Callable, Sequence

import numpy as np

from minigrad import dtypes, shapes
from minigrad.autograd.graph import DetachLink
from minigrad.dtypes import promote

Axis = int | Sequence[int] | None


class Tensor:
    """An n-d array with reverse-mode automatic differentiation.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.], dtype=float32)
    """

    __slots__ = (
        "__weakref__",
        "_detach_link",
        "_hooks",
        "_requires_grad",
        "data",
        "grad",
        "grad_fn",
        "name",
    )
    __array_ufunc__ = None  # `ndarray * tensor` defers to Tensor.__rmul__, keeping the graph
    __hash__ = object.__hash__  # __eq__ is elementwise; hash by identity, as PyTorch

    def __init__(self, data, requires_grad: bool = False, dtype=None,
                 name: str | None = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        self.data: np.ndarray = dtypes.as_array(data, dtype)
        self.grad: Tensor | None = None
        self._requires_grad = False
        self.grad_fn = None
        self._hooks: list | None = None
        self._detach_link = None
        self.name = name
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _from_array(cls, data: np.ndarray) -> Tensor:
        """Wrap an array the framework computed (no copy; NumPy scalars become 0-d arrays)."""
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        t = cls.__new__(cls)
        t.data, t.grad, t._requires_grad, t.grad_fn = data, None, False, None
        t._hooks = t._detach_link = t.name = None
        return t

    @classmethod
    def _from_node(cls, data: np.ndarray, node) -> Tensor:
        """Wrap an op's output together with the node that made it."""
        t = cls.__new__(cls)
        t.data, t.grad, t._requires_grad, t.grad_fn = data, None, True, node
        t._hooks = t._detach_link = t.name = None
        return t

    # --- autograd attributes --------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad: can only be changed on leaf tensors; this tensor was made "
                f"by '{self.grad_fn.op.name}' (use detach() for a leaf copy)"
            )
        if value and not dtypes.is_floating(self.data.dtype):
            raise TypeError(
                f"requires_grad: only floating-point tensors can require grad, this one is "
                f"{self.data.dtype}"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True when no recorded op produced this tensor."""
        return self.grad_fn is None

    @property
    def detached_from(self):
        """For a tensor made by `detach()`, the `DetachLink` to its source; else None."""
        return self._detach_link

    def detach(self) -> Tensor:
        """A leaf sharing this tensor's data, cut from the graph: gradient never crosses.

        The result keeps a weak, drawing-only link to its source (`detached_from`), so a
        renderer can show where the graph was cut without keeping old graphs alive.
        """
        out = Tensor._from_array(self.data)
        if self._requires_grad:
            out._detach_link = DetachLink(self)
        return out

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` after backward."""
        if self.grad_fn is None:
            return  # leaves keep their gradient anyway
        self.grad_fn._retained = weakref.ref(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]):
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose `remove()` unregisters the hook."""
        if not callable(hook):
            raise TypeError(f"register_hook: the hook must be callable, got {hook!r}")
        if not self._requires_grad:
            raise RuntimeError("register_hook: the tensor does not require grad")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(hook)
        from minigrad.autograd.function import _HookHandle

        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    def backward(self, gradient=None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate the gradient of this tensor into the `.grad` of the leaves.

        See `minigrad.autograd.engine.backward`.
        """
        _engine.backward(self, gradient, retain_graph, create_graph)

    # --- array attributes -----------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def numpy(self) -> np.ndarray:
        """The data as a NumPy array (shared, not copied)."""
        return self.data

    def item(self) -> float | int | bool:
        if self.data.size != 1:
            raise ValueError(f"item: the tensor has {self.data.size} elements, not 1")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous"
            )
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(", precision=4)
        extras = [f"dtype={self.data.dtype}"]
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.op.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"tensor({body}, {', '.join(extras)})"

    # --- arithmetic -----------------------------------------------------------------
    def _operand(self, other) -> Tensor:
        """`other` as a tensor; Python and NumPy scalars take this tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (numbers.Number, np.generic)):
            return Tensor._from_array(dtypes.scalar_like(other, self.data))
        return Tensor(other)

    def __add__(self, other): return _ops.Add.apply(*promote(self, self._operand(other)))
    def __radd__(self, other): return _ops.Add.apply(*promote(self._operand(other), self))
    def __sub__(self, other): return _ops.Sub.apply(*promote(self, self._operand(other)))
    def __rsub__(self, other): return _ops.Sub.apply(*promote(self._operand(other), self))
    def __mul__(self, other): return _ops.Mul.apply(*promote(self, self._operand(other)))
    def __rmul__(self, other): return _ops.Mul.apply(*promote(self._operand(other), self))
    def __truediv__(self, other): return _ops.Div.apply(*promote(self, self._operand(other), True))
    def __rtruediv__(self, other):
        return _ops.Div.apply(*promote(self._operand(other), self, True))
    def __pow__(self, other): return _ops.Pow.apply(*promote(self, self._operand(other)))
    def __rpow__(self, other): return _ops.Pow.apply(*promote(self._operand(other), self))
    def __neg__(self): return _ops.Neg.apply(self)
    def __pos__(self): return self

    def __matmul__(self, other):
        other = self._operand(other)
        _ops.check_matmul_shapes(self.shape, other.shape)
        return _ops.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return self._operand(other).__matmul__(self)

    # Comparisons give bool tensors outside the graph: their derivative is zero.
    def __lt__(self, other): return Tensor._from_array(self.data < self._operand(other).data)
    def __le__(self, other): return Tensor._from_array(self.data <= self._operand(other).data)
    def __gt__(self, other): return Tensor._from_array(self.data > self._operand(other).data)
    def __ge__(self, other): return Tensor._from_array(self.data >= self._operand(other).data)
    def __eq__(self, other): return Tensor._from_array(self.data == self._operand(other).data)
    def __ne__(self, other): return Tensor._from_array(self.data != self._operand(other).data)

    # --- elementwise math -----------------------------------------------------------
    def exp(self) -> Tensor: return _ops.Exp.apply(dtypes.as_float(self))
    def log(self) -> Tensor: return _ops.Log.apply(dtypes.as_float(self))
    def sqrt(self) -> Tensor: return _ops.Sqrt.apply(dtypes.as_float(self))
    def abs(self) -> Tensor: return _ops.Abs.apply(self)
    def erf(self) -> Tensor: return _ops.Erf.apply(dtypes.as_float(self))
    def relu(self) -> Tensor: return _ops.ReLU.apply(self)
    def tanh(self) -> Tensor: return _ops.Tanh.apply(dtypes.as_float(self))
    def sigmoid(self) -> Tensor: return _ops.Sigmoid.apply(dtypes.as_float(self))
    def softplus(self) -> Tensor: return _ops.Softplus.apply(dtypes.as_float(self))

    def gelu(self, approximate: str = "none") -> Tensor:
        """x * Phi(x); `approximate="tanh"` gives the tanh approximation, as PyTorch."""
        if approximate == "tanh":
            inner = (self + self * self * self * 0.044715) * float(np.sqrt(2.0 / np.pi))
            return self * 0.5 * (inner.tanh() + 1)
        if approximate != "none":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return _ops.GELU.apply(dtypes.as_float(self))

    def maximum(self, other) -> Tensor:
        return _ops.Maximum.apply(*promote(self, self._operand(other)))

    def minimum(self, other) -> Tensor:
        return _ops.Minimum.apply(*promote(self, self._operand(other)))

    def clip(self, min=None, max=None) -> Tensor:  # noqa: A002 - NumPy/PyTorch names
        if min is None and max is None:
            raise ValueError("clip: give at least one of min and max")
        return _ops.Clip.apply(self, low=min, high=max)

    clamp = clip

    def astype(self, dtype) -> Tensor:
        """This tensor converted to `dtype` (differentiable between floating dtypes)."""
        dtype = dtypes.numeric_dtype(dtype, "astype")
        return self if dtype == self.dtype else _ops.Cast.apply(self, dtype=dtype)

    def float(self) -> Tensor: return self.astype(np.float32)
    def double(self) -> Tensor: return self.astype(np.float64)

    # --- reductions -----------------------------------------------------------------
    def _reduce(self, op, axis: Axis, keepdims: bool, **params) -> Tensor:
        axes = shapes.normalize_axis(axis, self.ndim, op.name)
        return op.apply(self, axes=axes, keepdims=keepdims, **params)

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self._reduce(_ops.Sum, axis, keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self._reduce(_ops.Mean, axis, keepdims)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Variance; `ddof=0` is the biased estimate (divide by n), `ddof=1` the unbiased."""
        return self._reduce(_ops.Var, axis, keepdims, ddof=ddof)

    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        return self.var(axis, ddof, keepdims).sqrt()

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self._reduce(_ops.Max, axis, keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self._reduce(_ops.Min, axis, keepdims)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self._reduce(_ops.LogSumExp, axis, keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        axis = shapes.single_axis(axis, self.ndim, "softmax")
        return _ops.Softmax.apply(dtypes.as_float(self), axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        axis = shapes.single_axis(axis, self.ndim, "log_softmax")
        return _ops.LogSoftmax.apply(dtypes.as_float(self), axis=axis)

    def argmax(self, axis: int | None = None) -> Tensor:
        return Tensor._from_array(np.asarray(np.argmax(self.data, axis=axis)))

    def argmin(self, axis: int | None = None) -> Tensor:
        return Tensor._from_array(np.asarray(np.argmin(self.data, axis=axis)))

    # --- shape ----------------------------------------------------------------------
    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape; one entry may be -1 (inferred)."""
        new_shape = shapes.resolve_shape(shapes.shape_argument(shape, "reshape"), self.shape)
        return self if new_shape == self.shape else _ops.Reshape.apply(self, shape=new_shape)

    view = reshape

    def transpose(self, *axes) -> Tensor:
        """Permute axes (NumPy semantics); no arguments reverses them."""
        axes = shapes.permutation(axes, self.ndim)
        return self if axes == tuple(range(self.ndim)) else _ops.Transpose.apply(self, axes=axes)

    permute = transpose

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """Axes reversed (the matrix transpose for 2-D tensors)."""
        return self.transpose()

    @property
    def mT(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The last two axes swapped (a batch of transposed matrices)."""
        return self.swapaxes(-1, -2)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        axes = list(range(self.ndim))
        (a,), (b,) = (shapes.normalize_axis(x, self.ndim, "swapaxes") for x in (axis1, axis2))
        axes[a], axes[b] = axes[b], axes[a]
        return self.transpose(*axes)

    def squeeze(self, axis: Axis = None) -> Tensor:
        """Remove axes of length 1 (all of them, or those in `axis`)."""
        return self.reshape(shapes.squeezed(self.shape, axis))

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert an axis of length 1 at position `axis` (of the result)."""
        (axis,) = shapes.normalize_axis(axis, self.ndim + 1, "unsqueeze")
        return self.reshape((*self.shape[:axis], 1, *self.shape[axis:]))

    def flatten(self, start_axis: int = 0, end_axis: int = -1) -> Tensor:
        """Merge axes `start_axis..end_axis` (inclusive) into one."""
        return self.reshape(shapes.flattened(self.shape, start_axis, end_axis))

    def broadcast_to(self, *shape) -> Tensor:
        """Repeat along new leading axes and axes of length 1 (NumPy broadcasting)."""
        shape = shapes.broadcast_target(self.shape, shapes.shape_argument(shape, "broadcast_to"))
        return self if shape == self.shape else _ops.BroadcastTo.apply(self, shape=shape)

    expand = broadcast_to

    def __getitem__(self, index) -> Tensor:
        index = _ops.normalize_index(index, self.shape)
        try:
            return _ops.GetItem.apply(self, index=index)
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None


# The ops import Tensor from this module, so they are bound after the class exists.
from minigrad import ops as _ops  # noqa: E402
from minigrad.autograd import engine as _engine  # noqa: E402
