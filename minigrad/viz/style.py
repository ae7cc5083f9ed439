"""How things look: one palette, one look per kind of node, and the text of labels.

Every kind of vertex is told apart by shape and colour at a glance (and the colours stay
distinct in greyscale and for the common colour-vision deficiencies):

* parameter   green box, bold name (a leaf that requires grad and has a name)
* leaf        blue box (a leaf that requires grad, without a name)
* input       grey box (data and constants: leaves that do not require grad)
* op          amber rounded box, the op's name in bold; fused ops get a double border
* output      purple box with a double border (the roots that were drawn)
* ghost op    dashed outline (the op that made a detached temporary, since freed)
* note        yellow "note" shape (cut graphs, legends)

Labels are Graphviz HTML-like labels (bold names, smaller grey details); every piece of
text in them is escaped here, so labels never break the DOT that the `graphviz` package
writes. Tooltips (shown when hovering a node in SVG output) carry the full details.
"""

from __future__ import annotations

import functools
import html
import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

FONT = "Helvetica"

# Tableau-like, colour-blind-safe hues: (fill, border).
PARAMETER = ("#d5f0d0", "#2e7d32")
LEAF = ("#dbe9fb", "#1f5fa8")
INPUT = ("#eeeeee", "#757575")
OP = ("#fff1c9", "#b8860b")
FUSED = ("#ffe0b2", "#e65100")
OUTPUT = ("#e6dcf2", "#5e35b1")
GHOST = ("#ffffff", "#9e9e9e")
NOTE = ("#fffbe6", "#b0a36b")
CLUSTER = ("#f6f8fb", "#90a4ae")

EDGE = "#546e7a"
DETACHED = "#c62828"
DETAIL = "#555555"
GRAD = "#00695c"  # gradient values in labels

# Contributions of gradient paths: distinct hues for paths, in order.
PATH_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                "#8c564b", "#e377c2")
SHARED_PATH = "#37474f"

SMALL_ARRAY = 6  # arrays up to this many elements are shown in full in labels
BRIEF_PARAMS = 36  # characters of an op's parameters shown in its label
TOOLTIP_ELEMENTS = 64  # tooltips show arrays up to this size in full


def graph_attributes(rankdir: str) -> dict[str, str]:
    return {
        "rankdir": rankdir,
        "fontname": FONT,
        "fontsize": "12",
        "nodesep": "0.3",
        "ranksep": "0.35",
        "bgcolor": "white",
        "labelloc": "b",
        "labeljust": "l",
    }


# Ops are the most numerous vertices: their look is the default, so each op vertex carries
# only its label and tooltip (this halves the time to write a big graph's DOT).
NODE_DEFAULTS = {"fontname": FONT, "fontsize": "12", "penwidth": "1.2", "margin": "0.12,0.06",
                 "shape": "box", "style": "filled,rounded", "fillcolor": OP[0], "color": OP[1]}
EDGE_DEFAULTS = {"color": EDGE, "arrowsize": "0.7", "fontname": FONT, "fontsize": "10",
                 "penwidth": "1.2"}


def box(colours: tuple[str, str], *, rounded: bool = False, dashed: bool = False,
        double: bool = False) -> dict[str, str]:
    """Node attributes for a box in the given (fill, border) colours."""
    style = ["filled"]
    if rounded:
        style.append("rounded")
    if dashed:
        style.append("dashed")
    attrs = {"shape": "box", "style": ",".join(style), "fillcolor": colours[0],
             "color": colours[1]}
    if double:
        attrs["peripheries"] = "2"
    return attrs


def cluster_attributes(label: str, depth: int, dashed: bool = False) -> dict[str, str]:
    """A module cluster: light background, darker for nested calls so nesting reads; an
    expanded fused op gets a dashed border instead of a background."""
    shade = ("#f6f8fb", "#eaf0f6", "#dfe8f1", "#d4e0ec")[min(depth, 3)]
    return {
        "label": html_label([bold(label)]),
        "style": "rounded,dashed" if dashed else "rounded,filled",
        "fillcolor": shade,
        "color": CLUSTER[1],
        "fontname": FONT,
        "fontsize": "11",
        "labeljust": "l",
        "labelloc": "t",
        "penwidth": "1",
    }


# --- text ---------------------------------------------------------------------------------
# Characters that XML (and so Graphviz's HTML-like labels) cannot hold, or that would act
# on a terminal or layout: C0/C1 controls, lone surrogates, U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str, keep: str = "") -> str:
    """`text` with each unprintable character shown as its escape (`\\x1b`), except those in
    `keep`; names with control characters still draw, and still say what they hold."""
    return _UNPRINTABLE.sub(lambda m: m[0] if m[0] in keep else
                            m[0].encode("unicode_escape", "backslashreplace").decode("ascii"),
                            text)


def _escape(text: str) -> str:
    return html.escape(printable(text))


def bold(text: str) -> str:
    return f"<B>{_escape(text)}</B>"


def detail(text: str) -> str:
    return f'<FONT POINT-SIZE="10" COLOR="{DETAIL}">{_escape(text)}</FONT>'


