"""Regenerate every figure and table of measured numbers that the documentation shows.

    python docs/make_figures.py                  # everything (about a minute)
    python docs/make_figures.py --skip-examples  # without the example training runs

Writes into docs/figures/: the demo's plots and graphs (the same code as
`python -m minigrad demo`), the graphs of the concept pages, the explorer page of the
section-2 layer and a screenshot of it, the tables of numbers that the experiments page
includes (`numbers_*.md`), and the figures of the example scripts.
Needs matplotlib, scikit-learn, Graphviz's `dot`, and for the screenshot headless Chromium
with selenium (scripts/ensure-browser.sh installs the browser).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIGURES = Path(__file__).resolve().parent / "figures"
sys.path.insert(0, str(ROOT))  # the checkout's minigrad, installed or not

import minigrad as mg  # noqa: E402
from minigrad import demo, viz  # noqa: E402
from minigrad.experiments import suite  # noqa: E402

CONCEPT_GRAPHS = ("concept_graph.svg", "concept_reverse.svg", "concept_detach.svg",
                  "concept_higher_order.svg")
EXPLORER_PAGE = "section2_explorer.html"
EXPLORER_SCREENSHOT = "explorer_section2.png"
# The screenshot's moment: the engine runs the detached graph's VJPs first, then the other
# graph's; at step 10 of 11 the VJP of the add that made x (E[x] differentiated) has just
# sent b its gradient, ~1e-16, while the detached b holds a real one. The path through
# E[x] is highlighted.
SCREENSHOT_STATE = ("minigradExplorer.goTo(10);"
                    "document.getElementById('path-0-1').click();")
EXAMPLE_RUNS = (  # script, arguments, figure
    ("train_mlp", ["--data", "moons"], "train_mlp_moons.png"),
    ("train_mlp", ["--data", "spirals"], "train_mlp_spirals.png"),
    ("train_digits", [], "train_digits.png"),
    ("bn_distributions", [], "bn_distributions.png"),
)


def concept_graphs(out: Path) -> list[Path]:
    """The drawings of the concept pages, built by the code those pages show."""
    written = []

    a = mg.tensor(2.0, requires_grad=True, name="a")
    b = mg.tensor(-3.0, requires_grad=True, name="b")
    y = (a * b + b).tanh()
    y.name = "y"
    written.append(viz.render(y, out / CONCEPT_GRAPHS[0], show_values=True,
                              title="y = tanh(a * b + b)"))

    x = mg.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * x + x).sum()
    y.name = "y"
    y.backward(retain_graph=True)
    written.append(viz.render(y, out / CONCEPT_GRAPHS[1], wrt=x,
                              title="y = sum(x * x + x): three paths from x"))

    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    y = (x * x.detach()).sum()
    y.name = "y"
    y.backward(retain_graph=True)
    written.append(viz.render(y, out / CONCEPT_GRAPHS[2], wrt=x,
                              title="y = sum(x * x.detach()): dy/dx = x"))

    x = mg.tensor(2.0, requires_grad=True, dtype=np.float64, name="x")
    (dy,) = mg.grad(x ** 3, x, create_graph=True)
    dy.name = "dy/dx"
    written.append(viz.render(dy, out / CONCEPT_GRAPHS[3], show_values=True,
                              title="the graph of dy/dx for y = x ** 3 (create_graph=True)"))
    return written


def explorer_figures(out: Path) -> list[Path]:
    """The section-2 layer in the explorer (the page the section-2 page embeds) and a
    screenshot of it for the "Watching backprop" page."""
    from minigrad.viz.explorer.browser import INSTALL_HINT, missing, screenshot
    from minigrad.viz.explorer.examples import section2_page

    page = section2_page().save(out / EXPLORER_PAGE)
    if missing() is not None:  # CI installs the browser and sets MINIGRAD_REQUIRE_BROWSER
        if os.environ.get("MINIGRAD_REQUIRE_BROWSER"):
            raise RuntimeError(f"the explorer's screenshot needs a browser: {missing()}; "
                               f"{INSTALL_HINT}")
        print(f"{EXPLORER_SCREENSHOT} kept as it was: {missing()}; {INSTALL_HINT}")
        return [page]
    return [page, screenshot(page, out / EXPLORER_SCREENSHOT, SCREENSHOT_STATE, height=900)]


def number_tables(results: suite.Results, out: Path) -> list[Path]:
    """One Markdown table per experiment family, for the docs to include."""
    written = []
    for name in suite.SECTIONS:
        section = suite.section_markdown(results, name)
        if section is None:
            continue
        title, lines = section
        path = out / f"numbers_{name}.md"
        path.write_text(f"*{title}*\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def figure_names() -> set[str]:
    """Every file this script writes into docs/figures/."""
    return {*demo.PLOT_FILES, *demo.GRAPH_FILES, *CONCEPT_GRAPHS, EXPLORER_PAGE,
            EXPLORER_SCREENSHOT,
            *(f"numbers_{name}.md" for name in suite.SECTIONS),
            *(figure for _, _, figure in EXAMPLE_RUNS)}


def example_figures(out: Path) -> list[Path]:
    """The figures of the example scripts, with their default settings."""
    written = []
    for script, argv, figure in EXAMPLE_RUNS:
        print(f"examples/{script}.py {' '.join(argv)}")
        _example(script).main([*argv, "--out", str(out / figure), "--no-progress"])
        written.append(out / figure)
    return written


def _example(name: str):
    """Import examples/NAME.py (a script, not a package), with examples/ on the path as when
    the script runs, for its `example_helpers`."""
    if str(ROOT / "examples") not in sys.path:
        sys.path.insert(0, str(ROOT / "examples"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-examples", action="store_true",
                        help="do not rerun the example training scripts")
    parser.add_argument("--out", type=Path, default=FIGURES, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = demo.run_experiments()
    written = demo.write_plots(results, args.out)
    written += demo.write_graphs(args.out)
    written += concept_graphs(args.out)
    written += explorer_figures(args.out)
    written += number_tables(results, args.out)
    if not args.skip_examples:
        written += example_figures(args.out)
    print(f"wrote {len(written)} files in {time.perf_counter() - start:.0f} s:")
    for path in written:
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
