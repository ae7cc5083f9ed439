"""The array work of the fused BatchNorm, in two interchangeable implementations.

* `NumpyKernels`, the reference and the default: one NumPy call per step, each a pass over
  memory (forward: sum, subtract, the variance as an `einsum` that writes nothing, scale,
  shift; backward: two reductions and four elementwise passes).
* `NumbaKernels`, used when the optional `numba` package is installed
  (`pip install minigrad[fast]`): the same formulas as plain loops that numba compiles,
  fusing the passes (forward: one pass for the moments, one to write the output; backward:
  one for the two sums, one to write dx), writing no temporary arrays, and running on
  every core where numba's TBB threading layer is available (`minigrad.ops.kernel_threads`).

`use("numpy")` / `use("numba")` switch between them (the tests run both and hold them to
each other); the environment variable `MINIGRAD_KERNELS=numpy` makes NumPy the choice at
start-up even where numba is installed. Both accumulate per-channel sums in float64 and
return arrays in the input's dtype (float32 stays float32).
"""

from __future__ import annotations

import os

import numpy as np

from minigrad.ops import kernel_threads
from minigrad.ops.channels import Channels, Statistics
from minigrad.ops.workspace import pool


class NumpyKernels:
    """One NumPy call per step of the math (see the module docstring)."""

    name = "numpy"

    @staticmethod
    def forward(xv: np.ndarray, ch: Channels, weight, bias, eps: float, mean=None, var=None):
        """y = (x - mean) * inv_std * gamma + beta on the view `xv`; the batch statistics
        when `mean`/`var` are None, else the ones given. Returns (y, var, Statistics)."""
        # x - mean, saved for the backward, lives in a pooled array: no fresh memory (and
        # no page faults) per call.
        centered = pool.take(xv.shape, xv.dtype)
        if mean is None:
            # The variance is the exact two-pass one, taken without writing centered^2.
            mean = ch.sum(xv)
            mean /= ch.count
            np.subtract(xv, ch.column(mean), out=centered)
            var = ch.dot(centered, centered)
            var /= ch.count
        else:
            np.subtract(xv, ch.column(mean), out=centered)
        inv_std = 1.0 / np.sqrt(var + eps)
        out = np.multiply(centered, ch.column(inv_std if weight is None else inv_std * weight))
        if bias is not None:
            out += ch.column(bias)
        return out, var, Statistics(mean, inv_std, centered, pool)

    @staticmethod
    def backward(gv, xv, ch: Channels, stats: Statistics, weight, through_stats: bool,
                 dx: np.ndarray, sums: np.ndarray) -> None:
        """Write dx (view shape) and sums = [sum(dy * x_hat), sum(dy)] (shape (2, C))."""
        centered = stats.centered
        if centered is None:
            centered = np.subtract(xv, ch.column(stats.mean))
        inv_std = stats.inv_std
        sum_g_xhat = ch.dot(gv, centered)
        sum_g_xhat *= inv_std
        sum_g = ch.sum(gv)
        sums[0], sums[1] = sum_g_xhat, sum_g
        a = inv_std if weight is None else inv_std * weight  # gamma / s
        if through_stats:
            # dx = a (dy - x_hat mean(dy x_hat) - mean(dy)), x_hat = centered * inv_std:
            # four passes.
            np.multiply(centered, ch.column(inv_std * sum_g_xhat / ch.count), out=dx)
            np.subtract(gv, dx, out=dx)
            dx -= ch.column(sum_g / ch.count)
            dx *= ch.column(a)
        else:
            np.multiply(gv, ch.column(a), out=dx)


