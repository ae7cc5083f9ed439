"""The graph's public reading API: the one traversal, and the links `detach()` leaves.

Vertices are `Node`s (see `minigrad.autograd.function`); a node's `inputs` are tensors,
and a non-leaf tensor points back to the node that made it through `grad_fn`. Everything
that walks the graph (backward, `grad`, the renderer, gradient-path analysis) goes through
`topological_order`, so there is exactly one traversal and it is iterative: a chain of a
million nodes needs no recursion.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.autograd.function import Node
    from minigrad.tensor import Tensor


def topological_order(roots: Iterable[Node]) -> list[Node]:
    """Every node reachable from `roots`, each before the nodes that produced its inputs.

    This is the order backward needs: when a node is reached, all its consumers have been
    processed. Iterative depth-first search, linear in the size of the graph.
    """
    order: list[Node] = []
    visited: set[Node] = set()
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root.inputs))]
        while stack:
            node, pending = stack[-1]
            for tensor in pending:
                parent = tensor.grad_fn
                if parent is not None and parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(parent.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


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
