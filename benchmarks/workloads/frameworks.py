"""minigrad and PyTorch behind one small namespace, so a workload is written once for both.

minigrad's API follows PyTorch's (`nn.Linear`, `optim.Adam`, `F.cross_entropy`, ...), so
the code a user writes is the same text for either library; only tensor creation differs.
Writing it once also guarantees both libraries run exactly the same program.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Framework:
    name: str
    nn: ModuleType
    optim: ModuleType
    F: ModuleType  # nn.functional, spelled as PyTorch users do
    manual_seed: Callable[[int], Any]
    from_numpy: Callable[[np.ndarray], Any]  # a tensor of the array's values and dtype
    leaf: Callable[[np.ndarray], Any]  # a tensor that requires grad


def load(name: str) -> Framework:
    if name == "minigrad":
        import minigrad as mg
        from minigrad import nn, optim

        return Framework(name, nn, optim, nn.functional, mg.manual_seed, mg.Tensor,
                         lambda array: mg.Tensor(array, requires_grad=True))
    if name == "torch":
        import torch

        return Framework(name, torch.nn, torch.optim, torch.nn.functional, torch.manual_seed,
                         torch.from_numpy,
                         lambda array: torch.from_numpy(array).requires_grad_())
    raise ValueError(f"no framework named {name!r}")


def builders(build: Callable[[Any, Framework], Any]) -> dict[str, Callable[[Any], Any]]:
    """`{"minigrad": f, "torch": f}` from one `build(arg, framework)`: each `f(arg)` loads
    its framework (importing the library) only when called."""
    return {name: (lambda arg, name=name: build(arg, load(name))) for name in ("minigrad", "torch")}
