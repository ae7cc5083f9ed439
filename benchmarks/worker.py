"""One library, one workload, one process: `python -m benchmarks.worker LIBRARY WORKLOAD`.

Builds the workload (untimed), warms it up, runs `reps` repetitions and prints one line,
`BENCH-RESULT {json}`, with the median of each metric, the peak memory and the thread pools
this process ran with. `benchmarks/run.py` starts one of these per library and round, so no
two libraries' thread pools ever share a process.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import sys
import time
import traceback
import tracemalloc

from benchmarks import measure, workloads

MARKER = "BENCH-RESULT "
# tracemalloc sees NumPy's buffers but not PyTorch's; micrograd under it takes seconds.
TRACEMALLOC_LIBRARIES = ("minigrad", "numpy")


def run_workload(library: str, workload_name: str, quick: bool, reps: int | None) -> dict:
    workload = workloads.load(workload_name)
    settings = workload.settings(quick)
    settings["reps"] = settings.get("reps_for", {}).get(library, settings["reps"])
    settings["warmup"] = settings.get("warmup_for", {}).get(library, settings["warmup"])
    if reps is not None:
        settings["reps"] = reps
    result: dict = {"library": library, "workload": workload_name,
                    "settings": {k: list(v) if isinstance(v, tuple) else v
                                 for k, v in settings.items()}}
    if library not in workload.builders:
        result["error"] = f"{workload_name} has no {library} version"
        return result

    importlib.import_module(library)  # its import is not the workload's memory
    load_at_start = os.getloadavg()[0]
    gc.collect()
    result["peak_is_since_start"] = not measure.reset_peak_rss()
    baseline = measure.current_rss_mib() or 0.0
    started = time.perf_counter()
    run = workload.builders[library](settings)
    for _ in range(settings["warmup"]):
        run()
    samples = [run() for _ in range(settings["reps"])]
    result["wall_s"] = time.perf_counter() - started
    result["peak_rss_mib"] = measure.peak_rss_mib() - baseline
    result["samples"] = samples
    result["metrics"] = {key: measure.median([s[key] for s in samples]) for key in samples[0]}

    if workload.tracemalloc_pass and library in TRACEMALLOC_LIBRARIES:
        gc.collect()
        tracemalloc.start()
        run()
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / measure.MIB
        tracemalloc.stop()
    result["load"] = [load_at_start, os.getloadavg()[0]]
    result["env"] = measure.thread_report(library)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library")
    parser.add_argument("workload")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--reps", type=int, help="repetitions in this process")
    args = parser.parse_args(argv)
    try:
        result = run_workload(args.library, args.workload, args.quick, args.reps)
    except Exception as error:  # reported in the table's notes; the run goes on
        traceback.print_exc()
        result = {"library": args.library, "workload": args.workload,
                  "error": f"{type(error).__name__}: {error}"}
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
