"""What a graph keeps after a backward that did not retain it.

Each node frees what its VJP saved as soon as it has run (`Node.release`). The input
tensors stay in `node.inputs`, so that the graph can still be drawn and inspected, but the
values of those that nothing else holds (intermediate results the user did not keep) are
freed as well: a training loop that keeps every step's loss for plotting then keeps
ops, shapes, dtypes, names and gradients, not every step's activations.

Held elsewhere means referenced from outside this graph (a variable, a list, another
graph), which CPython's reference count tells exactly: the tensor is then left alone.
Parameters and other leaves that require grad are always left alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from minigrad.autograd.function import Node
from minigrad.tensor.freed import freed_array

# Smaller arrays are not worth the look-up: freeing them would save less than it costs.
WORTH_FREEING_BYTES = 512


def free_unreferenced_values(nodes: Iterable[Node]) -> None:
    """Replace the arrays of the tensors in these (released) nodes' inputs that only these
    nodes reference by zero-memory stand-ins (see `minigrad.tensor.freed`)."""
    appearances: dict[int, int] = {}
    candidates: dict[int, object] = {}
    for node in nodes:
        for tensor in node.inputs:
            if tensor._data.nbytes < WORTH_FREEING_BYTES or \
                    (tensor._requires_grad and tensor.grad_fn is None):
                continue
            key = id(tensor)
            appearances[key] = appearances.get(key, 0) + 1
            candidates[key] = tensor
    for key, count in appearances.items():
        tensor = candidates.pop(key)
        # Counted: the graph's `count` references, `tensor` and getrefcount's argument.
        # Anything more is a holder outside the graph.
        if sys.getrefcount(tensor) - 2 <= count:
            array = tensor._data
            tensor._data = freed_array(array.shape, array.dtype)
