"""module_call: what calling a model through `Module.__call__` costs over its `forward`s.

A 12-block `Linear(16, 16) + ReLU` model on a (32, 16) float32 batch: one repetition runs
forward + backward `steps` times through `model(x)` and `steps` times calling each layer's
`forward` directly, the two interleaved in chunks so drift of the machine hits both
alike. The ratio is the cost of module calls (hooks looked up, arguments passed on): the
target is at most 1.05, i.e. module calls cost what `forward` costs.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.workloads import frameworks
from benchmarks.workloads.base import Check, Medians, Metric, Workload, get
from benchmarks.workloads.frameworks import Framework

BLOCKS, WIDTH, BATCH = 12, 16, 32
LIMIT = 1.05


def _settings(quick: bool) -> dict:
    return {"steps": 20 if quick else 200, "chunks": 2 if quick else 10,
            "reps": 2 if quick else 7, "warmup": 1 if quick else 2}


def _metrics(settings: dict) -> list[Metric]:
    return [Metric("via_call", f"{BLOCKS} x (Linear+ReLU) fwd+bwd, model(x)", "us"),
            Metric("via_forward", "  the same, each layer's forward()", "us"),
            Metric("ratio", "  model(x) / forward()", "%", no_ratio_with=("numpy", "torch"))]


def _build(settings: dict, fw: Framework):
    fw.manual_seed(0)
    layers = []
    for _ in range(BLOCKS):
        layers += [fw.nn.Linear(WIDTH, WIDTH), fw.nn.ReLU()]
    model = fw.nn.Sequential(*layers)
    x = fw.from_numpy(np.random.default_rng(0).standard_normal((BATCH, WIDTH),
                                                                dtype=np.float32))
    forwards = [layer.forward for layer in layers]

    def through_call():
        model(x).sum().backward()

    def through_forward():
        h = x
        for forward in forwards:
            h = forward(h)
        h.sum().backward()

    per_chunk = max(1, settings["steps"] // settings["chunks"])

    def timed(step) -> float:
        t0 = time.perf_counter()
        for _ in range(per_chunk):
            step()
        return time.perf_counter() - t0

    def run() -> dict[str, float]:
        call = direct = 0.0
        for _ in range(settings["chunks"]):  # interleaved: A B A B ...
            call += timed(through_call)
            direct += timed(through_forward)
        steps = per_chunk * settings["chunks"]
        return {"via_call": call / steps * 1e6, "via_forward": direct / steps * 1e6,
                "ratio": 100.0 * call / direct}

    return run


def _checks(medians: Medians, settings: dict) -> list[Check]:
    ratio = get(medians, "minigrad", "ratio")
    target = f"model(x) <= {LIMIT:g}x forward()"
    if ratio is None:
        return [Check("module_call: overhead", target, "not measured", None)]
    value = ratio / 100.0
    verdict = "met" if value <= LIMIT else f"missed by {value / LIMIT:.2f}x"
    return [Check("module_call: overhead", target, f"{value:.3f}x ({verdict})", value <= LIMIT)]


WORKLOAD = Workload(
    name="module_call",
    title="Module.__call__ against forward()",
    settings=_settings,
    metrics=_metrics,
    builders=frameworks.builders(_build),
    checks=_checks,
    tracemalloc_pass=False,
)
