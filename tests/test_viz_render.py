"""minigrad.viz.render and `python -m minigrad graph`: real files, and life without `dot`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.dot import need_dot, parse_dot
from helpers.graphs import section2

from minigrad import viz
from minigrad.cli import main
from minigrad.viz.examples import EXAMPLES
from minigrad.viz.render import GraphvizNotFoundError, format_for

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which Graphviz's executables cannot be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_svg_png_and_pdf_are_rendered_by_dot(tmp_path):
    need_dot()
    _, _, loss = section2(detach=True)
    svg = viz.render(loss, tmp_path / "graph.svg")
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "detached" in text
    assert "xlink:title=" in text  # tooltips: hovering a vertex shows its details
    png = viz.render(loss, tmp_path / "graph.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = viz.render(loss, tmp_path / "nested" / "graph.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "graph.dot").exists()  # the source is only left behind without dot


def test_escaped_labels_and_tooltips_are_valid_for_dot(tmp_path):
    need_dot()
    b, _x, loss = section2()
    b.name = '<b> & "quoted" \\ back'
    path = viz.render(loss, tmp_path / "odd.svg", show_values=True, wrt=b)
    assert "&lt;b&gt; &amp;" in path.read_text()


def test_dot_format_needs_no_executable(tmp_path, no_dot):
    _, _, loss = section2()
    path = viz.render(loss, tmp_path / "graph.dot")
    assert path.read_text() == viz.draw(loss).source
    assert viz.render(loss, tmp_path / "graph.gv").exists()
    assert parse_dot(viz.draw(loss).source).ids("op")  # drawing needs no executable


def test_without_dot_render_names_the_executable_and_writes_the_dot_file(tmp_path, no_dot):
    _, _, loss = section2(detach=True)
    with pytest.raises(GraphvizNotFoundError) as raised:
        viz.render(loss, tmp_path / "graph.png")
    message = str(raised.value)
    for expected in ("`dot`", "apt-get install graphviz", "brew install graphviz",
                     "conda install -c conda-forge graphviz", str(tmp_path / "graph.png.dot")):
        assert expected in message
    assert isinstance(raised.value, RuntimeError)
    written = (tmp_path / "graph.png.dot").read_text()
    assert len(parse_dot(written).detached_edges()) == 1
    assert not (tmp_path / "graph.png").exists()


def test_the_format_comes_from_the_extension_or_the_argument(tmp_path):
    assert format_for("a.SVG") == "svg" and format_for("a.gv") == "dot"
    assert format_for("a.txt", "png") == "png"
    with pytest.raises(ValueError, match=r"cannot tell the format of 'a\.jpg'"):
        format_for("a.jpg")
    with pytest.raises(ValueError, match="format must be one of"):
        format_for("a.svg", "gif")
    _, _, loss = section2()
    path = viz.render(loss, tmp_path / "source.txt", format="dot")
    assert path.read_text().startswith("digraph")


# --- the command line ---------------------------------------------------------------------
def test_graph_list_names_every_example(capsys):
    assert main(["graph", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("section2", "section2-detached", "batchnorm-composed", "batchnorm-fused",
                 "mlp"):
        assert name in EXAMPLES and f"{name} " in out


@pytest.mark.parametrize("name", ["section2", "section2-detached", "section2-paths",
                                  "section2-detached-paths"])
def test_graph_writes_the_section2_examples(name, tmp_path, capsys):
    target = tmp_path / f"{name}.dot"
    assert main(["graph", name, "-o", str(target)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    dot = parse_dot(target.read_text())
    assert len(dot.detached_edges()) == (1 if "detached" in name else 0)
    assert ("Gradient of loss with respect to b" in dot.caption) == name.endswith("paths")


def test_graph_renders_png_through_python_m_minigrad(tmp_path):
    need_dot()
    target = tmp_path / "s2.png"
    done = subprocess.run([sys.executable, "-m", "minigrad", "graph", "section2-paths", "-o",
                           str(target)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:4] == b"\x89PNG"


def test_graph_errors_are_clear(tmp_path, capsys):
    assert main(["graph", "nope", "-o", str(tmp_path / "x.svg")]) == 2
    assert "no example graph named 'nope'" in capsys.readouterr().err
    assert main(["graph", "section2", "-o", str(tmp_path / "x.jpg")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err
    assert main(["graph", "section2"]) == 2
    assert "give an example NAME and -o FILE" in capsys.readouterr().err


def test_graph_without_dot_exits_1_and_leaves_the_dot_file(tmp_path, capsys, no_dot):
    assert main(["graph", "section2", "-o", str(tmp_path / "s2.svg")]) == 1
    assert "brew install graphviz" in capsys.readouterr().err
    assert (tmp_path / "s2.svg.dot").exists()
