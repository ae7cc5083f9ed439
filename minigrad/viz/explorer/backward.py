"""One real backward pass, recorded step by step for the page.

The explorer never computes a gradient of its own: it runs the engine (`minigrad.grad`,
with `retain_graph=True`, so the graph survives and users' `.grad` stays untouched) under
the engine's recorder, which reports every node in the order its VJP runs, the gradient
it received and what it sent to each input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from minigrad.autograd.engine import grad as engine_grad
from minigrad.autograd.engine import sum_to_shape
from minigrad.autograd.function import Node
from minigrad.autograd.grad_mode import no_grad
from minigrad.autograd.graph import topological_order
from minigrad.tensor import Tensor

try:
    from minigrad.autograd import record_backward
except ImportError:  # an engine without a recorder: node hooks stand in for it
    record_backward = None


@dataclass(eq=False)
class Step:
    """A recorded VJP call: the node, its total gradient, its gradient per input."""

    node: Node
    grad: Tensor
    input_grads: tuple


@dataclass(eq=False)
class Record:
    steps: list = field(default_factory=list)
    leaf_grads: list = field(default_factory=list)


def reachable_leaves(roots: Sequence[Tensor]) -> list[Tensor]:
    """The leaves that require grad and that the roots depend on, in traversal order."""
    leaves: dict[Tensor, None] = {}
    nodes = [t.grad_fn for t in roots if t.grad_fn is not None]
    for node in topological_order(nodes):
        for tensor in node.inputs:
            if tensor.grad_fn is None and tensor.requires_grad:
                leaves.setdefault(tensor, None)
    for tensor in roots:
        if tensor.grad_fn is None and tensor.requires_grad:
            leaves.setdefault(tensor, None)
    return list(leaves)


def seed_for(root: Tensor) -> Tensor:
    """The gradient a root starts from: ones of its shape (1 for the usual scalar loss)."""
    return Tensor(np.ones(root.shape, dtype=root.dtype))


def run(roots: Sequence[Tensor], seeds: Sequence[Tensor]):
    """Run reverse mode from `roots` (seeded with `seeds`) and return its record, with
    `.steps` (each with `.node`, `.grad`, `.input_grads`) and `.leaf_grads`."""
    leaves = reachable_leaves(roots)
    if record_backward is None:
        return _run_with_hooks(roots, seeds, leaves)
    with record_backward() as record:
        if leaves:
            engine_grad(list(roots), leaves, grad_outputs=list(seeds), retain_graph=True,
                        allow_unused=True)
    return record


def _run_with_hooks(roots, seeds, leaves) -> Record:
    """Stand-in for the engine's recorder: a hook on each node sees its gradient in the
    engine's order; each node's per-input gradients come from its own VJP."""
    record = Record()
    handles = []
    for node in topological_order([t.grad_fn for t in roots if t.grad_fn is not None]):
        def hook(grad, node=node):
            record.steps.append(Step(node, grad, ()))
        handles.append(node.register_hook(hook))
    try:
        grads = engine_grad(list(roots), leaves, grad_outputs=list(seeds),
                            retain_graph=True, allow_unused=True) if leaves else ()
    finally:
        for handle in handles:
            handle.remove()
    with no_grad():
        for step in record.steps:
            sent = step.node.op.backward(step.node, step.grad)
            sent = sent if isinstance(sent, tuple) else (sent,)
            step.input_grads = tuple(
                None if g is None or not t.requires_grad else
                sum_to_shape(g, t.shape).astype(t.dtype)
                for t, g in zip(step.node.inputs, sent))
    record.leaf_grads = [(leaf, g) for leaf, g in zip(leaves, grads) if g is not None]
    return record
