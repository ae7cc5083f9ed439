"""The graph as the page sees it: vertices, edges and clusters with the ids of the SVG.

`draw` names its vertices `op{i}` (the i-th op of the drawing's order), `leaf{i}`,
`ghost{i}` and `out{i}` (the i-th root), and its clusters `cluster_{i}`; Graphviz keeps
those names as the `<title>` of each SVG group. This module walks the same `GraphView`,
`Selection` and clusters as `draw` does, in the same order, so each JSON record here
names the SVG element it describes. Edges are listed in the order `draw` adds them; the
page tells apart two edges between the same pair of vertices by that order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minigrad.autograd.function import Node
from minigrad.tensor import Tensor
from minigrad.tensor.freed import is_freed
from minigrad.viz import style
from minigrad.viz.collect import GraphView
from minigrad.viz.explorer.sites import site_of
from minigrad.viz.modules import Cluster, innermost_clusters, leaf_cluster
from minigrad.viz.select import Selection

FREED = "(freed by backward)"


class ArrayTable:
    """Arrays as the page shows them, each text stored once: records refer to an array
    by its index in `rows`. Row: [one line (small arrays in full, large ones as norm and
    range), more detail (every value up to 64 of them, else statistics), a badge's text
    (up to 3 values, else the norm)]. A gradient passed on unchanged is stored once."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self._index: dict[str, int] = {}

    def add(self, values) -> int:
        values = np.asarray(values)
        freed = is_freed(values)  # an intermediate's values, freed by backward
        details = FREED if freed else style.array_details(values)
        index = self._index.get(details)
        if index is None:
            brief = "freed" if freed else style.array_summary(values, limit=3).split(",")[0]
            index = self._index[details] = len(self.rows)
            self.rows.append([FREED if freed else style.array_summary(values), details, brief])
        return index


@dataclass(eq=False)
class GraphData:
    """JSON-ready records and the lookups the step and path data need."""

    arrays: ArrayTable = field(default_factory=ArrayTable)
    ids: dict = field(default_factory=dict)       # vertex (Node, Tensor, Ghost) -> id
    vertices: dict = field(default_factory=dict)  # id -> record
    edges: list = field(default_factory=list)
    edge_index: dict = field(default_factory=dict)  # (consumer vertex, slot) -> index
    output_edges: dict = field(default_factory=dict)  # root index -> edge index
    clusters: list = field(default_factory=list)

    def vertex_id(self, vertex) -> str | None:
        return self.ids.get(vertex)


def build(view: GraphView, selection: Selection, clusters: list[Cluster],
          names: dict[Tensor, str]) -> GraphData:
    data = GraphData()
    data.ids.update(view.vertex_ids())
    _ops(view, selection, names, data)
    _leaves(view, selection, names, data)
    _edges(view, selection, data)
    _clusters(view, selection, clusters, data)
    return data


def _tensor_fields(tensor: Tensor | None, data: GraphData) -> dict:
    if tensor is None:
        return {}
    return {"shape": list(tensor.shape), "dtype": style.dtype_name(tensor.dtype),
            "value": data.arrays.add(tensor.data)}


def _name(tensor: Tensor | None, names: dict[Tensor, str]) -> str | None:
    return None if tensor is None else names.get(tensor) or tensor.name


def _ops(view: GraphView, selection: Selection, names: dict, data: GraphData) -> None:
    for node in view.order:
        if node not in selection.ops:
            continue
        result = view.outputs.get(node)
        fused = view.expanded.get(node)
        site = site_of(fused or node)
        data.vertices[data.ids[node]] = {
            "kind": "op", "op": node.op.name, "name": _name(result, names),
            "params": style.params_text(node.params, brief=False),
            "site": str(site) if site is not None else None,
            "inputs": [_input_text(t, names) for t in node.inputs],
            **_tensor_fields(result, data),
        }
    for ghost in view.ghosts:
        if ghost in selection.ghosts:
            link = ghost.link
            data.vertices[data.ids[ghost]] = {
                "kind": "ghost", "op": ghost.name, "name": None,
                "shape": list(link.shape), "dtype": style.dtype_name(link.dtype),
                "params": "", "site": None, "inputs": [],
            }
    for i, tensor in enumerate(view.roots):
        if tensor.grad_fn is not None:
            data.vertices[f"out{i}"] = {"kind": "output", "op": None,
                                        "name": _name(tensor, names) or "output",
                                        **_tensor_fields(tensor, data)}


def _input_text(tensor: Tensor, names: dict) -> str:
    name = _name(tensor, names)
    text = f"{name} " if name else ""
    if tensor.grad_fn is not None:
        text += f"(from {tensor.grad_fn.op.name}) "
    elif tensor.detached_from is not None:
        text += "(detached) "
    return text + style.shape_text(tensor.shape, tensor.dtype)


