"""The `.npy` header of a checkpoint member, parsed within bounds and refused unless it
declares plain numbers: NumPy's own parser (which evaluates literals, never code) on at
most `MAX_NPY_HEADER` bytes, then checks on the dtype."""

from __future__ import annotations

import dataclasses
import functools
import io
import math

import numpy as np

from minigrad.serialization.structure import ARRAY_KINDS

MAX_NPY_HEADER = 4096  # bytes; NumPy writes 128 for any array a checkpoint holds


class HeaderError(ValueError):
    """An `.npy` header that load refuses (the member's name is added by the caller)."""


@dataclasses.dataclass(frozen=True)
class Header:
    dtype: np.dtype
    shape: tuple[int, ...]
    fortran: bool
    length: int  # bytes before the data

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def header_end(start: bytes) -> int:
    """Where the `.npy` header that `start` begins with ends (its declared length), so
    that equal headers are equal keys for `parse_header`'s cache."""
    if start[:6] == b"\x93NUMPY" and len(start) >= 12:
        if start[6] == 1:
            return 10 + int.from_bytes(start[8:10], "little")
        if start[6] == 2:
            return 12 + int.from_bytes(start[8:12], "little")
    return len(start)


@functools.lru_cache(maxsize=1024)  # the members of a state dict share a few headers
def parse_header(header: bytes) -> Header:
    """The dtype, shape and order an `.npy` header declares, refusing every dtype that is
    not plain numbers (objects would need pickle)."""
    stream = io.BytesIO(header)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(
                stream, max_header_size=MAX_NPY_HEADER)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(
                stream, max_header_size=MAX_NPY_HEADER)
        else:
            raise HeaderError(f"its .npy format version {version} is not one NumPy writes "
                               "for plain arrays")
    except HeaderError:
        raise
    except MemoryError:
        raise
    except Exception as error:  # NumPy's parser (ast, tokenize) on at most 4 KB
        raise HeaderError(f"its .npy header is malformed ({type(error).__name__}: "
                           f"{error})") from None
    if dtype.hasobject:
        raise HeaderError("it carries pickled objects (object arrays), which load never "
                           "unpickles")
    if dtype.kind not in ARRAY_KINDS or dtype.names is not None or dtype.subdtype is not None:
        raise HeaderError(f"its dtype {dtype} is not a plain numeric or bool dtype")
    return Header(dtype, tuple(shape), bool(fortran), stream.tell())
