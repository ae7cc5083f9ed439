"""Running a child process as an unprivileged user, for the tests about permissions: root
reads and writes through any mode bits, so those tests drop to `nobody` when run as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

NOBODY = 65534


def run_unprivileged(command: list[str], **options) -> subprocess.CompletedProcess:
    """subprocess.run(command), as `nobody` when run as root (through `setpriv`); as the
    current user otherwise. Skips the test when root has no way to drop privileges."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                   *command]
    return subprocess.run(command, capture_output=True, text=True, **options)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A scratch folder that an unprivileged child can reach (pytest's tmp_path is private
    to root when run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="minigrad-test-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o777)
        shutil.rmtree(folder, ignore_errors=True)
