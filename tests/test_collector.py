"""The scoped garbage-collector policy: full collections wait while a graph is recorded
and resume when backward has consumed it; the user's own settings win."""

from __future__ import annotations

import gc

import pytest

import minigrad as mg
from minigrad.autograd import collector


@pytest.fixture(autouse=True)
def _clean_scope():
    collector.resume()
    before = gc.get_threshold()
    yield
    collector.resume()
    collector.deferral.enabled = True
    gc.set_threshold(*before)


def test_recording_defers_full_collections_until_backward() -> None:
    young, middle, full = gc.get_threshold()
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    assert gc.get_threshold() == (young, middle, full * collector.FACTOR)
    y.backward()
    assert gc.get_threshold() == (young, middle, full)
    assert x.grad.tolist() == [2.0, 4.0]


def test_nothing_changes_without_a_graph() -> None:
    before = gc.get_threshold()
    x = mg.tensor([1.0, 2.0])  # needs no gradient: nothing is recorded
    _ = x * x
    with mg.no_grad():
        _ = mg.tensor([1.0], requires_grad=True) * 2.0
    assert gc.get_threshold() == before


def test_a_threshold_set_during_the_scope_is_kept() -> None:
    x = mg.tensor([1.0], requires_grad=True)
    y = x * 3.0
    gc.set_threshold(500, 5, 5)
    y.backward()
    assert gc.get_threshold() == (500, 5, 5)


def test_the_policy_can_be_switched_off() -> None:
    collector.deferral.enabled = False
    before = gc.get_threshold()
    x = mg.tensor([1.0], requires_grad=True)
    y = x * 3.0
    assert gc.get_threshold() == before
    y.backward()
    assert gc.get_threshold() == before


def test_full_collections_do_not_run_while_a_deep_chain_is_built() -> None:
    """40,000 recorded ops would trigger full collections under the default thresholds
    (each op leaves three tracked objects); inside the scope, none runs."""
    gc.collect()
    full_before = gc.get_stats()[2]["collections"]
    x = mg.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
        y = y + 0.001
    assert gc.get_stats()[2]["collections"] == full_before
    y.backward()
    assert x.grad is not None
