"""The Tensor class: an n-d array that remembers how it was computed.

`data` is a NumPy array; `grad_fn` is the graph node that produced the tensor (None for
leaves); `grad` receives gradients from `backward()`. The differentiable methods come from
the mixins beside this module, each delegating to a primitive in `minigrad.ops`, which
computes with NumPy and records the graph. Writing to `.data` directly is outside
autograd, as in PyTorch: the graph does not see it.
"""

from __future__ import annotations

import numbers
import operator
import weakref
from collections.abc import Callable

import numpy as np

from minigrad import dtypes
from minigrad.hooks import RemovableHandle, add_hook
from minigrad.tensor.arithmetic import Arithmetic
from minigrad.tensor.conversions import Conversions
from minigrad.tensor.detach import DetachLink
from minigrad.tensor.freed import is_freed
from minigrad.tensor.indexing import Indexing
from minigrad.tensor.math import Math
from minigrad.tensor.reductions import Reductions
from minigrad.tensor.scans import Scans
from minigrad.tensor.shaping import Shaping

_ndarray = np.ndarray
_new_object = object.__new__


def _set_data(tensor: Tensor, value) -> None:
    """`tensor.data = value`: an ndarray (or a tensor, whose array is taken) of a supported
    dtype, any shape, as in PyTorch. Checked here so that a list or a string fails now,
    naming the problem, instead of inside the next op."""
    if isinstance(value, Tensor):
        value = value._data
    if type(value) is not np.ndarray and not isinstance(value, np.ndarray):
        raise TypeError(
            f"Tensor.data: expected a NumPy array (or a Tensor), got {type(value).__name__}; "
            "wrap it first, e.g. x.data = np.asarray(value, dtype=x.dtype)"
        )
    dtypes.check_supported(value.dtype, "Tensor.data")
    if tensor._requires_grad and not dtypes.is_floating(value.dtype):
        raise TypeError(
            f"Tensor.data: this tensor requires grad, so its data must be floating point, "
            f"got {value.dtype}"
        )
    tensor._data = value


