"""Keeping big graphs drawable: choose at most `max_nodes` vertices, nearest the outputs.

Graphviz lays out a few hundred vertices comfortably and tens of thousands not at all, so
above `max_nodes` the drawing keeps the ops closest to the outputs (by the number of ops
between them and an output, ties broken by the drawing order) together with their leaves,
and the cut is drawn: a note says how many ops were left out, and dashed edges from it
show where the omitted part feeds the part drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minigrad.autograd.function import Node
from minigrad.viz.collect import Ghost, GraphView


@dataclass(eq=False)
class Selection:
    """The vertices to draw and what was left out."""

    ops: set[Node] = field(default_factory=set)
    ghosts: set[Ghost] = field(default_factory=set)
    leaves: set = field(default_factory=set)
    omitted_ops: int = 0

    @property
    def cut(self) -> bool:
        return self.omitted_ops > 0

    def drawn(self, vertex) -> bool:
        return vertex in self.ops or vertex in self.ghosts or vertex in self.leaves

    def members(self) -> set:
        return self.ops | self.ghosts


def select(view: GraphView, max_nodes: int | None) -> Selection:
    """Everything when it fits in `max_nodes` vertices (or `max_nodes` is None), else the
    vertices nearest the outputs."""
    total = len(view.order) + len(view.ghosts) + len(view.leaves)
    if max_nodes is None or total <= max_nodes:
        return Selection(set(view.order), set(view.ghosts), set(view.leaves), 0)
    if max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be at least 1 (or None), got {max_nodes}")
    depth = _depths(view)
    ranked = sorted(range(len(view.order)), key=lambda i: (depth.get(view.order[i], 0), i))
    chosen = Selection()
    budget = max_nodes
    for index in ranked:
        node = view.order[index]
        new = _new_vertices(view, node, chosen)
        if 1 + len(new) > budget:
            break
        budget -= 1 + len(new)
        chosen.ops.add(node)
        for vertex in new:
            (chosen.ghosts if isinstance(vertex, Ghost) else chosen.leaves).add(vertex)
    chosen.omitted_ops = len(view.order) - len(chosen.ops)
    return chosen


def _new_vertices(view: GraphView, node: Node, chosen: Selection) -> list:
    """Leaves and ghosts that drawing `node` brings in (a ghost with its own leaves)."""
    # A dict, not a list: `in` on a list would compare tensors with their elementwise ==.
    new: dict = {}
    for source in view.sources[node]:
        vertex = source.vertex
        if vertex is None or isinstance(vertex, Node) or chosen.drawn(vertex):
            continue
        new[vertex] = None
        if isinstance(vertex, Ghost):
            new.update((s.vertex, None) for s in view.sources[vertex]
                       if s.kind == "leaf" and not chosen.drawn(s.vertex))
    return list(new)


def _depths(view: GraphView) -> dict:
    """Ops between each vertex and the nearest output, in one pass over `view.order`
    (consumers come first in it, detached edges included)."""
    depth: dict = {}
    for root in view.roots:
        node = view.producer(root)
        if node is not None:
            depth[node] = 0
    for node in view.order:
        below = depth.setdefault(node, 0) + 1
        for source in view.sources[node]:
            vertex = source.vertex
            if isinstance(vertex, Node | Ghost) and depth.get(vertex, below + 1) > below:
                depth[vertex] = below
                if isinstance(vertex, Ghost):
                    for inner in view.sources[vertex]:
                        if isinstance(inner.vertex, Node):
                            depth[inner.vertex] = min(depth.get(inner.vertex, below + 1),
                                                      below + 1)
    return depth
