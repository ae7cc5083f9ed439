"""A griffe extension for the API reference: doctest examples become code blocks.

A docstring's `Example:` heading is read as `Examples:`, the Google-style section that
the docstring parser turns into code (griffe knows only the plural; the singular would
render as an admonition whose `>>>` lines become nested quotes).

Docstrings in minigrad show small examples the way `doctest` reads them: lines that start
with `>>>`, followed by the expected output. Markdown would render those as running text
(and read `[1.0, 2.0]` in an output as a link), so this extension wraps each such block
at the top level of a docstring in a fenced `pycon` block. Blocks inside Google-style
sections (indented) are left to the docstring parser, and fenced blocks are left alone.
"""

from __future__ import annotations

import re

import griffe

EXAMPLE_HEADING = re.compile(r"^(\s*)Example:[ \t]*$", re.M)


def fence_doctests(text: str) -> str:
    """`text` with every unindented run of `>>>` lines and their output fenced as pycon."""
    lines, out, in_fence, i = text.split("\n"), [], False, 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip() and not lines[i][:1].isspace():
                block.append(lines[i])
                i += 1
            out += ["```pycon", *block, "```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Fence the doctest examples of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            value = EXAMPLE_HEADING.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = fence_doctests(value)
