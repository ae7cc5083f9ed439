"""The graph's public reading API: the one traversal.

Vertices are `Node`s (see `minigrad.autograd.function`); a node's `inputs` are tensors,
and a non-leaf tensor points back to the node that made it through `grad_fn`. Everything
that walks the graph (backward, `grad`, the renderer, gradient-path analysis) goes through
`topological_order`, so there is exactly one traversal and it is iterative: a chain of a
million nodes needs no recursion.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.autograd.function import Node


def topological_order(roots: Iterable[Node]) -> list[Node]:
    """Every node reachable from `roots`, each before the nodes that produced its inputs.

    This is the order backward needs: when a node is reached, all its consumers have been
    processed. Iterative depth-first search, linear in the size of the graph.

    >>> x = mg.tensor(2.0, requires_grad=True)
    >>> y = (x * 3).exp()
    >>> [node.name for node in topological_order([y.grad_fn])]
    ['exp', 'mul']
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
