"""render and draw with careless paths and hostile names: no file the user did not name is
overwritten, any name draws, and a bad option or path is a clear error naming it."""

from __future__ import annotations

import re
import sys

import pytest
from helpers.dot import need_dot
from helpers.unprivileged import run_unprivileged
from helpers.unprivileged import shared_tmp as shared_tmp  # a fixture
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
from minigrad import viz
from minigrad.viz.render import GraphvizNotFoundError, fallback_path

UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def _loss() -> mg.Tensor:
    w = mg.randn(3, requires_grad=True)
    w.name = "w"
    return (w * 2.0).sum()


# --- the DOT fallback without Graphviz ----------------------------------------------------
def test_without_dot_the_users_files_are_left_alone(tmp_path, no_dot) -> None:
    users = tmp_path / "fig.dot"
    users.write_text("digraph mine { a -> b }")
    with pytest.raises(GraphvizNotFoundError, match=re.escape(
            f"The DOT source was written to {tmp_path / 'fig.svg.dot'} instead")):
        viz.render(_loss(), tmp_path / "fig.svg")
    assert users.read_text() == "digraph mine { a -> b }"
    fallback = fallback_path(tmp_path / "fig.svg")
    assert fallback == tmp_path / "fig.svg.dot"
    first = fallback.read_text()
    assert first.startswith("// The DOT source of fig.svg, written by minigrad")
    assert "digraph minigrad" in first
    # its own fallback is replaced by the next render; a user's file of that name is not
    with pytest.raises(GraphvizNotFoundError, match="written to"):
        viz.render(_loss() * 3.0, tmp_path / "fig.svg")
    assert fallback.read_text() != first
    fallback.write_text("my notes")
    with pytest.raises(GraphvizNotFoundError, match=re.escape(
            f"The DOT source was not written: {fallback} exists and was left alone")):
        viz.render(_loss(), tmp_path / "fig.svg")
    assert fallback.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-bin", "fig.dot",
                                                          "fig.svg.dot"]


# --- hostile names ------------------------------------------------------------------------
NASTY = ["a\x01b", "\x1b[31mred\x1b[0m", "nul\x00", "tab\tnew\nline\r", "del\x7f\x85",
         "surrogate\ud800", "\ufffe\uffff", "<b>&amp;\"'</b>", "back\\slash\\n", "ünï🙂"]


class _Named(nn.Module):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.layer_name = "m" + name.replace(".", "")  # module names hold no dots
        self.add_module(self.layer_name, nn.Linear(2, 2))

    def forward(self, x):
        return getattr(self, self.layer_name)(x)


def _hostile_graph(name: str):
    model = _Named(name)
    x = mg.randn(3, 2)
    x.name = name
    y = model(x).sum()
    y.name = name
    y.backward()
    return viz.draw(y, params=model, title=name, show_values=True)


@given(st.text(max_size=12))
def test_any_name_gives_dot_source_without_unprintable_characters(name) -> None:
    source = _hostile_graph(name).source
    assert not UNPRINTABLE.search(source)
    source.encode("utf-8")  # no lone surrogates either


@pytest.mark.parametrize("name", NASTY)
def test_names_with_control_characters_render(tmp_path, name) -> None:
    need_dot()
    path = viz.write(_hostile_graph(name), tmp_path / "hostile.svg")
    svg = path.read_text(encoding="utf-8")
    assert "<svg" in svg
    if "\x1b" in name:
        assert "\\x1b[31mred" in svg  # shown as its escape, not swallowed


@pytest.mark.parametrize("options, message", [
    ({"max_nodes": "5"}, "draw: max_nodes must be an int or None, got str '5'"),
    ({"max_nodes": 5.0}, "draw: max_nodes must be an int or None, got float 5.0"),
    ({"max_nodes": True}, "draw: max_nodes must be an int or None, got bool True"),
    ({"max_paths": "3"}, "draw: max_paths must be an int, got str '3'"),
    ({"title": 3}, "draw: title must be a str, got int"),
])
def test_options_of_the_wrong_type_are_type_errors(options, message) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        viz.draw(_loss(), **options)
    with pytest.raises(TypeError, match=re.escape(message)):
        viz.render(_loss(), "unused.svg", **options)


# --- paths --------------------------------------------------------------------------------
def test_render_onto_a_folder_or_through_a_file_names_the_path(tmp_path) -> None:
    (tmp_path / "adir.svg").mkdir()
    with pytest.raises(IsADirectoryError, match=re.escape(
            f"render: '{tmp_path / 'adir.svg'}' is a directory")):
        viz.render(_loss(), tmp_path / "adir.svg")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        viz.render(_loss(), f"{tmp_path}/new.svg/")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NotADirectoryError, match=re.escape(
            f"render: cannot write '{tmp_path / 'afile' / 'sub' / 'x.dot'}': "
            f"'{tmp_path / 'afile'}' is not a directory")):
        viz.render(_loss(), tmp_path / "afile" / "sub" / "x.dot")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir.svg", "afile"]
    assert viz.render(_loss(), tmp_path / "new" / "deeper" / "x.dot").exists()


def test_render_into_a_read_only_folder_names_the_path(shared_tmp) -> None:
    folder = shared_tmp / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    code = ("import sys, minigrad as mg\nfrom minigrad import viz\n"
            "w = mg.randn(2, requires_grad=True)\n"
            "try:\n    viz.render((w * 2).sum(), sys.argv[1])\n"
            "except OSError as e:\n    print(type(e).__name__, e)\n")
    result = run_unprivileged([sys.executable, "-c", code, str(folder / "g.dot")])
    assert result.stdout.strip() == (f"PermissionError [Errno 13] render: cannot write "
                                     f"'{folder / 'g.dot'}': Permission denied"), result
