"""Pictures of computation graphs, and where a gradient comes from.

* `draw(roots, ...)` -> `graphviz.Digraph` (shown inline by Jupyter)
* `render(roots, path, ...)` writes an SVG, PNG, PDF or DOT file
* `grad_paths(output, wrt)` splits a gradient over the paths that carry it

Importing this package starts recording `nn.Module` calls, so that drawings can group
each call's ops in a labelled cluster.
"""

from minigrad.viz.draw import DEFAULT_MAX_NODES, draw, parameter_names
from minigrad.viz.modules import install as _install_module_recorder
from minigrad.viz.paths import GradPath, TooManyPathsError, grad_paths
from minigrad.viz.render import GraphvizNotFoundError, render, write

_module_hook = _install_module_recorder()

__all__ = ["DEFAULT_MAX_NODES", "GradPath", "GraphvizNotFoundError", "TooManyPathsError",
           "draw", "grad_paths", "parameter_names", "render", "write"]
