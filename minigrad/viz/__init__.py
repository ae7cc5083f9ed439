"""Pictures of computation graphs, and where a gradient comes from.

* `draw(roots, ...)` -> `graphviz.Digraph` (shown inline by Jupyter)
* `render(roots, path, ...)` writes an SVG, PNG, PDF or DOT file
* `grad_paths(output, wrt)` splits a gradient over the paths that carry it
* `record()`: module calls made inside `with record(): ...` are drawn as clusters, and the
  explorer shows the line of code that created each op
* `explore(roots, ...)` -> `Explorer`: an interactive page that steps through the
  recorded backward pass; `.save("graph.html")`, shown inline by Jupyter

The renderer only reads the graph, through its public API (`Node.op`, `.inputs`,
`.params`, `topological_order`, `Function.expand`). Importing it installs nothing, and it
imports the `graphviz` package only when a drawing is made.
"""

from minigrad.viz.draw import DEFAULT_MAX_NODES, draw, parameter_names
from minigrad.viz.explorer import Explorer, explore, record
from minigrad.viz.modules import is_recording
from minigrad.viz.paths import GradPath, TooManyPathsError, grad_paths
from minigrad.viz.render import GraphvizNotFoundError, render, write

__all__ = ["DEFAULT_MAX_NODES", "Explorer", "GradPath", "GraphvizNotFoundError",
           "TooManyPathsError", "draw", "explore", "grad_paths", "is_recording",
           "parameter_names", "record", "render", "write"]
