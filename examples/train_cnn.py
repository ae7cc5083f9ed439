"""Classify the 8x8 digits with a small convolutional network and BatchNorm2d; compare with
the same network without BatchNorm and with BatchNorm's statistics detached from the gradient.

    python examples/train_cnn.py                      # the three variants, 15 epochs each
    python examples/train_cnn.py --variants batch --epochs 5
    python examples/train_cnn.py --out cnn.png --graph cnn_graph.svg

The network is the paper's kind: (Conv2d 3x3 -> BatchNorm2d -> ReLU -> MaxPool2d 2) twice,
then Linear: 8x8 -> 4x4 -> 2x2, with 32 and 64 channels. BatchNorm2d normalizes each channel
over the batch and the spatial positions (section 3.2 of the paper). As in the paper, a
convolution followed by BatchNorm has no bias: the mean subtraction would cancel it
(section 2); without BatchNorm, the convolutions keep their bias.

The digits ship inside scikit-learn (1,797 images; 20% held out, stratified); pixels are
scaled by the training set's mean and standard deviation. Adam with a cosine learning-rate
decay and label smoothing. The script prints the three variants side by side (best and
final test accuracy, when the `--target` was first reached, time), writes the curves to
`--out`, and draws the graph of one training step of the first variant, with a box per
module, to `--graph`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from example_helpers import (
    NORMS,
    add_common_arguments,
    curves_figure,
    fit_classifier,
    parse_variants,
    run_example,
    write_figure,
)

import minigrad as mg
from minigrad import nn, optim, viz
from minigrad.experiments.datasets import load_digits
from minigrad.nn import functional as F  # noqa: N812 - the customary name

LABELS = {"batch": "BatchNorm2d", "none": "no BatchNorm", "detached": "BN2d, stats detached"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--variants", default="batch,none,detached",
                        help=f"comma-separated, from: {', '.join(NORMS)}")
    parser.add_argument("--epochs", type=int, default=15, help="passes over the training set")
    parser.add_argument("--batch-size", type=int, default=64, help="images per mini-batch")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's initial learning rate")
    parser.add_argument("--label-smoothing", type=float, default=0.1,
                        help="cross-entropy's label smoothing")
    parser.add_argument("--channels", default="32,64", help="channels of the two conv blocks")
    parser.add_argument("--target", type=float, default=0.985,
                        help="report when the test accuracy first reaches this")
    parser.add_argument("--graph", default=None,
                        help="where to draw one training step's graph (default: next to "
                             "--out, as NAME_graph.svg; 'none' to skip)")
    add_common_arguments(parser, out="train_cnn.png")
    args = parser.parse_args(argv)
    args.variants = parse_variants(parser, args.variants)
    try:
        args.channels = [int(c) for c in args.channels.split(",")]
    except ValueError:
        parser.error(f"--channels must be two comma-separated integers, got {args.channels!r}")
    if len(args.channels) != 2 or min(args.channels) < 1:
        parser.error("--channels must be two positive integers")
    if args.epochs < 1 or args.batch_size < 2:
        parser.error("--epochs must be at least 1, --batch-size at least 2")
    if args.graph is None:
        out = Path(args.out)
        args.graph = str(out.with_name(f"{out.stem}_graph.svg"))
    return args


def cnn(norm: str, channels: tuple[int, int]) -> nn.Sequential:
    """(Conv2d 3x3 -> [BatchNorm2d] -> ReLU -> MaxPool2d 2) x 2 -> Flatten -> Linear, for
    1x8x8 images and 10 classes."""
    layers: list[nn.Module] = []
    for width_in, width_out in zip((1, channels[0]), channels):
        layers.append(nn.Conv2d(width_in, width_out, 3, padding=1, bias=norm == "none"))
        if norm != "none":
            layers.append(nn.BatchNorm2d(width_out, stats=norm))
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(channels[1] * 2 * 2, 10))


def images(split) -> tuple[mg.Tensor, mg.Tensor]:
    """Train and test images as float32 (N, 1, 8, 8), scaled by the training set's statistics."""
    mean, std = split.x_train.mean(), split.x_train.std()
    def scaled(x):
        return mg.tensor(((x - mean) / std).reshape(-1, 1, 8, 8).astype(np.float32))
    return scaled(split.x_train), scaled(split.x_test)


def train(norm: str, split, args: argparse.Namespace) -> dict[str, list[float]]:
    """Train one variant; returns per-epoch `loss`, `test_accuracy` and `seconds` (elapsed)."""
    mg.manual_seed(args.seed)
    model = cnn(norm, args.channels)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs)
    x_train, x_test = images(split)
    return fit_classifier(model, optimizer, (x_train, split.y_train, x_test, split.y_test),
                          args.epochs, args.batch_size, args.seed, LABELS[norm],
                          not args.no_progress, schedule, args.label_smoothing)


def side_by_side(histories: dict[str, dict[str, list[float]]], target: float) -> str:
    """A text table: one column per variant, one row per result."""
    rows = {"final test accuracy": [], "best test accuracy": [],
            f"first epoch >= {target:.1%}": [], "training time": []}
    for history in histories.values():
        accuracies = np.array(history["test_accuracy"])
        reached = np.flatnonzero(accuracies >= target)
        rows["final test accuracy"].append(f"{accuracies[-1]:.2%}")
        rows["best test accuracy"].append(f"{accuracies.max():.2%}")
        rows[f"first epoch >= {target:.1%}"].append(
            f"{reached[0] + 1} ({history['seconds'][reached[0]]:.1f} s)" if len(reached)
            else "never")
        rows["training time"].append(f"{history['seconds'][-1]:.1f} s")
    width = max(map(len, rows))
    columns = [max(len(LABELS[norm]), *(len(v[i]) for v in rows.values()))
               for i, norm in enumerate(histories)]
    lines = [" " * width + "".join(f"  {LABELS[n]:>{c}}" for n, c in zip(histories, columns))]
    lines += [f"{name:<{width}}" + "".join(f"  {v:>{c}}" for v, c in zip(values, columns))
              for name, values in rows.items()]
    return "\n".join(lines)


def draw_step(norm: str, split, args: argparse.Namespace) -> None:
    """Draw the graph of one training step on 8 images, each module call in its own box."""
    mg.manual_seed(args.seed)
    model = cnn(norm, args.channels)
    x_train, _ = images(split)
    with viz.record():  # module clusters are recorded only inside this block
        loss = F.cross_entropy(model(x_train[:8]), mg.tensor(split.y_train[:8]))
    loss.name = "loss"
    loss.backward(retain_graph=True)
    try:
        path = viz.render(loss, args.graph, params=model,
                          title=f"one training step of the CNN ({LABELS[norm]}), batch of 8")
    except (ImportError, viz.GraphvizNotFoundError) as error:
        print(f"no graph drawn: {error}")
    else:
        print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    return run_example(argv, parse_args, run)


def run(args: argparse.Namespace) -> int:
    split = load_digits(seed=args.seed, standardize=False)
    c1, c2 = args.channels
    print(f"digits: {len(split.y_train)} training and {len(split.y_test)} test images; CNN "
          f"conv{c1}-pool-conv{c2}-pool-linear, Adam lr {args.lr} (cosine), batch "
          f"{args.batch_size}, {args.epochs} epochs")
    histories = {norm: train(norm, split, args) for norm in args.variants}
    print(side_by_side(histories, args.target))
    title = f"8x8 digits, CNN conv{c1}-conv{c2}"
    write_figure(lambda: curves_figure(histories, LABELS, title, 0.9), args.out)
    if args.graph.lower() != "none":
        draw_step(args.variants[0], split, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