def _leaves(view: GraphView, selection: Selection, names: dict, data: GraphData) -> None:
    roots = set(view.roots)
    for tensor in view.leaves:
        if tensor not in selection.leaves:
            continue
        if tensor.detached_from is not None:
            kind = "detached"
        elif tensor.requires_grad:
            kind = "parameter" if _name(tensor, names) else "leaf"
        else:
            kind = "input"
        data.vertices[data.ids[tensor]] = {
            "kind": kind, "op": None, "name": _name(tensor, names),
            "requiresGrad": tensor.requires_grad, "output": tensor in roots,
            **_tensor_fields(tensor, data),
        }


def _add_edge(data: GraphData, tail: str, head: str, kind: str, key=None,
              shape=None) -> None:
    if key is not None:
        data.edge_index[key] = len(data.edges)
    data.edges.append({"tail": tail, "head": head, "kind": kind,
                       "shape": list(shape) if shape is not None else None})


def _edges(view: GraphView, selection: Selection, data: GraphData) -> None:
    """In `draw`'s order: outputs' edges, then each consumer's inputs, then detached
    roots, then the edges from the note about what was cut."""
    for i, tensor in enumerate(view.roots):
        if tensor.grad_fn is not None:
            data.output_edges[i] = len(data.edges)
            _add_edge(data, data.ids[view.producer(tensor)], f"out{i}", "output",
                      shape=tensor.shape)
    cut_targets: dict[str, None] = {}
    for consumer, sources in view.sources.items():
        if not selection.drawn(consumer):
            continue
        for source in sources:
            if source.kind == "constant":
                continue
            if source.vertex is not None and not selection.drawn(source.vertex):
                cut_targets[data.ids[consumer]] = None
                continue
            kind = "detached" if source.kind == "detached" else "data"
            _add_edge(data, data.ids[source.vertex], data.ids[consumer], kind,
                      key=(consumer, source.slot), shape=source.tensor.shape)
    for tensor, origin in view.detached_roots.items():
        if selection.drawn(origin) and tensor in data.ids:
            _add_edge(data, data.ids[origin], data.ids[tensor], "detached", shape=tensor.shape)
    for target in cut_targets:
        _add_edge(data, "cut", target, "cut")


def _clusters(view: GraphView, selection: Selection, clusters: list[Cluster],
              data: GraphData) -> None:
    owner = innermost_clusters(clusters)
    consumers: dict[Tensor, list] = {}
    for vertex, sources in view.sources.items():
        for source in sources:
            if source.kind == "leaf":
                consumers.setdefault(source.tensor, []).append(vertex)
    leaf_owner = {tensor: leaf_cluster(tensor, consumers.get(tensor, []), owner)
                  for tensor in view.leaves if tensor in selection.leaves}
    index = {cluster: i for i, cluster in enumerate(clusters)}
    for i, cluster in enumerate(clusters):
        members = [data.ids[m] for m in cluster.members if m in data.ids]
        inside = set(cluster.members)
        members += [data.ids[t] for t, c in leaf_owner.items()
                    if c is not None and _within(c, cluster)]
        data.clusters.append({
            "id": f"cluster_{i}", "label": cluster.label, "name": cluster.name,
            "parent": index.get(cluster.parent), "members": sorted(set(members)),
            "inputs": [list(t.shape) for t in cluster.inputs],
            "outputs": _output_shapes(view, inside),
            "ops": [m.op.name for m in view.order if m in inside],
            "repeat": None,
        })
    _mark_repeats(data.clusters, clusters)


def _within(cluster: Cluster, ancestor: Cluster) -> bool:
    while cluster is not None:
        if cluster is ancestor:
            return True
        cluster = cluster.parent
    return False


def _output_shapes(view: GraphView, inside: set) -> list[list[int]]:
    """Shapes of what the cluster's ops hand to the rest of the graph (or return)."""
    shapes: dict[tuple, None] = {}
    for consumer, sources in view.sources.items():
        if consumer in inside:
            continue
        for source in sources:
            if isinstance(source.vertex, Node) and source.vertex in inside:
                shapes[tuple(source.tensor.shape)] = None
    for root in view.roots:
        if view.producer(root) in inside:
            shapes[tuple(root.shape)] = None
    return [list(s) for s in shapes]


def _mark_repeats(records: list[dict], clusters: list[Cluster]) -> None:
    """A run of consecutive calls under one parent with the same label, the same ops in
    the same order and the same input and output shapes is one block repeated: the first
    call of each run gets `repeat = N`, the others `repeatOf = its index`."""
    siblings: dict = {}
    for i, record in enumerate(records):
        siblings.setdefault(record["parent"], []).append(i)
    for members in siblings.values():
        members.sort(key=lambda i: clusters[i].sequence)
        run: list[int] = []
        for i in [*members, None]:
            if run and (i is None or _signature(records[i]) != _signature(records[run[0]])):
                if len(run) > 1:
                    records[run[0]]["repeat"] = len(run)
                    for j in run[1:]:
                        records[j]["repeatOf"] = run[0]
                run = []
            if i is not None:
                run.append(i)


def _signature(record: dict) -> tuple:
    return (record["label"], tuple(record["ops"]), str(record["inputs"]),
            str(record["outputs"]))
