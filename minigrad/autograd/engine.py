"""Reverse mode: `backward` and `grad`.

One pass over `topological_order(roots)`: each node receives the sum of its consumers'
gradients, calls its op's VJP, and hands each input its share, summed back to the input's
shape (unbroadcast happens here, once, never inside a VJP) and cast to the input's dtype.
Leaves collect their totals, which land in `.grad` (backward) or are returned (grad).

VJPs run with grad mode equal to `create_graph`: off, they record nothing and stay cheap;
on, the gradients are tensors with a graph of their own, ready to be differentiated again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence

import numpy as np

from minigrad.autograd import collector
from minigrad.autograd.function import Node, _anomaly
from minigrad.autograd.grad_mode import set_grad_enabled
from minigrad.autograd.graph import topological_order
from minigrad.autograd.record import BackwardRecord, BackwardStep, active_record
from minigrad.autograd.release import free_values
from minigrad.autograd.unbroadcast import sum_to_shape
from minigrad.tensor import Tensor


class _Running(threading.local):
    depth = 0  # backward passes running in this thread (a VJP may start another)


_running = _Running()


def is_backward_running() -> bool:
    """True while this thread is inside a backward pass started under `detect_anomaly()`
    (running some op's VJP). Anomaly detection reads it to leave the ops inside a VJP
    unchecked; it is counted only while detection is on, which keeps a thread-local
    update off every other backward pass.

    >>> x = mg.tensor(1.0, requires_grad=True)
    >>> y = x * 2
    >>> handle = y.register_hook(lambda grad: print(is_backward_running()))
    >>> with mg.detect_anomaly():
    ...     y.backward()
    True
    >>> is_backward_running()
    False
    """
    return _running.depth > 0


class _GradientSums:
    """Gradients summed per key (a node or a leaf tensor).

    Without create_graph, the second contribution allocates a buffer this class owns and
    later ones are added into it in place; buffers it does not own are never written,
    because a VJP may hand the same array to several inputs."""

    __slots__ = ("_create_graph", "_owned", "sums")

    def __init__(self, create_graph: bool) -> None:
        self.sums: dict = {}
        self._owned: set = set()
        self._create_graph = create_graph

    def add(self, key, grad: Tensor) -> None:
        previous = self.sums.get(key)
        if previous is None:
            self.sums[key] = grad
        elif self._create_graph:
            self.sums[key] = previous + grad
        elif key in self._owned:
            np.add(previous._data, grad._data, out=previous._data)
        else:
            self.sums[key] = Tensor.wrap(previous._data + grad._data)
            self._owned.add(key)


def _owner(array: np.ndarray) -> int:
    """Identifies the memory an array views (its base's, for a view)."""
    return id(array if array.base is None else array.base)


def _unshared(grad: Tensor, given_out: set[int]) -> Tensor:
    """`grad`, or a copy of it if its memory is read-only (a broadcast view) or already
    belongs to another leaf's `.grad` (a VJP may return one array for several inputs), so
    that writing into one `.grad` never changes another."""
    array = grad._data
    owner = _owner(array)
    if owner in given_out or not array.flags.writeable:
        return Tensor.wrap(array.copy())
    given_out.add(owner)
    return grad


def vjp(node: Node, grad: Tensor) -> tuple[Tensor | None, ...]:
    """The engine's step at one node: its op's VJP applied to `grad` (the gradient of the
    node's output), with each input's share summed to that input's shape and cast to its
    dtype; None for inputs that need no gradient.

    Everything that propagates gradients node by node (backward, `grad`, the gradient-path
    analysis of `minigrad.viz`) takes this step, so the rules live in one place.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x * 3
    >>> vjp(y.grad_fn, mg.ones(2))
    (tensor([3., 3.], dtype=float32), None)
    """
    input_grads = node.op.backward(node, grad)
    if type(input_grads) is not tuple:
        input_grads = (input_grads,)
    if _anomaly.enabled:
        _anomaly.check_backward(node, input_grads)
    for tensor, input_grad in zip(node.inputs, input_grads):
        if input_grad is not None:
            array, expected = input_grad._data, tensor._data
            # `is` first: NumPy's dtypes are shared objects, and comparing them is slower.
            if not (tensor._requires_grad and array.shape == expected.shape and
                    (array.dtype is expected.dtype or array.dtype == expected.dtype)):
                return _shares(node, input_grads)
    return input_grads  # the usual case: every gradient fits its input as it is


def _shares(node: Node, input_grads: tuple) -> tuple[Tensor | None, ...]:
    """The VJP's outputs made to fit: None for an input that needs no gradient (a VJP may
    skip that work, or not), the others summed to their input's shape and cast to its
    dtype."""
    return tuple(
        None if input_grad is None or not tensor._requires_grad
        else _input_gradient(input_grad, tensor, node)
        for tensor, input_grad in zip(node.inputs, input_grads)
    )


def _input_gradient(grad: Tensor, tensor: Tensor, node: Node) -> Tensor:
    """A VJP's output for `tensor`, summed to its shape and cast to its dtype (as it is
    when it already fits)."""
    if grad.shape != tensor.shape:
        try:
            grad = sum_to_shape(grad, tensor.shape)
        except RuntimeError:
            raise RuntimeError(
                f"{node.op.name}: backward returned a gradient of shape {grad.shape} for an "
                f"input of shape {tensor.shape}"
            ) from None
    if grad.dtype != tensor.dtype:
        grad = grad.astype(tensor.dtype)
    return grad


def _second_backward_error(node: Node) -> RuntimeError:
    return RuntimeError(
        f"backward: trying to backward through the graph a second time (at '{node.op.name}'); "
        "what it saved was freed after the first backward. Pass retain_graph=True to the "
        "first backward (or grad) call if you need to backward through the graph again."
    )


def _visit_nodes(roots, node_grads: _GradientSums, leaf_grads: _GradientSums, captured: dict,
                 capture: set | None, accumulate: bool, retain_graph: bool,
                 record: BackwardRecord | None) -> list[Node]:
    """Call each reached node's VJP, consumers first, routing gradients to its inputs.
    Returns the nodes released (none when `retain_graph`)."""
    released = []
    pending = node_grads.sums  # each node takes its total out once, when it is reached
    for node in topological_order([out.grad_fn for out, _ in roots if out.grad_fn]):
        grad = pending.pop(node, None)
        if grad is None:  # nothing reached this node (all its consumers had None)
            continue
        if node.released:
            raise _second_backward_error(node)
        if node._hooks:
            grad = _run_hooks(node._hooks, grad, f"the output of '{node.op.name}'")
        if accumulate and node._retained is not None:
            retained = node._retained()
            if retained is not None:
                retained.grad = grad if retained.grad is None else retained.grad + grad
        if capture is not None and node in capture:
            captured[node] = grad
        input_grads = vjp(node, grad)
        if record is not None:
            record.steps.append(BackwardStep(node, grad, input_grads))
        for tensor, input_grad in zip(node.inputs, input_grads):
            if input_grad is None:
                continue
            parent = tensor.grad_fn
            if parent is None:
                leaf_grads.add(tensor, input_grad)
            else:
                node_grads.add(parent, input_grad)
        if not retain_graph:
            node.release()
            released.append(node)
    return released


def _run_hooks(hooks: dict, grad: Tensor, owner: str) -> Tensor:
    """Call gradient hooks in order; a returned tensor replaces the gradient.

    What a hook returns must be None or a tensor of the gradient's shape and dtype, as
    PyTorch requires: anything else is an error naming the hook (`owner` says whose
    gradient it was), instead of a corrupted `.grad` or an error blamed on some op."""
    for hook in list(hooks.values()):
        replaced = hook(grad)
        if replaced is None:
            continue
        name = getattr(hook, "__qualname__", None) or repr(hook)
        if not isinstance(replaced, Tensor):
            raise TypeError(
                f"hook '{name}' on {owner} returned {type(replaced).__name__}; a gradient "
                "hook must return None or a Tensor"
            )
        if replaced.shape != grad.shape:
            raise RuntimeError(
                f"hook '{name}' on {owner} has changed the shape of the gradient: it received "
                f"{grad.shape} and returned {replaced.shape}"
            )
        if replaced.dtype != grad.dtype:
            raise RuntimeError(
                f"hook '{name}' on {owner} has changed the dtype of the gradient: it received "
                f"{grad.dtype} and returned {replaced.dtype}"
            )
        grad = replaced
    return grad


def _propagate(roots: Sequence[tuple[Tensor, Tensor]], *, retain_graph: bool,
               create_graph: bool, accumulate: bool, capture: set | None = None) -> dict:
    """Run reverse mode from `roots` (pairs of output and its gradient).

    With `accumulate`, leaves' totals are added to their `.grad` and retained non-leaves get
    theirs. Returns the gradient total for each key in `capture` (nodes and leaf tensors).
    """
    node_grads = _GradientSums(create_graph)
    leaf_grads = _GradientSums(create_graph)
    captured: dict = {}
    for output, grad in roots:
        if output.grad_fn is None:
            leaf_grads.add(output, grad)
        else:
            node_grads.add(output.grad_fn, grad)

    # Backward creates no reference cycles, yet CPython's cyclic GC, triggered by the many
    # small allocations, rescans the live graph over and over: pausing it halves the time
    # of a 100,000-op chain (0.35 s -> 0.15 s measured).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    counted = _anomaly.enabled
    if counted:
        _running.depth += 1
    try:
        # IEEE results (inf, nan) in a VJP are answers, not accidents: as in PyTorch, no
        # NumPy RuntimeWarning leaks out of backward (set once per pass, not per op).
        with set_grad_enabled(create_graph), np.errstate(all="ignore"):
            record = active_record()
            released = _visit_nodes(roots, node_grads, leaf_grads, captured, capture,
                                    accumulate, retain_graph, record)
            # The callers' gradient arrays count as given out: no .grad may alias them.
            given_out = {_owner(grad._data) for _, grad in roots}
            for leaf, grad in leaf_grads.sums.items():
                if leaf._hooks:
                    grad = _run_hooks(leaf._hooks, grad, "a leaf tensor")
                if record is not None:
                    record.leaf_grads.append((leaf, grad))
                if capture is not None and leaf in capture:
                    captured[leaf] = grad
                if accumulate:
                    if leaf.grad is not None:
                        leaf.grad = leaf.grad + grad
                    else:
                        leaf.grad = grad if create_graph else _unshared(grad, given_out)
            leaf_grads.sums.clear()
            free_values(released)
    finally:
        if counted:
            _running.depth -= 1
        if gc_was_enabled:
            gc.enable()
        collector.resume()  # the graph is consumed: full collections as usual again
    return captured


class SeedGradientError(RuntimeError, ValueError):
    """The gradient a pass starts from does not fit the output (or is missing for a
    non-scalar output). A RuntimeError, as PyTorch raises, and a ValueError (a bad
    argument)."""


def root_gradient(output: Tensor, gradient, caller: str, create_graph: bool = False) -> Tensor:
    """The gradient backward and `grad` start from at `output` (see `seed_gradient`);
    the output must be part of a graph."""
    if not output.requires_grad:
        raise RuntimeError(
            f"{caller}: the tensor of shape {output.shape} does not require grad and has no "
            "grad_fn; set requires_grad=True on the leaves it is computed from"
        )
    return seed_gradient(output, gradient, caller, create_graph=create_graph)


def seed_gradient(output: Tensor, gradient, caller: str, *, argument: str = "gradient",
                  create_graph: bool = False) -> Tensor:
    """`gradient` (the vector of a vector-Jacobian product) checked against the output's
    shape and cast to its dtype; 1 for a scalar output when `gradient` is None.
    `argument` is the caller's name for it, for error messages."""
    if gradient is None:
        if output.size != 1:
            raise SeedGradientError(
                f"{caller}: the output of shape {output.shape} is not a scalar; pass "
                f"{argument}= (a tensor of the output's shape) to say which combination to "
                "differentiate"
            )
        return Tensor.wrap(np.ones(output.shape, dtype=output.dtype))
    gradient = gradient if isinstance(gradient, Tensor) else Tensor(gradient)
    if gradient.shape != output.shape:
        raise SeedGradientError(
            f"{caller}: {argument} has shape {gradient.shape} but the output has shape "
            f"{output.shape}"
        )
    if create_graph and gradient.requires_grad:
        return gradient.astype(output.dtype)  # kept in the graph: grads depend on it
    # Not copied: `_propagate` copies it only for a leaf that would receive this very array.
    return Tensor.wrap(gradient._data.astype(output.dtype, copy=False))


def backward(tensor: Tensor, gradient=None, retain_graph: bool = False,
             create_graph: bool = False) -> None:
    """Accumulate d(tensor)/d(leaf) into `leaf.grad` for every leaf that requires grad.

    `gradient` is the vector of the vector-Jacobian product (defaults to 1 for a scalar).
    The graph's saved values are freed afterwards unless `retain_graph` is true;
    `create_graph` records the backward pass so the gradients can be differentiated.

    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> backward((x * x).sum())
    >>> x.grad
    tensor([2., 4.], dtype=float32)
    """
    root_grad = root_gradient(tensor, gradient, "backward", create_graph)
    _propagate([(tensor, root_grad)], retain_graph=retain_graph or create_graph,
               create_graph=create_graph, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of `outputs` with respect to `inputs`, as `torch.autograd.grad`.

    Returns a tuple with one entry per input; leaves' `.grad` is left untouched. An input
    that `outputs` do not depend on is an error unless `allow_unused=True` (then None).

    >>> x = mg.tensor(3.0, requires_grad=True)
    >>> mg.grad(x ** 2, x)
    (tensor(6., dtype=float32),)
    >>> (dx,) = mg.grad(x ** 3, x, create_graph=True)
    >>> mg.grad(dx, x)
    (tensor(18., dtype=float32),)
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single_input = isinstance(inputs, Tensor)
    inputs = [inputs] if single_input else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs"
        )
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    roots = [(out, root_gradient(out, g, "grad", create_graph))
             for out, g in zip(outputs, grad_outputs)]
    keys = [t if t.grad_fn is None else t.grad_fn for t in inputs]
    retain = create_graph if retain_graph is None else retain_graph
    captured = _propagate(roots, retain_graph=retain, create_graph=create_graph,
                          accumulate=False, capture=set(keys))
    results = []
    for i, (tensor, key) in enumerate(zip(inputs, keys)):
        g = captured.get(key)
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {tensor.shape}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it"
            )
        results.append(g)
    return tuple(results)

