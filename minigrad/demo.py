"""The demo behind `python -m minigrad demo --out DIR`: section 2 of the BatchNorm paper, run.

It runs the experiments (`minigrad.experiments.suite`), then writes to DIR:

* plots (PNG, with matplotlib) of `b` and the loss against the step, detached vs full;
  the learnable-head variants; `||W||` and the loss when the normalization also scales;
  whole-training-set statistics every k steps against BatchNorm;
* graphs (SVG, with Graphviz's `dot`) of the section-2 layer with and without detach, with
  the gradient paths from `b` annotated, and of BatchNorm composed and fused;
* `summary.md`, the measured numbers.

Without matplotlib or without `dot`, it writes what it can and says what is missing and how
to install it.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from minigrad.experiments import suite
from minigrad.experiments.blas import blas_threads

PLOT_FILES = {
    "bias_drift.png": "b, ∂l/∂b and the loss against the step, E[x] detached vs differentiated",
    "bias_heads.png": "‖b‖ and the loss with a learnable head after the normalization",
    "scale_drift_classifier.png": "‖W‖², radial share of the gradient, loss, accuracy "
                                  "(classifier head)",
    "scale_drift_regression.png": "the same for the regression head: collapse and blow-up",
    "interval_stats.png": "training-set statistics every k steps vs BatchNorm, lr 0.5",
    "interval_stats_lr2.png": "the same at lr 2.0",
}
GRAPH_FILES = {  # file -> (example graph of minigrad.viz.examples, description)
    "section2_full.svg": ("section2-paths", "x̂ = x − E[x] differentiated: two gradient "
                          "paths from b that cancel"),
    "section2_detached.svg": ("section2-detached-paths", "E[x] detached (dashed edge): one "
                              "path, ∂l/∂b ≠ 0"),
    "batchnorm_composed.svg": ("batchnorm-composed", "BatchNorm composed of primitives"),
    "batchnorm_fused.svg": ("batchnorm-fused", "BatchNorm as one fused op"),
    "batchnorm_detached.svg": ("batchnorm-detached", "BatchNorm composed, stats='detached'"),
}
EXPLORER_FILE = "section2.html"
MATPLOTLIB_HELP = "pip install matplotlib  (or: pip install 'minigrad[plot]')"


def run_experiments(progress: Callable[[str], None] = print,
                    missing: list[str] | None = None) -> suite.Results:
    """Run every stage of the suite, announcing each with `progress`. A stage whose
    requirements are not installed is skipped, and a note saying so goes to `missing`."""
    results = suite.Results()
    for number, stage in enumerate(suite.STAGES, start=1):
        counter = f"[{number}/{len(suite.STAGES)}] {stage.title}"
        absent = [module for module in stage.needs if not have_module(module)]
        if absent:
            install = " ".join(INSTALL_NAMES.get(module, module) for module in absent)
            progress(f"{counter}: skipped, it needs {', '.join(absent)}")
            if missing is not None:
                missing.append(f"'{stage.title}' was skipped: install {install} "
                               f"(pip install {install})")
            continue
        start = time.perf_counter()
        with blas_threads(1):
            stage.run(results)
        progress(f"{counter} ({time.perf_counter() - start:.1f} s)")
    return results


INSTALL_NAMES = {"sklearn": "scikit-learn"}


def have_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def have_matplotlib() -> bool:
    return have_module("matplotlib")


def have_dot() -> bool:
    return shutil.which("dot") is not None


def write_plots(results: suite.Results, out: Path) -> list[Path]:
    """The PNG plots of the results (needs matplotlib)."""
    from minigrad.experiments import plots

    figures = {  # file -> (the results it needs, how to draw it)
        "bias_drift.png": (results.bias, lambda: plots.bias_drift_figure(
            results.bias["detached"], results.bias["full"])),
        "bias_heads.png": (results.heads, lambda: plots.bias_heads_figure(results.heads)),
        "scale_drift_classifier.png": (results.scale, lambda: _scale_figure(
            results, "classifier", None)),
        "scale_drift_regression.png": (results.scale, lambda: _scale_figure(
            results, "regression", 0)),
        "interval_stats.png": (results.interval, lambda: plots.interval_stats_figure(
            results.interval[0.5], "mini-batch SGD on the digits, lr 0.5")),
        "interval_stats_lr2.png": (results.interval, lambda: plots.interval_stats_figure(
            results.interval[2.0], "mini-batch SGD on the digits, lr 2.0")),
    }
    return [plots.save(make(), out / name) for name, (needed, make) in figures.items()
            if needed]


def _scale_figure(results: suite.Results, head: str, row: int | None):
    from minigrad.experiments import plots

    title = {"classifier": "classifier head: ReLU, learned linear layer, cross-entropy",
             "regression": "regression head: each unit regressed onto 0.5 · one-hot"}[head]
    return plots.scale_drift_figure(results.scale[f"{head}/batch"],
                                    results.scale[f"{head}/detached"], title, row=row)


def write_graphs(out: Path, names: dict[str, tuple[str, str]] = GRAPH_FILES) -> list[Path]:
    """The SVG graphs (needs Graphviz's `dot`; without it, raises GraphvizNotFoundError
    after writing the DOT source of the first graph)."""
    from minigrad import viz
    from minigrad.viz import examples

    written = []
    for file_name, (example, _) in names.items():
        figure = examples.build(example)
        written.append(viz.render(figure.roots, out / file_name, **figure.options))
    return written


def write_explorer(out: Path) -> Path:
    """`section2.html`: the section-2 layer, differentiated and detached, in the explorer."""
    from minigrad.viz.explorer.examples import section2_page

    return section2_page().save(out / EXPLORER_FILE)


def write_graph_sources(out: Path) -> list[Path]:
    """The DOT sources of the graphs, which need no executable."""
    from minigrad import viz
    from minigrad.viz import examples

    written = []
    for file_name, (example, _) in GRAPH_FILES.items():
        figure = examples.build(example)
        path = out / Path(file_name).with_suffix(".dot")
        written.append(viz.write(viz.draw(figure.roots, **figure.options), path))
    return written


def prepare_folder(out: Path) -> None:
    """Create `out` (and its parents) and check that a file can be written in it, before
    the experiments spend their minutes; the OSError raised names the folder."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"--out {os.fspath(out)!r} is a file, not a "
                                 "folder; give a folder for the demo's files")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a parent is a file
        raise NotADirectoryError(errno.ENOTDIR, f"cannot create the folder "
                                 f"{os.fspath(out)!r}: a part of its path is a file") from None
    except OSError as error:
        raise OSError(error.errno, f"cannot create the folder {os.fspath(out)!r}: "
                      f"{error.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise OSError(error.errno, f"cannot write files in {os.fspath(out)!r}: "
                      f"{error.strerror}") from None


