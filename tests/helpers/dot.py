"""Reading drawings back in tests: the vertices, edges and clusters of a Digraph's DOT.

The drawing writes one statement per line (tooltips use Graphviz's `\\n` escape rather
than line breaks), so a line-by-line reading is exact. Used by the test_viz_* files;
tests/test_dot_reader.py checks it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field

import pytest

_NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")
_EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
_CLUSTER = re.compile(r"^\s*subgraph (cluster_\w+) \{$")
_LABEL = re.compile(r'\blabel=(<.*?>(?= \w+=|$)|"(?:[^"\\]|\\.)*"|\S+)')


@dataclass
class Edge:
    tail: str
    head: str
    attrs: str

    @property
    def dashed(self) -> bool:
        return "style=dashed" in self.attrs

    @property
    def label(self) -> str:
        match = _LABEL.search(self.attrs)
        return match.group(1).strip('"') if match else ""


@dataclass
class Dot:
    nodes: dict[str, str] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)
    # vertex id -> the clusters it sits in, outermost first
    placement: dict[str, tuple[str, ...]] = field(default_factory=dict)
    caption: str = ""
    hints: list[Edge] = field(default_factory=list)  # invisible edges: layout, not drawn

    def ids(self, prefix: str) -> list[str]:
        return [n for n in self.nodes if n.startswith(prefix)]

    def label(self, node_id: str) -> str:
        match = _LABEL.search(self.nodes[node_id])
        return match.group(1) if match else ""

    def find(self, text: str, prefix: str = "") -> list[str]:
        """Ids of the vertices whose label contains `text`."""
        return [n for n in self.ids(prefix) if text in self.label(n)]

    def detached_edges(self) -> list[Edge]:
        return [e for e in self.edges if e.dashed and e.label == "detached"]

    def edges_into(self, head: str) -> list[Edge]:
        return [e for e in self.edges if e.head == head]


def parse_dot(source: str) -> Dot:
    dot = Dot()
    stack: list[str] = []
    for line in source.splitlines():
        if match := _CLUSTER.match(line):
            stack.append(match.group(1))
            dot.clusters.append(match.group(1))
        elif line.strip() == "{":  # a subgraph that is not a cluster (a rank constraint)
            stack.append("")
        elif line.strip() == "}":
            if stack:
                stack.pop()
        elif match := _EDGE.match(line):
            edge = Edge(match.group(1), match.group(2), match.group(3) or "")
            (dot.hints if "style=invis" in edge.attrs else dot.edges).append(edge)
        elif match := _NODE.match(line):
            if match.group(1) in ("graph", "node", "edge"):
                continue
            dot.nodes[match.group(1)] = match.group(2)
            dot.placement[match.group(1)] = tuple(name for name in stack if name)
        elif line.strip().startswith("label=") and not stack:
            dot.caption = line.strip()
    return dot


def need_dot() -> None:
    """Skip without Graphviz's `dot`, unless MINIGRAD_REQUIRE_DOT=1 makes that a failure."""
    if shutil.which("dot") is None:
        if os.environ.get("MINIGRAD_REQUIRE_DOT") == "1":
            pytest.fail("Graphviz's `dot` is required (MINIGRAD_REQUIRE_DOT=1) but not on PATH")
        pytest.skip("Graphviz's `dot` is not installed (set MINIGRAD_REQUIRE_DOT=1 to fail)")
