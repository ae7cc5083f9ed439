"""Recording a backward pass as the engine runs it: the steps a viewer replays.

    from minigrad.autograd import record_backward

    with record_backward() as record:
        loss.backward(retain_graph=True)
    for step in record.steps:          # the engine's own order, one step per VJP call
        print(step.node.name, step.grad.shape, [g is not None for g in step.input_grads])

Nothing is recomputed: each step holds the very tensors the engine passed and received.
Outside a `record_backward()` block the engine reads one variable per backward call and
records nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.autograd.function import Node
    from minigrad.tensor import Tensor


@dataclass(frozen=True, eq=False)
class BackwardStep:
    """One VJP call of the engine.

    `grad` is the total gradient of the node's output (the sum over its consumers, after
    hooks); `input_grads` is aligned with `node.inputs`: the gradient sent to each input,
    summed to that input's shape and cast to its dtype, or None where none flows (the input
    needs no gradient, or the VJP returned none).

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> with record_backward() as record:
    ...     (x * x).sum().backward()
    >>> step = record.steps[-1]
    >>> step.node.name, step.grad
    ('mul', tensor([1., 1.], dtype=float32))
    >>> step.input_grads
    (tensor([1., 2.], dtype=float32), tensor([1., 2.], dtype=float32))
    """

    node: Node
    grad: Tensor
    input_grads: tuple[Tensor | None, ...]


@dataclass(eq=False)
class BackwardRecord:
    """What one or more backward passes did, in order: `steps` (one per VJP call) and
    `leaf_grads`, the (leaf, gradient) pairs delivered to leaves, after their hooks.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> with record_backward() as record:
    ...     (x * x).sum().backward()
    >>> [step.node.name for step in record.steps]
    ['sum', 'mul']
    >>> [(leaf is x, grad) for leaf, grad in record.leaf_grads]
    [(True, tensor([2., 4.], dtype=float32))]
    """

    steps: list[BackwardStep] = field(default_factory=list)
    leaf_grads: list[tuple[Tensor, Tensor]] = field(default_factory=list)


class _Active(threading.local):
    record: BackwardRecord | None = None


_active = _Active()


def active_record() -> BackwardRecord | None:
    """The record that this thread's backward passes write to, if any."""
    return _active.record


class record_backward:
    """Record the backward passes run in this thread inside the block.

    A context manager whose value is the `BackwardRecord`. Blocks nest: the inner one
    records, the outer one resumes after it.

    >>> x = mg.tensor(3.0, requires_grad=True)
    >>> with record_backward() as record:
    ...     (x * x).backward()
    >>> len(record.steps), record.leaf_grads[0][1]
    (1, tensor(6., dtype=float32))
    """

    def __init__(self) -> None:
        self.record = BackwardRecord()
        self._outer: BackwardRecord | None = None

    def __enter__(self) -> BackwardRecord:
        self._outer, _active.record = _active.record, self.record
        return self.record

    def __exit__(self, *exc_info) -> None:
        _active.record = self._outer


__all__ = ["BackwardRecord", "BackwardStep", "active_record", "record_backward"]
