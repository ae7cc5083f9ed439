"""Forward hooks: functions called around every module call.

Per module, `Module.register_forward_pre_hook(hook)` and `Module.register_forward_hook(hook)`;
for all modules at once, `register_module_forward_pre_hook(hook)` and
`register_module_forward_hook(hook)`. The order of one call, as in PyTorch:

    global pre-hooks, the module's pre-hooks      hook(module, inputs) -> None | new inputs
    module.forward(*inputs)
    global hooks, the module's hooks              hook(module, inputs, output) -> None | new output

`inputs` is the tuple of positional arguments. Nested calls run their hooks inside the
outer call, so a global hook sees every module call, innermost calls finishing first. A tool
that groups the graph's nodes by module (a renderer drawing one cluster per layer) needs no
more than this: the pre-hook marks where a call starts, the hook receives its output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minigrad.hooks import RemovableHandle, add_hook

ForwardPreHook = Callable[[Any, tuple], Any]
ForwardHook = Callable[[Any, tuple, Any], Any]

global_forward_pre_hooks: dict[int, ForwardPreHook] = {}
global_forward_hooks: dict[int, ForwardHook] = {}


def register_module_forward_pre_hook(hook: ForwardPreHook) -> RemovableHandle:
    """Call `hook(module, inputs)` before every module's forward; a returned value replaces
    the inputs (a tuple, or a single value meaning a 1-tuple).

    >>> called = []
    >>> handle = register_module_forward_pre_hook(
    ...     lambda module, inputs: called.append(type(module).__name__))
    >>> y = nn.Sequential(nn.Linear(3, 2), nn.ReLU())(mg.ones(1, 3))
    >>> handle.remove()
    >>> called
    ['Sequential', 'Linear', 'ReLU']
    """
    return add_hook(global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: ForwardHook) -> RemovableHandle:
    """Call `hook(module, inputs, output)` after every module's forward, nested calls
    included; a returned value replaces the output.

    >>> shapes = []
    >>> with register_module_forward_hook(lambda module, inputs, out: shapes.append(out.shape)):
    ...     y = nn.Sequential(nn.Linear(3, 4), nn.ReLU())(mg.ones(1, 3))
    >>> shapes
    [(1, 4), (1, 4), (1, 4)]
    """
    return add_hook(global_forward_hooks, hook)


__all__ = ["RemovableHandle", "add_hook", "register_module_forward_hook",
           "register_module_forward_pre_hook"]
