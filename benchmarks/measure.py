"""What a worker process reads about itself: memory, threads, the BLAS kernel in use.

Peak memory is the resident-set high-water mark (VmHWM) of the worker. Linux lets a process
reset that mark to its current size (writing 5 to /proc/self/clear_refs), so the peak of a
workload is measured from its own start, not from the import of a large library. Where the
reset is not possible, the peak since process start (getrusage) is reported instead and
marked as such.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys

MIB = 1024.0 * 1024.0

# Set on some machines because older OpenBLAS builds misbehave there; they slow a current
# NumPy, so the table reports them and `--unset-openblas-env` removes both in the workers.
OPENBLAS_ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
MALLOC_ENV_VARS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
THREAD_ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                   "NUMBA_NUM_THREADS")


def _status_kib(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def current_rss_mib() -> float | None:
    """The resident set size now, in MiB (None where /proc is missing)."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024.0


def reset_peak_rss() -> bool:
    """Reset the high-water mark to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def peak_rss_mib() -> float:
    """The high-water mark of the RSS in MiB (since the last reset, where one was possible)."""
    kib = _status_kib("VmHWM")
    if kib is not None:
        return kib / 1024.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak / 1024.0  # bytes on macOS


def median(values) -> float:
    return float(statistics.median(values))


def thread_report(library: str) -> dict:
    """Thread pools and the BLAS kernel this process runs, as far as it can be read."""
    report: dict = {"env_vars": {name: os.environ.get(name)
                                 for name in OPENBLAS_ENV_VARS + THREAD_ENV_VARS + MALLOC_ENV_VARS}}
    try:
        import threadpoolctl
    except ImportError:
        report["threadpools"] = [_numpy_blas_from_config()]
    else:
        report["threadpools"] = [
            {key: info.get(key) for key in
             ("user_api", "internal_api", "prefix", "num_threads", "version", "architecture",
              "threading_layer", "filepath")}
            for info in threadpoolctl.threadpool_info()
        ]
    import numpy

    report["numpy"] = numpy.__version__
    if library == "torch":
        import torch

        report["torch"] = torch.__version__
        report["torch_threads"] = torch.get_num_threads()
        report["torch_interop_threads"] = torch.get_num_interop_threads()
    report["python"] = sys.version.split()[0]
    return report


def _numpy_blas_from_config() -> dict:
    """Without threadpoolctl: NumPy's build record of its BLAS, and the thread count the
    usual variables ask for (the kernel chosen at run time is then unknown)."""
    import numpy

    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # older NumPy: no dict mode
        blas = {}
    requested = next((os.environ[v] for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
                      if os.environ.get(v)), None)
    return {"internal_api": blas.get("name", "unknown BLAS"), "version": blas.get("version"),
            "num_threads": requested or f"{os.cpu_count()} (default; threadpoolctl not installed)",
            "architecture": None, "filepath": None}
