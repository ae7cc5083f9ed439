"""Run the benchmark suite and print the table: `python benchmarks/run.py`.

Every workload runs in minigrad, in handwritten NumPy (the same math, no graph) and in
PyTorch on the CPU when it is installed, each library in a process of its own
(`benchmarks/worker.py`), in rounds: minigrad, numpy, torch, minigrad, numpy, torch, ...
so drift of the machine hits all of them. The table shows the median over rounds of each
process's median, the ratios, peak memory and the thread pools each library used.

    python benchmarks/run.py                           # everything (a few minutes)
    python benchmarks/run.py --workloads tiny_ops,deep_chain --repeats 3
    python benchmarks/run.py --quick                   # tiny sizes, seconds (smoke test)
    python benchmarks/run.py --json results.json       # also write every sample
    python benchmarks/run.py --unset-openblas-env      # workers without OPENBLAS_CORETYPE/L2_SIZE
    python benchmarks/run.py --malloc-cache            # plus columns: glibc keeps freed memory
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `minigrad` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import measure, report, workloads  # noqa: E402
from benchmarks.worker import MARKER  # noqa: E402

OPTIONAL_LIBRARIES = {"torch": "pip install torch", "micrograd": "pip install micrograd"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="minigrad vs handwritten NumPy vs PyTorch, one process per library.")
    parser.add_argument("--workloads", default=",".join(workloads.NAMES),
                        help=f"comma-separated subset of {','.join(workloads.NAMES)}")
    parser.add_argument("--libraries", default=",".join(report.LIBRARY_ORDER),
                        help="comma-separated subset of minigrad,numpy,torch,micrograd")
    parser.add_argument("--repeats", type=int, default=5,
                        help="rounds (processes per library per workload); default 5")
    parser.add_argument("--reps", type=int,
                        help="override the repetitions inside each process")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and one repetition: checks the harness, not speed")
    parser.add_argument("--json", metavar="PATH",
                        help="write all results (every sample, env, checks) as JSON; '-' = stdout")
    parser.add_argument("--unset-openblas-env", action="store_true",
                        help="remove OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in every worker")
    parser.add_argument("--malloc-cache", action="store_true",
                        help="also run every library with MALLOC_MMAP_THRESHOLD_/"
                             "MALLOC_TRIM_THRESHOLD_ set, so glibc keeps freed memory for "
                             "reuse instead of returning it to the kernel (fresh arrays then "
                             "skip page faults); shown in extra columns after the default "
                             "allocator's")
    parser.add_argument("--threads", type=int,
                        help="cap every library's thread pools in the workers (OpenBLAS, "
                             "OpenMP, MKL); default: each library's own choice")
    args = parser.parse_args(argv)
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    args.libraries = [lib.strip() for lib in args.libraries.split(",") if lib.strip()]
    for name in args.workloads:
        if name not in workloads.NAMES:
            parser.error(f"unknown workload {name!r}; choose from {', '.join(workloads.NAMES)}")
    for name in args.libraries:
        if name not in report.LIBRARY_ORDER:
            parser.error(f"unknown library {name!r}")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


MALLOC_CACHE_ENV = {"MALLOC_MMAP_THRESHOLD_": str(64 << 20),
                    "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}


def worker_env(unset_openblas: bool, threads: int | None,
               malloc_cache: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    if malloc_cache:
        env.update(MALLOC_CACHE_ENV)
    if threads is not None:
        env.update({name: str(threads) for name in measure.THREAD_ENV_VARS})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if unset_openblas:
        for name in measure.OPENBLAS_ENV_VARS:
            env.pop(name, None)
    return env


def run_worker(library: str, workload: str, args: argparse.Namespace, env: dict) -> dict:
    command = [sys.executable, "-m", "benchmarks.worker", library, workload]
    command += ["--quick"] if args.quick else []
    command += ["--reps", str(args.reps)] if args.reps else []
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"library": library, "workload": workload,
            "error": f"worker exited with {done.returncode}: {tail}"}


def aggregate(rounds: list[dict]) -> dict:
    """Median over rounds of each metric and of the peak memory; errors kept as notes."""
    good = [r for r in rounds if "error" not in r]
    if not good:
        return {"error": rounds[0]["error"]}
    keys = good[0]["metrics"].keys()
    out = {"metrics": {k: measure.median([r["metrics"][k] for r in good]) for k in keys},
           "round_medians": {k: [r["metrics"][k] for r in good] for k in keys},
           "peak_rss_mib": measure.median([r["peak_rss_mib"] for r in good]),
           "env": good[0]["env"], "rounds": len(good),
           "load": [r["load"] for r in good]}
    peaks = [r["tracemalloc_peak_mib"] for r in good if "tracemalloc_peak_mib" in r]
    if peaks:
        out["tracemalloc_peak_mib"] = measure.median(peaks)
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    notes = []
    libraries = []
    for library in (lib for lib in report.LIBRARY_ORDER if lib in args.libraries):
        if library in OPTIONAL_LIBRARIES and importlib.util.find_spec(library) is None:
            notes.append(f"{library} is not installed, its column is skipped "
                         f"({OPTIONAL_LIBRARIES[library]} to add it)")
        else:
            libraries.append(library)
    # Default allocator first; `--malloc-cache` adds a second run of each library with
    # glibc keeping freed memory, reported in labelled columns of its own.
    allocators = {"": worker_env(args.unset_openblas_env, args.threads)}
    if args.malloc_cache:
        allocators[report.CACHED] = worker_env(args.unset_openblas_env, args.threads,
                                               malloc_cache=True)
        notes.append("columns marked 'malloc cache' ran with " + " ".join(
            f"{k}={v}" for k, v in MALLOC_CACHE_ENV.items()))
    load_before = os.getloadavg()[0]
    sections, checks, envs, raw = [], [], {}, {}
    for name in args.workloads:
        workload = workloads.load(name)
        settings = workload.settings(args.quick)
        here = [lib for lib in libraries if lib in workload.libraries]
        repeats = min(args.repeats, workload.max_rounds or args.repeats)
        results: dict[str, list[dict]] = {lib + tag: [] for lib in here for tag in allocators}
        started = time.perf_counter()
        for round_number in range(repeats):
            print(f"[{name}] round {round_number + 1}/{repeats}: {' '.join(results)}",
                  file=sys.stderr, flush=True)
            for library in here:  # A B C A B C ...: drift hits every library alike
                for tag, env in allocators.items():
                    results[library + tag].append(run_worker(library, name, args, env))
        merged = {lib: aggregate(rs) for lib, rs in results.items()}
        for library, result in merged.items():
            if "error" in result:
                notes.append(f"{name}/{library}: {result['error']}")
            elif not library.endswith(report.CACHED):
                envs.setdefault(library, result["env"])
        # The targets are judged on the default allocator's figures.
        medians = {lib: r["metrics"] for lib, r in merged.items()
                   if "metrics" in r and not lib.endswith(report.CACHED)}
        checks += workload.checks(medians, settings)
        sections.append((name, workload.metrics(settings), merged))
        raw[name] = {"settings": results[here[0]][0].get("settings") if here else None,
                     "results": merged, "samples": results,
                     "seconds": time.perf_counter() - started}

    shown = [lib + tag for tag in allocators for lib in libraries
             if any(lib + tag in result for _, _, result in sections)]
    command = "python benchmarks/run.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    text = "\n\n".join(filter(None, [
        report.header(command.strip(), _rounds_text(args), envs, args.unset_openblas_env,
                      [load_before, *_loads(raw)], _revision()),
        report.table(sections, shown),
        report.tracemalloc_block(sections, shown),
        report.checks_block(checks),
        "Notes\n" + "\n".join(f"- {n}" for n in notes) if notes else "",
    ]))
    if args.json:
        payload = {"command": command.strip(), "report": text, "workloads": raw,
                   "checks": [c.__dict__ for c in checks], "notes": notes}
        if args.json == "-":
            print(json.dumps(payload, indent=1))
            return 0
        Path(args.json).write_text(json.dumps(payload, indent=1))
    print(text)
    return 0


def _revision() -> str:
    """The commit measured, and whether minigrad/ had uncommitted changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--", "minigrad")
    return commit + (" + uncommitted changes in minigrad/" if dirty else "")


def _loads(raw: dict) -> list[float]:
    """The 1-minute load averages the workers saw when they started and ended."""
    return [value for workload in raw.values() for result in workload["results"].values()
            for pair in result.get("load", []) for value in pair]


def _rounds_text(args: argparse.Namespace) -> str:
    quick = ", --quick sizes (not a measurement)" if args.quick else ""
    return f"{args.repeats} (fewer for workloads that cap them){quick}"


if __name__ == "__main__":
    sys.exit(main())
