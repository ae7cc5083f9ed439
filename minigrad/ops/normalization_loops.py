"""BatchNorm's loops for numba: plain Python over an array viewed as (N, C, S) (S = 1
without spatial axes), compiled by numba. This module is imported only where numba is
installed (`pip install minigrad[fast]`); `minigrad.ops.normalization_kernels` calls it.

Two loop orders: with S = 1 the channel index runs innermost (a row of C contiguous
values, one accumulator per channel); with S > 1 the spatial index does (a run of S
contiguous values of one channel). Per-channel sums accumulate in float64 (with S = 1,
eight rows at a time are summed in the input's dtype first), so float32 inputs lose no
accuracy to long sums; the elementwise results are computed and stored in the input's
dtype.

Each loop runs on one thread. The `*_in_runs` versions split the N rows into `parts` runs
of consecutive rows (a contiguous block of memory each) and hand the runs to numba's
threads with `prange`; a sum over a run goes to its own row of `partial`, which the
caller adds up, so no two threads write the same value. `minigrad.ops.kernel_threads`
decides whether they may be used.

Sums may be reassociated (`fastmath` "reassoc"), which lets the compiler keep several
partial sums in vector registers; every other operation keeps IEEE semantics.
"""

from __future__ import annotations

import numba
from numba import prange
from numpy import float64

_OPTIONS = {"nogil": True, "cache": True, "fastmath": {"reassoc", "contract"}}
compiled = numba.njit(**_OPTIONS)
compiled_in_parallel = numba.njit(parallel=True, **_OPTIONS)


@compiled
def moment_sums(x, shift, out):
    """out[0] = per-channel sum of (x - shift), out[1] = sum of (x - shift)^2 (`out`:
    float64 zeros, (2, C)).

    Summing around a per-channel shift close to the data (its first value) keeps
    E[(x-k)^2] - E[x-k]^2 free of cancellation when the mean is large against the spread."""
    n, c, s = x.shape
    if s == 1:
        # Eight rows per sweep, summed in the input's dtype before they join the float64
        # accumulators: an eighth of the accumulators' loads and stores, which bound this
        # loop, for a rounding error of a few units in the last place of eight values.
        for i in range(0, n - 7, 8):
            for j in range(c):
                k = shift[j]
                total = x[i, j, 0] - k
                squares = total * total
                for r in range(1, 8):
                    d = x[i + r, j, 0] - k
                    total += d
                    squares += d * d
                out[0, j] += total
                out[1, j] += squares
        for i in range(n - n % 8, n):  # the rows left over
            for j in range(c):
                d = float64(x[i, j, 0] - shift[j])
                out[0, j] += d
                out[1, j] += d * d
    else:
        for i in range(n):
            for j in range(c):
                k = shift[j]
                total = 0.0
                squares = 0.0
                for t in range(s):
                    d = x[i, j, t] - k
                    total += d
                    squares += d * d
                out[0, j] += total
                out[1, j] += squares


@compiled
def normalize(x, mean, scale, offset, out):
    """out = (x - mean) * scale + offset, per channel."""
    n, c, s = x.shape
    for i in range(n):
        if s == 1:
            for j in range(c):
                out[i, j, 0] = (x[i, j, 0] - mean[j]) * scale[j] + offset[j]
        else:
            for j in range(c):
                mu, a, b = mean[j], scale[j], offset[j]
                for t in range(s):
                    out[i, j, t] = (x[i, j, t] - mu) * a + b


@compiled
def backward_sums(g, x, mean, out):
    """out[0] = per-channel sum of g * (x - mean), out[1] = sum of g (`out`: float64
    zeros, (2, C))."""
    n, c, s = x.shape
    if s == 1:  # eight rows per sweep, as in `moment_sums`
        for i in range(0, n - 7, 8):
            for j in range(c):
                mu = mean[j]
                product = g[i, j, 0] * (x[i, j, 0] - mu)
                total = g[i, j, 0]
                for r in range(1, 8):
                    product += g[i + r, j, 0] * (x[i + r, j, 0] - mu)
                    total += g[i + r, j, 0]
                out[0, j] += product
                out[1, j] += total
        for i in range(n - n % 8, n):  # the rows left over
            for j in range(c):
                out[0, j] += float64(g[i, j, 0]) * (x[i, j, 0] - mean[j])
                out[1, j] += float64(g[i, j, 0])
    else:
        for i in range(n):
            for j in range(c):
                mu = mean[j]
                product = 0.0
                total = 0.0
                for t in range(s):
                    product += g[i, j, t] * (x[i, j, t] - mu)
                    total += g[i, j, t]
                out[0, j] += product
                out[1, j] += total


@compiled
def input_gradient(g, x, mean, a, b, c_, dx):
    """dx = a * g + b * (x - mean) + c, per channel (the compact form's last pass)."""
    n, c, s = x.shape
    for i in range(n):
        if s == 1:
            for j in range(c):
                dx[i, j, 0] = a[j] * g[i, j, 0] + b[j] * (x[i, j, 0] - mean[j]) + c_[j]
        else:
            for j in range(c):
                aj, bj, cj, mu = a[j], b[j], c_[j], mean[j]
                for t in range(s):
                    dx[i, j, t] = aj * g[i, j, t] + bj * (x[i, j, t] - mu) + cj


# --- the same loops over runs of rows, on numba's threads --------------------------------

@compiled_in_parallel
def moment_sums_in_runs(x, shift, partial):
    """`moment_sums` of the p-th of partial.shape[0] runs of rows into partial[p]."""
    n, parts = x.shape[0], partial.shape[0]
    for part in prange(parts):
        moment_sums(x[n * part // parts:n * (part + 1) // parts], shift, partial[part])


@compiled_in_parallel
def normalize_in_runs(x, mean, scale, offset, out, parts):
    """`normalize`, `parts` runs of rows at once."""
    n = x.shape[0]
    for part in prange(parts):
        rows = slice(n * part // parts, n * (part + 1) // parts)
        normalize(x[rows], mean, scale, offset, out[rows])


@compiled_in_parallel
def backward_sums_in_runs(g, x, mean, partial):
    """`backward_sums` of the p-th of partial.shape[0] runs of rows into partial[p]."""
    n, parts = x.shape[0], partial.shape[0]
    for part in prange(parts):
        rows = slice(n * part // parts, n * (part + 1) // parts)
        backward_sums(g[rows], x[rows], mean, partial[part])


@compiled_in_parallel
def input_gradient_in_runs(g, x, mean, a, b, c_, dx, parts):
    """`input_gradient`, `parts` runs of rows at once."""
    n = x.shape[0]
    for part in prange(parts):
        rows = slice(n * part // parts, n * (part + 1) // parts)
        input_gradient(g[rows], x[rows], mean, a, b, c_, dx[rows])
