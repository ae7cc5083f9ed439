"""The structure of a checkpoint: the JSON document that describes the saved object.

Every dict, list, tuple and plain value of the saved object is a node of this document;
every array is a reference (`"ref": "a0"`) to an `.npy` member of the archive. Reading it
back is done in two passes, so that nothing is allocated for arrays before the whole
document has been checked: `references` validates every node (kinds, keys, values, depth)
and lists the arrays it needs; `build` then assembles the object from the arrays read.

The limits below bound what a document may make `load` do (see docs/checkpoints.md);
`save` enforces the same nesting limit, so that everything it writes can be read back.
"""

from __future__ import annotations

import json
import numbers
from typing import Any

import numpy as np

from minigrad.tensor import Tensor

FORMAT = "minigrad-checkpoint"
VERSION = 2  # 2 adds the table of arrays (dtype, shape, CRC-32); version 1 is still read
READABLE_VERSIONS = (1, 2)
ARRAY_KINDS = "biufc"  # bool, integers, floats, complex: no objects, strings or records

MAX_DEPTH = 100  # nested dicts, lists and tuples in a saved object
MAX_ITEMS = 1_000_000  # JSON keys and values in the document (about 100,000 arrays)
MAX_DOCUMENT_BYTES = 16 * 2**20

_ARRAY_NODES = ("tensor", "array", "scalar")


class StructureError(ValueError):
    """The document is not one that `save` could have written."""


# --- writing ------------------------------------------------------------------------------
def encode(obj: Any) -> tuple[dict, dict[str, np.ndarray]]:
    """The document's root node for `obj`, and the arrays it refers to by reference."""
    arrays: dict[str, np.ndarray] = {}
    return _encode(obj, arrays, "obj", 0), arrays


def _encode(obj: Any, arrays: dict[str, np.ndarray], where: str, depth: int) -> dict:
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
        if int(obj).bit_length() > 10_000:  # JSON holds it as text: Python limits the digits
            try:
                str(int(obj))
            except ValueError as error:
                raise ValueError(f"save: the integer at {where} is too long ({error})") from None
        return {"kind": "value", "value": int(obj)}
    if isinstance(obj, float):
        # repr round-trips every float exactly; JSON keeps nan and inf as NaN / Infinity
        return {"kind": "value", "value": obj}
    if isinstance(obj, (dict, list, tuple)) and depth >= MAX_DEPTH:
        raise ValueError(f"save: {where} is nested more than {MAX_DEPTH} levels deep, which "
                         "load would refuse")
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise TypeError(f"save: dict keys must be str or int, got {key!r} in {where}")
            items.append([key, _encode(value, arrays, f"{where}[{key!r}]", depth + 1)])
        return {"kind": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        return {"kind": type(obj).__name__,
                "items": [_encode(v, arrays, f"{where}[{i}]", depth + 1)
                          for i, v in enumerate(obj)]}
    raise TypeError(
        f"save: cannot store a {type(obj).__name__} (at {where}); checkpoints hold dicts, "
        "lists, tuples, tensors, arrays, numbers, strings, booleans and None"
    )


def _store(array: np.ndarray, arrays: dict[str, np.ndarray], where: str) -> str:
    if array.dtype.kind not in ARRAY_KINDS or array.dtype.names or array.dtype.subdtype:
        raise TypeError(
            f"save: the array at {where} has dtype {array.dtype}; only numeric and bool "
            "arrays can be stored (object arrays would need pickle)"
        )
    ref = f"a{len(arrays)}"
    arrays[ref] = array
    return ref


def document(root: dict, table: dict[str, dict]) -> bytes:
    """The JSON bytes of the document; `table` maps each reference to the dtype, shape and
    CRC-32 of its member, so that `load` can check the member before reading it."""
    return json.dumps({"format": FORMAT, "version": VERSION, "root": root, "arrays": table},
                      allow_nan=True, ensure_ascii=True).encode("ascii")


# --- reading ------------------------------------------------------------------------------
def parse(data: bytes) -> dict:
    """The document, checked for format and version; raises StructureError."""
    # Every key and value in JSON follows one of these characters (or starts the text), so
    # their count bounds the Python objects the decoder makes, before it makes any.
    items = sum(data.count(c) for c in (b",", b":", b"[", b"{")) + 1
    if items > MAX_ITEMS:
        raise StructureError(f"the structure has more than {MAX_ITEMS:,} entries")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise StructureError("the structure is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise StructureError(f"the structure is not valid JSON ({error})") from None
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        raise StructureError("it is not a valid minigrad checkpoint (unknown format)")
    version = parsed.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise StructureError(f"unsupported checkpoint version {version!r:.40} (this minigrad "
                             f"reads versions {', '.join(map(str, READABLE_VERSIONS))})")
    if "root" not in parsed:
        raise StructureError("the structure has no root")
    return parsed


def references(parsed: dict) -> dict[str, dict | None]:
    """Validate the whole document; return each array reference with what the document
    says of it (dtype, shape and CRC-32 in version 2, None in version 1)."""
    refs: dict[str, None] = {}
    _check(parsed["root"], refs, "obj", 0)
    if parsed["version"] < 2:
        return dict.fromkeys(refs)
    table = parsed.get("arrays")
    if not isinstance(table, dict) or set(table) != set(refs):
        raise StructureError("the table of arrays does not match the arrays referred to")
    for ref, entry in table.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("dtype"), str)
                and _is_shape(entry.get("shape")) and _is_int(entry.get("crc32"))):
            raise StructureError(f"the table entry of array {ref!r:.40} is malformed")
    return {ref: table[ref] for ref in refs}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_shape(value) -> bool:
    return isinstance(value, list) and len(value) <= 64 and \
        all(_is_int(n) and n >= 0 for n in value)


