"""Explorer pages of the built-in example graphs (`python -m minigrad graph NAME -o
FILE.html`) and of the paper's section-2 layer, differentiated and detached side by side
(the demo's `section2.html`, the docs' section-2 page)."""

from __future__ import annotations

import os
from pathlib import Path

from minigrad.viz import examples
from minigrad.viz.explorer.page import Explorer, explore
from minigrad.viz.explorer.sites import record

EXPLORE_OPTIONS = ("params", "title", "expand_fused", "show_values", "rankdir")


def example_page(name: str, **options) -> Explorer:
    """The explorer of the example graph `name` (see `minigrad.viz.examples.EXAMPLES`);
    `options` go to `explore` over the example's own."""
    with record():
        figure = examples.build(name)
    chosen = {k: v for k, v in figure.options.items() if k in EXPLORE_OPTIONS}
    if figure.options.get("wrt") is not None:
        chosen["wrt"] = [figure.options["wrt"]]
    page = explore(figure.roots, **{**chosen, **options})
    del figure  # the page holds everything it shows
    return page


def section2_page() -> Explorer:
    """Both forms of the section-2 layer, x_hat = (u + b) - E[u + b], in one page: with
    E[x] differentiated the two paths from b cancel (dloss/db = 0); with E[x] detached
    only the direct path is left."""
    with record():
        full = examples.section2_graph(detached=False)
        detached = examples.section2_graph(detached=True)
    full.loss.name = "loss (E[x] differentiated)"
    detached.loss.name = "loss (E[x] detached)"
    names = {"b, E[x] differentiated": full.b, "b, E[x] detached": detached.b}
    return explore([full.loss, detached.loss], params=names,
                   title="Section 2 of the BatchNorm paper: E[x] differentiated and "
                         "E[x] detached, side by side")


def save_example(name: str, path: str | os.PathLike, **options) -> Path:
    """Write the explorer page of an example graph ("section2-both" is `section2_page`)."""
    page = section2_page() if name == "section2-both" else example_page(name, **options)
    return page.save(path)
