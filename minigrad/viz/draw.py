"""`draw`: a computation graph as a `graphviz.Digraph` (Jupyter shows it inline).

Data flows down the page (`rankdir="TB"`): leaves at the top, the outputs at the bottom.
The DOT is produced by the `graphviz` package from vertices and edges; see
`minigrad.viz.style` for the look of each kind of vertex.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from minigrad.autograd.function import Node
from minigrad.tensor import Tensor
from minigrad.viz import labels, style
from minigrad.viz.collect import GraphView, Source, collect
from minigrad.viz.modules import (
    Cluster,
    find_clusters,
    innermost_clusters,
    leaf_cluster,
    module_names,
)
from minigrad.viz.overlay import PathOverlay, root_key
from minigrad.viz.select import Selection, select

if TYPE_CHECKING:
    import graphviz

DEFAULT_MAX_NODES = 500


def graphviz_package():
    """The `graphviz` package, imported when a drawing is made: minigrad itself runs
    without it; only drawing needs it."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing a graph needs the 'graphviz' Python package: pip install graphviz "
            "(rendering to SVG/PNG/PDF also needs Graphviz's `dot` program)"
        ) from None
    return graphviz


def draw(roots: Tensor | Sequence[Tensor], params=None, show_values: bool = False,
         show_grads: bool = True, show_shapes: bool = True, rankdir: str = "TB",
         clusters: bool = True, expand_fused: bool = False,
         max_nodes: int | None = DEFAULT_MAX_NODES, *, wrt: Tensor | None = None,
         max_paths: int = 64, title: str | None = None) -> graphviz.Digraph:
    """Draw the graph that computed `roots` (a tensor or a sequence of tensors).

    * `params`: names for parameters, as a Module (its `named_parameters()`, and its module
      tree names the clusters), a dict name -> tensor, or pairs (name, tensor); tensors not
      named there use their `.name`.
    * `show_values` / `show_grads` / `show_shapes`: what labels show. Small arrays are
      shown in full, larger ones as norm and range; hovering a vertex in SVG shows all.
      Gradients appear once a backward pass has filled `.grad` (or `retain_grad()`).
    * `clusters`: group the ops of each `nn.Module` call in a labelled box, nested (the
      calls made inside `with minigrad.viz.record():`).
    * `expand_fused`: draw fused ops (BatchNorm's `batch_norm`) as their composed graph,
      recomputed for the drawing from the fused op's inputs.
    * `max_nodes`: above this many vertices, draw those nearest the outputs and say what
      was cut (None draws everything).
    * `wrt`: also draw the paths by which the gradient of the (single, scalar) root with
      respect to `wrt` flows, each edge labelled and weighted by what it carries (see
      `grad_paths`); up to `max_paths` paths.
    * `rankdir`: "TB" (top to bottom), "LR", "BT" or "RL".
    * `title`: a caption under the drawing.

    A detached use (`x - x.mean(0).detach()`) is a dashed red edge labelled "detached"
    from where the value came from to the op that uses it.

    >>> import minigrad as mg
    >>> x = mg.randn(4, 3, requires_grad=True)
    >>> graph = draw((x - x.mean(0).detach()).sum())
    >>> graph.source.count('label=detached')
    1
    """
    roots = _as_roots(roots)
    if max_nodes is not None:
        _require_int("max_nodes", max_nodes, "an int or None")
    _require_int("max_paths", max_paths, "an int")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"draw: title must be a str, got {type(title).__name__}")
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"draw: rankdir must be 'TB', 'LR', 'BT' or 'RL', got {rankdir!r}")
    if wrt is not None and expand_fused:
        raise ValueError(
            "draw: wrt= cannot be combined with expand_fused=True: the gradient paths run "
            "through the fused op, which the expansion replaces; build the graph with the "
            "composed form (fused=False) to see paths inside it"
        )
    names = parameter_names(params)
    view = collect(roots, names, expand_fused)
    selection = select(view, max_nodes)
    overlay = PathOverlay.build(roots, wrt, max_paths, names) if wrt is not None else None
    builder = _Builder(view, selection, names, labels.Options(show_values, show_grads,
                                                               show_shapes), overlay)
    found = find_clusters(view, selection.members(), module_names(params), modules=clusters)
    if clusters and hasattr(params, "named_modules") and all(c.dashed for c in found):
        builder.hints.append(
            "No module calls were recorded for these ops: run the model inside "
            "`with minigrad.viz.record():` to group its ops by module.")
    return builder.build(rankdir, found, title)


