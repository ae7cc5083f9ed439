"""memory: 1,000 training steps of `mlp_step` keep memory flat; kept losses stay small.

Nothing may leak through the graph: each step's graph, its saved arrays and its gradients
must be freed (or reused) by the next. The resident set size (RSS) and, for minigrad and
NumPy, tracemalloc's count of live Python-side allocations (NumPy buffers included) are
read after step 100 and after the last step; "flat" means they grew by less than a small
tolerance in between. tracemalloc runs during the whole loop, so these steps are slower
than `mlp_step`'s and are not timed.

Then a second loop, the common habit of keeping every step's loss in a list (for a plot):
100 steps of a 256-256-256-10 ReLU MLP at batch 256, a new batch each step. Each kept loss
keeps its graph; after backward that graph must hold only what a drawing needs, not the
step's activations. The growth from before the first step to after the last is reported
(RSS for both libraries, tracemalloc for minigrad) with PyTorch's beside it. This loop runs
first in each process, so both figures include the library's first-step warm-up.
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from benchmarks import measure
from benchmarks.workloads import frameworks, mlp_step
from benchmarks.workloads.base import Check, Medians, Metric, Workload, get

KEPT_FULL = {"batch": 256, "widths": (256, 256, 256, 10), "steps": 100}
KEPT_QUICK = {"batch": 32, "widths": (32, 32, 32, 10), "steps": 10}
KEPT_LIMIT = 2.0  # minigrad's growth at most this many times PyTorch's
RSS_TOLERANCE_MIB = 8.0  # allocator noise: arenas and freed pages are returned lazily
TRACED_TOLERANCE_MIB = 0.5


def _settings(quick: bool) -> dict:
    return {"sizes": mlp_step.QUICK if quick else mlp_step.FULL,
            "steps": 20 if quick else 1000, "early": 5 if quick else 100,
            "kept": KEPT_QUICK if quick else KEPT_FULL, "reps": 1, "warmup": 0}


def _metrics(settings: dict) -> list[Metric]:
    early, last = settings["early"], settings["steps"]
    return [Metric("rss_early", f"RSS after step {early}", "MiB"),
            Metric("rss_last", f"RSS after step {last}", "MiB"),
            Metric("rss_growth", f"RSS growth, step {early} -> {last}", "MiB"),
            Metric("traced_early", f"tracemalloc live after step {early}", "MiB"),
            Metric("traced_growth", f"tracemalloc growth, step {early} -> {last}", "MiB"),
            Metric("kept_rss_growth", f"RSS growth, {settings['kept']['steps']} kept losses",
                   "MiB"),
            Metric("kept_traced_growth",
                   f"tracemalloc growth, {settings['kept']['steps']} kept losses", "MiB")]


def kept_losses(sizes: dict, fw: frameworks.Framework, traced: bool) -> dict[str, float]:
    """Train for `sizes["steps"]` steps keeping every loss; the memory growth in MiB."""
    nn = fw.nn
    fw.manual_seed(0)
    widths = sizes["widths"]
    model = nn.Sequential(nn.Linear(widths[0], widths[1]), nn.ReLU(),
                          nn.Linear(widths[1], widths[2]), nn.ReLU(),
                          nn.Linear(widths[2], widths[3]))
    opt = fw.optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    losses = []
    if traced:
        tracemalloc.start()
    rss_before = measure.current_rss_mib() or 0.0
    for _ in range(sizes["steps"]):
        x = fw.from_numpy(rng.standard_normal((sizes["batch"], widths[0]), dtype=np.float32))
        target = fw.from_numpy(rng.integers(0, widths[-1], sizes["batch"]))
        opt.zero_grad()
        loss = fw.F.cross_entropy(model(x), target)
        loss.backward()
        opt.step()
        losses.append(loss)
    values = {"kept_rss_growth": (measure.current_rss_mib() or 0.0) - rss_before}
    if traced:
        values["kept_traced_growth"] = tracemalloc.get_traced_memory()[0] / measure.MIB
        tracemalloc.stop()
    return values


def _soak(settings: dict, library: str):
    step = mlp_step.BUILDERS[library](settings["sizes"])
    traced = library in ("minigrad", "numpy")  # PyTorch's buffers are invisible to it

    def run() -> dict[str, float]:
        values: dict[str, float] = {}
        if library in frameworks.builders(None):
            # First, in a fresh process (as a user's script): the growth includes each
            # library's first-step warm-up, as when the habit was measured.
            values.update(kept_losses(settings["kept"], frameworks.load(library), traced))
        if traced:
            tracemalloc.start()
        for number in range(1, settings["steps"] + 1):
            step()
            if number in (settings["early"], settings["steps"]):
                tag = "early" if number == settings["early"] else "last"
                values[f"rss_{tag}"] = measure.current_rss_mib() or 0.0
                if traced:
                    values[f"traced_{tag}"] = tracemalloc.get_traced_memory()[0] / measure.MIB
        if traced:
            tracemalloc.stop()
            values["traced_growth"] = values["traced_last"] - values["traced_early"]
        values["rss_growth"] = values["rss_last"] - values["rss_early"]
        return values

    return run


def _checks(medians: Medians, settings: dict) -> list[Check]:
    rss = get(medians, "minigrad", "rss_growth")
    traced = get(medians, "minigrad", "traced_growth")
    target = (f"RSS grows < {RSS_TOLERANCE_MIB:g} MiB and live allocations < "
              f"{TRACED_TOLERANCE_MIB:g} MiB from step {settings['early']} to "
              f"{settings['steps']}")
    if rss is None or traced is None:
        return [Check("memory: flat over training", target, "not measured", None)]
    ok = rss < RSS_TOLERANCE_MIB and traced < TRACED_TOLERANCE_MIB
    return [Check("memory: flat over training", target,
                  f"RSS {rss:+.1f} MiB, live {traced:+.2f} MiB", ok), _kept_check(medians)]


def _kept_check(medians: Medians) -> Check:
    """minigrad's growth (the larger of RSS and tracemalloc) against PyTorch's RSS growth."""
    target = f"kept losses: minigrad grows <= {KEPT_LIMIT:g}x PyTorch's RSS growth"
    mine = [get(medians, "minigrad", key) for key in ("kept_rss_growth", "kept_traced_growth")]
    theirs = get(medians, "torch", "kept_rss_growth")
    if None in mine or theirs is None:
        return Check("memory: kept losses", target, "not measured", None)
    worst = max(mine)
    return Check("memory: kept losses", target,
                 f"minigrad {worst:+.1f} MiB, PyTorch {theirs:+.1f} MiB",
                 worst <= KEPT_LIMIT * max(theirs, 1.0))


WORKLOAD = Workload(
    name="memory",
    title="1,000 mlp_step steps: memory stays flat",
    settings=_settings,
    metrics=_metrics,
    builders={lib: (lambda settings, lib=lib: _soak(settings, lib)) for lib in mlp_step.BUILDERS},
    checks=_checks,
    max_rounds=1,
    tracemalloc_pass=False,
)
