"""The recorded backward pass and the gradient paths, as JSON records for the page.

Steps come from the engine's record in its order. For each input a step sends gradient
to, the record says which edge carries it, which vertex receives it, and, where a tensor
receives several contributions (it is used more than once), the running sum after this
one and how many there are in all: the page shows accumulation as it happens. Running
sums add the engine's own contributions; nothing is differentiated here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from minigrad.tensor import Tensor
from minigrad.viz.collect import GraphView
from minigrad.viz.explorer.graphdata import GraphData
from minigrad.viz.paths import TooManyPathsError, grad_paths


def _receiver(view: GraphView, tensor: Tensor):
    return view.producer(tensor) if tensor.grad_fn is not None else tensor


def steps(view: GraphView, data: GraphData, record) -> tuple[list[dict], dict[str, dict]]:
    """(steps, leaf id -> its final gradient in this pass)."""
    totals: dict = {}
    for step in record.steps:
        for tensor, grad in zip(step.node.inputs, step.input_grads):
            if grad is not None:
                key = _receiver(view, tensor)
                totals[key] = totals.get(key, 0) + 1
    running: dict = {}
    counts: dict = {}
    out = []
    for step in record.steps:
        node = view.replacement.get(step.node, step.node)
        sends = []
        for slot, (tensor, grad) in enumerate(zip(step.node.inputs, step.input_grads)):
            if grad is None:
                continue
            key = _receiver(view, tensor)
            counts[key] = counts.get(key, 0) + 1
            value = np.asarray(grad.data)
            running[key] = value if key not in running else running[key] + value
            send = {"slot": slot, "edge": data.edge_index.get((node, slot)),
                    "to": data.vertex_id(key), "grad": data.arrays.add(value),
                    "n": counts[key], "of": totals[key]}
            if totals[key] > 1:
                send["sum"] = data.arrays.add(running[key])
            sends.append(send)
        out.append({"v": data.vertex_id(node), "op": step.node.op.name,
                    "grad": data.arrays.add(step.grad.data), "sends": sends})
    leaf_grads = {}
    for leaf, grad in record.leaf_grads:
        vertex = data.vertex_id(leaf)
        if vertex is not None and grad is not None:
            leaf_grads[vertex] = data.arrays.add(grad.data)
    return out, leaf_grads


def paths(view: GraphView, data: GraphData, roots: Sequence[Tensor], seeds, record,
          wrt: Sequence[Tensor], names: dict, max_paths: int) -> list[dict]:
    """For each tensor of `wrt`, its gradient paths to the roots (`grad_paths` from each
    root, seeded as the pass was): the edges each path runs along, its contribution, their
    sum and the engine's gradient to compare with."""
    engine = {id(leaf): grad for leaf, grad in record.leaf_grads}
    out = []
    for tensor in wrt:
        name = names.get(tensor) or tensor.name or data.vertex_id(tensor) or "tensor"
        entry = {"name": name, "vertex": data.vertex_id(_receiver(view, tensor)),
                 "paths": [], "note": None}
        contributions = []
        try:
            for i, (root, seed) in enumerate(zip(roots, seeds)):
                for path in grad_paths(root, tensor, max_paths=max_paths, grad_output=seed):
                    entry["paths"].append(_path_record(view, data, path, i))
                    contributions.append(path.contribution)
        except (TooManyPathsError, RuntimeError) as error:
            entry["paths"], entry["note"] = [], str(error).split(": ", 1)[1]
            out.append(entry)
            continue
        if not contributions:
            continue  # no root depends on it
        entry["sum"] = data.arrays.add(np.sum(contributions, axis=0))
        if id(tensor) in engine:
            entry["engine"] = data.arrays.add(engine[id(tensor)].data)
        out.append(entry)
    return out


def _path_record(view: GraphView, data: GraphData, path, root_index: int) -> dict:
    edges = [data.edge_index.get((view.replacement.get(n, n), slot))
             for n, slot in zip(path.nodes, path.slots)]
    edges.append(data.output_edges.get(root_index))
    return {"ops": list(path.ops), "edges": [e for e in edges if e is not None],
            "complete": all(e is not None for e in edges),
            "contribution": data.arrays.add(path.contribution)}
