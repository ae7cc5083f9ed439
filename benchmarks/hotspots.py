"""Profile one workload's minigrad version with cProfile: where does the time go?

    python benchmarks/hotspots.py tiny_ops                 # top 25 functions by own time
    python benchmarks/hotspots.py mlp_step --sort cumulative --top 40
    python benchmarks/hotspots.py deep_chain --quick --library numpy

The workload is built and warmed up outside the profile, then `--reps` repetitions run
under it. cProfile adds a fixed cost to every Python call, so it inflates code made of
many small calls (per-op bookkeeping) more than NumPy kernels: read the ranking and the
call counts, and take absolute times from `run.py`. For a sampling view without that bias:
`py-spy record -o profile.svg -- python benchmarks/hotspots.py tiny_ops --no-profile`.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `minigrad` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import workloads  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=workloads.NAMES)
    parser.add_argument("--library", default="minigrad")
    parser.add_argument("--reps", type=int, help="repetitions to profile (default: the "
                        "workload's own)")
    parser.add_argument("--quick", action="store_true", help="the workload's tiny sizes")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative", "ncalls"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true",
                        help="just run (for an outside sampler such as py-spy)")
    args = parser.parse_args(argv)

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
