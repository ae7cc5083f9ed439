"""Shape and axis arguments: what users may pass, checked once, with errors that name the op.

Pure functions on tuples of ints; no tensors here.
"""

from __future__ import annotations

import math

import numpy as np

builtins_max, builtins_sum = max, sum


class DimError(IndexError, ValueError):
    """A dim out of range: an IndexError, as PyTorch raises, and a ValueError (a bad
    argument), as NumPy's AxisError is."""


def shape_argument(shape: tuple, op: str = "reshape") -> tuple[int, ...]:
    """Accept `f(2, 3)` and `f((2, 3))` alike; every entry must be an integer."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{op}: shape entries must be integers, got {n!r} in {shape}")
    return tuple(int(n) for n in shape)


def new_shape(shape: tuple, op: str) -> tuple[int, ...]:
    """The shape of a tensor to create: integers, none negative."""
    shape = shape_argument(shape, op)
    if any(n < 0 for n in shape):
        raise ValueError(f"{op}: sizes must not be negative, got shape {shape}")
    return shape


def single_axis(axis, ndim: int, op: str) -> int:
    """One axis (an int), as a non-negative int (0 for dim 0 or -1 of a 0-d tensor)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: dim must be one int, got {axis!r}")
    return (normalize_axis(axis, ndim, op) or (0,))[0]


def normalize_axis(axis, ndim: int, op: str) -> tuple[int, ...]:
    """`axis` (int, sequence, or None for all) as a sorted tuple of non-negative ints.

    As in PyTorch, a 0-d tensor accepts dim 0 and -1, meaning the one element itself: they
    give no axis (the empty tuple)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
    if not isinstance(axes, (tuple, list)):
        axes = (None,)  # reported as a type error below
    normalized = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: dim must be an int, a tuple of ints or None, got {axis!r}")
        if ndim == 0 and a in (0, -1):
            continue
        if not -ndim <= a < ndim:
            raise DimError(
                f"{op}: dim {a} is out of range for a tensor with {ndim} dimension(s) "
                f"(expected a dim in [{-builtins_max(ndim, 1)}, {builtins_max(ndim, 1) - 1}])"
            )
        normalized.append(int(a) % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: dim {axis} repeats a dim")
    return tuple(sorted(normalized))


def resolve_shape(shape: tuple[int, ...], old_shape: tuple[int, ...]) -> tuple[int, ...]:
    """`shape` with its -1 filled in; a ValueError when it cannot hold the elements."""
    size = math.prod(old_shape)
    known = math.prod(n for n in shape if n != -1)
    unknown = [i for i, n in enumerate(shape) if n == -1]
    valid = len(unknown) <= 1 and all(n >= -1 for n in shape)
    if valid and unknown and known and size % known == 0:
        shape = (*shape[:unknown[0]], size // known, *shape[unknown[0] + 1:])
    if not valid or math.prod(shape) != size or -1 in shape:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {old_shape} ({size} elements) "
            f"into shape {shape}"
        )
    return shape


def permutation(axes: tuple, ndim: int, op: str = "permute") -> tuple[int, ...]:
    """A permutation of the dims as non-negative ints; none given reverses them."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        return tuple(range(ndim))[::-1]
    normalized = tuple(single_axis(a, ndim, op) for a in axes) if ndim else ()
    if sorted(normalized) != list(range(ndim)) or (not ndim and len(axes) > 1):
        raise ValueError(f"{op}: dims {axes} are not a permutation of {ndim} dims")
    return normalized


def swapped(ndim: int, dim0: int, dim1: int, op: str = "transpose") -> tuple[int, ...]:
    """The permutation that swaps `dim0` and `dim1`."""
    order = list(range(ndim))
    if ndim:
        a, b = single_axis(dim0, ndim, op), single_axis(dim1, ndim, op)
        order[a], order[b] = order[b], order[a]
    else:
        single_axis(dim0, ndim, op), single_axis(dim1, ndim, op)
    return tuple(order)


