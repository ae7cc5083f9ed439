"""memory: 1,000 training steps of `mlp_step` keep memory flat.

Nothing may leak through the graph: each step's graph, its saved arrays and its gradients
must be freed (or reused) by the next. The resident set size (RSS) and, for minigrad and
NumPy, tracemalloc's count of live Python-side allocations (NumPy buffers included) are
read after step 100 and after the last step; "flat" means they grew by less than a small
tolerance in between. tracemalloc runs during the whole loop, so these steps are slower
than `mlp_step`'s and are not timed.
"""

from __future__ import annotations

import tracemalloc

from benchmarks import measure
from benchmarks.workloads import mlp_step
from benchmarks.workloads.base import Check, Medians, Metric, Workload, get

RSS_TOLERANCE_MIB = 8.0  # allocator noise: arenas and freed pages are returned lazily
TRACED_TOLERANCE_MIB = 0.5


def _settings(quick: bool) -> dict:
    return {"sizes": mlp_step.QUICK if quick else mlp_step.FULL,
            "steps": 20 if quick else 1000, "early": 5 if quick else 100,
            "reps": 1, "warmup": 0}


def _metrics(settings: dict) -> list[Metric]:
    early, last = settings["early"], settings["steps"]
    return [Metric("rss_early", f"RSS after step {early}", "MiB"),
            Metric("rss_last", f"RSS after step {last}", "MiB"),
            Metric("rss_growth", f"RSS growth, step {early} -> {last}", "MiB"),
            Metric("traced_early", f"tracemalloc live after step {early}", "MiB"),
            Metric("traced_growth", f"tracemalloc growth, step {early} -> {last}", "MiB")]


def _soak(settings: dict, library: str):
    step = mlp_step.BUILDERS[library](settings["sizes"])
    traced = library in ("minigrad", "numpy")  # PyTorch's buffers are invisible to it

    def run() -> dict[str, float]:
        values: dict[str, float] = {}
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
                  f"RSS {rss:+.1f} MiB, live {traced:+.2f} MiB", ok)]


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
