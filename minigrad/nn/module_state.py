"""What a module holds, as a whole: its state (`state_dict`, `load_state_dict`) and its
floating dtype (`to`, `float`, `double`).

A mixin of `Module` (it reads the module's parameters and buffers through
`named_parameters` and `named_buffers`); state names are dotted paths from the root module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from minigrad.tensor import Tensor

if TYPE_CHECKING:
    from minigrad.nn.module import Module


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` did not match.

    >>> nn.Linear(3, 2).load_state_dict({"weight": mg.zeros(2, 3)}, strict=False)
    IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


def _as_values_for(value, dtype: np.dtype) -> tuple[np.ndarray | None, str | None]:
    """(array, None) for a state-dict value that can be copied into an array of `dtype`,
    or (None, what is wrong): strings, objects and ragged lists cannot, and complex values
    would lose their imaginary part in a real array."""
    try:
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
    except (ValueError, TypeError) as error:
        return None, f"cannot be converted to an array ({error})"
    if array.dtype.kind not in "biufc":
        return None, (f"is not numeric ({type(value).__name__} of dtype {array.dtype}); "
                      f"the model holds {dtype}")
    if array.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        return None, f"is complex; the model holds {dtype}, which would drop the imaginary part"
    return array, None


class ModuleState:
    """Mixin of `Module`: its state as a dict of tensors, loading it back, and its dtype."""

    def to(self, *args, dtype=None, device=None) -> Module:
        """Convert every floating parameter and buffer to `dtype`, in place, and return the
        module: `model.to(np.float64)`, `model.double()`. The parameters stay the same
        objects (an optimizer holding them keeps working); their gradients are converted
        too. Integer buffers (counters) are left alone, as in PyTorch.

        >>> model.to(np.float64).weight.dtype
        dtype('float64')
        """
        for arg in args:
            if isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
                device = arg
            else:
                dtype = arg.dtype if isinstance(arg, Tensor) else arg
        if device is not None and str(device) != "cpu":
            raise ValueError(f"to: minigrad computes on the CPU only, got device {device!r}")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to: modules can only be converted to a floating dtype, got {dtype}")
        for tensor in (*self.parameters(), *self.buffers()):
            if tensor.dtype.kind == "f" and tensor.dtype != dtype:
                tensor.data = tensor.data.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad = Tensor(tensor.grad.data.astype(dtype))
        return self

    def float(self) -> Module:
        """`to(float32)`.

        >>> model.double().float().weight.dtype
        dtype('float32')
        """
        return self.to(np.float32)

    def double(self) -> Module:
        """`to(float64)`.

        >>> model.double().bias.dtype
        dtype('float64')
        """
        return self.to(np.float64)

    def state_dict(self) -> dict[str, Tensor]:
        """Parameters and persistent buffers by dotted name, as tensors sharing their data
        (save them with `minigrad.save`; copy them to keep a snapshot).

        >>> list(model.state_dict())
        ['weight', 'bias']
        """
        state = {}
        for module_name, module in self.named_modules():
            dot = f"{module_name}." if module_name else ""
            for name, param in module._parameters.items():
                if param is not None:
                    state[dot + name] = Tensor(param.data)
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    state[dot + name] = Tensor(buffer.data)
        return state

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> IncompatibleKeys:
        """Copy values (tensors, arrays or numbers) into the parameters and buffers in place,
        so optimizers holding the parameters keep working.

        Shapes must match. With `strict`, the keys must match exactly; either way, the error
        (or the returned `IncompatibleKeys`) names the missing and unexpected keys.

        >>> model.load_state_dict({"weight": mg.zeros(2, 3), "bias": mg.ones(2)})
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> model(mg.ones(1, 3))
        tensor([[1., 1.]], dtype=float32, grad_fn=<linear>)
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"load_state_dict: expected a dict, got {type(state_dict).__name__}")
        targets = {}
        for module_name, module in self.named_modules():
            dot = f"{module_name}." if module_name else ""
            targets.update({dot + n: p for n, p in module._parameters.items() if p is not None})
            targets.update({dot + n: b for n, b in module._buffers.items()
                            if b is not None and n not in module._non_persistent_buffers})
        missing = [key for key in targets if key not in state_dict]
        unexpected = [key for key in state_dict if key not in targets]
        values, problems = {}, []
        for key, target in targets.items():
            if key not in state_dict:
                continue
            array, problem = _as_values_for(state_dict[key], target.data.dtype)
            if problem:
                problems.append(f"the value for {key!r} {problem}")
            elif array.shape != target.shape:
                problems.append(f"size mismatch for {key!r}: the checkpoint has shape "
                                f"{array.shape}, the model has {target.shape}")
            values[key] = array
        if strict and missing:
            problems.append(f"missing keys: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {unexpected}")
        if problems:
            raise RuntimeError(
                f"load_state_dict for {type(self).__name__}: " + "; ".join(problems)
            )
        for key, array in values.items():
            np.copyto(targets[key].data, array, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)


__all__ = ["IncompatibleKeys", "ModuleState"]
