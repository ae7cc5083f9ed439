"""The test helpers that read drawings back (tests/helpers/dot.py) read what they should."""

from __future__ import annotations

import pytest
from helpers.dot import need_dot, parse_dot


def test_parse_dot_reads_vertices_edges_and_clusters():
    dot = parse_dot(
        'digraph g {\n\ta [label=<<B>x</B>> tooltip="t"]\n\tsubgraph cluster_0 {\n'
        '\t\tb [label="y"]\n\t}\n\ta -> b [label=detached style=dashed]\n}\n'
    )
    assert dot.nodes.keys() == {"a", "b"}
    assert dot.label("a") == "<<B>x</B>>"
    assert dot.placement == {"a": (), "b": ("cluster_0",)}
    assert [(e.tail, e.head, e.dashed, e.label) for e in dot.edges] == [("a", "b", True,
                                                                         "detached")]


def test_need_dot_skips_or_fails_as_the_environment_says(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MINIGRAD_REQUIRE_DOT", raising=False)
    with pytest.raises(pytest.skip.Exception):
        need_dot()
    monkeypatch.setenv("MINIGRAD_REQUIRE_DOT", "1")
    with pytest.raises(pytest.fail.Exception, match="MINIGRAD_REQUIRE_DOT=1"):
        need_dot()
