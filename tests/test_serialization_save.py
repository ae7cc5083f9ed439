"""Saving checkpoints without clobbering what the user has: read-only files are refused,
modes follow open() (umask for a new file, the old mode for a replaced one), errors name
the target, temporary files never outlive a save (a killed save's are cleaned by the next
one), and a save killed with SIGKILL leaves the old or the new file, whole."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers.checkpoints import same
from helpers.unprivileged import run_unprivileged
from helpers.unprivileged import shared_tmp as shared_tmp  # a fixture

import minigrad as mg
from minigrad.serialization import writing


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_read_only_checkpoint_is_not_replaced(tmp_path) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"v": 1}, path)
    path.chmod(0o444)
    with pytest.raises(PermissionError, match=rf"save: '{path}' is read-only"):
        mg.save({"v": 2}, path)
    assert mg.load(path) == {"v": 1} and _mode(path) == 0o444
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_a_file_the_user_cannot_write_is_not_replaced(shared_tmp) -> None:
    """Owner-writable only, and saved to by another user (who may write the folder)."""
    path = shared_tmp / "ckpt.npz"
    mg.save({"v": 1}, path)
    path.chmod(0o644)
    code = "import sys, minigrad as mg\nmg.save({'v': 2}, sys.argv[1])\n"
    result = run_unprivileged([sys.executable, "-c", code, str(path)])
    if os.geteuid() != 0:
        pytest.skip("the file is the current user's own")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("PermissionError") and f"save: cannot replace '{path}'" in last
    assert mg.load(path) == {"v": 1}
    assert os.listdir(shared_tmp) == ["ckpt.npz"]


def test_errors_in_a_read_only_folder_name_the_target_not_a_temporary(shared_tmp) -> None:
    folder = shared_tmp / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "x.npz"
    code = "import sys, minigrad as mg\nmg.save({'v': 2}, sys.argv[1])\n"
    result = run_unprivileged([sys.executable, "-c", code, str(target)])
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("PermissionError: [Errno 13] save: cannot write "
                           f"'{target}' (in '{folder}'): Permission denied"), last
    assert ".tmp" not in last
    assert os.listdir(folder) == []


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_checkpoint_gets_the_mode_open_would_give(tmp_path, umask, expected) -> None:
    old = os.umask(umask)
    try:
        mg.save({"v": 1}, tmp_path / "ckpt.npz")
        with open(tmp_path / "plain", "wb"):
            pass
    finally:
        os.umask(old)
    assert _mode(tmp_path / "ckpt.npz") == _mode(tmp_path / "plain") == expected


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o660, 0o600])
def test_a_replaced_checkpoint_keeps_its_mode(tmp_path, mode) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"v": 1}, path)
    path.chmod(mode)
    mg.save({"v": 2}, path)
    assert mg.load(path) == {"v": 2} and _mode(path) == mode


def test_a_symbolic_link_is_followed_and_kept(tmp_path) -> None:
    (tmp_path / "real").mkdir()
    mg.save({"v": 1}, tmp_path / "real" / "ckpt.npz")
    link = tmp_path / "latest.npz"
    link.symlink_to(tmp_path / "real" / "ckpt.npz")
    mg.save({"v": 2}, link)
    assert link.is_symlink() and mg.load(tmp_path / "real" / "ckpt.npz") == {"v": 2}
    assert os.listdir(tmp_path / "real") == ["ckpt.npz"]


def test_paths_that_cannot_be_a_checkpoint_are_clear_errors(tmp_path) -> None:
    with pytest.raises(ValueError, match="save: the path is empty"):
        mg.save({}, "")
    with pytest.raises(IsADirectoryError, match=rf"save: '{tmp_path}' is a directory"):
        mg.save({}, tmp_path)
    with pytest.raises(IsADirectoryError, match="names a directory, not a file"):
        mg.save({}, f"{tmp_path}/sub/")
    for name in (".", ".."):
        with pytest.raises(IsADirectoryError, match="names a directory"):
            mg.save({}, f"{tmp_path}/{name}")
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match=rf"save: cannot write '{tmp_path}/file/x"
                       r"\.npz': '.*file' is not a directory"):
        mg.save({}, tmp_path / "file" / "x.npz")
    with pytest.raises(TypeError, match=r"save: path must be a str or os\.PathLike, got int"):
        mg.save({}, 3)
    assert sorted(os.listdir(tmp_path)) == ["file"]
    assert not [name for name in os.listdir(tmp_path.parent) if name.endswith(".tmp")]


def _fail_while_writing(monkeypatch, error: BaseException) -> None:
    def write_array(*args, **kwargs):
        raise error
    monkeypatch.setattr(writing.np.lib.format, "write_array", write_array)


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   KeyboardInterrupt(), MemoryError()])
def test_the_temporary_file_is_removed_on_every_failure(tmp_path, monkeypatch, error) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"v": 1}, path)
    _fail_while_writing(monkeypatch, error)
    with pytest.raises(type(error)) as caught:
        mg.save({"v": np.ones(3)}, path)
    if isinstance(error, OSError):
        assert str(caught.value) == f"[Errno 28] save: cannot write '{path}': No space " \
            "left on device"
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["ckpt.npz"] and mg.load(path) == {"v": 1}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporaries_of_a_killed_save_are_removed_by_the_next_save(tmp_path) -> None:
    stale = tmp_path / f".ckpt.npz.{_dead_pid()}-0123abcd.tmp"
    live = tmp_path / f".ckpt.npz.{os.getppid()}-0123abcd.tmp"  # a process that still runs
    others = [tmp_path / f".other.npz.{_dead_pid()}-0123abcd.tmp", tmp_path / ".ckpt.npz.tmp",
              tmp_path / "notes.txt"]
    for path in (stale, live, *others):
        path.write_bytes(b"partial")
    mg.save({"v": 1}, tmp_path / "ckpt.npz")
    assert not stale.exists()
    assert live.exists() and all(path.exists() for path in others)


_KILLED_WRITER = """
import sys
import numpy as np
import minigrad as mg
path = sys.argv[1]
big = {"version": 0, "w": np.zeros(2_000_000)}
print("ready", flush=True)
for version in range(1, 10**6):
    big["version"], big["w"] = version, np.full(2_000_000, float(version))
    mg.save(big, path)
