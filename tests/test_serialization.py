"""Checkpoints: bit-exact round trips that keep dtypes and kinds, atomic writes, and files
that are missing, truncated, corrupted or carry pickles: clear errors, no code executed."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest
from helpers.checkpoints import same

import minigrad as mg
import minigrad.nn as nn
from minigrad import optim
from minigrad.serialization import CheckpointError


def test_round_trip_is_bit_exact_and_keeps_kinds(tmp_path) -> None:
    rng = np.random.default_rng(0)
    obj = {
        "float32": rng.standard_normal((3, 4)).astype(np.float32),
        "float16": np.array([1e-4, 65504.0, -0.0], np.float16),
        "float64-specials": np.array([np.nan, np.inf, -np.inf, 5e-324, -0.0]),
        "ints": [np.arange(5, dtype=np.int8), np.array(2**62, np.int64), np.uint16(7)],
        "bool": np.array([True, False]),
        "complex": np.array([1 + 2j], np.complex64),
        "empty": np.zeros((0, 3), np.float32),
        "fortran": np.asfortranarray(rng.standard_normal((2, 3))),
        "tensor": mg.tensor([1.5, 2.5]),
        "trainable": mg.tensor(np.ones(2, np.float64), requires_grad=True),
        7: "integer keys stay integers",
        "numbers": (1, 2**80, 0.1, float("nan"), float("-inf"), True, None),
        "nested": {"list": [[], {}, ()], "text": "ünïcode"},
    }
    path = tmp_path / "everything.npz"
    mg.save(obj, path)
    same(obj, mg.load(path))
    same(obj, mg.load(str(path)))


def test_model_and_optimizer_state_round_trip(tmp_path) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(2):
        optimizer.zero_grad()
        model(mg.randn(8, 3)).sum().backward()
        optimizer.step()
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": 2}
    mg.save(checkpoint, tmp_path / "ckpt")  # the path is used as given
    assert os.listdir(tmp_path) == ["ckpt"]
    loaded = mg.load(tmp_path / "ckpt")
    same(checkpoint, loaded)
    assert loaded["model"]["1.num_batches_tracked"].dtype == np.int64
    fresh = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    fresh.load_state_dict(loaded["model"])
    x = mg.randn(5, 3)
    model.eval(), fresh.eval()
    assert np.array_equal(model(x).data, fresh(x).data)


def test_write_is_atomic_and_replaces_the_old_file(tmp_path) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"version": 1}, path)
    with pytest.raises(TypeError, match=r"cannot store a object \(at obj\['bad'\]\)"):
        mg.save({"version": 2, "bad": object()}, path)
    assert mg.load(path) == {"version": 1}  # a failed save leaves the old checkpoint
    mg.save({"version": 3}, path)
    assert mg.load(path) == {"version": 3}
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # no temporary file left behind


def test_unsupported_values_are_rejected_when_saving(tmp_path) -> None:
    with pytest.raises(TypeError, match="object arrays would need pickle"):
        mg.save({"a": np.array([{}, 1], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match=r"dict keys must be str or int, got \(1, 2\)"):
        mg.save({(1, 2): 0}, tmp_path / "x.npz")
    assert not os.listdir(tmp_path)


def test_missing_file_or_directory(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no checkpoint at .*nothing\.npz"):
        mg.load(tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match=r"the directory .*missing' does not exist"):
        mg.save({}, tmp_path / "missing" / "ckpt.npz")
    with pytest.raises(CheckpointError, match="cannot read the checkpoint"):
        mg.load(tmp_path)  # a directory


def _saved(tmp_path) -> tuple[str, bytes]:
    path = tmp_path / "ckpt.npz"
    mg.save({"w": np.arange(1000, dtype=np.float64)}, path)
    return str(path), path.read_bytes()


def test_truncated_file(tmp_path) -> None:
    path, content = _saved(tmp_path)
    for size in (0, 10, len(content) // 2, len(content) - 5):
        with open(path, "wb") as file:
            file.write(content[:size])
        with pytest.raises(CheckpointError, match=f"cannot read the checkpoint '{path}'"):
            mg.load(path)


def test_corrupted_array_bytes(tmp_path) -> None:
    path, content = _saved(tmp_path)
    damaged = bytearray(content)
    offset = content.index(np.arange(1000, dtype=np.float64)[500:501].tobytes())
    damaged[offset] ^= 0xFF  # one flipped byte inside the array: the zip CRC catches it
    with open(path, "wb") as file:
        file.write(bytes(damaged))
    with pytest.raises(CheckpointError, match="corrupted or truncated"):
        mg.load(path)


def test_files_that_are_not_minigrad_checkpoints(tmp_path) -> None:
    text = tmp_path / "notes.npz"
    text.write_text("not a checkpoint")
    with pytest.raises(CheckpointError, match=r"not an \.npz archive"):
        mg.load(text)
    single = tmp_path / "array.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(CheckpointError, match=r"single \.npy array"):
        mg.load(single)
    plain = tmp_path / "plain.npz"
    np.savez(plain, x=np.zeros(3))
    with pytest.raises(CheckpointError, match="not a minigrad checkpoint"):
        mg.load(plain)
    bad_structure = tmp_path / "bad.npz"
    np.savez(bad_structure, __structure__=np.frombuffer(b'{"format": "other"}', np.uint8))
    with pytest.raises(CheckpointError, match="not a valid minigrad checkpoint"):
        mg.load(bad_structure)


class _CreatesMarker:
    """Unpickling this object would create the marker file: proof that code ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickled_objects_are_never_loaded(tmp_path) -> None:
    marker = tmp_path / "marker"
    payload = np.empty(1, dtype=object)
    payload[0] = _CreatesMarker(str(marker))
    path, _ = _saved(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:  # a legitimate checkpoint plus a pickle
        with archive.open("a1.npy", "w") as member:
            np.lib.format.write_array(member, payload, allow_pickle=True)
    np.load(path, allow_pickle=True)["a1"][0].close()  # the payload does run when allowed
    assert marker.exists()
    marker.unlink()
    assert set(mg.load(path)) == {"w"}  # a member the structure does not name is never read
    assert not marker.exists()

    referred = tmp_path / "referred.npz"  # the structure names the pickled member
    document = b'{"format": "minigrad-checkpoint", "version": 1, ' \
        b'"root": {"kind": "array", "ref": "a1"}}'
    with zipfile.ZipFile(referred, "w") as archive:
        with archive.open("__structure__.npy", "w") as member:
            np.lib.format.write_array(member, np.frombuffer(document, np.uint8))
        with archive.open("a1.npy", "w") as member:
            np.lib.format.write_array(member, payload, allow_pickle=True)
    with pytest.raises(CheckpointError, match=r"member 'a1\.npy': it carries pickled objects"):
        mg.load(referred)
    assert not marker.exists()

    import pickle

    pickled = tmp_path / "pickled.npz"
    pickled.write_bytes(pickle.dumps(_CreatesMarker(str(marker))))
    with pytest.raises(CheckpointError, match="would have to unpickle"):
        mg.load(pickled)
    assert not marker.exists()
