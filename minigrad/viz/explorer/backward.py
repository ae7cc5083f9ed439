"""One real backward pass, recorded step by step for the page.

The explorer never computes a gradient of its own: it runs the engine (`minigrad.grad`,
with `retain_graph=True`, so the graph survives and users' `.grad` stays untouched) under
`record_backward`, which reports every node in the order its VJP runs, the gradient it
received and what it sent to each input.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from minigrad.autograd import BackwardRecord, grad, record_backward, topological_order
from minigrad.autograd.engine import seed_gradient
from minigrad.tensor import Tensor


def reachable_leaves(roots: Sequence[Tensor]) -> list[Tensor]:
    """The leaves that require grad and that the roots depend on, in traversal order."""
    leaves: dict[Tensor, None] = {}
    for node in topological_order([t.grad_fn for t in roots if t.grad_fn is not None]):
        for tensor in node.inputs:
            if tensor.grad_fn is None and tensor.requires_grad:
                leaves.setdefault(tensor, None)
    for tensor in roots:
        if tensor.grad_fn is None and tensor.requires_grad:
            leaves.setdefault(tensor, None)
    return list(leaves)


def seeds(roots: Sequence[Tensor], grad_outputs) -> tuple[list[Tensor], bool]:
    """The gradients the pass starts from, and whether some root was seeded with ones
    for want of `grad_outputs` (a root that is not a scalar)."""
    if grad_outputs is None:
        ones = [None if root.size == 1 else np.ones(root.shape, dtype=root.dtype)
                for root in roots]
        return ([seed_gradient(root, g, "explore") for root, g in zip(roots, ones)],
                any(g is not None for g in ones))
    given = list(grad_outputs) if isinstance(grad_outputs, list | tuple) else [grad_outputs]
    if len(given) != len(roots):
        raise ValueError(f"explore: got {len(given)} grad_outputs for {len(roots)} roots")
    return [seed_gradient(root, g, "explore", argument="grad_outputs")
            for root, g in zip(roots, given)], False


def run(roots: Sequence[Tensor], seed: Sequence[Tensor]) -> BackwardRecord:
    """Run reverse mode from `roots` (starting from `seed`) and return its record."""
    leaves = reachable_leaves(roots)
    with record_backward() as record:
        if leaves:
            grad(list(roots), leaves, grad_outputs=list(seed), retain_graph=True,
                 allow_unused=True)
    return record
