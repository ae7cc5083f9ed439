"""The experiments with the settings the demo and the documentation use, and their summary.

`STAGES` runs each experiment family; `summary_markdown` turns the results into the
Markdown table of measured numbers that `python -m minigrad demo` writes and the docs
include. Keeping the settings here means the demo and the docs always show the same runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from minigrad.experiments.bias_drift import bias_drift
from minigrad.experiments.datasets import load_digits
from minigrad.experiments.interval_stats import interval_stats
from minigrad.experiments.scale_drift import scale_drift

BIAS = {"steps": 50, "lr": 0.1, "seed": 0}
HEADS = {  # label -> bias_drift keyword arguments (E[x] detached, a longer run)
    "fixed head (y = x̂)": {"head": "fixed"},
    "learnable scale (y = γ x̂)": {"head": "scale"},
    "learnable shift (y = x̂ + β)": {"head": "shift"},
    "shift with weight decay 0.1": {"head": "shift", "head_weight_decay": 0.1},
}
HEAD_RUN = {"steps": 100, "lr": 0.2, "seed": 0}
SCALE = {"steps": 200, "lr": 0.5, "seed": 0}
INTERVAL = {"steps": 400, "batch_size": 64, "seed": 0}
INTERVAL_RUNS = {  # label -> interval_stats keyword arguments
    "BatchNorm": {"mode": "batch"},
    "BatchNorm, stats detached": {"mode": "detached"},
    "training-set stats, every step": {"mode": "interval", "every": 1},
    "training-set stats, every 10 steps": {"mode": "interval", "every": 10},
    "training-set stats, every 100 steps": {"mode": "interval", "every": 100},
}
INTERVAL_LRS = (0.5, 2.0)

Result = dict[str, np.ndarray]


@dataclass
class Results:
    """What each stage produced; a stage that did not run leaves its dict empty."""

    bias: dict[str, Result] = field(default_factory=dict)
    heads: dict[str, Result] = field(default_factory=dict)
    scale: dict[str, Result] = field(default_factory=dict)  # "head/stats" -> result
    interval: dict[float, dict[str, Result]] = field(default_factory=dict)  # lr -> runs


def run_bias(results: Results) -> None:
    for mode in ("detached", "full"):
        results.bias[mode] = bias_drift(mode, **BIAS)


def run_heads(results: Results) -> None:
    for label, options in HEADS.items():
        results.heads[label] = bias_drift("detached", **HEAD_RUN, **options)


def run_scale(results: Results) -> None:
    data = load_digits(seed=SCALE["seed"])
    for head in ("classifier", "regression"):
        for stats in ("batch", "detached"):
            results.scale[f"{head}/{stats}"] = scale_drift(stats, head=head, data=data, **SCALE)


def run_interval(results: Results) -> None:
    data = load_digits(seed=INTERVAL["seed"])
    for lr in INTERVAL_LRS:
        results.interval[lr] = {label: interval_stats(lr=lr, data=data, **INTERVAL, **options)
                                for label, options in INTERVAL_RUNS.items()}


@dataclass(frozen=True)
class Stage:
    title: str
    run: Callable[[Results], None]
    needs: tuple[str, ...] = ()  # importable modules the stage cannot run without


DIGITS = ("sklearn",)  # the digits data set ships inside scikit-learn
STAGES: tuple[Stage, ...] = (
    Stage("bias drift: x̂ = x − E[x], E[x] detached vs differentiated", run_bias),
    Stage("bias drift with a learnable head downstream", run_heads),
    Stage("scale drift: x̂ = (x − μ)/σ on the digits", run_scale, DIGITS),
    Stage("training-set statistics every k steps vs BatchNorm", run_interval, DIGITS),
)


def _g(value: float) -> str:
    return f"{value:.4g}"


def _vector(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in values) + "]"


def summary_markdown(results: Results) -> str:
    """The measured numbers as Markdown, one section per stage that ran."""
    parts = ["# Measured numbers", ""]
    for name in SECTIONS:
        section = section_markdown(results, name)
        if section:
            parts += [f"## {section[0]}", "", *section[1], ""]
    return "\n".join(parts) + "\n"


def section_markdown(results: Results, name: str) -> tuple[str, list[str]] | None:
    """(title, table lines) of one section ("bias", "heads", "scale", "interval"), or None
    when its stage did not run."""
    source, make = SECTIONS[name]
    data = getattr(results, source)
    return make(data) if data else None


def _bias_section(bias: dict[str, Result]) -> tuple[str, list[str]]:
    detached, full = bias["detached"], bias["full"]
    steps = len(detached["loss"])
    loss_change = np.abs(detached["loss"] - detached["loss"][0]).max() / detached["loss"][0]
    grad_spread = np.abs(detached["grad_b"] - detached["grad_b"][0]).max()
    return f"Bias drift ({steps} steps, lr {BIAS['lr']}, float64)", [
        "| | E[x] detached | E[x] differentiated |", "|---|---|---|",
        f"| ∂l/∂b at step 0 | {_vector(detached['grad_b'][0])} | "
        f"{_vector(full['grad_b'][0])} |",
        f"| largest change of ∂l/∂b over the run | {_g(grad_spread)} | "
        f"{_g(np.abs(full['grad_b']).max())} (largest abs. value) |",
        f"| b after {steps} steps | {_vector(detached['b_final'])} | "
        f"{_vector(full['b_final'])} |",
        f"| loss, first → last | {_g(detached['loss'][0])} → {_g(detached['loss'][-1])} | "
        f"{_g(full['loss'][0])} → {_g(full['loss'][-1])} |",
        f"| largest relative change of the loss | {_g(loss_change)} | "
        f"{_g(np.abs(full['loss'] - full['loss'][0]).max() / full['loss'][0])} |",
        f"| largest change of the layer's output x̂ | {_g(detached['output_change'].max())} "
        f"| {_g(full['output_change'].max())} |",
    ]


def _heads_section(heads: dict[str, Result]) -> tuple[str, list[str]]:
    title = (f"A learnable head after x̂, E[x] detached ({HEAD_RUN['steps']} steps, "
             f"lr {HEAD_RUN['lr']})")
    lines = ["| head | ‖b‖ at the end | ‖∂l/∂b‖ at the end | b still moving per step | "
             "loss, first → last |", "|---|---|---|---|---|"]
    for label, r in heads.items():
        last_step = np.linalg.norm(r["b_final"] - r["b"][-1])
        lines.append(f"| {label} | {_g(np.linalg.norm(r['b_final']))} | "
                     f"{_g(np.linalg.norm(r['grad_b'][-1]))} | {_g(last_step)} | "
                     f"{_g(r['loss'][0])} → {_g(r['loss'][-1])} |")
    return title, lines


def _scale_section(scale: dict[str, Result]) -> tuple[str, list[str]]:
    title = (f"Scale drift on the digits ({SCALE['steps']} full-batch steps, lr "
             f"{SCALE['lr']}, float64)")
    lines = ["| head | μ, σ | ‖W‖, first → last | smallest ‖W_j‖ | ⟨W,g⟩/(‖W‖‖g‖), mean "
             "of the last 50 steps | largest abs. of it | loss, first → last | "
             "test accuracy |", "|---|---|---|---|---|---|---|---|"]
    for key, r in scale.items():
        head, stats = key.split("/")
        lines.append(
            f"| {head} | {'differentiated' if stats == 'batch' else 'detached'} | "
            f"{_g(r['w_norm'][0])} → {_g(r['w_norm'][-1])} | {_g(r['w_row_norms'].min())} | "
            f"{_g(r['radial_cos'][-50:].mean())} | {_g(np.abs(r['radial_cos']).max())} | "
            f"{_g(r['loss'][0])} → {_g(r['loss'][-1])} | {r['test_accuracy'][-1]:.1%} |")
    return title, lines


def _interval_section(interval: dict[float, dict[str, Result]]) -> tuple[str, list[str]]:
    title = (f"Training-set statistics every k steps vs BatchNorm ({INTERVAL['steps']} "
             f"SGD steps, batch {INTERVAL['batch_size']})")
    lines = ["| lr | normalization | test accuracy at the end (best) | mean loss of the last "
             "50 steps | ‖b‖, first → last | ‖W‖, first → last | loss became inf/NaN |",
             "|---|---|---|---|---|---|---|"]
    for lr, runs in interval.items():
        for label, r in runs.items():
            diverged = int(r["diverged_at"])
            finite = r["loss"][np.isfinite(r["loss"])]
            lines.append(
                f"| {lr} | {label} | {_last_finite(r['test_accuracy']):.1%} "
                f"({np.nanmax(r['test_accuracy']):.1%}) | {_g(finite[-50:].mean())} | "
                f"{_g(r['b_norm'][0])} → {_g(_last_finite(r['b_norm']))} | "
                f"{_g(r['w_norm'][0])} → {_g(_last_finite(r['w_norm']))} | "
                f"{f'at step {diverged}' if diverged >= 0 else 'no'} |")
    return title, lines


def _last_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if len(finite) else float("nan")


SECTIONS = {  # name -> (field of Results, table maker)
    "bias": ("bias", _bias_section),
    "heads": ("heads", _heads_section),
    "scale": ("scale", _scale_section),
    "interval": ("interval", _interval_section),
}