class NumbaKernels:
    """The same math as loops compiled by numba (see `minigrad.ops.normalization_loops`),
    on every core where numba runs them on TBB (see `minigrad.ops.kernel_threads`) and the
    batch is large enough to pay for waking the threads, on one thread otherwise."""

    name = "numba"

    PARALLEL_MIN_SIZE = 1 << 15  # values; below this one thread is faster

    def __init__(self, loops, numba) -> None:
        self.loops = loops
        self._numba = numba
        self.threaded = kernel_threads.threads_allowed(numba)
        self._checked = False  # whether the first threaded loop ran on TBB, as expected

    def _parts(self, ch: Channels) -> int:
        """How many runs of rows to split the batch into: twice the threads (uneven runs
        balance out), or 1 to stay on this thread."""
        if not self.threaded or ch.n * ch.c * ch.s < self.PARALLEL_MIN_SIZE:
            return 1
        return 2 * self._numba.get_num_threads()

    def _in_runs(self, loop, *arrays) -> None:
        """Run a loop's `*_in_runs` version on numba's threads. After the first, if numba
        chose another layer than TBB after all, stay on one thread from now on."""
        loop(*arrays)
        if not self._checked:
            self._checked = True
            self.threaded = self._numba.threading_layer() == "tbb"

    def _sums(self, rows, in_runs, parts: int, c: int, *arrays) -> np.ndarray:
        """Per-channel float64 sums (2, C) of a reduction loop, by runs when parts > 1."""
        if parts == 1:
            sums = np.zeros((2, c))
            rows(*arrays, sums)
            return sums
        partial = np.zeros((parts, 2, c))
        self._in_runs(in_runs, *arrays, partial)
        return partial.sum(axis=0)

    def forward(self, xv, ch: Channels, weight, bias, eps: float, mean=None, var=None):
        x3 = xv.reshape(ch.n, ch.c, ch.s)
        parts = self._parts(ch)
        loops = self.loops
        if mean is None:
            shift = x3[0, :, 0].copy()  # sums of (x - shift) and its squares, see the loop
            sums = self._sums(loops.moment_sums, loops.moment_sums_in_runs, parts, ch.c,
                              x3, shift)
            shifted_mean = sums[0] / ch.count
            var = np.maximum(sums[1] / ch.count - shifted_mean * shifted_mean, 0.0)
            mean, var = (shifted_mean + shift).astype(xv.dtype), var.astype(xv.dtype)
        inv_std = 1.0 / np.sqrt(var + eps)
        scale = inv_std if weight is None else inv_std * weight
        offset = np.zeros_like(inv_std) if bias is None else bias.astype(xv.dtype, copy=False)
        out = np.empty_like(xv)
        out3 = out.reshape(x3.shape)
        if parts == 1:
            loops.normalize(x3, mean, scale, offset, out3)
        else:
            self._in_runs(loops.normalize_in_runs, x3, mean, scale, offset, out3, parts)
        return out, var, Statistics(mean, inv_std)

    def backward(self, gv, xv, ch: Channels, stats: Statistics, weight, through_stats: bool,
                 dx: np.ndarray, sums: np.ndarray) -> None:
        shape = (ch.n, ch.c, ch.s)
        g3, x3, dx3 = gv.reshape(shape), xv.reshape(shape), dx.reshape(shape)
        parts = self._parts(ch)
        loops = self.loops
        # float64: sum(dy * (x - mean)) and sum(dy)
        raw = self._sums(loops.backward_sums, loops.backward_sums_in_runs, parts, ch.c,
                         g3, x3, stats.mean)
        inv_std = stats.inv_std.astype(np.float64)
        sum_g_xhat, sum_g = raw[0] * inv_std, raw[1]
        sums[0], sums[1] = sum_g_xhat, sum_g
        a = inv_std if weight is None else inv_std * weight  # gamma / s
        if through_stats:  # dx = a dy + b (x - mean) + c, per channel
            b = -a * inv_std * sum_g_xhat / ch.count
            c = -a * sum_g / ch.count
        else:
            b = c = np.zeros_like(a)
        dtype = xv.dtype
        coefficients = (a.astype(dtype), b.astype(dtype), c.astype(dtype))
        if parts == 1:
            loops.input_gradient(g3, x3, stats.mean, *coefficients, dx3)
        else:
            self._in_runs(loops.input_gradient_in_runs, g3, x3, stats.mean, *coefficients,
                          dx3, parts)


def _compile():
    """The loops, compiled by numba, and numba; None when numba is not installed."""
    try:
        import numba
    except ImportError:
        return None

    from minigrad.ops import normalization_loops

    return normalization_loops, numba


_ENV_VARIABLE = "MINIGRAD_KERNELS"
_available: dict[str, object] = {"numpy": NumpyKernels()}
_numba_tried: list[bool] = []  # numba is imported (and compiled) on first use, not at import
_chosen: list = []  # the active implementation, resolved on first use


def available() -> tuple[str, ...]:
    """Names of the implementations this installation can run."""
    if not _numba_tried:
        _numba_tried.append(True)
        compiled = _compile()
        if compiled is not None:
            _available["numba"] = NumbaKernels(*compiled)
    return tuple(_available)


def active():
    """The implementation in use: numba's where installed (unless MINIGRAD_KERNELS=numpy),
    else NumPy's."""
    if not _chosen:
        wanted = os.environ.get(_ENV_VARIABLE, "").strip().lower()
        default = "numba" if wanted != "numpy" and "numba" in available() else "numpy"
        _chosen.append(_available[default])
    return _chosen[0]


def implementation(name: str):
    """The kernels called `name` ("numpy" or "numba"), without switching to them."""
    if name not in ("numpy", "numba"):
        raise ValueError(f"batch_norm kernels: unknown implementation {name!r}; "
                         "choose 'numpy' or 'numba'")
    if name not in available():
        raise RuntimeError("batch_norm kernels: numba is not installed "
                           "(pip install minigrad[fast])")
    return _available[name]


def use(name: str) -> str:
    """Switch the kernels to `name` ("numpy" or "numba"); returns the previous choice."""
    chosen = implementation(name)
    previous = active().name
    _chosen[:] = [chosen]
    return previous
