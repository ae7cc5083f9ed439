"""Stand-in arrays for values that backward freed.

After a backward that does not retain the graph, a tensor that only the graph still holds
(an intermediate result nobody kept) no longer needs its values: a drawing needs its shape,
dtype, name and gradient, which stay. Its array is replaced by a read-only view of one zero
broadcast to the same shape (no memory per element), shared by every freed tensor of that
shape and dtype, so that `values_freed` can recognise it.
"""

from __future__ import annotations

import numpy as np

_stand_ins: dict[tuple, np.ndarray] = {}
_MAX_STAND_INS = 4096  # shapes seen; the cache is cleared beyond this (each entry is tiny)


def freed_array(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """The stand-in for a freed array of `shape` and `dtype`."""
    key = (shape, dtype.str)
    array = _stand_ins.get(key)
    if array is None:
        if len(_stand_ins) >= _MAX_STAND_INS:
            _stand_ins.clear()
        array = _stand_ins[key] = np.broadcast_to(np.zeros((), dtype), shape)
    return array


def is_freed(array: np.ndarray) -> bool:
    """True for a stand-in made by `freed_array`."""
    return _stand_ins.get((array.shape, array.dtype.str)) is array
