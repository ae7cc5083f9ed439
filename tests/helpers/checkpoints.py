"""Comparing what a checkpoint gave back with what was saved."""

from __future__ import annotations

import math

import numpy as np

import minigrad as mg


def same(a, b) -> None:
    """Equal in value, type and dtype, recursively (NaNs equal, bit patterns equal)."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    elif isinstance(a, mg.Tensor):
        assert a.requires_grad == b.requires_grad
        same(a.data, b.data)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b
