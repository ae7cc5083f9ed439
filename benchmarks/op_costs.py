"""What one small op and one BatchNorm step are made of, piece by piece.

    python benchmarks/op_costs.py            # about 20 seconds
    python benchmarks/op_costs.py --quick    # a few seconds: checks that every piece runs

Part 1 times the steps of `y = x * c` on shape-(1,) float32 tensors, the per-op
bookkeeping that `tiny_ops` measures: NumPy's own multiply, the output `Tensor`, the graph
`Node`, `Function.apply` with and without a node to record, and the operator. Part 2 times
the passes of the fused BatchNorm on a (1024, 512) float32 batch: each compiled loop
(where numba is installed), each implementation's forward and backward on arrays, and the
whole `BatchNorm1d` step, with the page faults it takes. Every figure is the best of five
timings of a loop, in one process: compare pieces with each other, and take the libraries'
ratios from `run.py`.

The page faults depend on the process's history, not on minigrad: glibc returns freed
memory at the top of its heap to the system once it exceeds twice the largest block it
has unmapped so far, so a process that has never freed a large array pays a page fault
for every page of the step's fresh arrays (docs/performance.md has the figures).
"""

from __future__ import annotations

import argparse
import resource
import sys
import timeit
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `minigrad` importable
    sys.path.insert(0, str(ROOT))

import minigrad as mg  # noqa: E402
from minigrad.autograd.function import Node  # noqa: E402
from minigrad.ops import normalization_kernels as kernels  # noqa: E402
from minigrad.ops.channels import Channels  # noqa: E402
from minigrad.registry import primitives as prim  # noqa: E402
from minigrad.tensor import Tensor  # noqa: E402


def best_time(function, number: int) -> float:
    """Seconds per call of `function`: the best of five loops of `number` calls."""
    return min(timeit.repeat(function, number=number, repeat=5)) / number


def small_op_rows(number: int) -> list[tuple[str, float]]:
    """(piece, nanoseconds) for the steps of one small multiply."""
    a, b = np.array([0.5], np.float32), np.array([1.0001], np.float32)
    x, c = mg.tensor(a, requires_grad=True), mg.tensor(b)
    mul = prim.mul
    pieces = [
        ("NumPy: a * b", lambda: a * b),
        ("Tensor.wrap(array)", lambda: Tensor.wrap(a)),
        ("Node(mul, inputs, params)", lambda: Node(mul, (x, c), {})),
        ("mul.apply(x, c), recorded", lambda: mul.apply(x, c)),
        ("mul.apply(c, c), nothing to record", lambda: mul.apply(c, c)),
        ("x * c (the operator, recorded)", lambda: x * c),
    ]
    return [(name, best_time(f, number) * 1e9) for name, f in pieces]


def batchnorm_rows(number: int, shape: tuple[int, int]) -> list[tuple[str, float]]:
    """(piece, microseconds) for the fused BatchNorm's passes on a float32 batch."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape, dtype=np.float32)
    g = rng.standard_normal(shape, dtype=np.float32)
    ch = Channels(shape)
    gamma, beta = np.ones(shape[1], np.float32), np.zeros(shape[1], np.float32)
    rows = []
    if "numba" in kernels.available():
        loops = kernels.implementation("numba").loops
        x3, g3 = x.reshape(*shape, 1), g.reshape(*shape, 1)
        out = np.empty_like(x3)
        rows += [
            ("numba loop: moment_sums",
             lambda: loops.moment_sums(x3, x3[0, :, 0].copy(), np.zeros((2, shape[1])))),
            ("numba loop: normalize", lambda: loops.normalize(x3, gamma, gamma, beta, out)),
            ("numba loop: backward_sums",
             lambda: loops.backward_sums(g3, x3, beta, np.zeros((2, shape[1])))),
            ("numba loop: input_gradient",
             lambda: loops.input_gradient(g3, x3, beta, gamma, gamma, beta, out)),
        ]
    dx, sums = np.empty_like(x), np.empty((2, shape[1]), np.float32)
    for name in kernels.available():
        kernel = kernels.implementation(name)
        _, _, stats = kernel.forward(x, ch, gamma, beta, 1e-5)
        rows += [
            (f"{name} kernels: forward", lambda k=kernel: k.forward(x, ch, gamma, beta, 1e-5)),
            (f"{name} kernels: backward",
             lambda k=kernel, s=stats: k.backward(g, x, ch, s, gamma, True, dx, sums)),
        ]
    layer, inputs, upstream = mg.nn.BatchNorm1d(shape[1]), mg.tensor(x, requires_grad=True), \
        mg.tensor(g)

    def step():
        inputs.grad = layer.weight.grad = layer.bias.grad = None
        layer(inputs).backward(upstream)

    timed = [(name, best_time(f, number) * 1e6) for name, f in rows]
    for name in kernels.available():
        previous = kernels.use(name)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        seconds = best_time(step, number)
        faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (5 * number)
        timed.append((f"BatchNorm1d forward + backward ({name})", seconds * 1e6))
        timed.append((f"  page faults per step, a count ({name})", faults))
        kernels.use(previous)
    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few calls, small batch")
    args = parser.parse_args(argv)
    number, bn_number, shape = (200, 3, (64, 16)) if args.quick else (100_000, 100, (1024, 512))
    print("one small op, y = x * c on shape (1,) float32        ns per call")
    for name, ns in small_op_rows(number):
        print(f"  {name:50s} {ns:8.0f}")
    print(f"BatchNorm on a {shape} float32 batch                   us per call")
    for name, us in batchnorm_rows(bn_number, shape):
        print(f"  {name:50s} {us:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
