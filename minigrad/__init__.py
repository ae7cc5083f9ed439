"""minigrad: a small reverse-mode automatic-differentiation framework on NumPy.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4.], dtype=float32)
"""

# Tensor first: the op modules it binds import it back.
from minigrad.tensor import Tensor  # isort: skip

from minigrad.autograd.engine import grad
from minigrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.dtypes import get_default_dtype, set_default_dtype
from minigrad.factories import (
    arange,
    eye,
    full,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from minigrad.functions import *  # noqa: F403 - the mirrored functions are the public API
from minigrad.functions import __all__ as _function_names
from minigrad.random import manual_seed
from minigrad.serialization import load, save
from minigrad.testing import gradcheck, gradgradcheck

__version__ = "0.1.0"

_SUBPACKAGES = ("nn", "optim", "viz", "experiments")


def __getattr__(name: str):
    # Subpackages load on first use, so `import minigrad` stays light.
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"minigrad.{name}")
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")

__all__ = [
    "Tensor", "arange", "enable_grad", "eye", "full", "get_default_dtype", "grad",
    "gradcheck", "gradgradcheck", "is_grad_enabled", "load", "manual_seed", "no_grad", "ones",
    "ones_like", "rand", "randn", "save", "set_default_dtype", "set_grad_enabled", "tensor",
    "zeros", "zeros_like", *_function_names,
]