"""


def test_a_save_killed_mid_write_leaves_a_whole_file_and_no_litter(tmp_path) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"version": 0, "w": np.zeros(2_000_000)}, path)
    kills = int(os.environ.get("MINIGRAD_KILL_ITERATIONS", "4"))
    litter = 0
    for kill in range(kills):
        writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline() == "ready\n"
        time.sleep(0.05 + 0.1 * kill)  # a few saves in, at a different moment each time
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        loaded = mg.load(path)  # the old or the new checkpoint, whole
        assert np.all(loaded["w"] == loaded["version"]), kill
        litter += len(os.listdir(tmp_path)) - 1
        mg.save(loaded, path)  # the next save cleans what the killed one left
        assert os.listdir(tmp_path) == ["ckpt.npz"]
    print(f"{kills} kills, {litter} temporaries left by them and then removed")


def test_keys_round_trip_exactly(tmp_path) -> None:
    obj = {0: "int", -5: "negative", 2**70: "big", "a/b": "slash", "ünï©ødé": "unicode",
           "": "empty", "__structure__": "a name the archive uses", "a0.npy": "another",
           "\x00\n": "control", "😀": "emoji", "🙂": {"nested": [np.float32(1)]}}
    mg.save(obj, tmp_path / "keys.npz")
    loaded = mg.load(tmp_path / "keys.npz")
    same(obj, loaded)
    assert list(loaded) == list(obj)


def test_strings_with_lone_surrogates_and_long_integers(tmp_path) -> None:
    obj = {"\ud800": "\udfff x", "big": 10**4000, "neg": -(2**100)}
    mg.save(obj, tmp_path / "odd.npz")
    assert mg.load(tmp_path / "odd.npz") == obj
    with pytest.raises(ValueError, match=r"save: the integer at obj\['x'\] is too long"):
        mg.save({"x": 10**5000}, tmp_path / "odd.npz")
    assert mg.load(tmp_path / "odd.npz") == obj
    assert os.listdir(tmp_path) == ["odd.npz"]


@pytest.mark.parametrize("stem", ["c" * 251, "ü" * 125 + "c"])  # 255 bytes, the usual limit
def test_a_name_near_the_length_limit_leaves_room_for_the_temporary(tmp_path, stem) -> None:
    path = tmp_path / (stem + ".npz")
    mg.save({"v": 1}, path)
    kept = (stem + ".npz").encode()[:120].decode("utf-8", "surrogateescape")
    stale = tmp_path / f".{kept}.{_dead_pid()}-0123abcd.tmp"
    stale.write_bytes(b"partial")
    mg.save({"v": 2}, path)
    assert mg.load(path) == {"v": 2} and os.listdir(tmp_path) == [path.name]
