"""The registry of primitives: one explicit table that tests and tools can enumerate.

A primitive joins it with one line, `@register`, above its class. The gradcheck tests
assert that every registered primitive appears in their table, so an op cannot be added
without its derivative being checked.
"""

from __future__ import annotations

from minigrad.autograd.function import Function

PRIMITIVES: dict[str, type[Function]] = {}


def register(op: type[Function]) -> type[Function]:
    """Add a primitive to `PRIMITIVES` under its `name`."""
    if op.name in PRIMITIVES:
        raise ValueError(f"register: a primitive named {op.name!r} already exists")
    PRIMITIVES[op.name] = op
    return op
