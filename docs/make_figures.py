"""Regenerate every figure and table of measured numbers that the documentation shows.

    python docs/make_figures.py                  # everything (about a minute)
    python docs/make_figures.py --skip-examples  # without the example training runs

Writes into docs/figures/ (a build output, ignored by git): the demo's plots and graphs
(the same code as `python -m minigrad demo`), the graphs of the concept pages, the explorer
page of the section-2 layer and a screenshot of it, the tables of numbers that the
experiments page includes (`numbers_*.md`), the numbers that the pages' prose quotes
(`values.json`, filled in by docs/hooks/numbers.py), and the figures and printed output of
the example scripts (`output_*.txt`). No number on the site is typed by hand. Needs
matplotlib, scikit-learn, Graphviz's `dot`, and for the screenshot headless Chromium with
selenium (scripts/ensure-browser.sh installs the browser).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DOCS = Path(__file__).resolve().parent
FIGURES = DOCS / "figures"
sys.path.insert(0, str(ROOT))  # the checkout's minigrad, installed or not

import minigrad as mg  # noqa: E402
from minigrad import demo, viz  # noqa: E402
from minigrad.experiments import section2_problem, suite  # noqa: E402
from minigrad.experiments.datasets import load_digits  # noqa: E402

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
CUSTOM_FUNCTION_GRAPH = "custom_function.svg"
EXAMPLE_RUNS = (  # script, arguments, figure (its printed output goes to output_*.txt)
    ("train_mlp", ["--data", "moons"], "train_mlp_moons.png"),
    ("train_mlp", ["--data", "spirals"], "train_mlp_spirals.png"),
    ("train_digits", [], "train_digits.png"),
    ("bn_distributions", [], "bn_distributions.png"),
    ("train_cnn", [], "train_cnn.png"),
)
VALUES = "values.json"
# Tables wider than this many columns do not fit the text column: they are reshaped.
MAX_COLUMNS = 6
EXAMPLE_EXTRAS = ("train_cnn_graph.svg",)  # written beside their run's figure


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
        print(f"{EXPLORER_SCREENSHOT} not made: {missing()}; {INSTALL_HINT}")
        return [page]
    return [page, screenshot(page, out / EXPLORER_SCREENSHOT, SCREENSHOT_STATE, width=1100,
                             height=900)]


def custom_function_graph(out: Path) -> list[Path]:
    """The graph of the extending page's example, with the op that page defines."""
    logmeanexp = _load("logmeanexp", DOCS / "code" / "logmeanexp.py").logmeanexp
    x = mg.tensor([[0.5, -1.0, 2.0]], requires_grad=True, name="x")
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="w")
    y = logmeanexp(x * w).sum()
    y.name = "y"
    y.backward(retain_graph=True)
    return [viz.render(y, out / CUSTOM_FUNCTION_GRAPH, show_values=True,
                       title="y = sum(logmeanexp(x * w)): a custom Function in the graph")]


def number_tables(results: suite.Results, out: Path) -> list[Path]:
    """One Markdown table per experiment family, for the docs to include; tables too wide
    for the text column are reshaped by `fit_to_column`."""
    written = []
    for name in suite.SECTIONS:
        section = suite.section_markdown(results, name)
        if section is None:
            continue
        title, lines = section
        path = out / f"numbers_{name}.md"
        path.write_text(f"*{title}*\n\n" + fit_to_column(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0]),
            *("| " + " | ".join(row) + " |" for row in rows[1:])]


def fit_to_column(lines: list[str]) -> str:
    """A Markdown table as it fits the page. Narrow tables stay as they are. A wide table
    whose first column repeats values (the learning rate of several runs) becomes one
    table per value of it, if that makes it narrow enough; otherwise it is transposed (one
    column per run)."""
    rows = [_cells(line) for i, line in enumerate(lines) if i != 1]
    if len(rows[0]) <= MAX_COLUMNS:
        return "\n".join(lines)
    header, body = rows[0], rows[1:]
    if len({row[0] for row in body}) < len(body) and len(header) - 1 <= MAX_COLUMNS:
        parts = []
        for value in dict.fromkeys(row[0] for row in body):
            group = [row[1:] for row in body if row[0] == value]
            parts.append(f"{header[0]} = {value}:\n\n" + "\n".join(_table([header[1:], *group])))
        return "\n\n".join(parts)
    return "\n".join(_table([list(column) for column in zip(*rows)]))


def _percent(value: float) -> str:
    return f"{value:.1%}".replace("%", " %")


