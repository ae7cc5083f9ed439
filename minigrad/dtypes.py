"""Dtypes: the default floating dtype and how user data becomes an array.

The rules follow PyTorch so habits carry over:

* Python floats (and lists of them) become the default dtype, float32 unless
  `set_default_dtype` says otherwise; Python ints stay int64, bools stay bool.
* NumPy arrays keep their dtype.
* A Python scalar mixed with a tensor takes the tensor's dtype (a float32 tensor times
  2.0 is float32), so scalars never upcast arrays.
"""

from __future__ import annotations

import numpy as np

_FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_default_float = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The floating dtype used for Python numbers, factories and parameter init.

    >>> mg.get_default_dtype()
    dtype('float32')
    """
    return _default_float


def set_default_dtype(dtype) -> None:
    """Set the default floating dtype (`numpy.float32` or `numpy.float64`).

    >>> mg.set_default_dtype(np.float64)
    >>> mg.tensor([1.0]).dtype
    dtype('float64')
    >>> mg.set_default_dtype(np.float32)
    """
    global _default_float
    dtype = np.dtype(dtype)
    if dtype not in _FLOAT_DTYPES:
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_float = dtype


def is_floating(dtype: np.dtype) -> bool:
    return dtype.kind == "f"


def numeric_dtype(dtype, op: str) -> np.dtype:
    """`dtype` as a NumPy dtype, or a TypeError naming `op` if it is unknown or not numeric."""
    try:
        parsed = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: {dtype!r} is not a dtype NumPy understands") from None
    if parsed.kind not in "biuf":
        raise TypeError(f"{op}: dtype {parsed} ({dtype!r}) is not numeric")
    return parsed


def check_supported(dtype: np.dtype, op: str) -> None:
    """A TypeError naming `op` unless `dtype` is bool, an integer or a float."""
    if dtype.kind not in "biuf":
        raise TypeError(
            f"{op}: data of dtype {dtype} is not numeric "
            f"(expected numbers, lists of numbers or a numeric NumPy array)"
        )


def _holds_float64(data) -> bool:
    """True when nested sequences hold a NumPy float64 (scalar or array): like PyTorch, a
    list keeps float64 then; Python floats alone take the default dtype."""
    if isinstance(data, (np.ndarray, np.generic)):
        return data.dtype == np.float64
    if isinstance(data, (list, tuple)):
        return any(_holds_float64(item) for item in data)
    return False


def as_array(data, dtype=None) -> np.ndarray:
    """Turn user data into an ndarray under the rules above; reject what is not numeric.

    With `dtype`, Python numbers are converted straight to it (never through the default
    float dtype first), so `as_array(0.1, np.float64)` is the float64 nearest to 0.1.
    """
    if dtype is not None:
        dtype = numeric_dtype(dtype, "tensor")
    if isinstance(data, np.ndarray):
        array = data if dtype is None else data.astype(dtype, copy=False)
    else:
        if hasattr(data, "__array__") and not isinstance(data, np.generic):
            data = np.asarray(data)  # another library's tensor: keep its dtype
        try:
            array = np.asarray(data) if dtype is None else np.asarray(data, dtype=dtype)
        except ValueError:  # NumPy's message speaks of "inhomogeneous parts"
            raise ValueError(
                "tensor: nested sequences of different lengths do not form an n-d array"
            ) from None
        except TypeError:
            array = np.asarray(data)  # e.g. strings: reported below by their dtype
        if dtype is None and array.dtype == np.float64 and \
                not isinstance(data, (np.floating, np.ndarray)) and not _holds_float64(data):
            array = array.astype(_default_float, copy=False)
    check_supported(array.dtype, "tensor")
    return array


def scalar_like(value, reference: np.ndarray) -> np.ndarray:
    """A Python number as a 0-d array of the dtype it should take beside `reference`."""
    if isinstance(value, bool):
        return np.asarray(value)
    if reference.dtype.kind == "f":
        return np.asarray(value, dtype=reference.dtype)
    if isinstance(value, (float, np.floating)):
        return np.asarray(value, dtype=_default_float)
    return np.asarray(value, dtype=np.result_type(reference.dtype, np.min_scalar_type(value)))


# --- tensors of mixed dtypes (duck-typed: anything with ._data and .astype) ------------

def as_float(t):
    """Integer and bool tensors become the default float dtype before float-valued math."""
    return t if t._data.dtype.kind == "f" else t.astype(_default_float)


def promote(a, b, to_float: bool = False) -> tuple:
    """An integer or bool operand beside a floating one takes the floating dtype (NumPy would
    give float64; PyTorch keeps the float's dtype). `to_float`: two integers become floats."""
    dtype_a, dtype_b = a._data.dtype, b._data.dtype
    if dtype_a is dtype_b:
        return (as_float(a), as_float(b)) if to_float and dtype_a.kind != "f" else (a, b)
    kind_a, kind_b = dtype_a.kind, dtype_b.kind
    if kind_a == kind_b == "f" or {kind_a, kind_b} == {"f", "b"}:
        return a, b  # NumPy keeps the float's dtype beside bool: no converted copy needed
    if kind_a == "f":
        return a, b.astype(a.dtype)
    if kind_b == "f":
        return a.astype(b.dtype), b
    return (as_float(a), as_float(b)) if to_float else (a, b)
