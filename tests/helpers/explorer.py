"""Reading explorer pages back in tests: the page's JSON, its arrays, and the order in
which the engine runs the VJPs, seen independently of the engine's recorder."""

from __future__ import annotations

import json
import re

import numpy as np

import minigrad as mg
from minigrad.autograd.graph import topological_order
from minigrad.viz import style
from minigrad.viz.explorer import Explorer


def page_data(page: Explorer) -> dict:
    """The JSON the page's script reads."""
    match = re.search(r'<script type="application/json" id="minigrad-data">(.*?)</script>',
                      page.html, re.S)
    return json.loads(match.group(1))


def array(data: dict, index: int) -> str:
    """The detailed text of an array the page shows."""
    return data["arrays"][index][1]


def details(values) -> str:
    """An array as the page details it."""
    return style.array_details(np.asarray(values))


def engine_order(loss) -> list:
    """The nodes in the order the engine calls their VJPs, seen through node hooks."""
    seen = []
    handles = [node.register_hook(lambda g, node=node: seen.append(node))
               for node in topological_order([loss.grad_fn])]
    mg.grad(loss, [t for t in _leaves(loss)], retain_graph=True, allow_unused=True)
    for handle in handles:
        handle.remove()
    return seen


def _leaves(loss):
    found = {}
    for node in topological_order([loss.grad_fn]):
        for t in node.inputs:
            if t.grad_fn is None and t.requires_grad:
                found[t] = None
    return list(found)
