"""MkDocs hook: the numbers that a page's prose quotes come from the build, not from a hand.

`docs/make_figures.py` measures them (the same runs as the figures and tables) and writes
`docs/figures/values.json`; a page writes `{{ name }}` where a number goes, and this hook
puts the measured text there. An unknown name fails the build, so a page cannot quote a
number that no code produced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_.]+)\s*\}\}")
VALUES = Path(__file__).resolve().parent.parent / "figures" / "values.json"


def fill(markdown: str, values: dict[str, str], page: str = "a page") -> str:
    """`markdown` with every `{{ name }}` replaced by `values[name]`."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise PluginError(f"{page} quotes {{{{ {name} }}}}, which docs/make_figures.py "
                              f"does not measure (known: {', '.join(sorted(values))})")
        return values[name]

    return PLACEHOLDER.sub(value, markdown)


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    if not PLACEHOLDER.search(markdown):
        return markdown
    if not VALUES.is_file():
        raise PluginError(f"{VALUES} is missing: run `python docs/make_figures.py` "
                          "(or `make docs`) first")
    values = json.loads(VALUES.read_text(encoding="utf-8"))
    return fill(markdown, values, page.file.src_uri)