def page_values(results: suite.Results) -> dict[str, str]:
    """The numbers that the pages' prose quotes, as the text to show, by name. A page
    writes `{{ name }}`; docs/hooks/numbers.py fills it in at build time."""
    values: dict[str, str] = {}
    if results.bias:
        samples, units = section2_problem()[0].shape
        values["bias.samples"], values["bias.units"] = str(samples), str(units)
    if results.heads:
        heads = results.heads
        scale = next(run for label, run in heads.items() if "scale" in label)
        shift = next(run for label, run in heads.items() if label.startswith("learnable shift"))
        values["heads.steps"] = str(len(shift["loss"]))
        values["heads.scale_gamma"] = f"{float(np.mean(scale['head'][-1])):.2f}"
        values["heads.shift_grad"] = f"{float(np.linalg.norm(shift['grad_b'][-1])):.0e}"
    if results.scale:
        classifier = results.scale["classifier/detached"]
        cosine = float(classifier["radial_cos"][-50:].mean())
        values["scale.classifier_detached_cos"] = f"{cosine:.2f}"
        values["scale.classifier_detached_radial"] = f"{abs(cosine):.2f}"
        values["scale.classifier_detached_tangential"] = f"{np.sqrt(1 - cosine ** 2):.2f}"
        regression = results.scale["regression/detached"]
        values["scale.regression_detached_accuracy"] = _percent(
            regression["test_accuracy"][-1])
        values["scale.steps"] = str(len(classifier["loss"]))
        values["digits.train"] = f"{len(load_digits(seed=suite.SCALE['seed']).y_train):,}"
    if results.interval:
        slow, fast = (results.interval[lr] for lr in suite.INTERVAL_LRS)
        finals = [suite._last_finite(run["test_accuracy"]) for run in slow.values()]
        values["interval.slow_accuracy_low"] = _percent(min(finals))
        values["interval.slow_accuracy_high"] = _percent(max(finals))
        detached = slow["BatchNorm, stats detached"]
        values["interval.detached_b_first"] = f"{detached['b_norm'][0]:.2f}"
        values["interval.detached_b_last"] = f"{detached['b_norm'][-1]:.2f}"
        values["interval.steps"] = str(len(detached["loss"]))
        every_10 = fast["training-set stats, every 10 steps"]
        exponent = int(np.floor(np.log10(suite._last_finite(every_10["w_norm"]))))
        values["interval.every10_w_exponent"] = str(exponent)
        values["interval.every10_accuracy"] = _percent(
            suite._last_finite(every_10["test_accuracy"]))
        every_100 = fast["training-set stats, every 100 steps"]
        values["interval.every100_diverged_at"] = str(int(every_100["diverged_at"]))
    return values


def write_values(results: suite.Results, out: Path) -> list[Path]:
    path = out / VALUES
    path.write_text(json.dumps(page_values(results), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return [path]


def output_name(script: str, argv: list[str]) -> str:
    """The file holding what `examples/SCRIPT.py ARGV` printed."""
    return "output_" + "_".join([script, *(a.lstrip("-") for a in argv)]) + ".txt"


def figure_names() -> set[str]:
    """Every file this script writes into docs/figures/."""
    return {*demo.PLOT_FILES, *demo.GRAPH_FILES, *CONCEPT_GRAPHS, EXPLORER_PAGE,
            EXPLORER_SCREENSHOT, CUSTOM_FUNCTION_GRAPH,
            *(f"numbers_{name}.md" for name in suite.SECTIONS), VALUES,
            *(figure for _, _, figure in EXAMPLE_RUNS),
            *(output_name(script, argv) for script, argv, _ in EXAMPLE_RUNS), *EXAMPLE_EXTRAS}


def example_figures(out: Path) -> list[Path]:
    """The figures of the example scripts, with their default settings, and what each
    printed (without the line naming the figure's path)."""
    written = []
    for script, argv, figure in EXAMPLE_RUNS:
        print(f"examples/{script}.py {' '.join(argv)}")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            _example(script).main([*argv, "--out", str(out / figure), "--no-progress"])
        lines = [line for line in printed.getvalue().splitlines()
                 if not line.startswith("wrote ")]
        print("\n".join(f"  {line}" for line in lines))
        output = out / output_name(script, argv)
        output.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += [out / figure, output]
    return written


def _example(name: str):
    """Import examples/NAME.py (a script, not a package), with examples/ on the path as when
    the script runs, for its `example_helpers`."""
    if str(ROOT / "examples") not in sys.path:
        sys.path.insert(0, str(ROOT / "examples"))
    return _load(name, ROOT / "examples" / f"{name}.py")


def _load(name: str, path: Path):
    """Import the Python file at `path` as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
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
    written += custom_function_graph(args.out)
    written += number_tables(results, args.out)
    written += write_values(results, args.out)
    if not args.skip_examples:
        written += example_figures(args.out)
    print(f"wrote {len(written)} files in {time.perf_counter() - start:.0f} s:")
    for path in written:
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
