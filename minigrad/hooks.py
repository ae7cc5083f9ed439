"""Handles for registered hooks, shared by tensors, graph nodes and modules.

Every `register_*hook` in minigrad returns a `RemovableHandle`, as in PyTorch: `remove()`
unregisters the hook (twice is harmless), and the handle is a context manager that removes
it on exit. Hooks are kept in insertion-ordered dicts keyed by the handle's id, so removing
one hook never removes another that happens to be the same function.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

_ids = itertools.count()


class RemovableHandle:
    """Returned when a hook is registered: `remove()` unregisters it.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> handle = x.register_hook(lambda grad: grad * 10)
    >>> x.sum().backward()
    >>> handle.remove()
    >>> x.grad
    tensor([10., 10.], dtype=float32)
    """

    __slots__ = ("_hooks", "id")

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self.id = next(_ids)

    def remove(self) -> None:
        """Unregister the hook (again is harmless)."""
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()


def add_hook(hooks: dict, hook: Callable, caller: str = "register hook") -> RemovableHandle:
    """Add `hook` to `hooks` and return the handle that removes it."""
    if not callable(hook):
        raise TypeError(f"{caller}: the hook must be callable, got {hook!r}")
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle
