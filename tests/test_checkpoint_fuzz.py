"""Fuzzing `load`: valid checkpoints mutated at random (truncated, bytes flipped, headers
rewritten, members swapped, declared sizes inflated, members added) either load as the
original or raise `CheckpointError`, never anything else, each within a time and memory
bound.

A few hundred mutations run in CI; run more by hand with
`MINIGRAD_FUZZ_ITERATIONS=20000 python -m pytest tests/test_checkpoint_fuzz.py`, and pick
the seed with MINIGRAD_FUZZ_SEED. A failure names the seed, the iteration and the
mutation, and leaves the file in pytest's temporary folder.
"""

from __future__ import annotations

import io
import os
import random
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib

import numpy as np
import pytest
from helpers.checkpoints import same

import minigrad as mg
from minigrad.serialization import CheckpointError

ITERATIONS = int(os.environ.get("MINIGRAD_FUZZ_ITERATIONS", "300"))
SEED = int(os.environ.get("MINIGRAD_FUZZ_SEED", "12"))
MAX_SECONDS = 2.0  # per file: a hang detector, far above the milliseconds a load takes
MAX_PEAK_BYTES = 100 * 2**20


def _objects() -> list:
    rng = np.random.default_rng(0)
    return [
        {"w": rng.standard_normal((4, 3)).astype(np.float32), "b": mg.tensor([1.0, 2.0]),
         "step": 7},
        {"model": {"0.weight": mg.tensor(np.ones((2, 2)), requires_grad=True),
                   "1.num_batches_tracked": np.array(3)},
         "lr": [0.1, (1, None, "x")], 3: np.float16(2.5)},
        [np.arange(300, dtype=np.int64), np.zeros((0, 2)), np.array([True, False]),
         np.asfortranarray(np.ones((3, 5)))],
    ]


def _recompressed(data: bytes) -> bytes:
    """The same archive with every member deflated (load accepts deflated members)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return out.getvalue()


def _rebuilt(data: bytes, change) -> bytes:
    """The archive rewritten member by member with valid zip CRCs; `change(members)`
    edits the list of [name, bytes] pairs first."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [[info.filename, source.read(info)] for info in source.infolist()]
        compression = source.infolist()[0].compress_type
    change(members)
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as target:
        warnings.simplefilter("ignore")  # a name used twice is one of the mutations
        for name, content in members:
            target.writestr(name, content)
    return out.getvalue()


# --- mutations: (data, rng) -> data -------------------------------------------------------
def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 8))):
        damaged[rng.randrange(len(damaged))] ^= rng.randrange(1, 256)
    return bytes(damaged)


def overwrite_span(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    span = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    return data[:start] + span + data[start + len(span):]


def rewrite_npy_header(data: bytes, rng: random.Random) -> bytes:
    """A member's `.npy` header says another shape or dtype; the zip CRC is made valid."""
    replacements = [(b"'shape': (", b"'shape': (1000000000000, "), (b"<f8", b"|O"),
                    (b"<f4", b"<f8"), (b"<i8", b"<c16"), (b"'fortran_order': False",
                                                          b"'fortran_order': True"),
                    (b"'shape': (", b"'shape': (-1, "), (b"<f8", b"V8"), (b"<f8", b"<U2"),
                    (b"'descr'", b"'dtype'"), (b"\x93NUMPY\x01", b"\x93NUMPY\x03")]

    def change(members):
        member = rng.choice(members)
        old, new = rng.choice(replacements)
        member[1] = member[1].replace(old, new, 1)
    return _rebuilt(data, change)


def swap_members(data: bytes, rng: random.Random) -> bytes:
    def change(members):
        if len(members) > 1:
            first, second = rng.sample(range(len(members)), 2)
            members[first][0], members[second][0] = members[second][0], members[first][0]
    return _rebuilt(data, change)


def add_member(data: bytes, rng: random.Random) -> bytes:
    """An extra member: a copy under another name, a zip bomb, or a name used twice."""
    def change(members):
        name, content = rng.choice(members)
        extra = rng.choice([("extra.npy", content), ("bomb.npy", bytes(2**22)),
                            (name, content[::-1])])
        members.append(list(extra))
    return _rebuilt(data, change)


def inflate_declared_sizes(data: bytes, rng: random.Random) -> bytes:
    """A central directory, local header or ZIP64 extra field says a member is larger
    than it is."""
    damaged = bytearray(data)
    fields = [(b"PK\x01\x02", (20, 24), "<I"), (b"PK\x03\x04", (18, 22), "<I"),
              (b"\x01\x00\x10\x00", (4, 12), "<Q"), (b"\x01\x00\x18\x00", (4, 12), "<Q")]
    signature, offsets, form = rng.choice(fields)
    starts = [i for i in range(len(data) - 12) if data.startswith(signature, i)]
    if not starts:
        return data
    at = rng.choice(starts) + rng.choice(offsets)
    limit = 2 ** (8 * struct.calcsize(form)) - 1
    old = struct.unpack_from(form, data, at)[0]
    value = rng.choice((limit, 2**31, 10**9, min(old + rng.randrange(1, 4096), limit)))
    struct.pack_into(form, damaged, at, value)
    return bytes(damaged)


MUTATIONS = [truncate, flip_bytes, overwrite_span, rewrite_npy_header, swap_members,
             add_member, inflate_declared_sizes]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[tuple[object, bytes]]:
    folder = tmp_path_factory.mktemp("corpus")
    files = []
    for i, obj in enumerate(_objects()):
        mg.save(obj, folder / f"{i}.npz")
        data = (folder / f"{i}.npz").read_bytes()
        files += [(obj, data), (obj, _recompressed(data))]
    return files


def test_mutated_checkpoints_load_exactly_or_raise_checkpoint_error(corpus, tmp_path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "mutated.npz"
    outcomes = {"original": 0, "CheckpointError": 0}
    for iteration in range(ITERATIONS):
        obj, data = rng.choice(corpus)
        mutation = rng.choice(MUTATIONS)
        path.write_bytes(mutation(data, rng))
        where = f"seed {SEED}, iteration {iteration}, {mutation.__name__} (file {path})"
        tracemalloc.start()
        start = time.perf_counter()
        try:
            loaded = mg.load(path)
        except CheckpointError as error:
            assert str(path) in str(error), where
            outcomes["CheckpointError"] += 1
        except Exception as error:  # anything else is the failure to report
            raise AssertionError(f"{where}: {type(error).__name__}: {error}") from error
        else:
            same(obj, loaded)
            outcomes["original"] += 1
        finally:
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert elapsed < MAX_SECONDS, f"{where}: {elapsed:.2f} s"
        assert peak < MAX_PEAK_BYTES, f"{where}: {peak / 2**20:.1f} MiB"
    assert outcomes["CheckpointError"] > ITERATIONS // 4, outcomes  # the mutations do bite
    print(f"fuzz: {ITERATIONS} mutations, {outcomes}")


def test_the_fuzzer_mutations_each_change_the_file(corpus) -> None:
    """Every mutation alters a valid file at least sometimes (a mutation that never does
    would test nothing)."""
    rng = random.Random(0)
    _, data = corpus[0]
    for mutation in MUTATIONS:
        assert any(mutation(data, rng) != data for _ in range(20)), mutation.__name__


def test_a_crc_fixed_rewrite_of_the_array_bytes_is_caught_by_the_structure(corpus, tmp_path
                                                                          ) -> None:
    """Version 2 records each member's CRC-32 in the structure: data rewritten with a
    valid zip CRC (the zip alone cannot tell) is still refused."""
    _, data = corpus[0]

    def change(members):
        name, content = next(m for m in members if m[0] == "a0.npy")
        members[members.index([name, content])][1] = content[:-1] + bytes([content[-1] ^ 1])
    rewritten = _rebuilt(data, change)
    assert zlib.crc32(rewritten) != zlib.crc32(data)
    path = tmp_path / "rewritten.npz"
    path.write_bytes(rewritten)
    with pytest.raises(CheckpointError, match=r"member 'a0\.npy': its CRC-32 differs"):
        mg.load(path)
