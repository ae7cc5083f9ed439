"""Checkpoints: `save(obj, path)` and `load(path)`, where nothing is lost and nothing runs.

`obj` is a nest of dicts (string or integer keys), lists and tuples whose leaves are
tensors, NumPy arrays, NumPy scalars, Python numbers, strings, booleans or None: model and
optimizer state dicts, a training step counter, a config. The file is a NumPy `.npz`
archive: each array is stored raw (a round trip is bit-exact and keeps dtypes, and a
tensor comes back a tensor, an array an array), and the nesting is a JSON document stored
as bytes beside them. No pickle is written, and none is read: loading uses
`allow_pickle=False`, so a file cannot make `load` execute code.

Writing is atomic: the archive goes to a temporary file in the same directory, is flushed
to disk, then renamed over `path`; a crash leaves the old checkpoint or the new one, never
half of one. A missing, truncated or corrupted file raises `CheckpointError` naming it.
"""

from __future__ import annotations

import json
import numbers
import os
import tempfile
import zipfile
import zlib
from typing import Any

import numpy as np

from minigrad.tensor import Tensor

FORMAT = "minigrad-checkpoint"
VERSION = 1
_STRUCTURE = "__structure__"
_ARRAY_KINDS = "biufc"  # bool, integers, floats, complex: no objects, strings or records


class CheckpointError(ValueError):
    """A checkpoint cannot be read: corrupted, truncated, not a minigrad checkpoint, or it
    carries pickled objects."""


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write `obj` to `path` (used as given: no suffix is added), atomically.

    >>> minigrad.save({"model": model.state_dict(), "step": 100}, "ckpt.npz")
    """
    path = os.fspath(path)
    arrays: dict[str, np.ndarray] = {}
    structure = {"format": FORMAT, "version": VERSION, "root": _encode(obj, arrays, "obj")}
    document = json.dumps(structure, allow_nan=True).encode("utf-8")
    arrays[_STRUCTURE] = np.frombuffer(document, dtype=np.uint8)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: cannot write {path!r}: the directory {directory!r} "
                                "does not exist")
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                                     dir=directory)
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _encode(obj: Any, arrays: dict[str, np.ndarray], where: str) -> dict:
    """The JSON description of `obj`; arrays go to `arrays` under a reference."""
    if isinstance(obj, Tensor):
        return {"kind": "tensor", "ref": _store(obj.data, arrays, where),
                "requires_grad": obj.requires_grad}
    if isinstance(obj, np.ndarray):
        return {"kind": "array", "ref": _store(obj, arrays, where)}
    if isinstance(obj, np.generic):
        return {"kind": "scalar", "ref": _store(np.asarray(obj), arrays, where)}
    if obj is None or isinstance(obj, (bool, str)):
        return {"kind": "value", "value": obj}
    if isinstance(obj, numbers.Integral):
        return {"kind": "value", "value": int(obj)}
    if isinstance(obj, float):
        # repr round-trips every float exactly; JSON keeps nan and inf as NaN / Infinity
        return {"kind": "value", "value": obj}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise TypeError(f"save: dict keys must be str or int, got {key!r} in {where}")
            items.append([key, _encode(value, arrays, f"{where}[{key!r}]")])
        return {"kind": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        return {"kind": type(obj).__name__,
                "items": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(
        f"save: cannot store a {type(obj).__name__} (at {where}); checkpoints hold dicts, "
        "lists, tuples, tensors, arrays, numbers, strings, booleans and None"
    )


def _store(array: np.ndarray, arrays: dict[str, np.ndarray], where: str) -> str:
    if array.dtype.kind not in _ARRAY_KINDS:
        raise TypeError(
            f"save: the array at {where} has dtype {array.dtype}; only numeric and bool "
            "arrays can be stored (object arrays would need pickle)"
        )
    ref = f"a{len(arrays)}"
    arrays[ref] = array
    return ref


def load(path: str | os.PathLike) -> Any:
    """Read what `save` wrote. Raises FileNotFoundError if `path` does not exist and
    `CheckpointError` if it is not a readable minigrad checkpoint; never unpickles."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no checkpoint at {path!r}")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        reason = "it is not an .npz archive (NumPy would have to unpickle it, which load " \
            "never does)" if "pickle" in str(error) else str(error)
        raise CheckpointError(f"load: cannot read the checkpoint {path!r}: {reason}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise CheckpointError(f"load: {path!r} is a single .npy array, not a minigrad checkpoint")
    try:
        with archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as error:
        reason = "it carries pickled objects (object arrays), which load never unpickles" \
            if "allow_pickle" in str(error) else f"it is corrupted or truncated ({error})"
        raise CheckpointError(f"load: cannot read the checkpoint {path!r}: {reason}") from None
    if _STRUCTURE not in arrays:
        raise CheckpointError(f"load: {path!r} is not a minigrad checkpoint (no structure)")
    try:
        structure = json.loads(arrays.pop(_STRUCTURE).tobytes().decode("utf-8"))
        if structure.get("format") != FORMAT:
            raise ValueError("unknown format")
        if structure.get("version") != VERSION:
            raise ValueError(f"unsupported version {structure.get('version')!r}")
        return _decode(structure["root"], arrays)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
        raise CheckpointError(
            f"load: {path!r} is not a valid minigrad checkpoint ({error})"
        ) from None


def _decode(node: dict, arrays: dict[str, np.ndarray]) -> Any:
    kind = node["kind"]
    if kind == "value":
        return node["value"]
    if kind in ("tensor", "array", "scalar"):
        array = arrays[node["ref"]]
        if array.dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"array {node['ref']} has dtype {array.dtype}")
        if kind == "scalar":
            return array[()]
        if kind == "array":
            return array
        return Tensor(array, requires_grad=bool(node["requires_grad"]))
    if kind == "dict":
        return {key: _decode(value, arrays) for key, value in node["items"]}
    if kind == "list":
        return [_decode(value, arrays) for value in node["items"]]
    if kind == "tuple":
        return tuple(_decode(value, arrays) for value in node["items"])
    raise ValueError(f"unknown entry kind {kind!r}")