def _require_int(option: str, value, expected: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"draw: {option} must be {expected}, got {type(value).__name__} "
                        f"{value!r:.40}")


def _as_roots(roots) -> list[Tensor]:
    if isinstance(roots, Tensor):
        return [roots]
    if isinstance(roots, Iterable) and not isinstance(roots, str | bytes):
        roots = list(roots)
        if roots and all(isinstance(t, Tensor) for t in roots):
            return list({id(t): t for t in roots}.values())
    raise TypeError("draw: roots must be a Tensor or a non-empty sequence of Tensors")


def parameter_names(params) -> dict[Tensor, str]:
    """Tensor -> name, from a Module, a dict name -> tensor, or (name, tensor) pairs.

    >>> sorted(parameter_names(nn.Linear(3, 2)).values())
    ['bias', 'weight']
    """
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        pairs = params.named_parameters()
    elif isinstance(params, Mapping):
        pairs = params.items()
    else:
        pairs = params
    names: dict[Tensor, str] = {}
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], Tensor)):
            raise TypeError(
                "draw: params must be a Module, a dict name -> Tensor or (name, Tensor) "
                f"pairs; got an item {pair!r:.60}"
            )
        names.setdefault(pair[1], str(pair[0]))
    return names


class _Builder:
    """Turns a GraphView into a Digraph: ids, vertices in their clusters, edges."""

    def __init__(self, view: GraphView, selection: Selection, names: dict[Tensor, str],
                 options: labels.Options, overlay: PathOverlay | None) -> None:
        self.view, self.selection, self.names = view, selection, names
        self.options, self.overlay = options, overlay
        self.hints: list[str] = []
        self.ids: dict = view.vertex_ids()

    def name_of(self, tensor: Tensor) -> str | None:
        return self.names.get(tensor) or tensor.name

    def build(self, rankdir: str, clusters: list[Cluster], title: str | None
              ) -> graphviz.Digraph:
        graphviz = graphviz_package()
        graph = graphviz.Digraph(
            "minigrad", graph_attr=style.graph_attributes(rankdir),
            node_attr=style.NODE_DEFAULTS, edge_attr=style.EDGE_DEFAULTS,
        )
        owner = innermost_clusters(clusters)
        subgraphs = {c: graphviz.Digraph(f"cluster_{i}") for i, c in enumerate(clusters)}
        for cluster, sub in subgraphs.items():
            label = cluster.label + (f"  {cluster.name}" if cluster.name else "")
            sub.attr(**style.cluster_attributes(label, cluster.depth, dashed=cluster.dashed))

        def place(vertex) -> graphviz.Digraph:
            cluster = owner.get(vertex)
            return subgraphs[cluster] if cluster is not None else graph

        self._ops(place)
        self._leaves(graph, subgraphs, owner)
        self._outputs(graph)
        self._edges(graph)
        # Attach clusters innermost first, so each is complete when its parent takes it.
        for cluster in sorted(clusters, key=lambda c: -c.depth):
            parent = subgraphs[cluster.parent] if cluster.parent is not None else graph
            parent.subgraph(subgraphs[cluster])
        notes = self._notes(title)
        if notes:
            graph.attr(label=style.html_label(notes, left=True))
        return graph

    # -- vertices -------------------------------------------------------------------------
    def _ops(self, place) -> None:
        view = self.view
        # an output's vertex shows its name, shape and value: its op need not repeat them
        makes_root = {view.producer(t) for t in view.roots if t.grad_fn is not None}
        for node in view.order:
            if node not in self.selection.ops:
                continue
            result = view.outputs.get(node)
            fused_node = view.expanded.get(node)
            composed_of = fused_node.op.name if fused_node is not None else None
            composed_of = composed_of or self._composed_of(node)
            label, attrs, tip = labels.op(
                node, view.sources[node], result,
                self.name_of(result) if result is not None else None, self.options,
                fused=node.op.is_fusion(), composed_of=composed_of,
                show_result=node not in makes_root,
            )
            place(node).node(self.ids[node], label, tooltip=tip, **attrs)
        for ghost in view.ghosts:
            if ghost in self.selection.ghosts:
                label, attrs, tip = labels.ghost(ghost)
                place(ghost).node(self.ids[ghost], label, tooltip=tip, **attrs)

    def _composed_of(self, node: Node) -> str | None:
        for root, members in self.view.expanded_members.items():
            if node in members:
                return self.view.expanded[root].op.name
        return None

    def _leaves(self, graph, subgraphs: dict, owner: dict) -> None:
        consumers: dict[Tensor, list] = {}
        for vertex, sources in self.view.sources.items():
            for source in sources:
                if source.kind == "leaf":
                    consumers.setdefault(source.tensor, []).append(vertex)
        roots = set(self.view.roots)
        position = {node: i for i, node in enumerate(self.view.order)}
        graph_of = self._graph_of()
        # leaves outside every cluster: (which root's graph, first use, id, tensor), drawn in
        # a subgraph that puts them on the first rank
        entering: list[tuple] = []
        first_rank = graphviz_package().Digraph()
        first_rank.attr(rank="source")
        inside: set[Tensor] = set()  # leaves inside a cluster (parameters of a module)
        for tensor in self.view.leaves:
            if tensor not in self.selection.leaves:
                continue
            cluster = leaf_cluster(tensor, consumers.get(tensor, []), owner)
            if cluster is None and tensor not in roots:
                # `order` runs consumers first: the earliest call is the last position
                first_use = max((position.get(c, -1) for c in consumers.get(tensor, [])),
                                default=-1)
                entering.append((graph_of.get(tensor, 0), -first_use, self.ids[tensor],
                                 tensor))
            elif cluster is not None:
                inside.add(tensor)
            name = self.name_of(tensor)
            if name and cluster is not None and cluster.name and \
                    name.startswith(cluster.name + "."):
                short = name[len(cluster.name) + 1:]  # "0.weight" inside "Linear 0"
            else:
                short = name
            label, attrs, tip = labels.leaf(tensor, short, self.options,
                                            output=tensor in roots, full_name=name)
            if cluster is not None:
                target = subgraphs[cluster]
            else:
                target = first_rank if entering and entering[-1][3] is tensor else graph
            target.node(self.ids[tensor], label, tooltip=tip, **attrs)
        entering.sort(key=lambda item: item[:3])
        self._entering(graph, first_rank, entering, inside, consumers)

    def _graph_of(self) -> dict:
        """Vertex -> the index of the first root whose graph holds it."""
        found: dict = {}
        for i, root in enumerate(self.view.roots):
            pending = [self.view.producer(root)] if root.grad_fn is not None else []
            while pending:
                vertex = pending.pop()
                for source in self.view.sources.get(vertex, ()):
                    if source.vertex is not None and source.vertex not in found:
                        found[source.vertex] = i
                        pending.append(source.vertex)
        return found

    def _entering(self, graph, first_rank, entering: list[tuple], inside: set[Tensor],
                  consumers: dict[Tensor, list]) -> None:
        """Inputs enter where the data flow starts (the top, or the left with LR), side by
        side in the order they were first used (each root's graph apart), and above the
        parameters their first ops take with them: otherwise Graphviz puts an input beside
        a layer's weights, wherever there is room."""
        if not entering:
            return
        for left, right in itertools.pairwise(entering):
            if left[0] == right[0]:  # same root's graph
                first_rank.edge(left[2], right[2], style="invis")
        graph.subgraph(first_rank)
        for *_, vertex, tensor in entering:
            # One rank lower than the input, without pulling it sideways (weight 0). Only
            # the parameters of the ops that use the input: a few edges, at any size.
            below = dict.fromkeys(source.tensor for consumer in consumers.get(tensor, ())
                                  for source in self.view.sources.get(consumer, ())
                                  if source.kind == "leaf" and source.tensor in inside)
            for leaf in below:
                graph.edge(vertex, self.ids[leaf], style="invis", weight="0")

    def _outputs(self, graph) -> None:
        for i, tensor in enumerate(self.view.roots):
            if tensor.grad_fn is None:
                if tensor not in self.view.leaves:  # a root leaf not used by any op
                    self.ids[tensor] = f"leaf{len(self.ids)}"
                    label, attrs, tip = labels.leaf(tensor, self.name_of(tensor),
                                                    self.options, output=True)
                    graph.node(self.ids[tensor], label, tooltip=tip, **attrs)
                    self.selection.leaves.add(tensor)
                continue
            out_id = f"out{i}"
            label, attrs, tip = labels.output(tensor, self.name_of(tensor), self.options)
            graph.node(out_id, label, tooltip=tip, **attrs)
            graph.edge(self.ids[self.view.producer(tensor)], out_id,
                       **self._path_style(root_key(tensor)))

    # -- edges ----------------------------------------------------------------------------
    def _edges(self, graph) -> None:
        cut_targets: dict[str, None] = {}
        for consumer, sources in self.view.sources.items():
            if not self.selection.drawn(consumer):
                continue
            for source in sources:
                if source.kind == "constant":
                    continue
                if source.vertex is not None and not self.selection.drawn(source.vertex):
                    cut_targets[self.ids[consumer]] = None
                    continue
                self._edge(graph, source, consumer)
        for tensor, origin in self.view.detached_roots.items():
            if self.selection.drawn(origin) and tensor in self.ids:
                graph.edge(self.ids[origin], self.ids[tensor], **_detached_edge())
        if self.selection.cut:
            note = (f"{self.selection.omitted_ops:,} more ops not drawn (max_nodes); "
                    "pass max_nodes=None to draw all")
            graph.node("cut", style.html_label([style.bold("⋯"), style.detail(note)]),
                       shape="note", style="filled", fillcolor=style.NOTE[0],
                       color=style.NOTE[1], tooltip=note)
            for target in cut_targets:
                graph.edge("cut", target, style="dashed", color=style.NOTE[1])

    def _edge(self, graph, source: Source, consumer) -> None:
        tail, head = self.ids[source.vertex], self.ids[consumer]
        if source.kind == "detached":
            graph.edge(tail, head, **_detached_edge())
        else:
            graph.edge(tail, head, **self._path_style((consumer, source.slot)))

    def _path_style(self, key) -> dict[str, str]:
        return self.overlay.edge_style(key) if self.overlay is not None else {}

    def _notes(self, title: str | None) -> list[str]:
        notes = [style.bold(title)] if title else []
        notes += [style.detail(hint) for hint in self.hints]
        if self.overlay is not None:
            notes += self.overlay.legend()
        if self.selection.cut:
            notes.append(style.detail(
                f"Cut: {self.selection.omitted_ops:,} of {len(self.view.order):,} ops not "
                "drawn (max_nodes); pass max_nodes=None to draw everything"))
        return notes


def _detached_edge() -> dict[str, str]:
    return {"label": "detached", "style": "dashed", "color": style.DETACHED,
            "fontcolor": style.DETACHED, "penwidth": "1.6"}

