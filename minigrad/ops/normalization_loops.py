"""BatchNorm's loops for numba: each function is plain Python over an array viewed as
(N, C, S) (S = 1 without spatial axes), readable as it stands and compiled by
`compiled(numba)` when the optional numba package is installed.

Every loop splits the N rows into `parts` runs of consecutive rows, and `prange` hands
the runs to numba's threads (as Python, `prange` is `range`): a run is a contiguous block
of memory, so each thread streams through its own. Per-channel sums are kept per run
(`partial[part]`) and added up by the caller, so no two threads write the same value.

Two loop orders inside a run: with S = 1 the channel index runs innermost (a row of C
contiguous values, one accumulator per channel); with S > 1 the spatial index does (a run
of S contiguous values of one channel). Sums accumulate in float64, so float32 inputs lose
no accuracy to long sums; the elementwise results are computed and stored in the input's
dtype.
"""

from __future__ import annotations

from types import SimpleNamespace

from numpy import float64

try:
    from numba import prange
except ImportError:  # read (or run) as plain Python
    prange = range


def moment_sums(x, shift, partial):
    """partial[p, 0] = per-channel sum of (x - shift), partial[p, 1] = sum of
    (x - shift)^2, over the p-th run of rows (`partial`: float64 zeros, (parts, 2, C)).

    Summing around a per-channel shift close to the data (its first value) keeps
    E[(x-k)^2] - E[x-k]^2 free of cancellation when the mean is large against the spread."""
    n, c, s = x.shape
    parts = partial.shape[0]
    for part in prange(parts):
        start, stop = n * part // parts, n * (part + 1) // parts
        if s == 1:
            # Four rows per sweep: a quarter of the loads and stores of the accumulators,
            # which bound this loop (1.8x faster than one row per sweep).
            for i in range(start, stop - 3, 4):
                for j in range(c):
                    k = shift[j]
                    d0, d1 = float64(x[i, j, 0] - k), float64(x[i + 1, j, 0] - k)
                    d2, d3 = float64(x[i + 2, j, 0] - k), float64(x[i + 3, j, 0] - k)
                    partial[part, 0, j] += (d0 + d1) + (d2 + d3)
                    partial[part, 1, j] += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3)
            for i in range(stop - (stop - start) % 4, stop):
                for j in range(c):
                    d = float64(x[i, j, 0] - shift[j])
                    partial[part, 0, j] += d
                    partial[part, 1, j] += d * d
        else:
            for i in range(start, stop):
                for j in range(c):
                    k = shift[j]
                    total = 0.0
                    squares = 0.0
                    for t in range(s):
                        d = x[i, j, t] - k
                        total += d
                        squares += d * d
                    partial[part, 0, j] += total
                    partial[part, 1, j] += squares


def normalize(x, mean, scale, offset, out, parts):
    """out = (x - mean) * scale + offset, per channel."""
    n, c, s = x.shape
    for part in prange(parts):
        for i in range(n * part // parts, n * (part + 1) // parts):
            if s == 1:
                for j in range(c):
                    out[i, j, 0] = (x[i, j, 0] - mean[j]) * scale[j] + offset[j]
            else:
                for j in range(c):
                    mu, a, b = mean[j], scale[j], offset[j]
                    for t in range(s):
                        out[i, j, t] = (x[i, j, t] - mu) * a + b


def backward_sums(g, x, mean, partial):
    """partial[p, 0] = per-channel sum of g * (x - mean), partial[p, 1] = sum of g, over
    the p-th run of rows (`partial`: float64 zeros, (parts, 2, C))."""
    n, c, s = x.shape
    parts = partial.shape[0]
    for part in prange(parts):
        start, stop = n * part // parts, n * (part + 1) // parts
        if s == 1:  # four rows per sweep, as in `moment_sums`
            for i in range(start, stop - 3, 4):
                for j in range(c):
                    mu = mean[j]
                    g0, g1 = float64(g[i, j, 0]), float64(g[i + 1, j, 0])
                    g2, g3 = float64(g[i + 2, j, 0]), float64(g[i + 3, j, 0])
                    partial[part, 0, j] += (g0 * (x[i, j, 0] - mu) + g1 * (x[i + 1, j, 0] - mu)) \
                        + (g2 * (x[i + 2, j, 0] - mu) + g3 * (x[i + 3, j, 0] - mu))
                    partial[part, 1, j] += (g0 + g1) + (g2 + g3)
            for i in range(stop - (stop - start) % 4, stop):
                for j in range(c):
                    partial[part, 0, j] += float64(g[i, j, 0]) * (x[i, j, 0] - mean[j])
                    partial[part, 1, j] += float64(g[i, j, 0])
        else:
            for i in range(start, stop):
                for j in range(c):
                    mu = mean[j]
                    product = 0.0
                    total = 0.0
                    for t in range(s):
                        product += g[i, j, t] * (x[i, j, t] - mu)
                        total += g[i, j, t]
                    partial[part, 0, j] += product
                    partial[part, 1, j] += total


def input_gradient(g, x, mean, a, b, c_, dx, parts):
    """dx = a * g + b * (x - mean) + c, per channel (the compact form's last pass)."""
    n, c, s = x.shape
    for part in prange(parts):
        for i in range(n * part // parts, n * (part + 1) // parts):
            if s == 1:
                for j in range(c):
                    dx[i, j, 0] = a[j] * g[i, j, 0] + b[j] * (x[i, j, 0] - mean[j]) + c_[j]
            else:
                for j in range(c):
                    aj, bj, cj, mu = a[j], b[j], c_[j], mean[j]
                    for t in range(s):
                        dx[i, j, t] = aj * g[i, j, t] + bj * (x[i, j, t] - mu) + cj


def compiled(numba) -> SimpleNamespace:
    """The loops above compiled with numba (cached on disk where the package is writable),
    `prange` running the runs of rows on numba's threads.

    Sums may be reassociated (`fastmath` "reassoc"), which lets the compiler keep several
    partial sums in vector registers; every other operation keeps IEEE semantics."""
    options = {"nogil": True, "cache": True, "parallel": True,
               "fastmath": {"reassoc", "contract"}}
    return SimpleNamespace(**{f.__name__: numba.njit(**options)(f) for f in
                              (moment_sums, normalize, backward_sums, input_gradient)})
