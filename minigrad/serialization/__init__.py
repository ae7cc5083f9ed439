"""Checkpoints: `save(obj, path)` and `load(path)`, where nothing is lost, nothing runs, and
no file can make `load` allocate more than it was allowed to.

`obj` is a nest of dicts (string or integer keys), lists and tuples whose leaves are
tensors, NumPy arrays, NumPy scalars, Python numbers, strings, booleans or None: model and
optimizer state dicts, a training step counter, a config. The file is a NumPy `.npz`
archive: each array is stored raw as an `.npy` member (a round trip is bit-exact and keeps
dtypes, and a tensor comes back a tensor, an array an array), and the nesting is a JSON
document stored beside them, which also records each array's dtype, shape and CRC-32. No
pickle is written, and none is read.

`load` checks the archive before allocating: it reads only the members the document
names, checks each member's declared size and `.npy` header against the file and against
`max_bytes`, bounds the document's size, nesting and entry count, and raises
`CheckpointError` (a ValueError) naming the file and the member for any failure.
`save` writes atomically and never replaces a read-only file. docs/checkpoints.md
describes the format and every guarantee.
"""

from minigrad.serialization.reading import DEFAULT_MAX_BYTES, CheckpointError, load
from minigrad.serialization.structure import FORMAT, MAX_DEPTH, MAX_ITEMS, VERSION
from minigrad.serialization.writing import save

__all__ = ["DEFAULT_MAX_BYTES", "FORMAT", "MAX_DEPTH", "MAX_ITEMS", "VERSION",
           "CheckpointError", "load", "save"]
