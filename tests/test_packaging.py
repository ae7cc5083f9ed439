"""What a user of the library expects of the package: the version written once and shown by
`python -m minigrad --version`, the MIT licence text that the metadata claims, type hints
marked for type checkers, and a changelog entry for the version."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import minigrad

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_written_once_in_the_package():
    project = pyproject()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "minigrad.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", minigrad.__version__)


def test_the_command_line_shows_the_version():
    done = subprocess.run([sys.executable, "-m", "minigrad", "--version"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"minigrad {minigrad.__version__}"


def test_the_licence_is_the_mit_text_the_metadata_claims():
    project = pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_type_hints_are_marked_for_type_checkers():
    assert (Path(minigrad.__file__).parent / "py.typed").is_file()
    assert "py.typed" in pyproject()["tool"]["setuptools"]["package-data"]["minigrad"]


def test_the_changelog_has_an_entry_for_the_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{minigrad.__version__}]" in changelog
    assert "## [Unreleased]" in changelog


def test_the_release_tools_are_in_an_extra():
    extras = pyproject()["project"]["optional-dependencies"]
    assert {re.split(r"[<>=\[]", r)[0] for r in extras["release"]} >= {"build", "twine"}
