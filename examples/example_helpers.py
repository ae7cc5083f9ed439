"""Helpers the example training scripts share: a configurable MLP, accuracy, a progress bar
that degrades gracefully, saving a figure, and the options and `main` every script has.

The scripts run as `python examples/NAME.py`, so this folder is on the import path and they
import these as `example_helpers`. The training loops themselves stay in the scripts, where
they can be read.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.experiments.blas import blas_threads
from minigrad.experiments.checks import check_choice

__all__ = ["NORMS", "accuracy", "add_common_arguments", "blas_threads", "float32", "mlp",
           "predict", "progress_bar", "run_example", "write_figure"]

NORMS: tuple[str, ...] = ("none", "batch", "detached")
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def mlp(sizes: Sequence[int], norm: str = "batch", activation: str = "relu",
        dtype=None) -> nn.Sequential:
    """`Linear -> [BatchNorm1d] -> activation` for each hidden layer, then a `Linear`.

    `sizes` lists the widths from input to output, e.g. `(64, 256, 128, 10)`. `norm`:
    "none" (no normalization; the hidden Linear layers keep their bias), "batch" (real
    BatchNorm) or "detached" (BatchNorm with `stats="detached"`). With BatchNorm, the Linear
    layer before it has no bias: the mean subtraction would cancel it, and beta takes its
    role (section 2 of the paper).
    """
    check_choice("mlp", "norm", norm, NORMS)
    check_choice("mlp", "activation", activation, tuple(ACTIVATIONS))
    if len(sizes) < 2:
        raise ValueError(f"mlp: sizes needs an input and an output width, got {sizes!r}")
    layers: list[nn.Module] = []
    for width_in, width_out in pairwise(sizes[:-1]):
        layers.append(nn.Linear(width_in, width_out, bias=norm == "none", dtype=dtype))
        if norm != "none":
            layers.append(nn.BatchNorm1d(width_out, stats="batch" if norm == "batch"
                                         else "detached", dtype=dtype))
        layers.append(ACTIVATIONS[activation]())
    layers.append(nn.Linear(sizes[-2], sizes[-1], dtype=dtype))
    return nn.Sequential(*layers)


def predict(model: nn.Module, x: mg.Tensor) -> np.ndarray:
    """Class predictions in evaluation mode (BatchNorm uses its running statistics), without
    recording a graph; the model's mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with mg.no_grad():
            return model(x).data.argmax(axis=1)
    finally:
        model.train(was_training)


def accuracy(model: nn.Module, x: mg.Tensor, labels: np.ndarray) -> float:
    """The fraction of `labels` that `predict` gets right."""
    return float((predict(model, x) == labels).mean())


class _NoBar:
    """Stands in for a tqdm bar when bars are off or tqdm is not installed."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, description: str, enabled: bool = True):
    """A tqdm progress bar of `total` steps, or a silent stand-in (without tqdm, or when
    `enabled` is false)."""
    if enabled:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            print(f"{description}: (install tqdm for a progress bar)")
        else:
            return tqdm(total=total, desc=description, leave=True, dynamic_ncols=True)
    return _NoBar()


def write_figure(make_figure: Callable[[], object], path: str | Path, dpi: int = 100
                 ) -> Path | None:
    """Draw a matplotlib figure with `make_figure()` and write it to `path` (creating the
    folder), saying where; without matplotlib, say how to install it and return None."""
    try:
        figure = make_figure()
    except ImportError:
        print("matplotlib is not installed, so no figure was drawn: pip install matplotlib")
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi)
    print(f"wrote {path}")
    return path


def float32(array: np.ndarray) -> mg.Tensor:
    """A float32 tensor of `array` (the examples train in float32, as frameworks do)."""
    return mg.tensor(np.asarray(array, dtype=np.float32))


def add_common_arguments(parser: argparse.ArgumentParser, out: str) -> None:
    """The options every example has: --seed, --out (default `out`), --no-progress and
    --blas-threads."""
    parser.add_argument("--seed", type=int, default=0, help="seeds data, weights and batches")
    parser.add_argument("--out", default=out, help="where to write the figure")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads (0: NumPy's default); one is fastest for these "
                             "small matrices and makes runs repeatable")


def run_example(argv: list[str] | None,
                parse_args: Callable[[list[str] | None], argparse.Namespace],
                run: Callable[[argparse.Namespace], int]) -> int:
    """An example's `main`: parse the command line, then `run(args)` with the BLAS threads
    that `--blas-threads` asks for (0: NumPy's default)."""
    args = parse_args(argv)
    with blas_threads(args.blas_threads or None):
        return run(args)

