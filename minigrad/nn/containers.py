"""Containers: Sequential (a chain of modules) and ModuleList (a list that registers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from minigrad.nn.module import Module


class _IndexedModules(Module):
    """Submodules named "0", "1", ...: indexing, slicing, len, iteration, append."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module: Module) -> _IndexedModules:
        """Add `module` at the end; returns the container."""
        if not isinstance(module, Module):
            raise TypeError(
                f"{type(self).__name__}: expected a Module, got {type(module).__name__} "
                f"at position {len(self)}"
            )
        self.add_module(str(len(self)), module)
        return self

    def _index(self, index: int) -> str:
        size = len(self)
        if not -size <= index < size:
            raise IndexError(f"{type(self).__name__}: index {index} is out of range for "
                             f"{size} modules")
        return str(index % size)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        return self._modules[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(
                f"{type(self).__name__}: expected a Module, got {type(module).__name__}"
            )
        self._modules[self._index(index)] = module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class Sequential(_IndexedModules):
    """Modules applied in order: `Sequential(Linear(2, 8), ReLU(), Linear(8, 1))(x)`.
    Parameters are named by position: "0.weight", "2.bias".

    >>> net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> net(mg.ones(2, 3)).shape
    (2, 1)
    >>> [name for name, _ in net.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__(modules)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*list(self._modules.values())[index])
        return super().__getitem__(index)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(_IndexedModules):
    """A list of modules whose parameters the parent module sees (a plain list would hide
    them). It has no forward: the parent decides how to use its items.

    >>> parent = nn.Module()
    >>> parent.blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    >>> [name for name, _ in parent.named_parameters()]
    ['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']
    """


class ModuleDict(Module):
    """A dict of modules whose parameters the parent module sees, in insertion order.

    >>> blocks = nn.ModuleDict({"encoder": nn.Linear(4, 2), "head": nn.Linear(2, 1)})
    >>> blocks["head"]
    Linear(in_features=2, out_features=1, bias=True)
    >>> [name for name, _ in blocks.named_parameters()]
    ['encoder.weight', 'encoder.bias', 'head.weight', 'head.bias']
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def update(self, modules) -> None:
        """Add the (name, module) pairs of a dict or an iterable, in order."""
        items = modules.items() if hasattr(modules, "items") else modules
        for name, module in items:
            self[name] = module

    def __getitem__(self, name: str) -> Module:
        if name not in self._modules:
            raise KeyError(f"ModuleDict: no module named {name!r}; keys: {list(self._modules)}")
        return self._modules[name]

    def __setitem__(self, name: str, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict: expected a Module for {name!r}, got "
                            f"{type(module).__name__}")
        self.add_module(name, module)

    def __delitem__(self, name: str) -> None:
        del self._modules[name]

    def __contains__(self, name: str) -> bool:
        return name in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self):
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self):
        """(name, module) pairs, in insertion order."""
        return self._modules.items()

    def pop(self, name: str) -> Module:
        """Remove the module `name` and return it."""
        module = self[name]
        del self[name]
        return module
