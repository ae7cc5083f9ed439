"""Helpers the example training scripts share: a configurable MLP, accuracy, a progress bar
that degrades gracefully, saving a figure, and the options and `main` every script has.

The scripts run as `python examples/NAME.py`, so this folder is on the import path and they
import these as `example_helpers`. The training loops themselves stay in the scripts, where
they can be read.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.experiments.blas import blas_threads
from minigrad.experiments.checks import check_choice
from minigrad.experiments.datasets import minibatches
from minigrad.nn import functional as F  # noqa: N812 - the customary name

__all__ = ["NORMS", "accuracy", "add_common_arguments", "blas_threads", "curves_figure",
           "fit_classifier", "float32", "mlp", "parse_variants", "predict", "progress_bar",
           "run_example", "write_figure"]

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



def parse_variants(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """`--variants` ("batch,none,detached") as a list of NORMS; a parser error otherwise."""
    variants = [v.strip() for v in text.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(NORMS))
    if unknown or not variants:
        parser.error(f"--variants: unknown {', '.join(unknown) or '(empty)'}; choose from "
                     f"{', '.join(NORMS)}")
    return variants


def fit_classifier(model: nn.Module, optimizer, data: tuple, epochs: int, batch_size: int,
                   seed: int, description: str, progress: bool = True, schedule=None,
                   label_smoothing: float = 0.0) -> dict[str, list[float]]:
    """Train `model` with cross-entropy on shuffled mini-batches of `data` = (x_train,
    y_train, x_test, y_test) (tensors of inputs, arrays of labels), with a progress bar;
    after every epoch, step `schedule` and measure the test accuracy in evaluation mode.
    Returns per-epoch `loss` (the epoch's mean), `test_accuracy` and `seconds` (elapsed)."""
    x_train, y_train, x_test, y_test = data
    rng = np.random.default_rng(seed)
    steps = len(list(minibatches(len(y_train), batch_size, rng)))
    bar = progress_bar(epochs * steps, description, progress)
    history: dict[str, list[float]] = {"loss": [], "test_accuracy": [], "seconds": []}
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        losses = []
        for batch in minibatches(len(y_train), batch_size, rng):
            loss = F.cross_entropy(model(x_train[batch]), mg.tensor(y_train[batch]),
                                   label_smoothing=label_smoothing)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            bar.update()
        if schedule is not None:
            schedule.step()
        history["loss"].append(float(np.mean(losses)))
        history["test_accuracy"].append(accuracy(model, x_test, y_test))
        history["seconds"].append(time.perf_counter() - start)
        bar.set_postfix_str(f"loss {history['loss'][-1]:.4f}, "
                            f"test {history['test_accuracy'][-1]:.1%}")
    bar.close()
    return history


def curves_figure(histories: dict[str, dict[str, list[float]]], labels: dict[str, str],
                  title: str, accuracy_floor: float):
    """Training loss (log scale) and test accuracy per epoch, one line per variant."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.0, 3.4), layout="constrained")
    ax_loss, ax_acc = figure.subplots(1, 2)
    for name, history in histories.items():
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax_loss.plot(epochs, history["loss"], label=labels[name])
        ax_acc.plot(epochs, history["test_accuracy"], label=labels[name])
    ax_loss.set(title="training loss (mean over the epoch)", xlabel="epoch", yscale="log")
    ax_acc.set(title="test accuracy", xlabel="epoch", ylim=(accuracy_floor, 1.0))
    ax_acc.legend(fontsize=8)
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    figure.suptitle(title)
    return figure
