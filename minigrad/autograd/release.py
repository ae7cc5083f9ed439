"""What a graph keeps after a backward that did not retain it.

Each node frees what its VJP saved as soon as it has run (`Node.release`). The graph's
structure stays (`node.inputs`), so that it can still be drawn and inspected, but not the
values of the tensors in it: a training loop that keeps every step's loss for a plot then
keeps ops, shapes, dtypes, names and gradients, not every step's batch and activations,
as in PyTorch.

* A tensor that only the graph holds (an intermediate nobody kept) has its array replaced,
  in place, by a zero-memory stand-in (`minigrad.tensor.freed`).
* A tensor held elsewhere too (the batch in the user's variable, an activation the user
  kept) is left as it is, and the graph's reference to it is replaced by a stand-in tensor
  with the same shape, dtype, name, gradient and `grad_fn`. The user's tensor keeps its
  values; the graph no longer keeps them alive once the user lets go.
* Parameters (and every leaf that requires grad) are left alone: they live on.

"Held elsewhere" is CPython's reference count beyond the graph's own references. One
consequence for drawings: a drawing made after backward shows such a tensor through its
stand-in, so it is named by its `.name`, not by a `params=` mapping to the original.
"""

from __future__ import annotations

import sys

from minigrad.autograd.function import Node
from minigrad.tensor import Tensor
from minigrad.tensor.freed import freed_array

# Smaller arrays are not worth the look-up: freeing them would save less than it costs.
WORTH_FREEING_BYTES = 512


def _stand_in(tensor: Tensor) -> Tensor:
    """A tensor like `tensor` (shape, dtype, name, gradient, graph link) without values."""
    array = tensor._data
    stand_in = Tensor.wrap(freed_array(array.shape, array.dtype), tensor.grad_fn)
    stand_in._requires_grad = tensor._requires_grad
    stand_in.name, stand_in.grad = tensor.name, tensor.grad
    stand_in._detach_link = tensor._detach_link
    return stand_in


def free_values(nodes: list[Node]) -> None:
    """Free the values of the tensors in these (released) nodes' inputs, as above."""
    worth = WORTH_FREEING_BYTES  # a local: this scan runs once per input of every node
    large = [tensor for node in nodes for tensor in node.inputs if tensor._data.nbytes >= worth]
    if not large:  # a graph of small tensors: nothing worth freeing
        return
    appearances: dict[int, int] = {}
    candidates: dict[int, Tensor] = {}
    for tensor in large:
        if tensor.grad_fn is not None or not tensor._requires_grad:
            key = id(tensor)
            appearances[key] = appearances.get(key, 0) + 1
            candidates[key] = tensor
    stand_ins: dict[int, Tensor] = {}
    for key, count in appearances.items():
        tensor = candidates.pop(key)
        # Counted: the graph's `count` references, `tensor` and getrefcount's argument.
        # Anything more is a holder outside the graph.
        if sys.getrefcount(tensor) - 2 <= count:
            array = tensor._data
            tensor._data = freed_array(array.shape, array.dtype)
        else:
            stand_ins[key] = _stand_in(tensor)
    if stand_ins:
        for node in nodes:
            node.inputs = tuple(stand_ins.get(id(t), t) for t in node.inputs)
