"""Where a detached tensor came from: drawn, never differentiated."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor


class DetachLink:
    """Where a detached tensor came from: drawn, never differentiated.

    `x.detach()` returns a leaf that carries one of these. It holds the source only weakly,
    so detached values kept across training steps (running statistics, a truncated RNN
    state) never keep old graphs alive. For the common case where the source was a
    temporary (`x - x.mean(0).detach()`), the link also remembers the op that made the
    source and weak references to that op's inputs, so the renderer can still draw
    `x -> mean -> (detached) -> sub` while `x` is alive.
    """

    __slots__ = ("_op_inputs", "_source", "dtype", "op_name", "shape")

    def __init__(self, source: Tensor) -> None:
        self._source = weakref.ref(source)
        node = source.grad_fn
        self.op_name: str | None = node.op.name if node is not None else None
        self._op_inputs = tuple(weakref.ref(t) for t in node.inputs) if node is not None else ()
        self.shape = source.shape
        self.dtype = source.dtype

    @property
    def source(self) -> Tensor | None:
        """The tensor that was detached, or None if it has been freed."""
        return self._source()

    @property
    def op_inputs(self) -> tuple[Tensor | None, ...]:
        """The inputs of the op that made the source (None where freed)."""
        return tuple(ref() for ref in self._op_inputs)

    def __repr__(self) -> str:
        made_by = f" made by {self.op_name}" if self.op_name else ""
        alive = "" if self.source is not None else " (source freed)"
        return f"<DetachLink to a tensor of shape {self.shape}{made_by}{alive}>"
