"""Optimizer: the base class holding parameter groups and per-parameter state.

Updates write to each parameter's `.data` in place: no graph is recorded, and every
tensor that holds the parameter (a model, another optimizer) sees the new values. State
(momentum buffers, Adam's moments) is kept as NumPy arrays in the parameter's dtype.
"""

from __future__ import annotations

import copy
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from minigrad.autograd.grad_mode import enable_grad
from minigrad.tensor import Tensor


class Optimizer:
    """Base class: `params` is an iterable of tensors, or of dicts ("param groups") with a
    "params" entry and options that override `defaults` for that group.

    Subclasses implement `step()`; `zero_grad()` sets every `.grad` to None.

    >>> w, b = mg.zeros(2, requires_grad=True), mg.zeros(1, requires_grad=True)
    >>> opt = mg.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.5]
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name}: params must be an iterable of tensors (or of param-group "
                "dicts), got a single Tensor; wrap it in a list"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones take the defaults)."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{self._name}: a param group must be a dict with a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{self._name}: parameters must be tensors, got {type(p).__name__} at "
                    f"position {i}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{self._name}: parameter {i} (shape {p.shape}) is not a leaf tensor; "
                    "optimize the tensors you created, not results computed from them"
                )
            if p.dtype.kind != "f":
                raise TypeError(f"{self._name}: parameter {i} has dtype {p.dtype}, not floating")
        unique = list({id(p): p for p in reversed(params)}.values())[::-1]
        if len(unique) != len(params):
            # PyTorch warns here; updating a parameter twice per step would be a silent bug,
            # so each is kept once.
            warnings.warn(
                f"{self._name}: a parameter group lists the same parameter more than once; "
                "it is kept once (each parameter is updated once per step)",
                UserWarning, stacklevel=3,
            )
            params = unique
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(
                f"{self._name}: some parameters appear in more than one parameter group; "
                "each parameter can belong to one group only"
            )
        if not params:
            raise ValueError(f"{self._name}: got a param group with no parameters")
        full = {**self.defaults, **group, "params": params}
        self._check_options(full)
        self.param_groups.append(full)

    def _check_options(self, group: dict[str, Any]) -> None:
        """Validate a group's options; subclasses add their own checks."""
        lr = group.get("lr")
        if not isinstance(lr, numbers.Real) or lr < 0:
            raise ValueError(f"{self._name}: lr must be a number >= 0, got {lr!r}")
        weight_decay = group.get("weight_decay", 0.0)
        if weight_decay < 0:
            raise ValueError(f"{self._name}: weight_decay must be >= 0, got {weight_decay!r}")

    def zero_grad(self) -> None:
        """Set every parameter's `.grad` to None."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self, closure: Callable[[], Tensor] | None = None):
        """Update the parameters from their gradients; `closure` re-evaluates the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad.data, group, self.state.setdefault(p, {}))
        return loss

    def _update(self, param: Tensor, grad: np.ndarray, group: dict, state: dict) -> None:
        raise NotImplementedError(f"{self._name} does not define its update")

    # --- state ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {name: value}}, "param_groups": [{options, "params": [index]}]},
        parameters numbered in group order, so it can be saved with `minigrad.save`."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            numbered = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                numbered.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"},
                           "params": numbered})
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by `state_dict` (deep-copied, so the dict can be
        reused); the groups must have the same sizes as this optimizer's."""
        groups = state_dict.get("param_groups") if isinstance(state_dict, dict) else None
        if groups is None or "state" not in state_dict:
            raise ValueError(
                f"{self._name}.load_state_dict: expected a dict with 'state' and "
                "'param_groups' (from state_dict())"
            )
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: the state has {len(groups)} param groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        params = {}
        for i, (saved, group) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: param group {i} has "
                    f"{len(saved['params'])} parameters in the state, "
                    f"{len(group['params'])} here"
                )
            params.update(zip(saved["params"], group["params"]))
        state = {}
        for key, values in state_dict["state"].items():
            if int(key) not in params:
                raise ValueError(
                    f"{self._name}.load_state_dict: the state names parameter {key}, which "
                    "no param group lists"
                )
            p = params[int(key)]
            state[p] = {name: _restore(value, p) for name, value in values.items()}
        for saved, group in zip(groups, self.param_groups):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
        self.state = state

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _restore(value, param: Tensor):
    """A state entry as this optimizer keeps it: arrays copied in the parameter's dtype."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        if value.shape != param.shape:
            raise ValueError(
                f"load_state_dict: a state entry of shape {value.shape} does not fit the "
                f"parameter of shape {param.shape}"
            )
        return value.astype(param.dtype, copy=True)
    return copy.deepcopy(value)
