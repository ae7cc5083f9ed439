"""Fused ops drawn as their composed graphs (`draw(..., expand_fused=True)`).

A fused primitive (BatchNorm's `batch_norm`) is one vertex of the real graph. To show what
it computes, the drawing re-runs the op's composed form on the same input tensors, with
grad mode on, and draws that small graph in the fused op's place: its inputs are the fused
op's inputs, so it hangs off the same producers, and its output feeds the fused op's
consumers. The recomputation uses the inputs' current values and touches nothing else (no
running statistics are updated); the real graph is not modified.

`EXPANSIONS` maps a fused op's name to a function `node -> Tensor` doing that re-run.
"""

from __future__ import annotations

from collections.abc import Callable

from minigrad.autograd.function import Node
from minigrad.autograd.grad_mode import enable_grad
from minigrad.tensor import Tensor

EXPANSIONS: dict[str, Callable[[Node], Tensor]] = {}


def _batch_norm(node: Node) -> Tensor:
    """`batch_norm` re-run as `F.batch_norm(..., fused=False)` on the node's inputs.

    The node's inputs are x, then the weight and the bias when present (`has_weight`,
    `has_bias`). Training modes ("batch", "detached") pass no running statistics, so
    nothing is updated; "running" (evaluation) reads them.
    """
    from minigrad.nn import functional as F  # noqa: N812 - the customary name

    params = node.params
    x, *affine = node.inputs
    weight = affine.pop(0) if params.get("has_weight") else None
    bias = affine.pop(0) if params.get("has_bias") else None
    mode, eps = params["stats"], params["eps"]
    with enable_grad():
        if mode == "running":
            running = params["running"]
            return F.batch_norm(x, running.mean, running.var, weight, bias, training=False,
                                eps=eps, fused=False)
        return F.batch_norm(x, None, None, weight, bias, training=True, eps=eps, stats=mode,
                            fused=False)


EXPANSIONS["batch_norm"] = _batch_norm
