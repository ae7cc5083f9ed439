"""The explorer works from an installed wheel: its template, script and stylesheet are
package data. Builds the wheel (no build isolation, so no network), installs it into a
fresh virtual environment that reads numpy and graphviz from this one's site-packages (a
plain path in a .pth file: this environment's own .pth files, such as an editable
install of minigrad, are not run there), and makes a page there."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from helpers.dot import need_dot

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ("page.html", "view.js", "explorer.js", "explorer.css")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy: setuptools would leave build/ in the checkout, and a stale build/
    # could carry files that no longer exist into the wheel.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "minigrad", source / "minigrad",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(out)], check=True,
                   capture_output=True, text=True)
    (found,) = out.glob("minigrad-*.whl")
    return found


def test_wheel_carries_the_page_assets(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for asset in ASSETS:
        assert f"minigrad/viz/explorer/{asset}" in names


def test_explore_works_from_the_installed_package(wheel, tmp_path):
    need_dot()
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    (site_packages,) = env.glob("lib/python*/site-packages")
    (site_packages / "parent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True, text=True)
    script = (
        "import minigrad, minigrad.viz as viz\n"
        "assert 'site-packages' in minigrad.__file__, minigrad.__file__\n"
        "x = minigrad.randn(3, requires_grad=True)\n"
        "page = viz.explore((x * x).sum())\n"
        "print(page.save('page.html'))\n"
    )
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "minigradExplorer" in text and "--vermillion" in text and "<svg" in text
