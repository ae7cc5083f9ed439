"""Plots of the experiments' results, for the demo and the documentation.

Each function takes the dicts the experiments return and gives back a matplotlib `Figure`
(built without pyplot, so no display or backend is needed); `save` writes it to a file.
matplotlib is imported when a plot is made: it is an optional dependency.

The figures are laid out for a documentation column about 700 pixels wide: at most two
panels side by side (four panels make a 2x2 grid) and fonts that stay readable there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

DETACHED_COLOUR, FULL_COLOUR, INTERVAL_COLOUR = "#c0392b", "#2471a3", "#7d3c98"
UNIT_STYLES = ("-", "--", ":", "-.")
# Sizes in points at the default 110 dpi: a 2-panel-wide figure is ~920 px, shown at ~75%.
READABLE = {"font.size": 12, "axes.titlesize": 12, "legend.fontsize": 10,
            "figure.titlesize": 13}


def _readable(make: Callable) -> Callable:
    """Build the figure with fonts readable at the documentation's column width."""

    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(READABLE):
            return make(*args, **kwargs)

    return wrapper


def _figure(columns: int, width: float = 4.2, height: float = 3.2, rows: int = 1):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
        ax.set_xlabel("gradient step")
    return figure, list(axes.flat)


def save(figure, path: str | Path, dpi: int = 110) -> Path:
    """Write `figure` (PNG, SVG or PDF by the suffix) and return the path."""
    path = Path(path)
    figure.savefig(path, dpi=dpi)
    return path


@_readable
def bias_drift_figure(detached: Mapping[str, np.ndarray], full: Mapping[str, np.ndarray]):
    """b, dl/db, the loss and the change of the layer's output against the step, E[x]
    detached vs differentiated (2x2)."""
    figure, (ax_b, ax_grad, ax_loss, ax_out) = _figure(2, rows=2)
    steps = np.arange(len(detached["loss"]))
    for unit in range(detached["b"].shape[1]):  # line style: unit; colour: mode
        style = UNIT_STYLES[unit % len(UNIT_STYLES)]
        ax_b.plot(steps, detached["b"][:, unit], style, color=DETACHED_COLOUR,
                  label="E[x] detached" if unit == 0 else None)
        ax_b.plot(steps, full["b"][:, unit], style, color=FULL_COLOUR,
                  label="E[x] differentiated" if unit == 0 else None)
        ax_grad.plot(steps, detached["grad_b"][:, unit], style, color=DETACHED_COLOUR)
        ax_grad.plot(steps, full["grad_b"][:, unit], style, color=FULL_COLOUR)
    ax_b.set_title("the bias b (one line per unit)")
    ax_b.legend()
    ax_grad.set_title("∂l/∂b: the same every step, or 0")
    ax_loss.plot(steps, detached["loss"], color=DETACHED_COLOUR, lw=3, label="E[x] detached")
    ax_loss.plot(steps, full["loss"], "--", color=FULL_COLOUR, lw=2,
                 label="E[x] differentiated")
    _flat_limits(ax_loss, detached["loss"])
    ax_loss.set_title("the loss: never changes")
    ax_loss.legend()
    ax_out.plot(steps, detached["output_change"], color=DETACHED_COLOUR, lw=3)
    ax_out.plot(steps, full["output_change"], "--", color=FULL_COLOUR, lw=2)
    ax_out.set_ylim(-0.05, 1.0)  # on the scale of x̂ itself: rounding (1e-15) looks like 0
    ax_out.set_title("max |x̂ − x̂ at step 0|: flat at 0")
    return figure


def _flat_limits(ax, values: np.ndarray) -> None:
    """Show a flat curve as flat: a window of ±5% around it, not matplotlib's zoom onto
    rounding noise."""
    centre = float(np.mean(values))
    ax.set_ylim(centre * 0.95, centre * 1.05)