def squeezed(shape: tuple[int, ...], axis) -> tuple[int, ...]:
    """`shape` without its length-1 axes (all of them, or those in `axis`); as in PyTorch,
    a named dim whose length is not 1 is left alone."""
    if axis is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    else:
        axes = normalize_axis(axis, len(shape), "squeeze")
    return tuple(n for i, n in enumerate(shape) if i not in axes or n != 1)


def flattened(shape: tuple[int, ...], start_axis: int, end_axis: int) -> tuple[int, ...]:
    """`shape` with axes `start_axis..end_axis` (inclusive) merged into one."""
    start = single_axis(start_axis, len(shape), "flatten")
    end = single_axis(end_axis, len(shape), "flatten")
    if not shape:
        return (1,)
    if start > end:
        raise ValueError(
            f"flatten: start_dim {start_axis} comes after end_dim {end_axis} (shape {shape})"
        )
    merged = math.prod(shape[start:end + 1])
    return (*shape[:start], merged, *shape[end + 1:])


def broadcast_target(shape: tuple[int, ...], target: tuple[int, ...]) -> tuple[int, ...]:
    """`target` if `shape` broadcasts to it exactly (NumPy rules), else a ValueError."""
    try:
        if np.broadcast_shapes(shape, target) != target:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {shape} to {target}") from None
    return target


def check_matmul_shapes(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    """Raise a ValueError naming both shapes when `a @ b` is undefined."""
    if not a_shape or not b_shape:
        raise ValueError(f"matmul: shapes {a_shape} and {b_shape}: operands must be at least 1-D")
    inner_a, inner_b = a_shape[-1], b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape} are not aligned ({inner_a} != {inner_b})"
        )
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape}: batch dimensions "
            f"{a_shape[:-2]} and {b_shape[:-2]} do not broadcast"
        ) from None


def normalize_index(index, shape: tuple[int, ...]):
    """List indices become NumPy arrays (tensors must already be arrays); anything else
    non-integer is an error."""
    parts = index if isinstance(index, tuple) else (index,)
    converted = []
    for part in parts:
        if isinstance(part, list):
            part = np.asarray(part)
        if isinstance(part, np.ndarray) and part.dtype.kind not in "biu":
            raise IndexError(
                f"getitem: index arrays must be integer or bool, got {part.dtype} "
                f"(indexing a tensor of shape {shape})"
            )
        if isinstance(part, float):
            raise IndexError(f"getitem: index {part!r} is a float (tensor of shape {shape})")
        converted.append(part)
    return tuple(converted) if isinstance(index, tuple) else converted[0]


def _is_advanced(part) -> bool:
    return isinstance(part, np.ndarray) and part.ndim > 0


def integers_first(index, ndim: int):
    """PyTorch's order for an index that mixes integers with index arrays: the integers
    select first (as basic indexing), then the arrays index what is left, so
    `x[1, :, [0, 1]]` of shape (3, 5, 4) is (5, 2). NumPy treats the integer as one more
    advanced index and, the two being separated by a slice, puts their dims first: (2, 5).

    Returns (basic, advanced), the two indices to apply in turn, or None when the index
    does not mix them (then NumPy's order is PyTorch's).
    """
    parts = index if isinstance(index, tuple) else (index,)
    has_int = any(isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in parts)
    if not has_int or not any(_is_advanced(p) for p in parts):
        return None
    consumed = builtins_sum(p.ndim if _is_advanced(p) and p.dtype.kind == "b" else
                            0 if p is None or p is Ellipsis else 1 for p in parts)
    basic, advanced = [], []
    for p in parts:
        if p is Ellipsis:
            basic.append(p)
            advanced.extend([slice(None)] * (ndim - consumed))
        elif _is_advanced(p):
            width = p.ndim if p.dtype.kind == "b" else 1
            basic.extend([slice(None)] * width)
            advanced.append(p)
        elif isinstance(p, (int, np.integer)):
            basic.append(p)
        else:  # a slice or None: applied by the basic index, kept whole afterwards
            basic.append(p)
            advanced.append(slice(None))
    return tuple(basic), tuple(advanced)
