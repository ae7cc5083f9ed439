"""Small graphs that several test modules draw."""

from __future__ import annotations

from minigrad.viz.examples import section2_graph


def section2(detach: bool = False):
    """x = u + b, x_hat = x - mean(x), loss = mean((x_hat - target)^2): (b, x, loss)."""
    layer = section2_graph(detach)
    return layer.b, layer.x, layer.loss  # the mean is now a freed temporary, as in
    # `x - x.mean(0).detach()`
