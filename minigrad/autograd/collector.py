"""The scoped policy minigrad applies to CPython's cyclic garbage collector: while a graph
is being recorded, full collections are deferred; they resume when a backward pass has
consumed the graph.

Why: every recorded op leaves three objects the collector tracks (the `Node`, its output
`Tensor`, the `inputs` tuple), and a full (generation-2) collection walks every tracked
object alive. CPython starts one whenever ten younger collections have run and the objects
that survived them since the last full one are at least a quarter of all long-lived
objects, so while a deep graph is being built, full collections keep walking the whole
graph: building a 100,000-op chain spent half its CPU time in them, a 1,000,000-op chain
60%, and the time grew faster than the graph. The graph itself is freed by reference
counting (nodes and tensors form no reference cycles), so those scans find nothing.

The scope: the first op recorded while no scope is open calls `defer()`, which multiplies
the generation-2 threshold (the number of younger collections between two full ones) by
`FACTOR`; the end of every backward pass calls `resume()`, which restores it (unless
someone changed the thresholds in between, whose choice is then kept). Young collections
run as usual, so short-lived cycles are still found promptly; a process that records
graphs but never runs backward keeps full collections `FACTOR` times rarer. Set
`collector.enabled = False` to leave the collector alone.
"""

from __future__ import annotations

import gc

FACTOR = 100


class _Deferral:
    """Whether full collections are deferred now, and the thresholds to restore."""

    __slots__ = ("active", "enabled", "restore", "set_to")

    def __init__(self) -> None:
        self.enabled = True
        self.active = False
        self.restore: tuple[int, ...] = ()
        self.set_to: tuple[int, ...] = ()


deferral = _Deferral()


def defer() -> None:
    """Open the scope: full collections become `FACTOR` times rarer."""
    if deferral.active or not deferral.enabled:
        return
    young, middle, full = gc.get_threshold()
    deferral.restore = (young, middle, full)
    deferral.set_to = (young, middle, full * FACTOR)
    gc.set_threshold(*deferral.set_to)
    deferral.active = True


def resume() -> None:
    """Close the scope: the thresholds as they were (a change made meanwhile is kept)."""
    if not deferral.active:
        return
    deferral.active = False
    if gc.get_threshold() == deferral.set_to:
        gc.set_threshold(*deferral.restore)
