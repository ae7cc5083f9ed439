"""Counting work instead of timing it: tests assert how much was done, never how long it took
(speed is measured in benchmarks/)."""

from __future__ import annotations

from minigrad.autograd.graph import topological_order


def count_walks(monkeypatch, module) -> list[int]:
    """Make `module`'s `topological_order` note the length of every walk it takes; returns
    the list the lengths are appended to."""
    walks: list[int] = []

    def counted_walk(roots):
        order = topological_order(roots)
        walks.append(len(order))
        return order

    monkeypatch.setattr(module, "topological_order", counted_walk)
    return walks
