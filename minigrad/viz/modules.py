"""Module clusters: which ops each `nn.Module` call made, recorded as the calls happen.

Recording is opt-in and scoped: inside `with minigrad.viz.record(): ...`, a global forward
hook of `minigrad.nn` notes every module call; outside it no hook is installed and a
module call costs what its `forward` costs. Each call is kept in a weak registry keyed by
its output's `grad_fn` node: the record holds only weak references (to the module and to
the call's inputs), so it disappears with the graph and never keeps a model or a batch
alive.

At drawing time, the ops of one call are the ancestors of its output that are reached
without crossing its inputs: one pass over the drawing's order (consumers first), marking
the producers of marked ops. Calls nest by inclusion of those sets (a `Sequential` call
contains its layers' calls), and each op is drawn in its innermost call's cluster.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from minigrad.autograd.function import Node
from minigrad.tensor import Tensor
from minigrad.viz.collect import Ghost, GraphView

_sequence = itertools.count()


@dataclass(frozen=True, eq=False)
class CallRecord:
    """One module call: its class name, weak references to it and to its inputs."""

    class_name: str
    module: weakref.ref | None
    inputs: tuple[weakref.ref, ...]
    input_nodes: tuple[weakref.ref, ...]
    sequence: int


_calls: weakref.WeakKeyDictionary[Node, list[CallRecord]] = weakref.WeakKeyDictionary()


def record_module_call(module, inputs, output) -> None:
    """Forward hook: remember which module call produced `output` from `inputs`."""
    outputs = output if isinstance(output, tuple | list) else (output,)
    nodes = list(dict.fromkeys(o.grad_fn for o in outputs
                               if isinstance(o, Tensor) and o.grad_fn is not None))
    if not nodes:
        return  # nothing recorded (no_grad, or no input requires grad)
    tensors = [t for t in _flatten(inputs) if isinstance(t, Tensor)]
    try:
        module_ref = weakref.ref(module)
    except TypeError:
        module_ref = None
    record = CallRecord(
        class_name=type(module).__name__,
        module=module_ref,
        inputs=tuple(weakref.ref(t) for t in tensors),
        input_nodes=tuple(weakref.ref(t.grad_fn) for t in tensors if t.grad_fn is not None),
        sequence=next(_sequence),
    )
    for node in nodes:
        _calls.setdefault(node, []).append(record)


def _flatten(inputs) -> Iterable:
    for item in inputs if isinstance(inputs, tuple | list) else (inputs,):
        if isinstance(item, tuple | list):
            yield from item
        else:
            yield item


class record:
    """Record module calls made inside the block, so drawings group their ops in clusters.

        with minigrad.viz.record():
            loss = loss_fn(model(x), y)
        minigrad.viz.draw(loss, params=model)

    A context manager (blocks nest, and may be used from several threads: the hook stays
    installed until the last block exits). Calls made outside any block are not recorded.
    """

    _lock = threading.Lock()
    _depth = 0
    _handle = None

    def __enter__(self) -> record:
        from minigrad.nn import register_module_forward_hook

        with record._lock:
            if record._depth == 0:
                record._handle = register_module_forward_hook(record_module_call)
            record._depth += 1
        return self

    def __exit__(self, *exc_info) -> None:
        with record._lock:
            record._depth -= 1
            if record._depth == 0:
                record._handle.remove()
                record._handle = None


def is_recording() -> bool:
    """True while some `record()` block is open.

    >>> is_recording()
    False
    >>> with mg.viz.record():
    ...     print(is_recording())
    True
    """
    return record._depth > 0


def calls_for(node: Node) -> list[CallRecord]:
    """The module calls whose output is made by `node`, innermost first."""
    return sorted(_calls.get(node, ()), key=lambda record: record.sequence)


@dataclass(eq=False)
class Cluster:
    """A module call as drawn: its label, the ops and ghosts inside, nesting."""

    label: str
    name: str | None
    members: set = field(default_factory=set)
    inputs: set = field(default_factory=set)
    parent: Cluster | None = None
    sequence: int = 0
    dashed: bool = False  # drawn with a dashed border: not a module call (an expansion)

    @property
    def depth(self) -> int:
        depth, cluster = 0, self.parent
        while cluster is not None:
            depth, cluster = depth + 1, cluster.parent
        return depth


def module_names(params) -> dict[int, str]:
    """id(module) -> qualified name, from a Module passed as `params` (else empty)."""
    named = getattr(params, "named_modules", None)
    if named is None:
        return {}
    return {id(module): name for name, module in named() if name}


def find_clusters(view: GraphView, drawn: set, names: dict[int, str],
                  modules: bool = True) -> list[Cluster]:
    """One cluster per recorded module call that made at least one drawn op (when
    `modules`), and one per expanded fused op, nested."""
    clusters = []
    if modules:
        position = {node: i for i, node in enumerate(view.order)}
        for node in view.order:
            for record in calls_for(view.expanded.get(node, node)):
                cluster = _cluster(record, node, view, position, names)
                cluster.members &= drawn
                if any(isinstance(m, Node) for m in cluster.members):
                    clusters.append(cluster)
    for root, fused in view.expanded.items():
        members = (view.expanded_members[root] | _ghosts_of(view, root)) & drawn
        if members:
            # sequence -1: inside any module call with the same ops (the BatchNorm1d call)
            clusters.append(Cluster(label=f"{fused.op.name}, expanded", name=None,
                                    members=members, sequence=-1, dashed=True))
    _nest(clusters)
    return clusters


def _ghosts_of(view: GraphView, root: Node) -> set:
    """Ghosts that feed an expansion's ops (detached statistics of a composed form)."""
    return {source.vertex for node in view.expanded_members[root]
            for source in view.sources.get(node, ()) if isinstance(source.vertex, Ghost)}


