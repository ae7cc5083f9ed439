"""Figure 1 of the Batch Normalization paper, on the 8x8 digits: test accuracy against the
training step with and without BatchNorm, and how the input of one sigmoid moves during
training (its 15th, 50th and 85th percentiles).

    python examples/bn_distributions.py                  # 3000 steps, about 15 s
    python examples/bn_distributions.py --steps 6000 --unit 7 --out figure1.png

The network is the paper's: three fully connected hidden layers of 100 sigmoid units,
weights drawn from a small Gaussian, a 10-way softmax, plain SGD on mini-batches of 60.
With BatchNorm, each hidden layer is `Linear (no bias) -> BatchNorm1d -> Sigmoid`. Every
`--every` steps the test accuracy and the sigmoid's input over the test images are
measured in evaluation mode (BatchNorm uses its running statistics).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from example_helpers import (
    accuracy,
    add_common_arguments,
    float32,
    mlp,
    progress_bar,
    run_example,
    write_figure,
)

import minigrad as mg
from minigrad import nn, optim
from minigrad.experiments.datasets import load_digits, minibatches
from minigrad.nn import functional as F  # noqa: N812 - the customary name

PERCENTILES = (15, 50, 85)
LABELS = {"none": "without BatchNorm", "batch": "with BatchNorm"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--steps", type=int, default=3000, help="SGD steps per network")
    parser.add_argument("--every", type=int, default=50, help="steps between measurements")
    parser.add_argument("--batch-size", type=int, default=60, help="images per mini-batch")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    parser.add_argument("--init-std", type=float, default=0.1,
                        help="standard deviation of the Gaussian initial weights")
    parser.add_argument("--unit", type=int, default=0,
                        help="which sigmoid of the last hidden layer to follow (0-99)")
    add_common_arguments(parser, out="bn_distributions.png")
    args = parser.parse_args(argv)
    if min(args.steps, args.every) < 1 or args.batch_size < 2:
        parser.error("--steps and --every must be at least 1, --batch-size at least 2")
    if not 0 <= args.unit < 100:
        parser.error(f"--unit must be in 0..99, got {args.unit}")
    return args


def network(norm: str, init_std: float) -> nn.Sequential:
    """The paper's MNIST network: 64 -> 100 -> 100 -> 100 -> 10, sigmoids."""
    model = mlp((64, 100, 100, 100, 10), norm=norm, activation="sigmoid")
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0.0, init_std)
    return model


def train(norm: str, split, args: argparse.Namespace) -> dict[str, np.ndarray]:
    """Train one network; returns `step`, `test_accuracy` and `percentiles` (one row per
    measurement, one column per entry of PERCENTILES)."""
    mg.manual_seed(args.seed)
    model = network(norm, args.init_std)
    last_sigmoid = [m for m in model.modules() if isinstance(m, nn.Sigmoid)][-1]
    seen: list[np.ndarray] = []
    last_sigmoid.register_forward_pre_hook(lambda module, inputs: seen.append(inputs[0].data))
    optimizer = optim.SGD(model.parameters(), lr=args.lr)
    x_train, x_test = float32(split.x_train), float32(split.x_test)
    rng = np.random.default_rng(args.seed)
    record: dict[str, list] = {"step": [], "test_accuracy": [], "percentiles": []}
    bar = progress_bar(args.steps, LABELS[norm], not args.no_progress)
    batches = iter(())
    for step in range(1, args.steps + 1):
        batch = next(batches, None)
        if batch is None:
            batches = minibatches(len(split.y_train), args.batch_size, rng)
            batch = next(batches)
        loss = F.cross_entropy(model(x_train[batch]), mg.tensor(split.y_train[batch]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        bar.update()
        if step % args.every == 0 or step == args.steps:
            seen.clear()
            record["test_accuracy"].append(accuracy(model, x_test, split.y_test))
            record["percentiles"].append(np.percentile(seen[-1][:, args.unit], PERCENTILES))
            record["step"].append(step)
            bar.set_postfix_str(f"test {record['test_accuracy'][-1]:.1%}")
        seen.clear()  # the hook also sees training batches; only evaluation is kept
    bar.close()
    return {key: np.array(values) for key, values in record.items()}


def figure_1(runs: dict[str, dict[str, np.ndarray]], unit: int):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11.0, 3.4), layout="constrained")
    ax_acc, *ax_dist = figure.subplots(1, 3)
    for norm, run in runs.items():
        ax_acc.plot(run["step"], run["test_accuracy"], label=LABELS[norm])
    ax_acc.set(title="(a) test accuracy", xlabel="training step", ylim=(0.0, 1.0))
    ax_acc.legend(fontsize=8)
    low = min(run["percentiles"].min() for run in runs.values())
    high = max(run["percentiles"].max() for run in runs.values())
    for ax, letter, (norm, run) in zip(ax_dist, "bc", runs.items()):
        for column, (percentile, style) in enumerate(zip(PERCENTILES, ("--", "-", ":"))):
            ax.plot(run["step"], run["percentiles"][:, column], style, color="#2471a3",
                    lw=2.0 if percentile == 50 else 1.2, label=f"{percentile}th percentile")
        ax.set(title=f"({letter}) input of sigmoid {unit}, {LABELS[norm]}",
               xlabel="training step", ylim=(low - 0.2, high + 0.2))
        ax.legend(fontsize=7)
    for ax in (ax_acc, *ax_dist):
        ax.grid(alpha=0.3)
    figure.suptitle("Figure 1 of the BatchNorm paper, on the 8x8 digits "
                    "(3 sigmoid layers of 100, SGD, batches of 60)")
    return figure


def main(argv: list[str] | None = None) -> int:
    return run_example(argv, parse_args, run)


def run(args: argparse.Namespace) -> int:
    split = load_digits(seed=args.seed)
    runs = {}
    for norm in ("none", "batch"):
        start = time.perf_counter()
        runs[norm] = result = train(norm, split, args)
        spread = result["percentiles"][:, 2] - result["percentiles"][:, 0]
        print(f"{LABELS[norm]}: test accuracy {result['test_accuracy'][-1]:.1%} after "
              f"{args.steps} steps ({time.perf_counter() - start:.1f} s); sigmoid {args.unit}'s "
              f"input: median {result['percentiles'][0, 1]:+.2f} -> "
              f"{result['percentiles'][-1, 1]:+.2f}, 15-85th spread {spread[0]:.2f} -> "
              f"{spread[-1]:.2f}")
    write_figure(lambda: figure_1(runs, args.unit), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
