"""Classify scikit-learn's 8x8 handwritten digits with an MLP and BatchNorm; compare with the
same network without BatchNorm and with BatchNorm's statistics detached from the gradient.

    python examples/train_digits.py                     # the three variants, 20 epochs each
    python examples/train_digits.py --variants batch --epochs 10
    python examples/train_digits.py --hidden 512,256 --lr 3e-4 --out digits.png

The digits ship inside scikit-learn (1,797 images; nothing is downloaded); 20% are held
out, stratified. Each variant trains with Adam on shuffled mini-batches; after every epoch
the test accuracy is measured in evaluation mode (BatchNorm then uses its running
statistics). The script prints, per variant, the best test accuracy, when it first reached
the `--target` accuracy, and the time taken; the figure shows the training loss and the
test accuracy per epoch.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from example_helpers import (
    NORMS,
    accuracy,
    add_common_arguments,
    float32,
    mlp,
    progress_bar,
    run_example,
    write_figure,
)

import minigrad as mg
from minigrad import optim
from minigrad.experiments.datasets import load_digits, minibatches
from minigrad.nn import functional as F  # noqa: N812 - the customary name

LABELS = {"batch": "BatchNorm", "none": "no BatchNorm", "detached": "BatchNorm, stats detached"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--variants", default="batch,none,detached",
                        help=f"comma-separated, from: {', '.join(NORMS)}")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training set")
    parser.add_argument("--batch-size", type=int, default=64, help="images per mini-batch")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate")
    parser.add_argument("--hidden", default="256,128", help="widths of the hidden layers")
    parser.add_argument("--target", type=float, default=0.97,
                        help="report when the test accuracy first reaches this")
    add_common_arguments(parser, out="train_digits.png")
    args = parser.parse_args(argv)
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(args.variants) - set(NORMS))
    if unknown or not args.variants:
        parser.error(f"--variants: unknown {', '.join(unknown) or '(empty)'}; choose from "
                     f"{', '.join(NORMS)}")
    try:
        args.hidden = [int(w) for w in args.hidden.split(",")]
    except ValueError:
        parser.error(f"--hidden must be comma-separated integers, got {args.hidden!r}")
    if args.epochs < 1 or args.batch_size < 2 or min(args.hidden) < 1:
        parser.error("--epochs and the widths must be at least 1, --batch-size at least 2")
    return args


def train(norm: str, split, args: argparse.Namespace) -> dict[str, list[float]]:
    """Train one variant; returns per-epoch `loss`, `test_accuracy` and `seconds` (elapsed)."""
    mg.manual_seed(args.seed)
    model = mlp((split.x_train.shape[1], *args.hidden, 10), norm=norm)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    x_train, x_test = float32(split.x_train), float32(split.x_test)
    rng = np.random.default_rng(args.seed)
    history: dict[str, list[float]] = {"loss": [], "test_accuracy": [], "seconds": []}
    steps_per_epoch = len(list(minibatches(len(split.y_train), args.batch_size, rng)))
    bar = progress_bar(args.epochs * steps_per_epoch, LABELS[norm], not args.no_progress)
    start = time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        losses = []
        for batch in minibatches(len(split.y_train), args.batch_size, rng):
            loss = F.cross_entropy(model(x_train[batch]), mg.tensor(split.y_train[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            bar.update()
        history["loss"].append(float(np.mean(losses)))
        history["test_accuracy"].append(accuracy(model, x_test, split.y_test))
        history["seconds"].append(time.perf_counter() - start)
        bar.set_postfix_str(f"loss {history['loss'][-1]:.4f}, "
                            f"test {history['test_accuracy'][-1]:.1%}")
    bar.close()
    return history


def report(norm: str, history: dict[str, list[float]], target: float) -> str:
    accuracies = np.array(history["test_accuracy"])
    reached = np.flatnonzero(accuracies >= target)
    when = (f"reached {target:.0%} after epoch {reached[0] + 1} "
            f"({history['seconds'][reached[0]]:.1f} s)") if len(reached) else \
        f"never reached {target:.0%}"
    return (f"{LABELS[norm]}: final test accuracy {accuracies[-1]:.1%}, best "
            f"{accuracies.max():.1%}; {when}; {len(accuracies)} epochs in "
            f"{history['seconds'][-1]:.1f} s")


def curves_figure(histories: dict[str, dict[str, list[float]]], title: str):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.0, 3.4), layout="constrained")
    ax_loss, ax_acc = figure.subplots(1, 2)
    for norm, history in histories.items():
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax_loss.plot(epochs, history["loss"], label=LABELS[norm])
        ax_acc.plot(epochs, history["test_accuracy"], label=LABELS[norm])
    ax_loss.set(title="training loss (mean over the epoch)", xlabel="epoch", yscale="log")
    ax_acc.set(title="test accuracy", xlabel="epoch", ylim=(0.85, 1.0))
    ax_acc.legend(fontsize=8)
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    figure.suptitle(title)
    return figure


def main(argv: list[str] | None = None) -> int:
    return run_example(argv, parse_args, run)


def run(args: argparse.Namespace) -> int:
    split = load_digits(seed=args.seed)
    print(f"digits: {len(split.y_train)} training and {len(split.y_test)} test images; "
          f"MLP 64-{'-'.join(map(str, args.hidden))}-10, Adam lr {args.lr}, "
          f"batch {args.batch_size}")
    histories = {norm: train(norm, split, args) for norm in args.variants}
    for norm, history in histories.items():
        print(report(norm, history, args.target))
    title = f"8x8 digits, MLP {'-'.join(map(str, args.hidden))}"
    write_figure(lambda: curves_figure(histories, title), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
