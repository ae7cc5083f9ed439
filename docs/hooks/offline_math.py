"""MkDocs hook: the site renders its math with a MathJax that ships inside the site.

MathJax 2.7 comes from the `jupyter-server-mathjax` package (in the `docs` extra: the same
MathJax that Jupyter serves offline). After every build this hook copies the package's
static files into `site/assets/mathjax/`, and the site's settings
(`docs/javascripts/mathjax-local.js`) as its `config/local/minigrad.js`;
`docs/javascripts/mathjax.js` configures the pages and `mkdocs.yml` loads MathJax from
there, so no page fetches anything from the network. The notebook pages (mkdocs-jupyter)
load the same copy through `custom_mathjax_url`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TARGET = "assets/mathjax"
# Translations of MathJax's menu and messages: English is built in, the rest is 3 MB.
SKIPPED = ("localization",)


def mathjax_source() -> Path:
    """The folder of MathJax's static files inside the installed package."""
    try:
        import jupyter_server_mathjax
    except ImportError as error:  # pragma: no cover - a missing extra
        raise SystemExit("the docs need MathJax from the 'docs' extra: "
                         "pip install -e '.[docs]'") from error
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def on_post_build(config, **kwargs) -> None:
    target = Path(config["site_dir"]) / TARGET
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(mathjax_source(), target, ignore=shutil.ignore_patterns(*SKIPPED))
    local = Path(config["docs_dir"]) / "javascripts" / "mathjax-local.js"
    (target / "config" / "local").mkdir(exist_ok=True)
    shutil.copyfile(local, target / "config" / "local" / "minigrad.js")
