"""`render`: a drawing written to a file (SVG, PNG, PDF or DOT).

Drawing needs no executable: the DOT source is made by the `graphviz` Python package.
Laying it out into SVG, PNG or PDF needs Graphviz's `dot` program; when it is missing,
`render` still writes the DOT source next to the requested file and raises
`GraphvizNotFoundError` saying how to install Graphviz.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from minigrad.viz.draw import draw, graphviz_package

if TYPE_CHECKING:
    import graphviz

FORMATS = ("svg", "png", "pdf", "dot")
_SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
PNG_DPI = "144"  # crisp on slides and high-density screens

INSTALL_HELP = (
    "Install Graphviz, which provides it:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "  Windows:        winget install graphviz (then add its bin folder to PATH)\n"
    "and make sure `dot -V` works in a new shell."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` executable is not on PATH, so a layout could not be made."""


def format_for(path: str | os.PathLike, format: str | None = None) -> str:  # noqa: A002
    """The output format: `format` if given, else from the file's extension."""
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"render: format must be one of {', '.join(FORMATS)}, "
                             f"got {format!r}")
        return format
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValueError(
            f"render: cannot tell the format of {os.fspath(path)!r} from its extension; "
            f"expected one of {', '.join(sorted(_SUFFIXES))}"
        )
    return _SUFFIXES[suffix]


def write(graph: graphviz.Digraph, path: str | os.PathLike, format: str | None = None  # noqa: A002
          ) -> Path:
    """Write an existing drawing to `path`; see `render`."""
    path = Path(path)
    fmt = format_for(path, format)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
        return path
    laid_out = graph.copy()
    if fmt == "png":
        laid_out.attr(dpi=PNG_DPI)
    try:
        data = laid_out.pipe(format=fmt)
    except graphviz_package().ExecutableNotFound:
        source = path.with_suffix(".dot")
        source.write_text(graph.source, encoding="utf-8")
        raise GraphvizNotFoundError(
            f"render: Graphviz's `dot` executable was not found on PATH, so {path} could "
            f"not be laid out. The DOT source was written to {source} instead.\n"
            f"{INSTALL_HELP}"
        ) from None
    path.write_bytes(data)
    return path


def render(roots, path: str | os.PathLike, format: str | None = None,  # noqa: A002
           **draw_options) -> Path:
    """Draw `roots` (see `draw`, which takes the same options) and write the file.

    The format is `format` ("svg", "png", "pdf" or "dot") or else the file's extension.
    Returns the path written. Without Graphviz's `dot`, the DOT source is written next to
    `path` (same name, `.dot`) and `GraphvizNotFoundError` explains how to install it.
    """
    format_for(path, format)  # a bad extension fails before any drawing work
    return write(draw(roots, **draw_options), path, format)
