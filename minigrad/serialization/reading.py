"""`load`: check first, allocate second.

The archive is read with the `zipfile` module directly, in this order:

1. the central directory's size and entry count are checked before it is parsed;
2. the structure member is checked (size, compression) and parsed with bounds on its
   size, nesting and entry count; it names the array members to read, and no other member
   is ever read;
3. every named member is checked: stored or deflated, not encrypted, its declared sizes
   within the file (a deflated member within what deflate can produce), its `.npy` header
   a plain numeric dtype whose shape accounts for exactly the declared size, and (version 2)
   dtype, shape and CRC-32 equal to what the structure recorded; the total is checked
   against `max_bytes`, and no two members' stored bytes may overlap;
4. only then is each array allocated, once, and filled in chunks; the zip CRC-32 of every
   member is verified as its last byte is read.

Any failure is a `CheckpointError` naming the file and the member.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
import struct
import zipfile
import zlib
from typing import IO, Any

import numpy as np

from minigrad.serialization import structure
from minigrad.serialization.npy import MAX_NPY_HEADER, Header, HeaderError, header_end, parse_header
from minigrad.serialization.structure import StructureError

STRUCTURE_MEMBER = "__structure__.npy"
DEFAULT_MAX_BYTES = 2**30  # the decompressed total a checkpoint may hold, unless raised
MAX_MEMBERS = 200_000
MAX_CENTRAL_DIRECTORY = 256 * MAX_MEMBERS  # bytes; a generous 256 per member
DEFLATE_MAX_RATIO = 1032  # the most deflate can expand its input (RFC 1951's 258/2 bits)
CHUNK = 1 << 20


class CheckpointError(ValueError):
    """A checkpoint cannot be read: corrupted, truncated, not a minigrad checkpoint, over a
    limit, or it carries pickled objects. `path` and `member` say where."""

    def __init__(self, path: str, reason: str, member: str | None = None) -> None:
        self.path, self.member, self.reason = path, member, reason
        where = f"member {member!r}: " if member else ""
        super().__init__(f"load: cannot read the checkpoint {path!r}: {where}{reason}")

    def __reduce__(self):  # pickles (to and from worker processes) with its fields
        return type(self), (self.path, self.reason, self.member)


class _MemberError(Exception):
    """A problem with one member, before the file name is attached."""

    def __init__(self, reason: str, member: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.member = reason, member


# What reading a malformed archive can raise from zipfile, zlib, struct and NumPy's header
# parser. OSError is absent on purpose: a real I/O error is not a property of the file.
_MALFORMED = (zipfile.BadZipFile, zlib.error, struct.error, EOFError, ValueError,
              NotImplementedError, OverflowError, IndexError, KeyError, TypeError,
              RuntimeError, UnicodeDecodeError, SyntaxError)


def load(path: str | os.PathLike, *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Any:
    """Read what `save` wrote, checking the file before allocating anything for it.

    Raises FileNotFoundError if `path` does not exist, PermissionError if it cannot be
    read, and `CheckpointError` (a ValueError naming the file and the member) if it is not
    a valid minigrad checkpoint, or if its arrays total more than `max_bytes` bytes
    (default 1 GiB; None lifts the limit). Never unpickles, never runs code.

    >>> minigrad.save({"model": model.state_dict(), "step": 100}, "ckpt.npz")
    >>> minigrad.load("ckpt.npz")["step"]
    100
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"load: path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if max_bytes is not None and (isinstance(max_bytes, bool) or not isinstance(max_bytes, int)
                                  or max_bytes < 0):
        raise TypeError(f"load: max_bytes must be a non-negative int or None, got "
                        f"{max_bytes!r}")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no checkpoint at {path!r}") from None
    if stat.S_ISDIR(info.st_mode):
        raise CheckpointError(path, "[Errno 21] Is a directory, not a checkpoint file")
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(path, "it is not a regular file")
    with open(path, "rb") as file:  # PermissionError stays a PermissionError
        size = os.fstat(file.fileno()).st_size
        if file.read(6) == b"\x93NUMPY":
            raise CheckpointError(path, "it is a single .npy array, not a minigrad checkpoint")
        try:
            return _read(file, size, max_bytes)
        except _MemberError as bad:
            raise CheckpointError(path, bad.reason, bad.member) from None
        except _MALFORMED as error:
            raise CheckpointError(path, _describe(error)) from None
        except OSError as error:
            if error.errno != errno.EINVAL:  # EINVAL: a seek to an offset the file made up
                raise
            raise CheckpointError(path, _describe(error)) from None


