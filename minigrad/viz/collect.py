"""What a drawing shows: the ops, leaves, outputs and detached uses reachable from the roots.

Everything is read through the graph's public API (`Tensor.grad_fn`, `Node.inputs`,
`Tensor.detached_from`, ...) and enumerated with `topological_order`, the one traversal.
A non-leaf tensor is identified by its `grad_fn` node (several Tensor objects may share
one); a leaf by the tensor object itself.

A detached input is not a vertex: it is an edge, drawn from where its value came from
(the source's op, the source leaf, or a *ghost* of the freed temporary's op fed by the op's
inputs that are still alive) to the op that uses it. Those sources are not reachable from
the roots through `inputs`, so they are added as extra roots of the traversal. Roots are
passed to `topological_order` latest-discovered first, so that in the resulting order
every vertex still comes before the ones that feed it, detached edges included: one pass
over `order` is enough for depths and module clusters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from minigrad.autograd.function import Node
from minigrad.autograd.grad_mode import enable_grad
from minigrad.autograd.graph import topological_order
from minigrad.tensor import DetachLink, Tensor


@dataclass(eq=False)
class Ghost:
    """The op that made a detached temporary which has since been freed."""

    link: DetachLink
    inputs: tuple[Tensor, ...]

    @property
    def name(self) -> str:
        return self.link.op_name or "?"


Vertex = Node | Tensor | Ghost


@dataclass(frozen=True, eq=False)
class Source:
    """What feeds one input slot of an op.

    `kind` is "op" (`vertex` is the producing Node), "leaf" (a leaf Tensor), "detached"
    (`vertex` is where the detached value came from: a Node, a leaf Tensor or a Ghost;
    `tensor` is the detached copy) or "constant" (a scalar folded into the op's label).
    """

    kind: str
    vertex: Vertex | None
    tensor: Tensor
    slot: int


@dataclass(eq=False)
class GraphView:
    """The drawable graph: ops in order (consumers first), their sources, leaves, ghosts."""

    roots: list[Tensor]
    order: list[Node] = field(default_factory=list)
    sources: dict[Node | Ghost, list[Source]] = field(default_factory=dict)
    leaves: dict[Tensor, None] = field(default_factory=dict)
    ghosts: list[Ghost] = field(default_factory=list)
    outputs: dict[Node, Tensor] = field(default_factory=dict)  # a tensor each op made
    detached_roots: dict[Tensor, Vertex] = field(default_factory=dict)
    # expand_fused: composed output node -> the fused node it stands for, the composed
    # nodes, the fused node -> composed output node, and the composed outputs themselves
    expanded: dict[Node, Node] = field(default_factory=dict)
    expanded_members: dict[Node, set[Node]] = field(default_factory=dict)
    replacement: dict[Node, Node] = field(default_factory=dict)
    keep_alive: list[Tensor] = field(default_factory=list)

    def vertex_ids(self) -> dict:
        """A DOT id for every vertex: `op{i}`, `leaf{i}`, `ghost{i}` in drawing order. The
        static drawing and the explorer both use these, so the explorer's data can address
        the vertices of the SVG that Graphviz lays out."""
        ids: dict = {node: f"op{i}" for i, node in enumerate(self.order)}
        ids.update({tensor: f"leaf{i}" for i, tensor in enumerate(self.leaves)})
        ids.update({ghost: f"ghost{i}" for i, ghost in enumerate(self.ghosts)})
        return ids

    def producer(self, tensor: Tensor) -> Node | None:
        """The drawn node that made `tensor` (through an expansion, if one replaced it)."""
        node = tensor.grad_fn
        return self.replacement.get(node, node) if node is not None else None


def collect(roots: list[Tensor], names: Mapping[Tensor, str],
            expand_fused: bool = False) -> GraphView:
    """Gather everything reachable from `roots`, following detached links and, with
    `expand_fused`, replacing each fused op by its composed form (`Function.expand`),
    recomputed from the op's inputs for the drawing."""
    view = GraphView(roots=roots)
    root_nodes = _unique(t.grad_fn for t in roots if t.grad_fn is not None)
    extra: list[Node] = []
    links: dict[Tensor, Vertex | None] = {}
    seen_links: set[DetachLink] = set()
    expanded: set[Node] = set()

    def follow(tensor: Tensor, discovered: list[Node]) -> None:
        # A ghost's own inputs may be detached copies too: follow them without recursion.
        pending = [tensor]
        while pending:
            tensor = pending.pop()
            link = tensor.detached_from
            if tensor.grad_fn is None and link is not None and link not in seen_links:
                seen_links.add(link)
                origin = links[tensor] = _detach_origin(link, view, discovered)
                if isinstance(origin, Ghost):
                    pending.extend(origin.inputs)

    while True:
        order = topological_order(list(reversed(extra)) + root_nodes)
        discovered: list[Node] = []
        for node in order:
            if expand_fused and node not in expanded:
                expanded.add(node)
                _expand(node, view, discovered)
            for tensor in node.inputs:
                follow(tensor, discovered)
        for tensor in roots:
            follow(tensor, discovered)
        if not discovered:
            break
        extra.extend(discovered)

    view.order = [node for node in order if node not in view.replacement]
    for composed_root, fused in view.expanded.items():
        view.expanded_members[composed_root] = _composed_members(composed_root, fused, order)
    for node in view.order:
        view.sources[node] = [
            _source(tensor, slot, view, links, names) for slot, tensor in enumerate(node.inputs)
        ]
        for tensor in node.inputs:
            if tensor.grad_fn is not None:
                view.outputs.setdefault(view.producer(tensor), tensor)
    for ghost in view.ghosts:
        view.sources[ghost] = [
            _source(tensor, slot, view, links, names) for slot, tensor in enumerate(ghost.inputs)
        ]
    for tensor in roots:
        if tensor.grad_fn is not None:
            view.outputs[view.producer(tensor)] = tensor
        elif links.get(tensor) is not None:
            view.detached_roots[tensor] = links[tensor]
            _note_leaf(links[tensor], view)
    return view


def _expand(fused: Node, view: GraphView, discovered: list[Node]) -> None:
    """Put the composed form of a fused op (`Function.expand`) in its place."""
    with enable_grad():
        composed = fused.op.expand(fused)
    if composed is None or composed.grad_fn is None:
        return  # not a fused op, or nothing in it needs a gradient: keep the fused vertex
    view.keep_alive.append(composed)
    view.replacement[fused] = composed.grad_fn
    view.expanded[composed.grad_fn] = fused
    discovered.append(composed.grad_fn)


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _detach_origin(link: DetachLink, view: GraphView, discovered: list[Node]) -> Vertex | None:
    """Where a detached value came from; new nodes to traverse go to `discovered`."""
    source = link.source
    if source is not None:
        if source.grad_fn is not None:
            discovered.append(source.grad_fn)
            view.outputs[source.grad_fn] = source
            return source.grad_fn
        return source
    if link.op_name is None:
        return None
    alive = tuple(t for t in link.op_inputs if t is not None)
    ghost = Ghost(link, alive)
    view.ghosts.append(ghost)
    discovered.extend(t.grad_fn for t in alive if t.grad_fn is not None)
    return ghost


def _composed_members(composed_root: Node, fused: Node, order: list[Node]) -> set[Node]:
    """The nodes of an expansion: ancestors of its output not shared with the fused op."""
    boundary = {t.grad_fn for t in fused.inputs if t.grad_fn is not None}
    members = {composed_root}
    for node in order:
        if node in members:
            members.update(t.grad_fn for t in node.inputs
                           if t.grad_fn is not None and t.grad_fn not in boundary)
    return members


def _is_folded_constant(tensor: Tensor, names: Mapping[Tensor, str]) -> bool:
    """Scalars that are neither named nor trainable read better inside the op's label."""
    return (tensor.size == 1 and not tensor.requires_grad and tensor.name is None
            and tensor.detached_from is None and tensor not in names)


def _source(tensor: Tensor, slot: int, view: GraphView, links: dict,
            names: Mapping[Tensor, str]) -> Source:
    if tensor.grad_fn is not None:
        return Source("op", view.producer(tensor), tensor, slot)
    origin = links.get(tensor)
    if origin is not None:
        _note_leaf(origin, view)
        return Source("detached", origin, tensor, slot)
    if _is_folded_constant(tensor, names):
        return Source("constant", None, tensor, slot)
    view.leaves[tensor] = None
    return Source("leaf", tensor, tensor, slot)


def _note_leaf(vertex: Vertex, view: GraphView) -> None:
    if isinstance(vertex, Tensor):
        view.leaves[vertex] = None
