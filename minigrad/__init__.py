"""minigrad: a small reverse-mode automatic-differentiation framework on NumPy.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4.], dtype=float32)
"""

from minigrad import ops  # noqa: F401 - registers the primitives Tensor's methods call
from minigrad.autograd.anomaly import detect_anomaly
from minigrad.autograd.engine import grad
from minigrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.dtypes import get_default_dtype, set_default_dtype
from minigrad.factories import (
    arange,
    empty,
    eye,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from minigrad.random import manual_seed
from minigrad.routines import *  # noqa: F403 - the module-level functions are public API
from minigrad.routines import __all__ as _routine_names
from minigrad.serialization import load, save
from minigrad.tensor import Tensor
from minigrad.testing import gradcheck, gradgradcheck

__version__ = "0.1.0"

from minigrad import nn, optim, viz


def __getattr__(name: str):
    # The experiments load on first use: they are not needed to build or train models.
    if name == "experiments":
        import importlib

        return importlib.import_module("minigrad.experiments")
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")


__all__ = [
    "Tensor", "arange", "detect_anomaly", "enable_grad", "eye", "full", "get_default_dtype", "grad",
    "gradcheck", "gradgradcheck", "is_grad_enabled", "load", "manual_seed", "no_grad", "ones",
    "ones_like", "rand", "randn", "save", "set_default_dtype", "set_grad_enabled", "tensor",
    "zeros", "zeros_like", "nn", "optim", "viz", *_routine_names,
    "empty", "full_like", "linspace", "logspace", "randint",
]