def _describe(error: Exception) -> str:
    if isinstance(error, zipfile.BadZipFile) and "not a zip file" in str(error):
        return "it is not an .npz archive (NumPy would have to unpickle it, which load " \
            "never does)"
    return f"it is corrupted or truncated ({type(error).__name__}: {error})"


def _read(file: IO[bytes], size: int, max_bytes: int | None) -> Any:
    _check_central_directory(file)
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        if len(names) != len(set(names)):
            raise _MemberError("the archive names a member twice")
        members = {info.filename: info for info in archive.infolist()}
        if STRUCTURE_MEMBER not in members:
            raise _MemberError("it is not a minigrad checkpoint (no structure)")
        with _blaming(STRUCTURE_MEMBER):
            document = _read_structure(archive, members[STRUCTURE_MEMBER], size, max_bytes)
        try:
            parsed = structure.parse(document)
            refs = structure.references(parsed)
        except StructureError as error:
            raise _MemberError(str(error), STRUCTURE_MEMBER) from None
        plans = _plan_arrays(archive, members, refs, size, max_bytes, len(document))
        _check_disjoint(file, [members[STRUCTURE_MEMBER], *(p.info for p in plans.values())],
                        size)
        arrays = {}
        for ref, plan in plans.items():
            with _blaming(plan.info.filename):
                arrays[ref] = plan.read(archive)
    try:
        return structure.build(parsed["root"], arrays)
    except (StructureError, ValueError, TypeError) as error:
        raise _MemberError(f"its structure does not fit its arrays ({error})",
                           STRUCTURE_MEMBER) from None


def _plan_arrays(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                 refs: dict[str, dict | None], size: int, max_bytes: int | None,
                 total: int) -> dict[str, _Plan]:
    """Check every member the structure names, and the total they add to `total`, before
    reading any."""
    plans = {}
    for ref, expected in refs.items():
        name = ref + ".npy"
        if name not in members or name == STRUCTURE_MEMBER:
            raise _MemberError(f"the structure refers to array {ref!r}, which the archive "
                               "does not hold", STRUCTURE_MEMBER)
        with _blaming(name):
            plans[ref] = _plan(archive, members[name], size, expected)
        total += plans[ref].nbytes
        if max_bytes is not None and total > max_bytes:
            raise _MemberError(_over_budget(max_bytes), name)
    return plans


