"""Where a gradient comes from: its split over the paths from `wrt` to the output.

The chain rule says that d(output)/d(wrt) is a sum over every path of edges from `wrt`
up to the output, each path contributing the product of the local Jacobians along it.
`grad_paths` computes each path's term exactly that way, with the engine's own step
(`minigrad.autograd.engine.vjp`: the op's VJP, summed to each input's shape and cast to
its dtype): starting from the output's seed gradient, it takes the step at each op of
the path and keeps only the input slot the path leaves by. That is the gradient with
every edge off the path treated as a constant. Paths sharing a prefix share its VJPs (a
depth-first search over the prefix tree), and the search only enters edges that lead to
`wrt` at all (path counts from one pass over the topological order), so the cost is the
number of paths times their length.
Gradient hooks (`register_hook`) are not applied: the paths split the plain chain rule.

On the section-2 layer, x = u + b and x_hat = x - mean(x), the bias has two paths: the
direct one through x, carrying sum_i dl/dx_hat_i, and the one through the mean, carrying
-sum_i dl/dx_hat_i. They cancel, which is why dl/db = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minigrad.autograd.engine import seed_gradient, vjp
from minigrad.autograd.function import Node
from minigrad.autograd.grad_mode import no_grad
from minigrad.autograd.graph import topological_order
from minigrad.tensor import Tensor


@dataclass(frozen=True, eq=False)
class GradPath:
    """One path from `wrt` to the output and the share of the gradient it carries.

    `ops` are the op names in order from `wrt` to the output; `nodes[i]` is the node of
    `ops[i]` and `slots[i]` the input of that node the path enters by. `contribution` has
    the shape of `wrt`; the contributions of all paths sum to the gradient.

    >>> x = mg.tensor(2.0, requires_grad=True)
    >>> (path,) = grad_paths(x * 3, x)
    >>> path.ops, path.contribution
    (('mul',), array(3., dtype=float32))
    """

    ops: tuple[str, ...]
    nodes: tuple[Node, ...]
    slots: tuple[int, ...]
    contribution: np.ndarray

    def __repr__(self) -> str:
        route = " -> ".join(self.ops) or "(output is wrt)"
        return f"GradPath({route}, contribution={np.array2string(self.contribution, precision=4)})"


class TooManyPathsError(ValueError):
    """More paths lead from `wrt` to the output than `max_paths` allows.

    >>> x = mg.tensor(1.0, requires_grad=True)
    >>> y = x
    >>> for _ in range(8):
    ...     y = y + y
    >>> try:
    ...     grad_paths(y, x, max_paths=10)
    ... except TooManyPathsError as error:
    ...     print(str(error)[:30])
    grad_paths: 256 paths lead fro
    """


def grad_paths(output: Tensor, wrt: Tensor, max_paths: int = 64,
               grad_output=None) -> list[GradPath]:
    """Every path from `wrt` to `output`, each with the gradient it carries.

    `output` must be a scalar unless `grad_output` (the vector of the vector-Jacobian
    product, shaped like `output`) is given. The graph's saved values must still exist:
    call this before `backward()`, or after `backward(retain_graph=True)`. Raises
    `TooManyPathsError` when there are more than `max_paths` paths (they are counted before
    any is computed). Returns an empty list when `output` does not depend on `wrt`.

    >>> import minigrad as mg
    >>> b = mg.zeros(2, requires_grad=True)
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 5.0]]) + b
    >>> loss = ((x - x.mean(0)) * mg.tensor([[1.0, 0.0], [2.0, 1.0]])).sum()
    >>> [p.ops for p in grad_paths(loss, b)]
    [('add', 'sub', 'mul', 'sum'), ('add', 'mean', 'sub', 'mul', 'sum')]
    >>> [p.contribution.tolist() for p in grad_paths(loss, b)]
    [[3.0, 1.0], [-3.0, -1.0]]
    """
    _check_arguments(output, wrt, max_paths)
    seed = seed_gradient(output, grad_output, "grad_paths", argument="grad_output")
    target = wrt.grad_fn
    if output is wrt or (target is not None and output.grad_fn is target):
        return [GradPath((), (), (), np.array(seed.data, dtype=wrt.dtype))]
    root = output.grad_fn
    if root is None:
        return []
    order = topological_order([root])
    counts = _path_counts(order, wrt)
    total = counts[root]
    if total > max_paths:
        raise TooManyPathsError(
            f"grad_paths: {total} paths lead from wrt (shape {wrt.shape}) to the output, "
            f"more than max_paths={max_paths}; raise max_paths or choose a tensor closer "
            "to the output"
        )
    for node in order:
        if counts[node] and node.released and node is not target:
            raise RuntimeError(
                f"grad_paths: the graph at '{node.op.name}' was freed by a backward pass; "
                "call grad_paths before backward(), or use backward(retain_graph=True)"
            )
    return _enumerate(root, seed, wrt, counts)


def _check_arguments(output: Tensor, wrt: Tensor, max_paths: int) -> None:
    for label, tensor in (("output", output), ("wrt", wrt)):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"grad_paths: {label} must be a Tensor, got {type(tensor).__name__}")
    if not wrt.requires_grad:
        raise ValueError(f"grad_paths: wrt (shape {wrt.shape}) does not require grad")
    if max_paths < 1:
        raise ValueError(f"grad_paths: max_paths must be at least 1, got {max_paths}")


def _path_counts(order: list[Node], wrt: Tensor) -> dict[Node, int]:
    """For each node, how many edge paths lead from `wrt` to its output (producers first)."""
    target = wrt.grad_fn
    counts: dict[Node, int] = {}
    for node in reversed(order):
        if node is target:
            counts[node] = 1
            continue
        total = 0
        for tensor in node.inputs:
            if not tensor.requires_grad:
                continue
            if tensor.grad_fn is None:
                total += tensor is wrt
            else:
                total += counts.get(tensor.grad_fn, 0)
        counts[node] = total
    return counts


def _leads_to(tensor: Tensor, wrt: Tensor, counts: dict[Node, int]) -> bool:
    if not tensor.requires_grad:
        return False
    if tensor.grad_fn is None:
        return tensor is wrt
    return counts.get(tensor.grad_fn, 0) > 0


def _enumerate(root: Node, seed: Tensor, wrt: Tensor, counts: dict[Node, int]) -> list[GradPath]:
    """Depth-first over the tree of path prefixes, one VJP per prefix, paths in input order."""
    target = wrt.grad_fn
    paths: list[GradPath] = []
    # (node, gradient of its output, edges from the output down to it as (node, slot));
    # node is None once the path has reached `wrt` as a leaf.
    stack: list[tuple[Node | None, Tensor, tuple]] = [(root, seed, ())]
    with no_grad():
        while stack:
            node, grad, prefix = stack.pop()
            if node is None or node is target:
                paths.append(_path(prefix, grad, wrt))
                continue
            input_grads = vjp(node, grad)
            for slot in reversed(range(len(node.inputs))):
                tensor = node.inputs[slot]
                if _leads_to(tensor, wrt, counts):
                    branch = input_grads[slot]
                    if branch is None:
                        raise RuntimeError(f"grad_paths: '{node.op.name}' returned no gradient "
                                           "for an input that requires it")
                    stack.append((tensor.grad_fn, branch, (*prefix, (node, slot))))
    return paths


def _path(edges: tuple, grad: Tensor, wrt: Tensor) -> GradPath:
    ordered = edges[::-1]  # from wrt up to the output
    return GradPath(
        ops=tuple(node.op.name for node, _ in ordered),
        nodes=tuple(node for node, _ in ordered),
        slots=tuple(slot for _, slot in ordered),
        contribution=np.array(grad.data, dtype=wrt.dtype, copy=True).reshape(wrt.shape),
    )
