"""The shape every workload takes, and the helpers its checks share.

A workload names the libraries it runs on and, for each, a `build(settings)` that prepares
everything untimed and returns `run()`: one repetition, which times its own phases with
`time.perf_counter` and returns `{metric key: value}` in the metric's unit. The worker calls
`run()` a few times to warm up, then `settings["reps"]` times, and reports the medians.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Run = Callable[[], dict[str, float]]
Builder = Callable[[dict], Run]
Medians = dict[str, dict[str, float]]  # library -> metric key -> median over rounds


@dataclass(frozen=True)
class Metric:
    """One row of the table. `compare_to` is the key the reference libraries report for it
    (minigrad reports two BatchNorm variants, the references one)."""

    key: str
    label: str
    unit: str  # "s", "ms", "us" or "MiB": the unit the value is reported in
    compare_to: str | None = None
    no_ratio_with: tuple[str, ...] = ()  # references for which a ratio means nothing

    @property
    def reference_key(self) -> str:
        return self.compare_to or self.key


@dataclass(frozen=True)
class Check:
    """A target from the performance issue and what this run measured against it.
    `ok` is None when the run cannot judge (a reference library was not run)."""

    name: str
    target: str
    measured: str
    ok: bool | None


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    settings: Callable[[bool], dict]  # quick -> settings (with "reps" and "warmup")
    metrics: Callable[[dict], list[Metric]]
    builders: dict[str, Builder]
    checks: Callable[[Medians, dict], list[Check]] = field(default=lambda medians, s: [])
    max_rounds: int | None = None  # long workloads (memory soak) need fewer rounds
    tracemalloc_pass: bool = True  # one extra repetition under tracemalloc for its peak

    @property
    def libraries(self) -> tuple[str, ...]:
        return tuple(self.builders)


def get(medians: Medians, library: str, key: str) -> float | None:
    return medians.get(library, {}).get(key)


def ratio(medians: Medians, key: str, reference: str, reference_key: str | None = None):
    """minigrad's value over the reference library's (None when either is missing)."""
    mine = get(medians, "minigrad", key)
    theirs = get(medians, reference, reference_key or key)
    if mine is None or not theirs:
        return None
    return mine / theirs


def ratio_check(medians: Medians, name: str, key: str, reference: str, limit: float,
                reference_key: str | None = None) -> Check:
    """The target 'minigrad at most `limit` times the reference' for one metric."""
    target = f"minigrad <= {limit:g}x {reference}"
    value = ratio(medians, key, reference, reference_key)
    if value is None:
        return Check(name, target, f"not measured ({reference} or minigrad missing)", None)
    verdict = "met" if value <= limit else f"missed by {value / limit:.2f}x"
    return Check(name, target, f"{value:.2f}x ({verdict})", value <= limit)
