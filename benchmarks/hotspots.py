"""Profile one workload's minigrad version with cProfile: where does the time go?

    python benchmarks/hotspots.py tiny_ops                 # top 25 functions by own time
    python benchmarks/hotspots.py mlp_step --sort cumulative --top 40
    python benchmarks/hotspots.py deep_chain --quick --library numpy

The workload is built and warmed up outside the profile, then `--reps` repetitions run
under it. cProfile adds a fixed cost to every Python call, so it inflates code made of
many small calls (per-op bookkeeping) more than NumPy kernels: read the ranking and the
call counts, and take absolute times from `run.py`. For a sampling view without that bias,
record with py-spy and summarize its collapsed stacks per function:

    py-spy record -r 500 -f raw -o stacks.txt -- python benchmarks/hotspots.py tiny_ops --no-profile
    python benchmarks/hotspots.py --stacks stacks.txt --top 20
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `minigrad` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import workloads  # noqa: E402


def summarize_stacks(path: str, top: int, within: str | None = None) -> str:
    """Own and inclusive share of samples per function from py-spy's raw (collapsed) output.
    Frames are `function (file:line)`; lines of one function are merged. With `within`,
    only samples whose stack passes through a frame containing that text count."""
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if within and not any(within in frame for frame in frames):
            continue
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    scope = f" within {within}" if within else ""
    rows = [f"{total} samples{scope}; own% incl%  function (file)"]
    for frame, samples in own.most_common(top):
        rows.append(f"{100 * samples / total:5.1f} {100 * inclusive[frame] / total:5.1f}  {frame}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", nargs="?", choices=workloads.NAMES)
    parser.add_argument("--stacks", help="summarize a py-spy raw output file instead")
    parser.add_argument("--within", help="with --stacks: only stacks through this function")
    parser.add_argument("--library", default="minigrad")
    parser.add_argument("--reps", type=int, help="repetitions to profile (default: the "
                        "workload's own)")
    parser.add_argument("--quick", action="store_true", help="the workload's tiny sizes")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative", "ncalls"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true",
                        help="just run (for an outside sampler such as py-spy)")
    args = parser.parse_args(argv)
    if args.stacks:
        print(summarize_stacks(args.stacks, args.top, args.within))
        return 0
    if args.workload is None:
        parser.error("name a workload (or --stacks FILE)")

    workload = workloads.load(args.workload)
    settings = workload.settings(args.quick)
    run = workload.builders[args.library](settings)
    for _ in range(max(1, settings["warmup"])):
        run()
    reps = args.reps or settings["reps"]
    if args.no_profile:
        for _ in range(reps):
            print(run())
        return 0
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(reps):
        run()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    print(f"{args.workload} ({args.library}), {reps} repetitions under cProfile")
    stats.print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
