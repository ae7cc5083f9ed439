"""minigrad against PyTorch, entry by entry of the conformance table (see opinfo.py).

Without PyTorch the whole module is skipped with the command that installs it (CI sets
MINIGRAD_REQUIRE_TORCH, which turns the skip into a failure).
"""

from __future__ import annotations

import importlib.util
import os
import warnings

import numpy as np
import pytest

import minigrad as mg
from conformance.opinfo import (
    NOT_OPS,
    all_ops,
    as_numpy,
    assert_close,
    cotangents,
    differentiable_outputs,
    entries_with_samples,
    public_names,
    run,
    sample_id,
)

if os.environ.get("MINIGRAD_REQUIRE_TORCH") and importlib.util.find_spec("torch") is None:
    raise ImportError("MINIGRAD_REQUIRE_TORCH is set but PyTorch is missing: "
                      "pip install -e '.[parity]'")
torch = pytest.importorskip(
    "torch", reason="the conformance suite compares with PyTorch: "
    "pip install -e '.[parity]' (the CPU build, torch==2.13.0)")

ENTRIES = all_ops()
CASES = {dtype: entries_with_samples(ENTRIES, dtype) for dtype in (np.float64, np.float32)}


def _ids(cases):
    return [sample_id(e, s, i) for e, s, i in cases]


@pytest.fixture(autouse=True)
def _quiet():
    """Edge values make both libraries compute inf and NaN on purpose."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def test_every_op_has_an_entry() -> None:
    covered = {name for entry in ENTRIES for name in entry.covers}
    missing = sorted(public_names() - covered - set(NOT_OPS))
    assert missing == [], f"no conformance entry (or NOT_OPS reason) for: {missing}"
    stale = sorted((covered | set(NOT_OPS)) - public_names())
    assert stale == [], f"entries for names that do not exist: {stale}"


def test_entry_names_are_unique() -> None:
    names = [e.name for e in ENTRIES]
    assert len(names) == len(set(names))


def _both(entry, sample, dtype):
    mine = run(entry, sample, dtype, "minigrad")
    theirs = run(entry, sample, dtype, "torch")
    assert len(mine.outputs) == len(theirs.outputs)
    return mine, theirs


@pytest.mark.parametrize("entry, sample, index", CASES[np.float64], ids=_ids(CASES[np.float64]))
def test_forward_and_gradients_float64(entry, sample, index) -> None:
    mine, theirs = _both(entry, sample, np.float64)
    for k, (a, b) in enumerate(zip(mine.outputs, theirs.outputs)):
        assert_close(as_numpy(a), as_numpy(b), entry.atol, entry.rtol, f"output {k}")
    if not (entry.differentiable and sample.grad):
        return
    outs_mine, outs_theirs = differentiable_outputs(mine), differentiable_outputs(theirs)
    assert len(outs_mine) == len(outs_theirs), "which outputs require grad"
    if not outs_mine or not mine.leaves:
        return
    vs = cotangents(o.shape for o in outs_mine)
    scalar_mine = sum((o * mg.tensor(v)).sum() for o, v in zip(outs_mine, vs))
    scalar_theirs = sum((o * torch.tensor(v)).sum() for o, v in zip(outs_theirs, vs))
    grads_mine = mg.grad(scalar_mine, mine.leaves, allow_unused=True,
                         create_graph=sample.second_order)
    grads_theirs = torch.autograd.grad(scalar_theirs, theirs.leaves, allow_unused=True,
                                       create_graph=sample.second_order)
    for k, (a, b) in enumerate(zip(grads_mine, grads_theirs)):
        a = np.zeros(mine.leaves[k].shape) if a is None else as_numpy(a)
        b = np.zeros(theirs.leaves[k].shape) if b is None else as_numpy(b)
        assert_close(a, b, entry.atol, entry.rtol, f"gradient of input {k}")
    if sample.second_order:
        _second_order(entry, mine, theirs, grads_mine, grads_theirs)


def _second_order(entry, mine, theirs, grads_mine, grads_theirs) -> None:
    pairs = [(a, b) for a, b in zip(grads_mine, grads_theirs)
             if a is not None and b is not None and a.requires_grad and b.requires_grad]
    if not pairs:
        return
    us = cotangents((a.shape for a, _ in pairs), seed=1)
    s_mine = sum((a * mg.tensor(u)).sum() for (a, _), u in zip(pairs, us))
    s_theirs = sum((b * torch.tensor(u)).sum() for (_, b), u in zip(pairs, us))
    second_mine = mg.grad(s_mine, mine.leaves, allow_unused=True)
    second_theirs = torch.autograd.grad(s_theirs, theirs.leaves, allow_unused=True)
    for k, (a, b) in enumerate(zip(second_mine, second_theirs)):
        a = np.zeros(mine.leaves[k].shape) if a is None else as_numpy(a)
        b = np.zeros(theirs.leaves[k].shape) if b is None else as_numpy(b)
        assert_close(a, b, entry.atol * 10, entry.rtol * 10, f"second derivative, input {k}")


@pytest.mark.parametrize("entry, sample, index", CASES[np.float32], ids=_ids(CASES[np.float32]))
def test_float32_stays_float32(entry, sample, index) -> None:
    mine, theirs = _both(entry, sample, np.float32)
    for k, (a, b) in enumerate(zip(mine.outputs, theirs.outputs)):
        a, b = as_numpy(a), as_numpy(b)
        assert a.dtype == b.dtype, f"output {k}: {a.dtype}, PyTorch {b.dtype}"
        assert_close(a, b, entry.atol32, entry.rtol32, f"output {k}")


def test_the_differences_page_lists_the_table() -> None:
    from conformance.opinfo import DOCS_PAGE, differences_page

    assert DOCS_PAGE.read_text(encoding="utf-8") == differences_page(ENTRIES), (
        "docs/differences.md is out of date; regenerate it: cd tests && python -c "
        "\"from conformance.opinfo import write_differences_page as w; w()\"")
