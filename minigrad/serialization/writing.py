"""`save`: atomic, and careful with what the user already has.

The archive is written to a temporary file beside the target, flushed to disk and renamed
over it, so a crash leaves the old checkpoint or the new one, never half of one. Around
that:

* the target is checked first: an empty path, a directory or a read-only file is refused
  (a read-only file is one that `open(path, "wb")` would refuse, or that has no write
  permission bit at all, so that even root does not replace a file marked read-only);
* a symbolic link is followed: the file it points to is replaced, the link is kept;
* a new file gets the mode `open()` would give it (0o666 less the umask); a replaced file
  keeps its mode;
* the temporary file (`.NAME.PID-RANDOM.tmp`) is removed on every failure; those left by
  a process that was killed are removed by the next save of the same target;
* every error says `save:` and names the target, not the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import zipfile
from typing import Any

import numpy as np

from minigrad.serialization import structure
from minigrad.serialization.reading import STRUCTURE_MEMBER


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write `obj` to `path` (used as given: no suffix is added), atomically.

    `obj` is a nest of dicts (str or int keys), lists and tuples of tensors, arrays, NumPy
    scalars, numbers, strings, booleans and None, at most 100 levels deep. Raises TypeError
    for anything else, PermissionError if `path` is read-only or its folder cannot be
    written, IsADirectoryError if it is a folder.

    >>> minigrad.save({"model": model.state_dict(), "step": 100}, "ckpt.npz")
    """
    try:
        target = _target(path)
    except OSError as error:
        if _says_save(error):
            raise
        raise _renamed(error, f"cannot write {os.fspath(path)!r}") from None
    root, arrays = structure.encode(obj)  # type errors come before any file is touched
    directory, name = os.path.split(target)
    _remove_stale_temporaries(directory, name)
    mode = _mode_for(target)
    temporary = _create_temporary(directory, name, target)
    try:
        with os.fdopen(temporary.fd, "wb") as file:
            _write_archive(file, root, arrays)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary.path, mode)
        os.replace(temporary.path, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary.path)
        if isinstance(error, OSError) and not _says_save(error):
            raise _renamed(error, f"cannot write {target!r}") from None
        raise
    _fsync_directory(directory)


def _target(path: str | os.PathLike) -> str:
    """The file to replace: `path`, or what it links to; refuses what cannot be written."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save: path must be a str or os.PathLike, got {type(path).__name__}")
    given = os.fspath(path)
    if isinstance(given, bytes):
        given = os.fsdecode(given)
    if not given:
        raise ValueError("save: the path is empty; give a file name such as 'ckpt.npz'")
    if given.endswith((os.sep, "/")) or os.path.basename(given) in ("", ".", ".."):
        raise IsADirectoryError(errno.EISDIR, f"save: {given!r} names a directory, not a "
                                "file")
    target = os.path.realpath(given) if os.path.islink(given) else os.path.abspath(given)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        if os.path.exists(directory):
            raise NotADirectoryError(errno.ENOTDIR, f"save: cannot write {given!r}: "
                                     f"{directory!r} is not a directory")
        raise FileNotFoundError(errno.ENOENT, f"save: cannot write {given!r}: the directory "
                                f"{directory!r} does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, f"save: {given!r} is a directory")
    if os.path.lexists(target):
        _check_writable(target, given)
    return target


def _check_writable(target: str, given: str) -> None:
    info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise PermissionError(errno.EACCES, f"save: {given!r} is not a regular file; "
                              "refusing to replace it")
    if not info.st_mode & 0o222:
        raise PermissionError(errno.EACCES, f"save: {given!r} is read-only; refusing to "
                              "replace it (change its mode to overwrite it)")
    try:  # open for writing without truncating: the same check open(path, "wb") makes
        os.close(os.open(target, os.O_WRONLY))
    except OSError as error:
        raise _renamed(error, f"cannot replace {given!r}") from None


def _mode_for(target: str) -> int | None:
    """The mode of the file being replaced; None for a new file (the umask decides)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return None


class _Temporary:
    def __init__(self, path: str, fd: int) -> None:
        self.path, self.fd = path, fd


def _create_temporary(directory: str, name: str, target: str) -> _Temporary:
    """A new hidden file beside the target, created with mode 0o666 so that the umask
    applies as it would for open() (mkstemp would force 0o600)."""
    for _ in range(100):
        path = os.path.join(directory, f".{_kept(name)}.{os.getpid()}-"
                                       f"{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise _renamed(error, f"cannot write {target!r} (in {directory!r})") from None
        return _Temporary(path, fd)
    raise FileExistsError(errno.EEXIST, f"save: cannot create a temporary file for {target!r}")


def _kept(name: str) -> str:
    """The start of the target's name that its temporary files carry: at most 120 bytes,
    so that a name near the system's limit (255 bytes) leaves room for the rest."""
    return os.fsdecode(os.fsencode(name)[:120])


def _temporary_pattern(name: str) -> re.Pattern:
    return re.compile(rf"\.{re.escape(_kept(name))}\.(\d+)-[0-9a-f]+\.tmp")


def _remove_stale_temporaries(directory: str, name: str) -> None:
    """Remove what a killed save of this target left behind: temporaries whose writing
    process no longer runs (POSIX only; elsewhere they are left alone)."""
    if os.name != "posix":
        return
    pattern = _temporary_pattern(name)
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and not _running(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _write_archive(file, root: dict, arrays: dict[str, np.ndarray]) -> None:
    """The `.npz` archive: one stored `.npy` member per array, then the structure, which
    records each member's dtype, shape and CRC-32."""
    table = {}
    with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED,
                         allowZip64=True) as archive:
        for ref, array in arrays.items():
            member = ref + ".npy"
            with archive.open(member, "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, array, allow_pickle=False)
            table[ref] = {"dtype": array.dtype.str, "shape": list(array.shape),
                          "crc32": archive.getinfo(member).CRC}
        document = structure.document(root, table)
        with archive.open(STRUCTURE_MEMBER, "w", force_zip64=True) as stream:
            np.lib.format.write_array(stream, np.frombuffer(document, np.uint8),
                                      allow_pickle=False)


def _says_save(error: OSError) -> bool:
    return (error.strerror or str(error)).startswith("save:")


def _renamed(error: OSError, message: str) -> OSError:
    """The same kind of OSError (by errno), saying `save:` and naming the target instead
    of the temporary file."""
    reason = error.strerror or str(error)
    return OSError(error.errno, f"save: {message}: {reason}") if error.errno else \
        type(error)(f"save: {message}: {reason}")


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
