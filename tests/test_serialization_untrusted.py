"""Loading checkpoints made by an attacker: `load` reads only the members its structure names,
checks every declared size, dtype and shape before allocating, bounds the structure, and
turns every failure into a `CheckpointError` naming the file and the member; a permission
problem stays a PermissionError."""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
from helpers.unprivileged import run_unprivileged
from helpers.unprivileged import shared_tmp as shared_tmp  # a fixture

import minigrad as mg
from minigrad.serialization import CheckpointError, reading, structure

SMALL = 8 * 2**20  # a peak allocation that no crafted file below may exceed


def npy(array: np.ndarray) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array, allow_pickle=True)
    return stream.getvalue()


def npy_header(descr: str, shape: tuple, fortran: bool = False) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        stream, {"descr": descr, "fortran_order": fortran, "shape": shape})
    return stream.getvalue()


def document(root, version: int = 1, **extra) -> bytes:
    text = json.dumps({"format": "minigrad-checkpoint", "version": version, "root": root,
                       **extra})
    return npy(np.frombuffer(text.encode(), np.uint8))


def archive(path, members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> str:
    with zipfile.ZipFile(path, "w", compression) as file:
        for name, content in members.items():
            file.writestr(name, content)
    return str(path)


def peak_while(function) -> tuple[object, int]:
    """(result or exception, peak bytes allocated by Python and NumPy while running)."""
    tracemalloc.start()
    try:
        try:
            result = function()
        except Exception as error:  # the caller checks which
            result = error
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def refused(path, member: str | None, match: str) -> CheckpointError:
    with pytest.raises(CheckpointError, match=match) as caught:
        mg.load(path)
    error = caught.value
    assert error.path == str(path) and repr(str(path)) in str(error)
    assert error.member == member
    if member:
        assert f"member {member!r}" in str(error)
    copy = pickle.loads(pickle.dumps(error))  # crosses process boundaries intact
    assert (str(copy), copy.path, copy.member) == (str(error), error.path, error.member)
    return error


ARRAY = {"kind": "array", "ref": "a0"}


# --- the three files of the report ---------------------------------------------------------
def test_a_member_the_structure_does_not_name_is_never_decompressed(tmp_path) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = b"".join(bomb.compress(bytes(2**20)) for _ in range(64)) + bomb.flush()
    path = archive(tmp_path / "bomb.npz", {"__structure__.npy": document(
        {"kind": "value", "value": 1})})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as file:  # 64 MiB in 64 KiB
        file.writestr("bomb.npy", bytes(64 * 2**20))
    assert os.path.getsize(path) < 100_000 and len(deflated) < 100_000
    result, peak = peak_while(lambda: mg.load(path))
    assert result == 1
    assert peak < SMALL


def test_a_tiny_file_declaring_a_huge_shape_is_refused_before_allocating(tmp_path) -> None:
    path = archive(tmp_path / "huge.npz", {"__structure__.npy": document(ARRAY),
                                           "a0.npy": npy_header("<f8", (10**12,)) + bytes(8)})
    result, peak = peak_while(lambda: mg.load(path))
    assert isinstance(result, CheckpointError), result
    assert peak < SMALL
    refused(path, "a0.npy", r"declares shape \(1000000000000,\) of float64 "
            r"\(8,000,000,000,000 bytes\), but the member holds 8 data bytes")


def test_a_structure_nested_100000_deep_is_refused(tmp_path) -> None:
    deep = b'{"format": "minigrad-checkpoint", "version": 1, "root": ' + \
        b"[" * 100_000 + b"]" * 100_000 + b"}"
    path = archive(tmp_path / "deep.npz",
                   {"__structure__.npy": npy(np.frombuffer(deep, np.uint8))})
    refused(path, "__structure__.npy", "nested too deeply")


# --- the structure's bounds ------------------------------------------------------------------
def _nested(depth: int):
    obj: object = 0
    for _ in range(depth):
        obj = [obj]
    return obj


def test_nesting_is_bounded_the_same_way_when_saving_and_loading(tmp_path) -> None:
    mg.save(_nested(structure.MAX_DEPTH), tmp_path / "deepest.npz")
    assert mg.load(tmp_path / "deepest.npz") == _nested(structure.MAX_DEPTH)
    with pytest.raises(ValueError, match=r"save: obj(\[0\]){100} is nested more than 100"):
        mg.save(_nested(structure.MAX_DEPTH + 1), tmp_path / "deeper.npz")
    node = {"kind": "value", "value": 0}
    for _ in range(structure.MAX_DEPTH + 1):
        node = {"kind": "list", "items": [node]}
    path = archive(tmp_path / "crafted.npz", {"__structure__.npy": document(node)})
    refused(path, "__structure__.npy", "nested more than 100 levels deep")


def test_the_entry_count_is_bounded_before_parsing(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(structure, "MAX_ITEMS", 1000)
    values = {"kind": "list", "items": [{"kind": "value", "value": i} for i in range(300)]}
    path = archive(tmp_path / "many.npz", {"__structure__.npy": document(values)})
    refused(path, "__structure__.npy", "more than 1,000 entries")


def test_the_structure_size_is_bounded_before_reading(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(structure, "MAX_DOCUMENT_BYTES", 100)
    path = archive(tmp_path / "long.npz", {"__structure__.npy": document(
        {"kind": "value", "value": "x" * 200})})
    refused(path, "__structure__.npy", r"declares \d+ bytes \(at most 100\)")


@pytest.mark.parametrize("root, match", [
    ({"kind": "list", "items": [ARRAY, ARRAY]}, "invalid or repeated"),
    ({"kind": "value", "value": [1, 2]}, "not a number, string or None"),
    ({"kind": "dict", "items": [[1.5, {"kind": "value", "value": 0}]]}, "key, value"),
    ({"kind": "dict", "items": [[True, {"kind": "value", "value": 0}]]}, "key, value"),
    ({"kind": "tensor", "ref": "a0"}, "no requires_grad flag"),
    ({"kind": "lambda"}, "unknown kind 'lambda'"),
    ({"kind": "list", "items": "abc"}, "no list of items"),
    ([], "unknown kind None"),
    ({"kind": "array", "ref": "missing"}, "refers to array 'missing'"),
    ({"kind": "array", "ref": "__structure__"}, "refers to array '__structure__'"),
    ({"kind": "scalar", "ref": "a0"}, r"is a scalar of shape \(3,\)"),
])
def test_a_malformed_structure_is_refused(tmp_path, root, match) -> None:
    path = archive(tmp_path / "bad.npz", {"__structure__.npy": document(root),
                                          "a0.npy": npy(np.zeros(3))})
    refused(path, "__structure__.npy", match)


@pytest.mark.parametrize("content, match", [
    (b"not json", "not valid JSON"),
    (b'{"format": "minigrad-checkpoint", "version": 99, "root": 1}', "unsupported .*99"),
    (b'{"format": "minigrad-checkpoint", "version": true, "root": 1}', "unsupported"),
    (b'{"format": "minigrad-checkpoint", "version": 1}', "no root"),
    (b"\xff\xfe", "not valid JSON"),
    (b'{"format": "minigrad-checkpoint", "version": 1, "root": {"kind": "value", '
     b'"value": 1' + b"0" * 5000 + b"}}", "not valid JSON"),
])
def test_a_structure_that_is_not_a_document_is_refused(tmp_path, content, match) -> None:
    path = archive(tmp_path / "bad.npz",
                   {"__structure__.npy": npy(np.frombuffer(content, np.uint8))})
    refused(path, "__structure__.npy", match)


def test_the_structure_must_be_a_byte_vector(tmp_path) -> None:
    path = archive(tmp_path / "bad.npz", {"__structure__.npy": npy(np.zeros(3))})
    refused(path, "__structure__.npy", "float64 array of shape \\(3,\\), not bytes")


# --- the members' declarations -----------------------------------------------------------------
@pytest.mark.parametrize("descr", ["|O", "<U3", "|S4", "|V8", "<M8[s]", "<m8[s]",
                                   [("x", "<f8")], ("<f8", (2,))])
def test_only_plain_numeric_dtypes_are_read(tmp_path, descr) -> None:
    header = npy_header(descr, (1,))
    size = np.dtype(descr).itemsize if descr != "|O" else 8
    path = archive(tmp_path / "dtype.npz", {"__structure__.npy": document(ARRAY),
                                            "a0.npy": header + bytes(size)})
    refused(path, "a0.npy", "pickled objects|not a plain numeric or bool dtype|"
            "header declares")


@pytest.mark.parametrize("header, match", [
    (b"\x93NUMPY\x03\x00", "format version"),
    (b"\x93NUMPY\x01\x00\xff\xff", "malformed"),
    (b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8',", "malformed"),
    (b"garbage", "malformed"),
    (b"\x93NUMPY\x01\x00" + b"\x46\x00{'descr': '<f8', 'fortran_order': False, 'shape': "
     b"(-1,), }" + b" " * 8 + b"\n", "malformed"),
])
def test_a_malformed_npy_header_is_refused(tmp_path, header, match) -> None:
    path = archive(tmp_path / "header.npz", {"__structure__.npy": document(ARRAY),
                                             "a0.npy": header + bytes(16)})
    refused(path, "a0.npy", match)


def _declare(path, member: str, file_size: int | None = None,
             compress_size: int | None = None) -> None:
    """Rewrite the sizes a member declares in the central directory."""
    data = bytearray(open(path, "rb").read())
    at = data.index(member.encode(), data.index(b"PK\x01\x02")) - 46
    assert data[at:at + 4] == b"PK\x01\x02"
    if compress_size is not None:
        data[at + 20:at + 24] = compress_size.to_bytes(4, "little")
    if file_size is not None:
        data[at + 24:at + 28] = file_size.to_bytes(4, "little")
    open(path, "wb").write(bytes(data))


def test_declared_sizes_past_the_end_of_the_file_are_refused(tmp_path) -> None:
    members = {"__structure__.npy": document(ARRAY), "a0.npy": npy(np.zeros(4))}
    path = archive(tmp_path / "sizes.npz", members)
    _declare(path, "a0.npy", file_size=2**31, compress_size=2**31)
    refused(path, "a0.npy", "past the end of the")
    path = archive(tmp_path / "mismatch.npz", members)
    _declare(path, "a0.npy", file_size=2**20)
    refused(path, "a0.npy", "stored uncompressed but declares 1,048,576 bytes in")


def test_a_deflated_member_cannot_declare_more_than_deflate_produces(tmp_path) -> None:
    path = archive(tmp_path / "ratio.npz", {"__structure__.npy": document(ARRAY),
                                            "a0.npy": npy(np.zeros(4))}, zipfile.ZIP_DEFLATED)
    _declare(path, "a0.npy", file_size=2**31)
    result, peak = peak_while(lambda: mg.load(path))
    assert isinstance(result, CheckpointError) and peak < SMALL
    refused(path, "a0.npy", "more than deflate can produce")


def test_a_deflated_checkpoint_loads(tmp_path) -> None:
    values = np.arange(1000.0)
    path = archive(tmp_path / "deflated.npz", {"__structure__.npy": document(ARRAY),
                                               "a0.npy": npy(values)}, zipfile.ZIP_DEFLATED)
    assert np.array_equal(mg.load(path), values)


def test_max_bytes_bounds_the_decompressed_total(tmp_path) -> None:
    # 16 MiB of zeros deflate to 16 KiB: refused by a limit of 1 MiB before any allocation
    path = archive(tmp_path / "zeros.npz", {"__structure__.npy": document(ARRAY),
                                            "a0.npy": npy(np.zeros(2**21))},
                   zipfile.ZIP_DEFLATED)
    result, peak = peak_while(lambda: mg.load(path, max_bytes=2**20))
    assert isinstance(result, CheckpointError) and peak < 2**20
    assert "more than max_bytes=1,048,576 bytes" in str(result)
    assert result.member == "a0.npy"
    assert mg.load(path, max_bytes=None).shape == (2**21,)
    assert mg.load(path).shape == (2**21,)  # within the default of 1 GiB
    assert reading.DEFAULT_MAX_BYTES == 2**30
    for bad in (-1, 1.5, "10", True):
        with pytest.raises(TypeError, match="max_bytes must be a non-negative int or None"):
            mg.load(path, max_bytes=bad)
    with pytest.raises(TypeError, match=r"load: path must be a str or os\.PathLike, got int"):
        mg.load(3)  # not file descriptor 3


@pytest.mark.parametrize("compression", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_other_compression_methods_are_refused(tmp_path, compression) -> None:
    path = archive(tmp_path / "other.npz", {"__structure__.npy": document(ARRAY),
                                            "a0.npy": npy(np.zeros(3))}, compression)
    refused(path, "__structure__.npy", f"compression method {compression}")


def test_encrypted_members_and_repeated_names_are_refused(tmp_path) -> None:
    members = {"__structure__.npy": document(ARRAY), "a0.npy": npy(np.zeros(3))}
    path = archive(tmp_path / "encrypted.npz", members)
    data = bytearray(open(path, "rb").read())
    at = data.index(b"a0.npy", data.index(b"PK\x01\x02")) - 46
    data[at + 8] |= 1  # the central directory's "encrypted" flag
    open(path, "wb").write(bytes(data))
    refused(path, "a0.npy", "it is encrypted")
    path = tmp_path / "twice.npz"
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive(path, members)
        with zipfile.ZipFile(path, "a") as file:
            file.writestr("a0.npy", npy(np.ones(3)))
    refused(path, None, "names a member twice")


def test_a_huge_central_directory_is_refused_before_parsing(tmp_path, monkeypatch) -> None:
    path = archive(tmp_path / "members.npz", {"__structure__.npy": document(ARRAY),
                                              "a0.npy": npy(np.zeros(3)),
                                              **{f"x{i}": b"" for i in range(20)}})
    monkeypatch.setattr(reading, "MAX_MEMBERS", 10)
    refused(path, None, "declares 22 members")


def test_version_2_checks_each_member_against_the_recorded_table(tmp_path) -> None:
    mg.save({"a": np.zeros(3), "b": np.ones(3)}, tmp_path / "ckpt.npz")
    with zipfile.ZipFile(tmp_path / "ckpt.npz") as file:
        members = {name: file.read(name) for name in file.namelist()}
    swapped = dict(members, **{"a0.npy": members["a1.npy"], "a1.npy": members["a0.npy"]})
    refused(archive(tmp_path / "swapped.npz", swapped), "a0.npy", "CRC-32 differs")
    other = dict(members, **{"a0.npy": npy(np.zeros(3, np.float32))})
    refused(archive(tmp_path / "other.npz", other), "a0.npy",
            r"holds <f4 \(3,\), but the structure recorded '<f8' \(3,\)")
    parsed = json.loads(np.load(io.BytesIO(members["__structure__.npy"])).tobytes())
    del parsed["arrays"]["a1"]
    table = dict(members, **{"__structure__.npy": npy(np.frombuffer(
        json.dumps(parsed).encode(), np.uint8))})
    refused(archive(tmp_path / "table.npz", table), "__structure__.npy",
            "table of arrays does not match")


def test_version_1_checkpoints_still_load(tmp_path) -> None:
    """The layout written before the table of arrays: np.savez and a version-1 structure."""
    root = {"kind": "dict", "items": [
        ["w", {"kind": "tensor", "ref": "a0", "requires_grad": True}],
        ["step", {"kind": "scalar", "ref": "a1"}], ["name", {"kind": "value", "value": "x"}]]}
    text = json.dumps({"format": "minigrad-checkpoint", "version": 1, "root": root})
    np.savez(tmp_path / "v1.npz", a0=np.arange(3.0), a1=np.int64(5),
             __structure__=np.frombuffer(text.encode(), np.uint8))
    loaded = mg.load(tmp_path / "v1.npz")
    assert loaded["w"].requires_grad and np.array_equal(loaded["w"].data, np.arange(3.0))
    assert loaded["step"] == 5 and type(loaded["step"]) is np.int64 and loaded["name"] == "x"


# --- files that are not files, and permissions ---------------------------------------------------
def test_a_fifo_is_refused_without_blocking(tmp_path) -> None:
    os.mkfifo(tmp_path / "pipe.npz")
    refused(tmp_path / "pipe.npz", None, "not a regular file")


def test_a_checkpoint_that_cannot_be_read_raises_permission_error(shared_tmp) -> None:
    """Code that deletes corrupt checkpoints must not delete one it merely could not read."""
    path = shared_tmp / "ckpt.npz"
    mg.save({"w": np.ones(3)}, path)
    path.chmod(0)
    code = ("import sys, minigrad as mg\n"
            "try:\n    mg.load(sys.argv[1])\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    result = run_unprivileged([sys.executable, "-c", code, str(path)])
    assert result.stdout.startswith("PermissionError"), result.stdout + result.stderr
    assert str(path) in result.stdout


def test_members_whose_stored_bytes_overlap_are_refused(tmp_path) -> None:
    """A member nested inside another's data: each fits in the file, their sum need not
    (nesting many would let a small file declare its own size many times over)."""
    inner = npy(np.arange(4.0))
    single = io.BytesIO()
    with zipfile.ZipFile(single, "w") as file:
        file.writestr("a1.npy", inner)
    local_record = single.getvalue()[:30 + len("a1.npy") + len(inner)]
    outer = npy(np.frombuffer(local_record, np.uint8))
    path = tmp_path / "nested.npz"
    root = {"kind": "list", "items": [ARRAY, {"kind": "array", "ref": "a1"}]}
    with zipfile.ZipFile(path, "w") as file:
        file.writestr("a0.npy", outer)
        offset = 30 + len("a0.npy") + (len(outer) - len(local_record))  # where a1 starts
        nested = zipfile.ZipInfo("a1.npy")
        nested.header_offset, nested.CRC = offset, zlib.crc32(inner)
        nested.compress_size = nested.file_size = len(inner)
        file.filelist.append(nested)  # a central entry for the record inside a0's data
        file.NameToInfo["a1.npy"] = nested
        file.writestr("__structure__.npy", document(root))
    with zipfile.ZipFile(path) as file:  # a valid archive to zipfile
        assert np.array_equal(np.load(io.BytesIO(file.read("a1.npy"))), np.arange(4.0))
    refused(path, "a1.npy", "its stored bytes overlap those of 'a0.npy'")