def _check_disjoint(file: IO[bytes], infos: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse members whose stored bytes overlap: nested members would let a file declare
    its own size many times over (each member alone fits in the file)."""
    spans = []
    for info in infos:
        file.seek(info.header_offset)
        local = file.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise _MemberError("its local header is missing", info.filename)
        name_length, extra_length = struct.unpack("<HH", local[26:30])
        end = info.header_offset + 30 + name_length + extra_length + info.compress_size
        if end > size:
            raise _MemberError(f"its data ends at byte {end:,}, past the end of the "
                               f"{size:,}-byte file", info.filename)
        spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_, end, first), (start, _, second) in itertools.pairwise(spans):
        if start < end:
            raise _MemberError(f"its stored bytes overlap those of {first!r}", second)


def _over_budget(budget: int) -> str:
    return f"its arrays hold more than max_bytes={budget:,} bytes (pass a larger max_bytes " \
        "to load it)"


@contextlib.contextmanager
def _blaming(member: str):
    """Attach the member's name to whatever malformed data raises while it is read."""
    try:
        yield
    except _MALFORMED as error:
        raise _MemberError(_describe(error), member) from None
    except OSError as error:
        if error.errno != errno.EINVAL:  # a seek to an offset the archive made up
            raise
        raise _MemberError(_describe(error), member) from None


def _check_central_directory(file: IO[bytes]) -> None:
    """Refuse a directory too large to parse before zipfile parses it (it keeps an object
    per entry); the private helper is guarded, and zipfile checks the rest."""
    find_end = getattr(zipfile, "_EndRecData", None)
    if find_end is None:
        return
    end = find_end(file)
    if end is None:
        raise zipfile.BadZipFile("File is not a zip file")
    entries, directory = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if entries > MAX_MEMBERS or directory > MAX_CENTRAL_DIRECTORY:
        raise _MemberError(f"its zip directory declares {entries:,} members in "
                           f"{directory:,} bytes (at most {MAX_MEMBERS:,} members are read)")
    file.seek(0)


def _read_structure(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int,
                    max_bytes: int | None) -> bytes:
    name = info.filename
    if info.file_size > structure.MAX_DOCUMENT_BYTES:
        raise _MemberError(f"the structure declares {info.file_size:,} bytes (at most "
                           f"{structure.MAX_DOCUMENT_BYTES:,})", name)
    if max_bytes is not None and info.file_size > max_bytes:
        raise _MemberError(_over_budget(max_bytes), name)
    plan = _plan(archive, info, size, None)
    header = plan.header
    if header.dtype != np.dtype(np.uint8) or len(header.shape) != 1:
        raise _MemberError(f"the structure is a {header.dtype} array of shape {header.shape}"
                           ", not bytes", name)
    return plan.read(archive).data.tobytes()


class _Plan:
    """A member that passed every check: what to allocate and how much to read."""

    def __init__(self, info: zipfile.ZipInfo, header: Header) -> None:
        self.info, self.header = info, header
        self.nbytes = info.file_size - header.length

    def read(self, archive: zipfile.ZipFile) -> np.ndarray:
        """The array, allocated once and filled in chunks; zipfile stops at the declared
        size and checks the CRC-32 when the last byte is read."""
        buffer = bytearray(self.nbytes)
        view = memoryview(buffer)
        with archive.open(self.info) as member:
            member.read(self.header.length)
            filled = 0
            while filled < self.nbytes:
                chunk = member.read(min(CHUNK, self.nbytes - filled))
                if not chunk:
                    raise _MemberError(f"it ends after {filled:,} of {self.nbytes:,} data "
                                       "bytes", self.info.filename)
                view[filled:filled + len(chunk)] = chunk
                filled += len(chunk)
        header = self.header
        array = np.frombuffer(buffer, dtype=header.dtype)
        return array.reshape(header.shape, order="F" if header.fortran else "C")


def _plan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int,
          expected: dict | None) -> _Plan:
    """Check one member against the file and the structure, reading only its header."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise _MemberError("it is encrypted", name)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _MemberError(f"it is stored uncompressed but declares {info.file_size:,} "
                               f"bytes in {info.compress_size:,}", name)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        if info.file_size > DEFLATE_MAX_RATIO * info.compress_size + 1024:
            raise _MemberError(f"it declares {info.file_size:,} bytes deflated from "
                               f"{info.compress_size:,}, more than deflate can produce", name)
    else:
        raise _MemberError(f"it uses compression method {info.compress_type}; checkpoints "
                           "are stored or deflated", name)
    if info.header_offset < 0 or info.header_offset + info.compress_size > size:
        raise _MemberError(f"it declares {info.compress_size:,} stored bytes at offset "
                           f"{info.header_offset:,}, past the end of the {size:,}-byte file",
                           name)
    with archive.open(info) as member:
        start = member.read(min(MAX_NPY_HEADER, info.file_size))
    try:
        header = parse_header(start[:header_end(start)])
    except HeaderError as error:
        raise _MemberError(str(error), name) from None
    if header.length + header.nbytes != info.file_size:
        raise _MemberError(f"its header declares shape {header.shape} of {header.dtype} "
                           f"({header.nbytes:,} bytes), but the member holds "
                           f"{info.file_size - header.length:,} data bytes", name)
    if expected is not None:
        if expected["dtype"] != header.dtype.str or tuple(expected["shape"]) != header.shape:
            raise _MemberError(f"it holds {header.dtype.str} {header.shape}, but the "
                               f"structure recorded {expected['dtype']!r:.20} "
                               f"{tuple(expected['shape'])}", name)
        if expected["crc32"] != info.CRC:
            raise _MemberError("its CRC-32 differs from the one the structure recorded "
                               "(members swapped or rewritten)", name)
    return _Plan(info, header)
