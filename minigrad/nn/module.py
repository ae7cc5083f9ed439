"""Module: the base class of layers and models, with PyTorch's interface.

Assigning a `Parameter` or a `Module` to an attribute registers it; buffers (state that is
saved but not learned, such as running statistics) are registered with `register_buffer`.
Names are dotted paths from the root module: `"0.weight"`, `"1.running_mean"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from minigrad.nn import hooks as _hooks
from minigrad.nn.module_state import ModuleState
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor


class Module(ModuleState):
    """Base class of layers and models: subclasses set attributes in `__init__` (after
    `super().__init__()`) and define `forward`; calling the module runs `forward` with the
    hooks around it.

    >>> class Affine(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = Parameter(np.ones(3))
    ...     def forward(self, x):
    ...         return x * self.scale
    """

    training: bool

    def __init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        setattr_(self, "_parameters", {})
        setattr_(self, "_buffers", {})
        setattr_(self, "_non_persistent_buffers", set())
        setattr_(self, "_modules", {})
        setattr_(self, "_forward_pre_hooks", {})
        setattr_(self, "_forward_hooks", {})

    def forward(self, *args, **kwargs):
        """The module's computation; every subclass defines it. Call the module
        (`module(x)`), not `forward`, so that the hooks run around it.

        >>> nn.ReLU().forward(mg.tensor([-1.0, 1.0]))
        tensor([0., 1.], dtype=float32)
        """
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        pre_hooks = (*_hooks.global_forward_pre_hooks.values(), *self._forward_pre_hooks.values())
        post_hooks = (*_hooks.global_forward_hooks.values(), *self._forward_hooks.values())
        for hook in pre_hooks:
            replaced = hook(self, args)
            if replaced is not None:
                args = replaced if isinstance(replaced, tuple) else (replaced,)
        output = self.forward(*args, **kwargs)
        for hook in post_hooks:
            replaced = hook(self, args, output)
            if replaced is not None:
                output = replaced
        return output

    # --- registration ---------------------------------------------------------------
    def _check_initialized(self, name: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() is called; call "
                "super().__init__() first in the __init__ of "
                f"{type(self).__name__}"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, (Parameter, Module)):
            self._check_initialized(name)
            self.__dict__.pop(name, None)
            for table in (self._parameters, self._buffers, self._modules):
                table.pop(name, None)
            self._non_persistent_buffers.discard(name)
            (self._parameters if isinstance(value, Parameter) else self._modules)[name] = value
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to parameter {name!r} of "
                    f"{type(self).__name__}: use a Parameter (or None)"
                )
            self._parameters[name] = None
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to buffer {name!r} of "
                    f"{type(self).__name__}: use a Tensor (or None)"
                )
            self._buffers[name] = value
        elif "_modules" in self.__dict__ and name in self._modules and value is None:
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries.
        state = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in state and name in state[table]:
                return state[table][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (or a placeholder None) under `name`.

        >>> m = Module()
        >>> m.register_parameter("w", Parameter(np.ones(2)))
        >>> [name for name, _ in m.named_parameters()]
        ['w']
        """
        self._check_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or None, got "
                f"{type(param).__name__}"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not learned (running statistics, counters).
        Persistent buffers are part of `state_dict()`.

        >>> m = Module()
        >>> m.register_buffer("count", mg.zeros(1))
        >>> list(m.state_dict())
        ['count']
        """
        self._check_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: {name!r} must be a Tensor or None, got {type(tensor).__name__}"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a submodule under `name` (which may be a number, as in Sequential).

        >>> m = Module()
        >>> m.add_module("head", nn.Linear(3, 2))
        >>> m
        Module(
          (head): Linear(in_features=3, out_features=2, bias=True)
        )
        """
        self._check_name(name, "module", "_modules")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        self._modules[name] = module

    def _check_name(self, name: str, kind: str, table: str) -> None:
        self._check_initialized(name)
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(f"{kind} name must be a non-empty string without '.', got {name!r}")
        others = [t for t in ("_parameters", "_buffers", "_modules") if t != table]
        if name in self.__dict__ or any(name in self.__dict__[t] for t in others):
            raise KeyError(f"cannot register {kind} {name!r}: the name is already in use")

    # --- traversal ------------------------------------------------------------------
    def named_modules(self, memo: set | None = None,
                      prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every submodule, depth first, each once, with its dotted name.

        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_modules()]
        ['', '0', '1']
        """
        memo = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if module in memo:
                continue
            memo.add(module)
            yield name, module
            children = [(f"{name}.{n}" if name else n, m)
                        for n, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every submodule, depth first, each once.

        >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).modules()]
        ['Sequential', 'Linear', 'ReLU']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct submodule, each once, in assignment order.

        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_children()]
        ['0', '1']
        """
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct submodules (not their submodules), each once.

        >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.ReLU()).children()))
        2
        """
        for _, module in self.named_children():
            yield module

    def _named_members(self, table: str, prefix: str, recurse: bool):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or value in seen:
                    continue
                seen.add(value)
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(self, prefix: str = "",
                         recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules appears once.

        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2)).named_parameters()]
        ['0.weight', '0.bias']
        """
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter of this module and (with `recurse`) its submodules, each once:
        what an optimizer takes.

        >>> [tuple(p.shape) for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs: state that is saved but not trained
        (`running_mean`, `running_var`, ...).

        >>> [name for name, _ in nn.BatchNorm1d(4).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
        """
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer of this module and (with `recurse`) its submodules.

        >>> [tuple(b.shape) for b in nn.BatchNorm1d(4).buffers()][:2]
        [(4,), (4,)]
        """
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # --- modes and gradients --------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, BatchNorm uses batch statistics) recursively.

        >>> model.train().training
        True
        """
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode recursively: `train(False)`.

        >>> model.eval().training
        False
        """
        return self.train(False)

    def zero_grad(self) -> None:
        """Set every parameter's `.grad` to None (the next backward starts afresh).

        >>> model(mg.ones(4, 3)).sum().backward()
        >>> model.zero_grad()
        >>> model.weight.grad is None
        True
        """
        for param in self.parameters():
            param.grad = None

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set `requires_grad` on every parameter (False freezes the module); returns it.

        >>> model.requires_grad_(False).weight.requires_grad
        False
        """
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    # --- hooks ----------------------------------------------------------------------
    def register_forward_pre_hook(self, hook: _hooks.ForwardPreHook) -> _hooks.RemovableHandle:
        """Call `hook(module, inputs)` before each forward of this module; a returned value
        replaces the inputs.

        >>> handle = model.register_forward_pre_hook(lambda module, inputs: print(inputs[0].shape))
        >>> y = model(mg.ones(4, 3))
        (4, 3)
        >>> handle.remove()
        """
        return _hooks.add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: _hooks.ForwardHook) -> _hooks.RemovableHandle:
        """Call `hook(module, inputs, output)` after each forward of this module; a returned
        value replaces the output.

        >>> handle = model.register_forward_hook(lambda module, inputs, out: print(out.shape))
        >>> y = model(mg.ones(4, 3))
        (4, 2)
        >>> handle.remove()
        """
        return _hooks.add_hook(self._forward_hooks, hook)

    # --- printing -------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in `repr` (its settings).

        >>> nn.Linear(3, 2).extra_repr()
        'in_features=3, out_features=2, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): {_indent(repr(module))}" for name, module in self._modules.items()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = "\n  ".join(([extra] if extra else []) + lines)
        return f"{type(self).__name__}(\n  {body}\n)"

    def __dir__(self):
        return sorted({*super().__dir__(), *self._parameters, *self._buffers, *self._modules})


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")
