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

import numpy as np
from example_helpers import (
    NORMS,
    add_common_arguments,
    curves_figure,
    fit_classifier,
    float32,
    mlp,
    parse_variants,
    run_example,
    write_figure,
)

import minigrad as mg
from minigrad import optim
from minigrad.experiments.datasets import load_digits

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
    args.variants = parse_variants(parser, args.variants)
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
    data = (float32(split.x_train), split.y_train, float32(split.x_test), split.y_test)
    return fit_classifier(model, optimizer, data, args.epochs, args.batch_size, args.seed,
                          LABELS[norm], not args.no_progress)


def report(norm: str, history: dict[str, list[float]], target: float) -> str:
    accuracies = np.array(history["test_accuracy"])
    reached = np.flatnonzero(accuracies >= target)
    when = (f"reached {target:.0%} after epoch {reached[0] + 1} "
            f"({history['seconds'][reached[0]]:.1f} s)") if len(reached) else \
        f"never reached {target:.0%}"
    return (f"{LABELS[norm]}: final test accuracy {accuracies[-1]:.1%}, best "
            f"{accuracies.max():.1%}; {when}; {len(accuracies)} epochs in "
            f"{history['seconds'][-1]:.1f} s")


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
    write_figure(lambda: curves_figure(histories, LABELS, title, 0.85), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
