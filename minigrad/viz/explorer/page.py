"""`explore`: the graph, its real backward pass and its gradient paths in one HTML page.

The page is self-contained: the SVG laid out by Graphviz, the data as JSON, and the
package's own script (`view.js` then `explorer.js`, one function) and stylesheet
(`explorer.css`), inline in `page.html`; no network, so it works from `file://` and
inside a notebook.
"""

from __future__ import annotations

import errno
import html
import json
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from minigrad.tensor import Tensor
from minigrad.viz import style
from minigrad.viz.collect import collect
from minigrad.viz.draw import draw, parameter_names
from minigrad.viz.explorer import backward, graphdata, stepdata
from minigrad.viz.modules import find_clusters, module_names
from minigrad.viz.render import INSTALL_HELP, GraphvizNotFoundError
from minigrad.viz.select import select

DEFAULT_MAX_NODES = 1000
MAX_PATH_TENSORS = 12  # tensors offered in the path menu when `wrt` is not given
_PLACEHOLDER = re.compile(r"/\*@(\w+)@\*/")


class Explorer:
    """A saved-to-be explorer page: `save(path)` writes it, Jupyter shows it inline.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> page = explore((x * x).sum())
    >>> page.save("graph.html").name
    'graph.html'
    """

    def __init__(self, page: str, title: str) -> None:
        self.html = page
        self.title = title

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to `path` (one .html file) and return the path."""
        path = Path(path)
        if path.is_dir():
            raise IsADirectoryError(
                errno.EISDIR, f"Explorer.save: {os.fspath(path)!r} is a folder; give a file "
                f"name inside it, such as {os.fspath(path / 'graph.html')!r}")
        if not path.parent.is_dir():
            raise FileNotFoundError(
                errno.ENOENT, f"Explorer.save: the folder {os.fspath(path.parent)!r} does "
                "not exist; create it first or choose another path")
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # An iframe keeps the page's ids, styles and script apart from the notebook's.
        return (f'<iframe title="{html.escape(self.title)}" srcdoc="{html.escape(self.html)}" '
                'style="width:100%;height:640px;border:1px solid #ccc" '
                'sandbox="allow-scripts"></iframe>')

    def __repr__(self) -> str:
        return f"<Explorer {self.title!r}: {len(self.html):,} characters of HTML>"


def _as_roots(roots) -> list[Tensor]:
    if isinstance(roots, Tensor):
        roots = [roots]
    elif isinstance(roots, Sequence) and not isinstance(roots, str | bytes):
        roots = list(roots)
    else:
        roots = None
    if not roots or not all(isinstance(t, Tensor) for t in roots):
        raise TypeError("explore: roots must be a Tensor or a non-empty sequence of Tensors")
    roots = list({id(t): t for t in roots}.values())
    for root in roots:
        if root.grad_fn is None and root.detached_from is None:
            what = "requires grad but is a leaf: no op made it" if root.requires_grad else \
                "was computed without any input that requires grad (or under no_grad)"
            raise ValueError(
                f"explore: the tensor of shape {root.shape} has no graph to show: it {what}."
                " Set requires_grad=True on the inputs (parameters) and compute it again")
    return roots


def _wrt_list(wrt, leaves: list[Tensor], names: dict[Tensor, str]) -> list[Tensor]:
    if wrt is None:  # named parameters in their module's order, then the other leaves
        order = {tensor: i for i, tensor in enumerate(names)}
        leaves = sorted(leaves, key=lambda t: order.get(t, len(order)))
        return leaves[:MAX_PATH_TENSORS]
    wrt = [wrt] if isinstance(wrt, Tensor) else list(wrt)
    for tensor in wrt:
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise TypeError("explore: wrt must be tensors that require grad")
    return wrt


def explore(roots, params=None, *, wrt=None, grad_outputs=None, record=None,
            show_values: bool = False, show_shapes: bool = True, rankdir: str = "TB",
            clusters: bool = True, expand_fused: bool = False,
            max_nodes: int | None = DEFAULT_MAX_NODES, max_paths: int = 64,
            title: str | None = None) -> Explorer:
    """An interactive page of the graph that computed `roots`, stepping through its
    backward pass as the engine runs it.

    The options are `draw`'s (`params` names parameters and modules; `max_nodes` cuts big
    graphs, and the page says what was cut). The backward pass is run here, with
    `minigrad.grad(..., retain_graph=True)`, so users' `.grad` is not touched; roots that
    are not scalars are seeded with ones unless `grad_outputs` says otherwise. `record`
    takes a record made by the caller under `minigrad.autograd.record_backward` instead.
    `wrt`: the tensors whose gradient paths (`grad_paths`) the page offers (default: the
    leaves that require grad). Ops created inside `minigrad.viz.record()` also show the
    line of code that created them.

    >>> import minigrad as mg
    >>> b = mg.zeros(3, requires_grad=True)
    >>> x = mg.randn(4, 3) + b
    >>> page = explore(((x - x.mean(0)) ** 2).mean())
    >>> page.html.startswith('<!DOCTYPE html>')
    True
    """
    roots = _as_roots(roots)
    seeds, seeded_with_ones = backward.seeds(roots, grad_outputs)
    names = parameter_names(params)
    view = collect(roots, names, expand_fused)
    selection = select(view, max_nodes)
    found = find_clusters(view, selection.members(), module_names(params), modules=clusters)
    data = graphdata.build(view, selection, found, names)
    notes = []
    if selection.cut:
        notes.append(f"Cut: {selection.omitted_ops:,} of {len(view.order):,} ops are not "
                     f"shown (max_nodes={max_nodes}); pass a larger max_nodes (or None) to "
                     "see everything.")
    freed = [node for node in view.order if node.released]
    leaves = backward.reachable_leaves(roots)
    if record is None and freed:
        notes.append(
            f"The graph's saved values were freed by a backward pass without "
            f"retain_graph=True (at '{freed[0].op.name}'), so the backward pass cannot be "
            "replayed: this page shows the graph and its values only. To step through the "
            "backward pass, build the graph again and call explore before backward(), or "
            "use backward(retain_graph=True).")
    elif record is None:
        record = backward.run(roots, seeds)
    if seeded_with_ones and record is not None:
        notes.append("The outputs are not scalars: the backward pass starts from ones.")
    steps, leaf_grads = stepdata.steps(view, data, record) if record else ([], {})
    grad_paths = []
    if record is not None and not freed:
        grad_paths = stepdata.paths(view, data, roots, seeds, record,
                                    _wrt_list(wrt, leaves, names), names, max_paths)
    svg = _layout(draw(roots, params=params, show_values=show_values, show_grads=False,
                       show_shapes=show_shapes, rankdir=rankdir, clusters=clusters,
                       expand_fused=expand_fused, max_nodes=max_nodes, title=title))
    title = title or "minigrad graph explorer"
    payload = {"title": title, "notes": notes, "vertices": data.vertices,
               "edges": data.edges, "clusters": data.clusters, "steps": steps,
               "leafGrads": leaf_grads, "paths": grad_paths, "arrays": data.arrays.rows}
    return Explorer(_page(title, svg, payload), title)


def _layout(graph) -> str:
    import graphviz  # imported when a page is made, as for drawings

    try:
        svg = graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(
            f"explore: Graphviz's `dot` executable was not found on PATH; the page needs "
            f"it to lay out the graph.\n{INSTALL_HELP}") from None
    svg = svg[svg.find("<svg"):]
    # The page shows values in its own panel: the tooltips draw() wrote (every vertex's
    # values again) and the links carrying them would only double the page's size.
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = re.sub(r' xlink:title="[^"]*"', "", svg)
    return re.sub(r'<g id="a_[^"]*"><a>\n?(.*?)</a>\n?</g>\n?', r"\1", svg, flags=re.S)


def _asset(name: str) -> str:
    return resources.files("minigrad.viz.explorer").joinpath(name).read_text(encoding="utf-8")


def _page(title: str, svg: str, payload: dict) -> str:
    # "</script" or "<!--" inside the JSON would end or confuse its script element: every
    # "<" is written as the JSON escape "\u003c", the same string once parsed.
    data = json.dumps(payload, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    parts = {"TITLE": html.escape(title), "STYLE": _asset("explorer.css"), "SVG": svg,
             "DATA": data, "SCRIPT": _asset("view.js") + _asset("explorer.js"),
             "FONT": style.FONT}
    return _PLACEHOLDER.sub(lambda match: parts[match.group(1)], _asset("page.html"))
