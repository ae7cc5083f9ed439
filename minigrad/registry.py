"""The registry of primitives: one explicit table that tests and tools can enumerate.

A primitive joins it with one line, `@register`, above its class in `minigrad.ops`. The
table is read two ways:

* `PRIMITIVES`, a read-only mapping from name to primitive, for tools that list them all
  (the gradcheck and conformance tables fail when a primitive has no entry);
* `primitives`, the same primitives as attributes (`primitives.add`), which is how
  `Tensor`'s methods reach them.

The registry sits below `minigrad.tensor` and knows nothing of what it holds: the
primitives create Tensors, so they import the tensor module, never the other way round.
Tensor's methods look a primitive up here when they are called, by which time
`import minigrad` has imported every primitive family.
"""

from __future__ import annotations

from types import MappingProxyType, SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minigrad.autograd.function import Function

primitives = SimpleNamespace()
PRIMITIVES: MappingProxyType[str, type[Function]] = MappingProxyType(vars(primitives))


def register(op: type[Function]) -> type[Function]:
    """Add a primitive to the registry under its `name`."""
    if op.name in PRIMITIVES:
        raise ValueError(f"register: a primitive named {op.name!r} already exists")
    setattr(primitives, op.name, op)
    return op