def coloured(text: str, colour: str, size: int | None = None) -> str:
    points = f' POINT-SIZE="{size}"' if size else ""
    return f'<FONT COLOR="{colour}"{points}>{_escape(text)}</FONT>'


def html_label(lines: Iterable[str], *, left: bool = False) -> str:
    """Join already-escaped HTML fragments, one per line, into a Graphviz HTML label
    (centred lines, or left-aligned ones for captions)."""
    if left:
        return "<" + "".join(line + '<BR ALIGN="LEFT"/>' for line in lines) + ">"
    return "<" + "<BR/>".join(lines) + ">"


def shape_text(shape: Sequence[int], dtype: np.dtype | None = None) -> str:
    dims = "×".join(map(str, shape)) if shape else "scalar"
    return f"{dims} {dtype_name(dtype)}" if dtype is not None else dims


@functools.cache
def dtype_name(dtype: np.dtype) -> str:
    return np.dtype(dtype).name


def format_number(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}"


def array_summary(values: np.ndarray, limit: int = SMALL_ARRAY) -> str:
    """Small arrays in full on one line; larger ones as norm and range."""
    values = np.asarray(values)
    if values.size <= limit:
        return " ".join(format_array(values).split())
    if values.dtype.kind == "b":
        return f"{int(np.count_nonzero(values))} of {values.size} true"
    if values.dtype.kind not in "fiu":
        return f"{values.size} values"
    as_float = values.astype(np.float64, copy=False)
    finite = np.isfinite(as_float)
    if not finite.all():
        bad = int((~finite).sum())
        return f"{bad} of {values.size} values not finite"
    short = functools.partial(format_number, digits=3)
    return (f"norm {short(float(np.linalg.norm(as_float)))}, "
            f"[{short(float(as_float.min()))}, {short(float(as_float.max()))}]")


def format_array(values: np.ndarray) -> str:
    """Nested brackets, one row of the last axis per line, 4 significant digits.

    Much cheaper than `np.array2string`, which matters when drawing ten thousand vertices.
    """
    if values.ndim == 0:
        return _element(values.item())
    cells = [_element(v) for v in values.reshape(-1).tolist()]
    width = values.shape[-1]
    if width == 0:
        return "[]"
    rows = [" ".join(cells[i:i + width]) for i in range(0, len(cells), width)]
    # Sizes of the blocks of rows that each enclosing axis spans, innermost first.
    blocks = list(itertools.accumulate(reversed(values.shape[:-1]), operator.mul))
    lines = []
    for index, row in enumerate(rows):
        opens = 1 + _leading_multiples(index, blocks)
        closes = 1 + _leading_multiples(index + 1, blocks)
        lines.append(" " * (values.ndim - opens) + "[" * opens + row + "]" * closes)
    return "\n".join(lines)


def _leading_multiples(count: int, blocks: list[int]) -> int:
    """How many of the first `blocks` divide `count` (the axes a row starts or ends)."""
    return sum(1 for _ in itertools.takewhile(lambda n: count % n == 0, blocks))


def _element(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def array_details(values: np.ndarray) -> str:
    """The text of a tooltip: every value when there are at most `TOOLTIP_ELEMENTS`, else
    statistics."""
    values = np.asarray(values)
    lines = [f"shape {values.shape}, dtype {dtype_name(values.dtype)}"]
    if values.size > TOOLTIP_ELEMENTS and values.dtype.kind in "fiub":
        as_float = values.astype(np.float64, copy=False)
        lines.append(f"norm {format_number(float(np.linalg.norm(as_float)))}, "
                     f"mean {format_number(float(as_float.mean()))}, "
                     f"min {format_number(float(as_float.min()))}, "
                     f"max {format_number(float(as_float.max()))}")
    if values.size <= TOOLTIP_ELEMENTS:
        lines.append(format_array(values))
    return "\n".join(lines)


def params_text(params: Mapping[str, object], *, brief: bool = True) -> str:
    """An op's keyword parameters: `axes=(0,)`, None and False dropped, True as the bare
    name. `brief` (labels) keeps only numbers, strings, dtypes and tuples of them, within
    `BRIEF_PARAMS` characters; tooltips show every parameter in full."""
    parts = []
    for key, value in params.items():
        if value is None or value is False or (brief and value is True):
            continue
        if value is True:
            parts.append(key)
        elif isinstance(value, np.dtype):
            parts.append(f"{key}={dtype_name(value)}")
        elif not brief or _is_simple(value):
            parts.append(f"{key}={value!r}")
    text = ", ".join(parts)
    return text if not brief or len(text) <= BRIEF_PARAMS else text[:BRIEF_PARAMS - 1] + "…"


def _is_simple(value) -> bool:
    if isinstance(value, tuple):
        return all(_is_simple(v) for v in value)
    return isinstance(value, int | float | str | np.number)


def tooltip(lines: Iterable[str]) -> str:
    """Tooltip text. Line breaks are written as Graphviz's `\\n` escape, so each vertex stays
    on one line of the DOT source; backslashes in the text are doubled to stay literal."""
    text = "\n".join(printable(line, keep="\n") for line in lines).replace("\\", "\\\\")
    return text.replace("\n", "\\n")
