"""Parameter: a tensor that a Module registers as learnable."""

from __future__ import annotations

import numpy as np

from minigrad import dtypes
from minigrad.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor with `requires_grad=True` that a `Module` collects in `parameters()`.

    The data is copied, from a Tensor or from anything `minigrad.tensor` accepts, so the
    in-place updates of an optimizer never write into the caller's array. Python numbers
    and lists take the default float dtype; arrays and tensors keep theirs.

    >>> w = Parameter(np.zeros(3))
    >>> w.requires_grad
    True
    """

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True) -> None:
        if isinstance(data, Tensor):
            data = data.data
        array = np.array(dtypes.as_array(data), copy=True)
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"Parameter: only floating-point data can require grad, got {array.dtype} "
                "(pass floats, or requires_grad=False)"
            )
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return f"Parameter containing:\n{super().__repr__()}"

    def __reduce_ex__(self, protocol):
        # copy.deepcopy and pickle rebuild a Parameter (not a plain Tensor) with its grad flag.
        return (Parameter, (self.data, self.requires_grad))
