"""`render`: a drawing written to a file (SVG, PNG, PDF or DOT).

Drawing needs no executable: the DOT source is made by the `graphviz` Python package.
Laying it out into SVG, PNG or PDF needs Graphviz's `dot` program; when it is missing,
`render` still writes the DOT source beside the requested file, as `FILE.dot` (`fig.svg`
gives `fig.svg.dot`), and raises `GraphvizNotFoundError` saying how to install Graphviz.
That file starts with a comment saying it is such a fallback; a file of that name without
the comment is the user's and is never overwritten (the error says so instead).
"""

from __future__ import annotations

import errno
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
    """Graphviz's `dot` executable is not on PATH, so a layout could not be made.

    >>> issubclass(GraphvizNotFoundError, RuntimeError)
    True
    """


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
    """Write an existing drawing to `path`; see `render`.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> write(mg.viz.draw((x * x).sum()), "graph.dot").name
    'graph.dot'
    """
    path = check_target(path)
    fmt = format_for(path, format)
    _make_folder(path)
    if fmt == "dot":
        _write(path, graph.source.encode("utf-8"))
        return path
    laid_out = graph.copy()
    if fmt == "png":
        laid_out.attr(dpi=PNG_DPI)
    try:
        data = laid_out.pipe(format=fmt)
    except graphviz_package().ExecutableNotFound:
        raise GraphvizNotFoundError(
            f"render: Graphviz's `dot` executable was not found on PATH, so {path} could "
            f"not be laid out. {_write_fallback(graph, path)}\n{INSTALL_HELP}"
        ) from None
    _write(path, data)
    return path


def fallback_path(path: str | os.PathLike) -> Path:
    """Where `render` puts the DOT source when it cannot lay out `path`: `path` + `.dot`,
    a name the user did not give, so no file of theirs is taken for it."""
    path = Path(path)
    return path.with_name(path.name + ".dot")


def _fallback_marker(path: Path) -> str:
    return f"// The DOT source of {path.name}, written by minigrad because Graphviz's dot " \
        "was not found.\n"


def _write_fallback(graph: graphviz.Digraph, path: Path) -> str:
    """Write the DOT source to the fallback file unless a file of the user's is there;
    return the sentence that says what happened."""
    source, marker = fallback_path(path), _fallback_marker(path)
    try:
        with open(source, encoding="utf-8", errors="replace") as existing:
            ours = existing.readline(len(marker) + 1) == marker
    except FileNotFoundError:
        ours = True
    except OSError:
        ours = False
    if not ours:
        return f"The DOT source was not written: {source} exists and was left alone."
    try:
        _write(source, (marker + graph.source).encode("utf-8"))
    except OSError as error:
        return f"The DOT source could not be written either ({error})."
    return f"The DOT source was written to {source} instead."


def check_target(path: str | os.PathLike) -> Path:
    """`path` as a Path, after clear errors naming it if it cannot be a file (a folder, or
    a file in its way)."""
    given = os.fspath(path)
    path = Path(path)
    if path.is_dir() or given.endswith(("/", os.sep)):
        raise IsADirectoryError(errno.EISDIR, f"render: {given!r} is a directory; give a "
                                "file name such as graph.svg")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"render: cannot write "
                                         f"{os.fspath(path)!r}: {os.fspath(parent)!r} is "
                                         "not a directory")
            break
    return path


def _make_folder(path: Path) -> None:
    """Create the missing folders on the way to `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(error.errno, f"render: cannot create the folder of "
                      f"{os.fspath(path)!r}: {error.strerror}") from None


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OSError(error.errno, f"render: cannot write {os.fspath(path)!r}: "
                      f"{error.strerror}") from None


def render(roots, path: str | os.PathLike, format: str | None = None,  # noqa: A002
           **draw_options) -> Path:
    """Draw `roots` (see `draw`, which takes the same options) and write the file.

    The format is `format` ("svg", "png", "pdf" or "dot") or else the file's extension.
    Returns the path written. Without Graphviz's `dot`, the DOT source is written next to
    `path` (as `path` + `.dot`, never over a file of the user's) and
    `GraphvizNotFoundError` explains how to install Graphviz.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> render((x * x).sum(), "graph.dot")
    PosixPath('graph.dot')
    """
    format_for(path, format)  # a bad extension fails before any drawing work
    return write(draw(roots, **draw_options), path, format)
