"""Crafted checkpoints against `minigrad.load`: time, peak memory and outcome for each.

    python benchmarks/checkpoint_files.py                   # this checkout's minigrad
    python benchmarks/checkpoint_files.py --code OLD_CHECKOUT   # another one, to compare

The files are those an attacker would send (see docs/checkpoints.md): a member that the
structure never names holding 1 GiB of deflated zeros, a named one of the same size, a
571-byte file whose header declares shape (10**12,), and a structure nested 100,000 deep.
Each is loaded in a fresh process whose working directory is `--code`, so that its
`minigrad` is the one imported; the child reports wall time, tracemalloc's peak (what
Python and NumPy allocated, or tried to) and the rise of ru_maxrss.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

CHILD = r"""
import resource, sys, time, tracemalloc
import minigrad as mg
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
try:
    outcome = "returned " + repr(mg.load(sys.argv[1]))[:30]
except BaseException as error:
    outcome = f"{type(error).__name__}: {str(error)[:90]}"
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(f"{elapsed:8.3f} s  peak {peak / 2**20:11.1f} MiB  maxrss +{rss / 1024:8.1f} MiB  {outcome}")
"""


def _npy(array: np.ndarray) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array)
    return stream.getvalue()


def _structure(root: dict) -> bytes:
    text = json.dumps({"format": "minigrad-checkpoint", "version": 1, "root": root})
    return _npy(np.frombuffer(text.encode(), np.uint8))


def _deflated_zeros(archive: zipfile.ZipFile, name: str, header: bytes, mib: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        member._compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # smallest bomb
        member.write(header)
        for _ in range(mib):
            member.write(bytes(2**20))


def craft(folder: Path, mib: int) -> list[Path]:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (mib * 2**17,)})
    files = {name: folder / f"{name}.npz" for name in
             ("unnamed_bomb", "named_bomb", "huge_shape", "deep")}
    with zipfile.ZipFile(files["unnamed_bomb"], "w") as archive:
        archive.writestr("__structure__.npy", _structure({"kind": "value", "value": 1}))
        _deflated_zeros(archive, "bomb.npy", b"", mib)
    with zipfile.ZipFile(files["named_bomb"], "w") as archive:
        archive.writestr("__structure__.npy", _structure({"kind": "array", "ref": "a0"}))
        _deflated_zeros(archive, "a0.npy", header.getvalue(), mib)
    tiny = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        tiny, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    with zipfile.ZipFile(files["huge_shape"], "w") as archive:
        archive.writestr("__structure__.npy", _structure({"kind": "array", "ref": "a0"}))
        archive.writestr("a0.npy", tiny.getvalue() + bytes(8))
    deep = b'{"format": "minigrad-checkpoint", "version": 1, "root": ' + \
        b"[" * 100_000 + b"]" * 100_000 + b"}"
    with zipfile.ZipFile(files["deep"], "w") as archive:
        archive.writestr("__structure__.npy", _npy(np.frombuffer(deep, np.uint8)))
    return list(files.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", default=str(Path(__file__).resolve().parents[1]),
                        help="the checkout whose minigrad loads the files")
    parser.add_argument("--mib", type=int, default=1024, help="size of the bombs (MiB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for path in craft(Path(folder), args.mib):
            done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=args.code,
                                  capture_output=True, text=True)
            result = done.stdout.strip() or done.stderr.strip().splitlines()[-1]
            print(f"{path.name:18} {path.stat().st_size:>9,} B  {result}")


if __name__ == "__main__":
    main()