def _cluster(record: CallRecord, output_node: Node, view: GraphView, position: dict,
             names: dict[int, str]) -> Cluster:
    module = record.module() if record.module is not None else None
    name = names.get(id(module)) if module is not None else None
    cluster = Cluster(label=record.class_name, name=name, sequence=record.sequence)
    input_tensors = {ref() for ref in record.inputs} - {None}
    boundary = {ref() for ref in record.input_nodes} - {None}
    cluster.inputs = input_tensors
    if output_node in boundary:
        return cluster  # the call returned (a view of) its input: it made no op
    members = cluster.members
    members.add(output_node)
    pending = 1  # members not yet scanned; the scan stops when none are left
    for node in itertools.islice(view.order, position[output_node], None):
        if node not in members:
            continue
        pending -= 1
        for vertex in _producers(view, node, input_tensors):
            if vertex not in boundary and vertex not in members:
                members.add(vertex)
                if isinstance(vertex, Node):
                    pending += 1
                else:  # a ghost: its inputs' producers belong to the call too
                    for inner in _producers(view, vertex, input_tensors):
                        if inner not in boundary and inner not in members:
                            members.add(inner)
                            pending += 1
        if pending == 0:
            break
    return cluster


def _producers(view: GraphView, vertex, input_tensors: set) -> Iterable:
    for source in view.sources.get(vertex, ()):
        if source.tensor in input_tensors:
            continue
        if source.kind == "op" or (source.kind == "detached"
                                   and isinstance(source.vertex, Node | Ghost)):
            yield source.vertex


def _nest(clusters: list[Cluster]) -> None:
    """Give each cluster the smallest cluster that contains it as parent."""
    by_size = sorted(clusters, key=lambda c: (len(c.members), c.sequence))
    innermost: dict = {}
    for cluster in by_size:
        for member in cluster.members:
            inner = innermost.setdefault(member, cluster)
            if inner is cluster:
                continue
            top = inner
            while top.parent is not None:
                top = top.parent
            if top is not cluster and top.members <= cluster.members:
                top.parent = cluster


def innermost_clusters(clusters: list[Cluster]) -> dict:
    """Vertex -> the innermost cluster it belongs to."""
    owner: dict = {}
    for cluster in sorted(clusters, key=lambda c: (len(c.members), c.sequence)):
        for member in cluster.members:
            owner.setdefault(member, cluster)
    return owner


def leaf_cluster(leaf: Tensor, consumers: list, owner: dict) -> Cluster | None:
    """The innermost cluster holding every consumer of `leaf`, unless the leaf is an input
    of that call (a batch fed to a layer stays outside it; the layer's weights go inside)."""
    if not consumers:
        return None
    cluster = owner.get(consumers[0])
    while cluster is not None and (
        leaf in cluster.inputs or not all(c in cluster.members for c in consumers)
    ):
        cluster = cluster.parent
    return cluster
