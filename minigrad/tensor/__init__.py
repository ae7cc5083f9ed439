"""Tensor: an n-d array that remembers how it was computed.

`core` holds the class (data, gradient, graph link, conversions); its differentiable
methods come in families that mirror `minigrad.ops`: `arithmetic` (operators, elementwise
math, casts), `reductions`, `shaping` (reshape, transpose, indexing). `detach` holds the
drawing-only link a detached tensor keeps to its source.
"""

from minigrad.tensor.core import Tensor
from minigrad.tensor.detach import DetachLink

__all__ = ["DetachLink", "Tensor"]
