"""The printed report: environment header, the table of medians, memory, targets, notes."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from benchmarks.measure import MALLOC_ENV_VARS, OPENBLAS_ENV_VARS, THREAD_ENV_VARS
from benchmarks.workloads.base import Check, Metric

LIBRARY_ORDER = ("minigrad", "numpy", "torch", "micrograd")
REFERENCES = ("numpy", "torch")  # ratio columns: minigrad's time over theirs


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":  # sub-second phases read better in milliseconds
        return f"{value:.2f} s" if value >= 1 else f"{value * 1e3:.1f} ms"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "us":
        return f"{value:.2f} us"
    return f"{value:.1f} {unit}"


def _grid(header: list[str], rows: list[list[str]], right_from: int = 2) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.rjust(w) if i >= right_from else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_summary(env: dict) -> str:
    pools = env.get("threadpools")
    if not isinstance(pools, list):
        return str(pools)
    parts = []
    for pool in pools:
        name = pool.get("internal_api") or pool.get("user_api")
        folder = Path(pool.get("filepath") or "").parent  # numpy.libs, torch/lib, ...
        shipped_by = f"{folder.parent.name}/lib" if folder.name == "lib" else folder.name
        detail = [f"{pool.get('num_threads')} threads"]
        if shipped_by:
            detail.insert(0, f"from {shipped_by}")
        if pool.get("architecture"):
            detail.append(f"kernel {pool['architecture']}")
        if pool.get("version"):
            detail.append(f"v{pool['version']}")
        parts.append(f"{name} ({', '.join(detail)})")
    return "; ".join(parts) or "no thread pools found"


def header(command: str, rounds: str, envs: dict[str, dict], unset_openblas: bool,
           loads: list[float], revision: str) -> str:
    """What ran, where, and with how many threads. `loads` starts with the load average
    before the first worker, then the ones the workers saw."""
    some_env = next(iter(envs.values()), {})
    versions = [f"Python {platform.python_version()}", f"NumPy {some_env.get('numpy', '?')}"]
    if "torch" in envs:
        versions.append(f"torch {envs['torch'].get('torch')}")
    lines = [
        "minigrad benchmarks: medians over rounds; each round runs every library in its own "
        "process, one after the other",
        f"command : {command}",
        f"rounds  : {rounds}",
        f"minigrad: {revision}",
        f"machine : {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{_cpu_name()}; {', '.join(versions)}",
    ]
    if loads:
        before, during = loads[0], loads[1:] or loads
        cpus = os.cpu_count() or 1
        # The workers themselves add up to their thread count; more means other work.
        busy = before > cpus / 2 or max(during) > cpus + 1.5
        lines.append(f"load    : 1-min load average {before:.1f} before the run, "
                     f"{min(during):.1f}..{max(during):.1f} while the workers ran"
                     + ("; OTHER WORK WAS RUNNING: figures are unreliable (contended BLAS "
                        "threads slow down 2-10x)" if busy else ""))
    seen = some_env.get("env_vars", {})
    reported = OPENBLAS_ENV_VARS + THREAD_ENV_VARS + MALLOC_ENV_VARS
    lines.append("env     : in the workers " + " ".join(
        f"{name}={seen.get(name) or '<unset>'}" for name in reported
        if name in OPENBLAS_ENV_VARS or seen.get(name)))
    if unset_openblas:
        here = " ".join(f"{name}={os.environ.get(name, '<unset>')}" for name in OPENBLAS_ENV_VARS)
        lines.append(f"          (--unset-openblas-env; this shell has {here})")
    for library in LIBRARY_ORDER:
        if library in envs:
            env = envs[library]
            threads = _blas_summary(env)
            if library == "torch":
                threads += (f"; torch.get_num_threads()={env.get('torch_threads')}, "
                            f"interop {env.get('torch_interop_threads')}")
            lines.append(f"threads : {library:<9} {threads}")
    return "\n".join(lines)


CACHED = "+cache"  # suffix of a library's results under `--malloc-cache`


def table(sections: list[tuple[str, list[Metric], dict]], libraries: list[str]) -> str:
    """One row per metric. `sections` holds (workload name, metrics, aggregated result);
    the result maps library -> {"metrics": {key: median}, "peak_rss_mib": ...}.

    Default-allocator figures come first; a library run again under `--malloc-cache`
    (its results under "<library>+cache") gets a labelled column after the ratios, with
    minigrad's ratio to PyTorch under the same allocator settings."""
    plain = [lib for lib in libraries if not lib.endswith(CACHED)]
    cached = [lib for lib in libraries if lib.endswith(CACHED)]
    references = [r for r in REFERENCES if r in plain]
    cached_pair = ("minigrad" + CACHED, "torch" + CACHED)
    if not set(cached_pair) <= set(cached):
        cached_pair = None
    head = ["workload", "metric", *plain, *(f"mg/{r}" for r in references),
            *(f"{lib.removesuffix(CACHED)}, malloc cache" for lib in cached),
            *(["mg/torch, malloc cache"] if cached_pair else []),
            "peak RSS MiB " + "/".join(_short(lib) for lib in plain)]
    rows = []
    for name, metrics, result in sections:
        for i, metric in enumerate(metrics):
            cells = [name if i == 0 else "", metric.label]
            cells += [format_value(_value(result, lib, metric), metric.unit) for lib in plain]
            cells += [_ratio(result, "minigrad", r, metric) for r in references]
            cells += [format_value(_value(result, lib, metric), metric.unit) for lib in cached]
            if cached_pair:
                cells.append(_ratio(result, *cached_pair, metric))
            cells.append(_peaks(result, plain) if i == 0 else "")
            rows.append(cells)
    return _grid(head, rows)


