"""`python -m minigrad` as a user runs it: a problem with a path is one line on stderr naming
the path, exit status 2 when the path is of the wrong kind and 1 when the system refuses,
and never a traceback."""

from __future__ import annotations

import sys

import pytest
from helpers.unprivileged import run_unprivileged
from helpers.unprivileged import shared_tmp as shared_tmp  # a fixture

TINY_DEMO = ("import sys\nfrom minigrad.experiments import suite\n"
             "for settings in (suite.BIAS, suite.HEAD_RUN, suite.SCALE, suite.INTERVAL):\n"
             "    settings['steps'] = 2\n"
             "from minigrad.cli import main\nsys.exit(main(sys.argv[1:]))\n")


def minigrad(*args: str):
    """Run `python -m minigrad ARGS` (the demo with tiny settings) as an unprivileged user
    when the test runs as root, so that read-only folders are read-only."""
    if args[0] == "demo":
        return run_unprivileged([sys.executable, "-c", TINY_DEMO, *args])
    return run_unprivileged([sys.executable, "-m", "minigrad", *args])


def one_line(result, status: int, message: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.strip() == message
    assert result.returncode == status, (result.returncode, result.stderr)


@pytest.fixture
def place(shared_tmp):
    """A folder holding a file, a folder, and a read-only folder."""
    (shared_tmp / "afile").write_text("the user's")
    (shared_tmp / "adir").mkdir()
    (shared_tmp / "ro").mkdir()
    (shared_tmp / "ro").chmod(0o555)
    return shared_tmp


def test_graph_output_whose_parent_is_a_file(place) -> None:
    target = place / "afile" / "g.svg"
    one_line(minigrad("graph", "section2", "-o", str(target)), 2,
             f"graph: cannot write '{target}': '{place / 'afile'}' is not a directory")
    assert (place / "afile").read_text() == "the user's"


@pytest.mark.parametrize("name", ["adir", "adir/"])
def test_graph_output_that_is_a_folder(place, name) -> None:
    target = f"{place}/{name}"
    one_line(minigrad("graph", "section2", "-o", target), 2,
             f"graph: '{target}' is a directory; give a file name such as graph.svg")


def test_graph_output_in_a_read_only_folder(place) -> None:
    target = place / "ro" / "g.svg"
    one_line(minigrad("graph", "section2", "-o", str(target)), 1,
             f"graph: cannot write '{target}': Permission denied")
    target = place / "ro" / "new" / "g.svg"
    one_line(minigrad("graph", "section2", "-o", str(target)), 1,
             f"graph: cannot create the folder of '{target}': Permission denied")


def test_graph_usage_errors_stay_one_line(place) -> None:
    result = minigrad("graph", "nope", "-o", str(place / "g.svg"))
    one_line(result, 2, result.stderr.strip())
    assert result.stderr.startswith("graph: no example graph named 'nope'; choose one of")
    one_line(minigrad("graph", "section2", "-o", str(place / "g.jpg")), 2,
             f"graph: cannot tell the format of '{place / 'g.jpg'}' from its extension; "
             "expected one of .dot, .gv, .pdf, .png, .svg")
    assert sorted(p.name for p in place.iterdir()) == ["adir", "afile", "ro"]


def test_demo_out_that_is_a_file(place) -> None:
    one_line(minigrad("demo", "--out", str(place / "afile")), 2,
             f"demo: --out '{place / 'afile'}' is a file, not a folder; give a folder for "
             "the demo's files")
    one_line(minigrad("demo", "--out", str(place / "afile" / "sub")), 2,
             f"demo: cannot create the folder '{place / 'afile' / 'sub'}': Not a directory")
    assert (place / "afile").read_text() == "the user's"


def test_demo_out_that_is_read_only(place) -> None:
    one_line(minigrad("demo", "--out", str(place / "ro")), 1,
             f"demo: cannot write files in '{place / 'ro'}': Permission denied")
    one_line(minigrad("demo", "--out", str(place / "ro" / "sub")), 1,
             f"demo: cannot create the folder '{place / 'ro' / 'sub'}': Permission denied")


def test_empty_paths_are_usage_errors(place) -> None:
    one_line(minigrad("demo", "--out", ""), 2,
             "demo: --out is empty; give a folder for the demo's files")
    one_line(minigrad("graph", "section2", "-o", ""), 2,
             "graph: give an example NAME and -o FILE (or --list)")