def run_demo(out: Path) -> int:
    """Run everything and write the files into `out`. Returns the exit status (0)."""
    prepare_folder(out)
    print(f"minigrad demo: section 2 of the Batch Normalization paper, files in {out}/")
    missing: list[str] = []
    results = run_experiments(missing=missing)
    written: list[Path] = []

    if have_matplotlib():
        plotted = write_plots(results, out)
        written += plotted
        print(f"plots: {len(plotted)} PNG files")
    else:
        missing.append(f"matplotlib is not installed, so the {len(PLOT_FILES)} plots were "
                       f"skipped. Install it with: {MATPLOTLIB_HELP}")
        print("plots: skipped (no matplotlib)")

    if have_dot():
        written += write_graphs(out)
        print(f"graphs: {len(GRAPH_FILES)} SVG files")
        written.append(write_explorer(out))
        print(f"explorer: {written[-1].name} (open it in a browser to step through backward)")
    else:
        from minigrad.viz.render import INSTALL_HELP

        written += write_graph_sources(out)
        missing.append("Graphviz's `dot` is not on PATH, so the graphs were written as DOT "
                       "source only (render them later with `dot -Tsvg FILE.dot -o "
                       f"FILE.svg`). {INSTALL_HELP}")
        print("graphs: DOT sources only (no `dot` executable)")

    summary = suite.summary_markdown(results) + _files_markdown(written, missing)
    summary_path = out / "summary.md"
    summary_path.write_text(summary, encoding="utf-8")
    written.append(summary_path)
    print(f"summary: {summary_path}")

    for note in missing:
        print(f"\nmissing: {note}")
    print(f"\nwrote {len(written)} files:")
    for path in written:
        print(f"  {path}")
    return 0


def _files_markdown(written: list[Path], missing: list[str]) -> str:
    described = {**PLOT_FILES, **{name: text for name, (_, text) in GRAPH_FILES.items()},
                 EXPLORER_FILE: "the section-2 layer in the interactive explorer: step "
                                "through backward, toggle the gradient paths from b"}
    lines = ["## Files", ""]
    for path in written:
        lines.append(f"* `{path.name}`: {described.get(path.name, 'DOT source')}")
    for note in missing:
        lines.append(f"* missing: {note}")
    return "\n".join(lines) + "\n"