def _value(result: dict, library: str, metric: Metric) -> float | None:
    key = metric.key if library.startswith("minigrad") else metric.reference_key
    return _metric(result, library, key)


def _ratio(result: dict, mine: str, theirs: str, metric: Metric) -> str:
    """minigrad's value over a reference's for one metric, or "-" where it means nothing."""
    reference = theirs.removesuffix(CACHED)
    a = _metric(result, mine, metric.key)
    b = _metric(result, theirs, metric.reference_key)
    ok = (a is not None and b and metric.unit not in ("MiB", "%")
          and reference not in metric.no_ratio_with)
    return f"{a / b:.2f}x" if ok else "-"


def _short(library: str) -> str:
    return {"minigrad": "mg", "numpy": "np", "micrograd": "micro"}.get(library, library)


def _metric(result: dict, library: str, key: str) -> float | None:
    return result.get(library, {}).get("metrics", {}).get(key)


def _peaks(result: dict, libraries: list[str]) -> str:
    peaks = []
    for library in libraries:
        peak = result.get(library, {}).get("peak_rss_mib")
        peaks.append("-" if peak is None else f"{peak:.0f}")
    return "/".join(peaks)


def checks_block(checks: list[Check]) -> str:
    if not checks:
        return ""
    rows = [[c.name, c.target, c.measured,
             {True: "ok", False: "MISSED", None: "n/a"}[c.ok]] for c in checks]
    return "Targets\n" + _grid(["check", "target", "measured", ""], rows, right_from=9)


def tracemalloc_block(sections: list[tuple[str, list[Metric], dict]],
                      libraries: list[str]) -> str:
    """Python-side peak allocation during one repetition (NumPy reports its buffers to
    tracemalloc; PyTorch does not, so its column stays empty)."""
    libraries = [lib for lib in libraries if lib in ("minigrad", "numpy")]
    rows = []
    for name, _, result in sections:
        cells = [name]
        for library in libraries:
            peak = result.get(library, {}).get("tracemalloc_peak_mib")
            cells.append("-" if peak is None else f"{peak:.1f}")
        if any(c != "-" for c in cells[1:]):
            rows.append(cells)
    if not rows:
        return ""
    return ("tracemalloc peak during one repetition, MiB (Python objects and NumPy buffers)\n"
            + _grid(["workload", *libraries], rows, 1))
