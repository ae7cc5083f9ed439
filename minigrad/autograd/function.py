"""Primitives (`Function`) and the graph nodes they record (`Node`).

A primitive keeps its forward pass and its vector-Jacobian product side by side:

    class Mul(Function):
        '''z = a * b.   VJP: a_bar = g * b,  b_bar = g * a.'''

        @staticmethod
        def forward(ctx, a, b):          # NumPy arrays in, a NumPy array out
            return a * b

        @staticmethod
        def backward(ctx, g):            # Tensors in, Tensors out
            a, b = ctx.inputs
            return g * b, g * a

`Function.apply` runs `forward` on the inputs' arrays. When grad mode is on and an input
requires grad, the result's `grad_fn` is the `Node` that `forward` received as `ctx`.
Because every `backward` is written with Tensor operations, running it with grad mode on
records a graph of its own: that is all `create_graph=True` needs for any order.
"""

from __future__ import annotations

import operator
from typing import Any, ClassVar

import numpy as np

from minigrad.autograd.collector import defer, deferral
from minigrad.autograd.grad_mode import _mode
from minigrad.hooks import RemovableHandle, add_hook
from minigrad.tensor import Tensor

_data = operator.attrgetter("_data")  # the inputs' arrays, without a per-call comprehension


class Node:
    """One application of a primitive: the `ctx` of its forward and backward, and a vertex
    of the graph.

    Public attributes, read by tools such as the renderer:

    * `op`: the `Function` subclass; `op.name` is the printable name (`"mul"`).
    * `inputs`: the input tensors in call order, constants included. Kept after backward,
      so a graph can be drawn (and inspected) once gradients are known.
    * `params`: the keyword parameters of the call (`{"axis": 0, "keepdims": False}`).
    * `saved`: what `forward` stored with `save_for_backward`; `None` once released.
    * `released`: True after a backward that did not retain the graph.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> node = (x * 3).grad_fn
    >>> node, node.inputs[0] is x, node.params
    (<mul>, True, {})
    """

    __slots__ = (
        "__weakref__",
        "_hooks",
        "_output",
        "_retained",
        "_trace",
        "inputs",
        "op",
        "params",
        "released",
        "saved",
    )

    def __init__(self, op: type[Function], inputs: tuple[Tensor, ...], params: dict) -> None:
        self.op = op
        self.inputs = inputs
        self.params = params
        self.saved: tuple | None = ()
        self.released = False
        self._output: np.ndarray | None = None
        self._hooks: dict | None = None
        self._retained = None      # weak reference to a tensor that asked retain_grad()
        self._trace = None         # creation traceback, recorded under detect_anomaly()

    # -- used inside forward / backward -------------------------------------------------
    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays (or anything else) that `backward` needs; freed after backward."""
        self.saved = values

    @property
    def output(self) -> Tensor:
        """The op's output as a tensor attached to this node, for VJPs written in terms of it
        (`exp`, `tanh`, `softmax`, ...). Differentiating through it reaches this node."""
        return Tensor.wrap(self._output, self)

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """Which inputs need a gradient; a VJP may skip work for the others."""
        return tuple(t.requires_grad for t in self.inputs)

    # -- graph inspection ---------------------------------------------------------------
    @property
    def name(self) -> str:
        """The printable name of the node's op (`"mul"`), as drawings show it."""
        return self.op.name

    @property
    def parents(self) -> list[Node]:
        """The nodes that produced this node's inputs (inputs that are leaves have none)."""
        return [t.grad_fn for t in self.inputs if t.grad_fn is not None]

    def release(self) -> None:
        """Free what backward needed; the structure (op, inputs) stays for inspection."""
        self.saved = None
        self._output = None
        self.released = True

    def register_hook(self, hook) -> RemovableHandle:
        """Call `hook(grad)` with the gradient of this node's output; a returned tensor
        replaces it. `Tensor.register_hook` on a non-leaf tensor lands here."""
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, hook, "register_hook")

    def __repr__(self) -> str:
        return f"<{self.op.name}>"