def _check(node, refs: dict[str, None], where: str, depth: int) -> None:
    """Raise StructureError unless `node` is one that `_encode` writes."""
    if depth > MAX_DEPTH:
        raise StructureError(f"{where} is nested more than {MAX_DEPTH} levels deep")
    kind = node.get("kind") if isinstance(node, dict) else None
    if kind == "value":
        value = node.get("value", ...)
        if not (value is None or isinstance(value, (bool, int, float, str))):
            raise StructureError(f"the value at {where} is not a number, string or None")
    elif kind in _ARRAY_NODES:
        ref = node.get("ref")
        if not isinstance(ref, str) or ref in refs or not ref.isascii() or len(ref) > 64:
            raise StructureError(f"the array reference at {where} is invalid or repeated")
        if kind == "tensor" and not isinstance(node.get("requires_grad"), bool):
            raise StructureError(f"the tensor at {where} has no requires_grad flag")
        refs[ref] = None
    elif kind in ("dict", "list", "tuple"):
        items = node.get("items")
        if not isinstance(items, list):
            raise StructureError(f"the {kind} at {where} has no list of items")
        for index, item in enumerate(items):
            if kind == "dict":
                if not (isinstance(item, list) and len(item) == 2 and
                        (isinstance(item[0], str) or _is_int(item[0]))):
                    raise StructureError(f"an item of the dict at {where} is not a "
                                         "[str or int key, value] pair")
                key, item = item
                _check(item, refs, f"{where}[{key!r:.40}]", depth + 1)
            else:
                _check(item, refs, f"{where}[{index}]", depth + 1)
    else:
        raise StructureError(f"the entry at {where} has an unknown kind {kind!r:.40}")


def build(node: dict, arrays: dict[str, np.ndarray]) -> Any:
    """The saved object, from a document that `references` accepted and its arrays."""
    kind = node["kind"]
    if kind == "value":
        return node["value"]
    if kind in _ARRAY_NODES:
        array = arrays[node["ref"]]
        if kind == "scalar":
            if array.shape != ():
                raise StructureError(f"array {node['ref']!r} is a scalar of shape "
                                     f"{array.shape}")
            return array[()]
        if kind == "array":
            return array
        return Tensor(array, requires_grad=node["requires_grad"])
    if kind == "dict":
        return {key: build(value, arrays) for key, value in node["items"]}
    if kind == "list":
        return [build(value, arrays) for value in node["items"]]
    return tuple(build(value, arrays) for value in node["items"])
