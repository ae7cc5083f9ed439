"""Sample inputs shared by the families: shapes and values that find disagreements.

Every generator takes the dtype and returns a list of `Sample`s: 0-d, empty, broadcasting,
non-contiguous and negative-stride views, and edge values (0, -0, +-inf, NaN, ties).
"""

from __future__ import annotations

import numpy as np

from conformance.opinfo import Sample

EDGES = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 0.5, -2.5])


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def normal(shape, dtype, seed: int = 0) -> np.ndarray:
    return rng(seed).standard_normal(shape).astype(dtype)


def positive(shape, dtype, seed: int = 0) -> np.ndarray:
    return rng(seed).uniform(0.5, 2.0, shape).astype(dtype)


def away_from_zero(shape, dtype, seed: int = 0) -> np.ndarray:
    g = rng(seed)
    return (g.choice([-1.0, 1.0], shape) * g.uniform(0.3, 2.0, shape)).astype(dtype)


def non_contiguous(dtype, draw=normal) -> np.ndarray:
    return draw((3, 8), dtype)[:, ::2]  # strides (64, 16): every other column


def negative_stride(dtype, draw=normal) -> np.ndarray:
    return draw((5, 3), dtype)[::-1]


def unary(dtype, draw=normal, edges: bool = True, **kwargs) -> list[Sample]:
    """One-input samples; `draw` keeps values in the op's domain for gradients."""
    samples = [
        Sample((draw((), dtype),), kwargs, "0-d", second_order=True),
        Sample((draw((2, 3), dtype),), kwargs, "2x3"),
        Sample((np.zeros((0, 3), dtype),), kwargs, "empty"),
        Sample((non_contiguous(dtype, draw),), kwargs, "non-contiguous"),
        Sample((negative_stride(dtype, draw),), kwargs, "negative-stride"),
    ]
    if edges:
        samples.append(Sample((EDGES.astype(dtype),), kwargs, "edges"))
    return samples


def binary(dtype, draw=normal, draw_b=None, edges: bool = True) -> list[Sample]:
    """Two-input samples: equal shapes, broadcasting both ways, 0-d, empty, views."""
    draw_b = draw_b or draw
    samples = [
        Sample((draw((2, 3), dtype), draw_b((2, 3), dtype, 1)), {}, "same", second_order=True),
        Sample((draw((2, 3), dtype), draw_b((3,), dtype, 1)), {}, "broadcast-row"),
        Sample((draw((2, 1), dtype), draw_b((1, 3), dtype, 1)), {}, "broadcast-both"),
        Sample((draw((), dtype), draw_b((2, 3), dtype, 1)), {}, "0-d-left"),
        Sample((draw((0, 3), dtype), draw_b((3,), dtype, 1)), {}, "empty"),
        Sample((non_contiguous(dtype, draw), draw_b((5, 4), dtype, 1)[::-1][:3]), {}, "views"),
    ]
    if edges:
        samples.append(Sample((EDGES.astype(dtype), EDGES[::-1].astype(dtype)), {}, "edges"))
    return samples


def reduction(dtype, draw=normal, dims=True, several=True, empty=True) -> list[Sample]:
    """A reduction's samples: all dims, one dim (negative too), several, keepdim, 0-d, empty,
    ties, and the NumPy aliases (axis, keepdims)."""
    x = draw((2, 3, 4), dtype)
    samples = [Sample((x,), {}, "all", second_order=True)]
    if dims:
        samples += [
            Sample((x,), {"dim": 1}, "dim=1"),
            Sample((x,), {"dim": -1, "keepdim": True}, "dim=-1-keepdim"),
            Sample((x,), {"axis": 0, "keepdims": True}, "axis-alias",
                   ref_kwargs={"dim": 0, "keepdim": True}),
            Sample((draw((), dtype),), {"dim": 0}, "0-d-dim-0"),
            Sample((non_contiguous(dtype, draw),), {"dim": 0}, "non-contiguous"),
        ]
        if several:
            samples.append(Sample((x,), {"dim": (0, 2)}, "dims-(0,2)"))
            samples.append(Sample((x,), {"dim": ()}, "dims-()-all"))
        if empty:
            samples.append(Sample((np.zeros((0, 3), dtype),), {"dim": 1}, "empty-nonempty-dim"))
    samples.append(Sample((np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]], dtype),), {},
                          "ties"))
    return samples