class Function:
    """Base class of primitives; see the module docstring for the contract.

    >>> class Square(Function):
    ...     name = "square"
    ...     @staticmethod
    ...     def forward(ctx, a):
    ...         return a * a
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (a,) = ctx.inputs
    ...         return grad * 2 * a
    >>> x = mg.tensor([3.0], requires_grad=True)
    >>> y = Square.apply(x)
    >>> y
    tensor([9.], dtype=float32, grad_fn=<square>)
    >>> y.backward(mg.ones(1))
    >>> x.grad
    tensor([6.], dtype=float32)
    """

    name: ClassVar[str] = "function"

    @staticmethod
    def forward(ctx: Node, *arrays: np.ndarray, **params) -> np.ndarray:
        """The op on NumPy arrays (the inputs' data) and keyword parameters; returns an
        array. `ctx.save_for_backward(...)` keeps what `backward` needs."""
        raise NotImplementedError  # each primitive defines it

    @staticmethod
    def backward(ctx: Node, grad: Tensor):
        """The VJP: from the gradient of the output (a Tensor) to one gradient per input (a
        Tensor, or None for an input that needs none), written with Tensor operations so
        that it can be differentiated again. The engine sums each to its input's shape."""
        raise NotImplementedError  # each differentiable primitive defines it

    @staticmethod
    def expand(node: Node) -> Tensor | None:
        """For a fused primitive, the node's computation spelled with other primitives on
        the node's inputs (a small graph a drawing can show in the node's place), with no
        side effects; None for a primitive that is not a fusion of others."""
        return None

    @classmethod
    def is_fusion(cls) -> bool:
        """True for a fused primitive: one that defines `expand`."""
        return cls.expand is not Function.expand

    @classmethod
    def explain_error(cls, inputs: tuple[Tensor, ...], error: ValueError) -> Exception | None:
        """A clearer error (naming the op and the shapes) for a NumPy error from `forward`,
        or None to let NumPy's own through. Called only when forward has failed."""
        return None

    @classmethod
    def apply(cls, *inputs: Tensor, **params) -> Tensor:
        """Run the primitive on tensors, recording a node when a gradient may be needed."""
        recorded = False
        if _mode.enabled:
            for t in inputs:
                if t._requires_grad:
                    recorded = True
                    break
        ctx = Node(cls, inputs, params) if recorded or _anomaly.enabled else \
            _Unrecorded(inputs, params)
        try:
            # Spelled out for the common arities: building the arguments (`*map(...)`,
            # `**params`) costs a third of a small op's time, as much as NumPy's work.
            if params:
                out = cls.forward(ctx, *map(_data, inputs), **params)
            elif len(inputs) == 2:
                out = cls.forward(ctx, inputs[0]._data, inputs[1]._data)
            elif len(inputs) == 1:
                out = cls.forward(ctx, inputs[0]._data)
            else:
                out = cls.forward(ctx, *map(_data, inputs))
        except ValueError as error:
            clearer = cls.explain_error(inputs, error)
            if clearer is None:
                raise
            raise clearer from None
        if type(out) is not np.ndarray:  # NumPy returns scalars for 0-d results
            out = np.asarray(out)
        if _anomaly.enabled:
            _anomaly.check_forward(cls, inputs, out, ctx)
        if recorded:
            ctx._output = out
            if not deferral.active:  # a graph starts: see minigrad.autograd.collector
                defer()
            return Tensor.wrap(out, ctx)
        return Tensor.wrap(out)


class _Unrecorded:
    """The `ctx` of an application no graph records (grad mode off, or no input requires
    grad, as inside a VJP): what forward may read, and a `save_for_backward` that keeps
    nothing, since no backward will run. Cheaper to make than a `Node`."""

    __slots__ = ("inputs", "params")

    def __init__(self, inputs: tuple[Tensor, ...], params: dict) -> None:
        self.inputs, self.params = inputs, params

    def save_for_backward(self, *values: Any) -> None:
        pass

    needs_input_grad = Node.needs_input_grad


class _AnomalyMode:
    """Switch read on every op; `minigrad.detect_anomaly` turns it on and supplies the check.

    Off, it costs one attribute read per op."""

    enabled = False

    @staticmethod
    def check_forward(op, inputs, out, ctx) -> None:  # replaced while detection is on
        pass

    @staticmethod
    def check_backward(node, input_grads) -> None:  # replaced while detection is on
        pass


_anomaly = _AnomalyMode()