@_readable
def bias_heads_figure(runs: Mapping[str, Mapping[str, np.ndarray]]):
    """||b|| and the loss against the step for several heads (one run per label)."""
    figure, (ax_b, ax_loss) = _figure(2)
    for label, result in runs.items():
        steps = np.arange(len(result["loss"]))
        line, = ax_b.plot(steps, np.linalg.norm(result["b"], axis=1), label=label)
        ax_loss.plot(steps, result["loss"], color=line.get_color(), label=label)
    ax_b.set_title("‖b‖ with E[x] detached")
    ax_b.legend(fontsize=9)
    ax_loss.set_title("loss")
    return figure


@_readable
def scale_drift_figure(batch: Mapping[str, np.ndarray], detached: Mapping[str, np.ndarray],
                       title: str, row: int | None = None):
    """||W||² (or one row's ||W_j||²), the radial share of the gradient, loss and accuracy
    (2x2)."""
    figure, axes = _figure(2, rows=2)
    ax_norm, ax_cos, ax_loss, ax_acc = axes
    for result, colour, label in ((batch, FULL_COLOUR, "μ, σ differentiated"),
                                  (detached, DETACHED_COLOUR, "μ, σ detached")):
        steps = np.arange(len(result["loss"]))
        norm = result["w_norm"] if row is None else result["w_row_norms"][:, row]
        ax_norm.plot(steps, norm ** 2, color=colour, label=label)
        ax_cos.plot(steps, result["radial_cos"], color=colour)
        ax_loss.plot(steps, result["loss"], color=colour)
        ax_acc.plot(steps, result["test_accuracy"], color=colour)
    ax_norm.set_title("‖W‖²" if row is None else f"‖W_{row}‖² (one unit)")
    ax_norm.legend()
    ax_cos.set_title("radial share ⟨W, g⟩ / (‖W‖ ‖g‖)")
    ax_loss.set_title("training loss")
    ax_loss.set_yscale("log")
    ax_acc.set_title("test accuracy")
    ax_acc.set_ylim(0, 1)
    figure.suptitle(title)
    return figure


CEILING = 1e8  # values of runs that blew up are drawn at this height


@_readable
def interval_stats_figure(runs: Mapping[str, Mapping[str, np.ndarray]], title: str = ""):
    """Training loss, test accuracy and the first layer's ||b|| and ||W|| per run (2x2)."""
    figure, axes = _figure(2, rows=2)
    ax_loss, ax_acc, ax_b, ax_w = axes
    clipped = False
    for label, result in runs.items():
        steps = np.arange(len(result["loss"]))
        curves = [_smooth(result["loss"]), result["b_norm"], result["w_norm"]]
        clipped |= any(np.nanmax(curve) > CEILING for curve in curves)
        loss, b_norm, w_norm = (np.minimum(curve, CEILING) for curve in curves)
        line, = ax_loss.plot(steps, loss, label=label)
        colour = line.get_color()
        ax_acc.plot(steps, result["test_accuracy"], color=colour)
        ax_b.plot(steps, b_norm, color=colour)
        ax_w.plot(steps, w_norm, color=colour)
    ax_loss.set_title("training loss (smoothed)")
    ax_acc.legend(*ax_loss.get_legend_handles_labels(), fontsize=9, loc="lower right")
    ax_acc.set_title("test accuracy")
    ax_acc.set_ylim(0, 1)
    ax_b.set_title("‖b‖ of the normalized layer")
    ax_w.set_title("‖W‖ of the normalized layer")
    for ax in (ax_loss, ax_b, ax_w):
        ax.set_yscale("log")
    if clipped:
        title += f"\n(values above {CEILING:.0e} drawn at {CEILING:.0e}; NaN not drawn)"
    if title:
        figure.suptitle(title)
    return figure


def _smooth(values: np.ndarray, window: int = 10) -> np.ndarray:
    """Running mean over `window` steps (shorter at the start), for noisy mini-batch losses."""
    cumulative = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (cumulative[1:] - cumulative[np.arange(1, len(values) + 1) - counts]) / counts