class Tensor(Conversions, Arithmetic, Reductions, Shaping, Math, Scans, Indexing):
    """An n-d array with reverse-mode automatic differentiation.

    Attributes:
        data (np.ndarray): the values; writing into it is outside autograd.
        grad (Tensor | None): the gradient that `backward()` accumulated (leaves, and
            tensors that called `retain_grad()`); None before the first backward.
        grad_fn (Node | None): the graph node of the op that made this tensor; None for
            leaves.
        name (str | None): a label for drawings and error messages.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.], dtype=float32)
    """

    __slots__ = (
        "__weakref__",
        "_data",
        "_detach_link",
        "_hooks",
        "_requires_grad",
        "grad",
        "grad_fn",
        "name",
    )
    __array_ufunc__ = None  # `ndarray * tensor` defers to Tensor.__rmul__, keeping the graph
    __hash__ = object.__hash__  # __eq__ is elementwise; hash by identity, as PyTorch

    # The array. Reading is a C-level getter on the `_data` slot (the hot path reads the
    # slot itself); assigning is checked by `_set_data`.
    data = property(operator.attrgetter("_data"), _set_data, doc="""
        The NumPy array holding the values (assignment is outside autograd).

        >>> x = mg.tensor([1.0, 2.0])
        >>> x.data
        array([1., 2.], dtype=float32)
        >>> x.data = np.array([3.0, 4.0], dtype=np.float32)
        >>> x
        tensor([3., 4.], dtype=float32)
        """)

    def __init__(self, data, requires_grad: bool = False, dtype=None,
                 name: str | None = None) -> None:
        if isinstance(data, Tensor):
            data = data._data
        self._data: np.ndarray = dtypes.as_array(data, dtype)
        self.grad: Tensor | None = None
        self._requires_grad = False
        self.grad_fn = None
        self._hooks: list | None = None
        self._detach_link = None
        self.name = name
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def wrap(cls, data: np.ndarray, node=None) -> Tensor:
        """Wrap an array as a tensor without copying or checking it: the fast constructor
        for code that computed the array itself (primitives, the engine, optimizers).

        Without `node` the result is a constant leaf (`requires_grad=False`): a mask, a
        sign or a saved statistic inside a VJP, whose own derivative is zero. With `node`
        it is that node's output (`grad_fn=node`), which is how `Function.apply` returns
        results. NumPy scalars become 0-d arrays; the dtype is kept as it is.

        >>> Tensor.wrap(np.array([1.0, 2.0]))
        tensor([1., 2.], dtype=float64)
        """
        # Every op's result passes here: one store per slot, no tuple, no lookups in `np`.
        if type(data) is not _ndarray:
            data = np.asarray(data)
        t = _new_object(cls)
        t._data = data
        t.grad = None
        t.grad_fn = node
        t._requires_grad = node is not None
        t._hooks = t._detach_link = t.name = None
        return t

    # --- autograd attributes --------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether ops on this tensor are recorded for backward; settable on leaves of a
        floating dtype.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> x.requires_grad, (x * 2).requires_grad, mg.tensor([1.0]).requires_grad
        (True, True, False)
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad: can only be changed on leaf tensors; this tensor was made "
                f"by '{self.grad_fn.op.name}' (use detach() for a leaf copy)"
            )
        if value and not dtypes.is_floating(self._data.dtype):
            raise TypeError(
                f"requires_grad: only floating-point tensors can require grad, this one is "
                f"{self._data.dtype}"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self.

        >>> mg.zeros(2).requires_grad_().requires_grad
        True
        """
        self.requires_grad = requires_grad
        return self

    @property
    def values_freed(self) -> bool:
        """True when backward freed this tensor's values (it was an intermediate that only
        the graph held); shape, dtype, name and gradient remain for drawings.

        >>> x = mg.zeros(1000, requires_grad=True)
        >>> loss = x.exp().sum()
        >>> loss.backward()
        >>> hidden = loss.grad_fn.inputs[0]
        >>> hidden.values_freed, hidden.shape
        (True, (1000,))
        """
        return is_freed(self._data)

    @property
    def is_leaf(self) -> bool:
        """True when no recorded op produced this tensor.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    @property
    def detached_from(self):
        """For a tensor made by `detach()`, the `DetachLink` to its source; else None.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> x.detach().detached_from
        <DetachLink to a tensor of shape (2,)>
        """
        return self._detach_link

    def detach(self) -> Tensor:
        """A leaf sharing this tensor's data, cut from the graph: gradient never crosses.

        The result keeps a weak, drawing-only link to its source (`detached_from`), so a
        renderer can show where the graph was cut without keeping old graphs alive.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x.detach()).sum().backward()
        >>> x.grad
        tensor([1., 2.], dtype=float32)
        """
        out = Tensor.wrap(self._data)
        if self._requires_grad:
            out._detach_link = DetachLink(self)
        return out

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` after backward.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x * 2
        >>> y.retain_grad()
        >>> (y * y).sum().backward()
        >>> y.grad
        tensor([4., 8.], dtype=float32)
        """
        if self.grad_fn is None:
            return  # leaves keep their gradient anyway
        self.grad_fn._retained = weakref.ref(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose `remove()` unregisters the hook.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda grad: grad * 10)
        >>> x.sum().backward()
        >>> x.grad
        tensor([10., 10.], dtype=float32)
        """
        if not self._requires_grad:
            raise RuntimeError("register_hook: the tensor does not require grad")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(hook)
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, hook, "register_hook")

    def backward(self, gradient=None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate the gradient of this tensor into the `.grad` of the leaves.

        See `minigrad.autograd.engine.backward`.

        >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> (x ** 2).sum().backward()
        >>> x.grad
        tensor([2., 4.], dtype=float32)
        >>> (x * 3).backward(mg.tensor([1.0, -1.0]))
        >>> x.grad
        tensor([5., 1.], dtype=float32)
        """
        # The engine sits above the tensor layer; it is loaded by `import minigrad`, so
        # this import only looks it up (once per backward, not per op).
        from minigrad.autograd.engine import backward

        backward(self, gradient, retain_graph, create_graph)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extras = [f"dtype={self._data.dtype}"]
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.op.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"tensor({body}, {', '.join(extras)})"

    def _operand(self, other) -> Tensor:
        """`other` as a tensor; Python and NumPy scalars take this tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (numbers.Number, np.generic)):
            return Tensor.wrap(dtypes.scalar_like(other, self._data))
        return Tensor(other)
