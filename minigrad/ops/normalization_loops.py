"""BatchNorm's loops for numba: each function is plain Python over an array viewed as
(N, C, S) (S = 1 without spatial axes), readable as it stands and compiled by
`compiled(numba)` when the optional numba package is installed.

Two loop orders: with S = 1 the channel index runs innermost (a row of C contiguous
values, one accumulator per channel); with S > 1 the spatial index does (a run of S
contiguous values of one channel). Per-channel sums accumulate in float64, so float32
inputs lose no accuracy to long sums; the elementwise results are computed and stored in
the input's dtype.
"""

from __future__ import annotations

from types import SimpleNamespace


def moments(x, out):
    """out[0] = per-channel mean of x, out[1] = biased variance (`out`: float64 zeros).

    One pass: sums of (x - k) and (x - k)^2 around a per-channel shift k (the channel's
    first value), which keeps the subtraction E[(x-k)^2] - E[x-k]^2 free of cancellation
    when the mean is large against the spread."""
    n, c, s = x.shape
    m = n * s
    if s == 1:
        for i in range(n):
            for j in range(c):
                d = x[i, j, 0] - x[0, j, 0]
                out[0, j] += d
                out[1, j] += d * d
    else:
        for i in range(n):
            for j in range(c):
                shift = x[0, j, 0]
                total = 0.0
                squares = 0.0
                for k in range(s):
                    d = x[i, j, k] - shift
                    total += d
                    squares += d * d
                out[0, j] += total
                out[1, j] += squares
    for j in range(c):
        shifted_mean = out[0, j] / m
        out[1, j] = max(out[1, j] / m - shifted_mean * shifted_mean, 0.0)
        out[0, j] = shifted_mean + x[0, j, 0]


def normalize(x, mean, scale, shift, out):
    """out = (x - mean) * scale + shift, per channel."""
    n, c, s = x.shape
    if s == 1:
        for i in range(n):
            for j in range(c):
                out[i, j, 0] = (x[i, j, 0] - mean[j]) * scale[j] + shift[j]
    else:
        for i in range(n):
            for j in range(c):
                mu, a, b = mean[j], scale[j], shift[j]
                for k in range(s):
                    out[i, j, k] = (x[i, j, k] - mu) * a + b


def backward_sums(g, x, mean, out):
    """out[0] += sum(g * (x - mean)), out[1] += sum(g), per channel (`out`: float64 zeros)."""
    n, c, s = x.shape
    if s == 1:
        for i in range(n):
            for j in range(c):
                out[0, j] += g[i, j, 0] * (x[i, j, 0] - mean[j])
                out[1, j] += g[i, j, 0]
    else:
        for i in range(n):
            for j in range(c):
                mu = mean[j]
                product = 0.0
                total = 0.0
                for k in range(s):
                    product += g[i, j, k] * (x[i, j, k] - mu)
                    total += g[i, j, k]
                out[0, j] += product
                out[1, j] += total


def input_gradient(g, x, mean, a, b, c_, dx):
    """dx = a * g + b * (x - mean) + c, per channel (the compact form's last pass)."""
    n, c, s = x.shape
    if s == 1:
        for i in range(n):
            for j in range(c):
                dx[i, j, 0] = a[j] * g[i, j, 0] + b[j] * (x[i, j, 0] - mean[j]) + c_[j]
    else:
        for i in range(n):
            for j in range(c):
                aj, bj, cj, mu = a[j], b[j], c_[j], mean[j]
                for k in range(s):
                    dx[i, j, k] = aj * g[i, j, k] + bj * (x[i, j, k] - mu) + cj


def compiled(numba) -> SimpleNamespace:
    """The loops above compiled with numba (cached on disk where the package is writable).

    Sums may be reassociated (`fastmath` "reassoc"), which lets the compiler keep several
    partial sums in vector registers; every other operation keeps IEEE semantics."""
    options = {"nogil": True, "cache": True, "fastmath": {"reassoc", "contract"}}
    return SimpleNamespace(**{f.__name__: numba.njit(**options)(f) for f in
                              (moments, normalize, backward_sums, input_gradient)})
