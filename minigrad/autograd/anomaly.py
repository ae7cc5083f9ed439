"""Anomaly detection: find the op that first produced a NaN or an infinity.

    from minigrad.autograd.anomaly import detect_anomaly

    with detect_anomaly():
        loss = model(x).log().mean()   # AnomalyError: 'log' produced -inf ..., called at
        loss.backward()                # File "train.py", line 12, in step: loss = ...

Inside `detect_anomaly()`:

* forward: every op records where in the user's code it was called (the stack with
  minigrad's own frames removed) and raises `AnomalyError` when its output holds a NaN
  or an infinity that its inputs did not hold;
* backward: every VJP's result is checked, and a NaN or infinity raises `AnomalyError`
  naming the op, its shapes, and the place in the user's code where that op was created
  in the forward pass. Ops that run *inside* a VJP are not checked one by one: only the
  gradient the VJP returns counts, so a masked intermediate is no false alarm.

Outside it, the engine reads one flag per op and does nothing else.

The switch is process-wide (the flag lives on the engine, not per thread): while any
thread is inside `detect_anomaly()`, ops run by every thread are checked. Entering and
leaving are counted under a lock, so nested and concurrent uses are safe; detection
stays on until the last one leaves.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import traceback
from collections.abc import Sequence

import numpy as np

from minigrad.autograd.engine import is_backward_running
from minigrad.autograd.function import _anomaly

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_TRACE_LINES = 8  # innermost user frames shown in a message; `error.trace` keeps them all


class AnomalyError(FloatingPointError):
    """A NaN or an infinity appeared under `detect_anomaly()`.

    A `FloatingPointError` (the built-in for "a float computation went wrong"), so
    `except FloatingPointError` catches it as well. Attributes: `op` (the op's name),
    `phase` (`"forward"` or `"backward"`) and `trace` (a `traceback.StackSummary` of the
    user's code that created the op, or None if it was created outside detection).

    >>> x = mg.tensor([1.0, 0.0])
    >>> try:
    ...     with mg.detect_anomaly():
    ...         y = x.log()
    ... except mg.autograd.AnomalyError as error:
    ...     print(error.op, error.phase)
    log forward
    """

    def __init__(self, message: str, op: str, phase: str,
                 trace: traceback.StackSummary | None) -> None:
        super().__init__(message)
        self.op, self.phase, self.trace = op, phase, trace


def _user_stack() -> traceback.StackSummary:
    """The caller's stack without minigrad's frames (oldest first)."""
    frames = []
    frame = sys._getframe(2)  # skip this function and the check that called it
    while frame is not None:
        if not frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            frames.append((frame, frame.f_lineno))
        frame = frame.f_back
    frames.reverse()
    # Source lines are read only if a message is formatted.
    return traceback.StackSummary.extract(iter(frames), lookup_lines=False)


def _site(trace: traceback.StackSummary | None) -> str:
    """Where an op was created, innermost user frame first, then the calls that led there."""
    if trace is None:
        return ("(the op was created outside detect_anomaly(), so its creation site is "
                "unknown: enter detect_anomaly() before the forward pass)")
    if not trace:
        return "(no frame outside minigrad)"
    last = trace[-1]
    line = f": {last.line.strip()}" if last.line else ""
    head = f'File "{last.filename}", line {last.lineno}, in {last.name}{line}'
    shown = traceback.StackSummary.from_list(list(trace)[-_TRACE_LINES:])
    return f"{head}\nTraceback of the forward call (most recent call last):\n" + "".join(
        shown.format()
    ).rstrip()


def _describe(values: np.ndarray) -> str:
    """'NaN', 'inf' or '-inf' (those present) and how many elements are not finite."""
    values = np.asarray(values)
    kinds = [name for name, present in (
        ("NaN", np.isnan(values).any()),
        ("inf", np.isposinf(values).any()),
        ("-inf", np.isneginf(values).any()),
    ) if present]
    count = int(values.size - np.count_nonzero(np.isfinite(values)))
    return f"{' and '.join(kinds)} ({count} of {values.size} elements)"


def _has_non_finite(values) -> bool:
    values = np.asarray(values)
    return values.dtype.kind in "fc" and not np.isfinite(values).all()


def _shapes(tensors: Sequence) -> str:
    return ", ".join(str(t.shape) for t in tensors) or "no inputs"


def _check_forward(op, inputs, out, ctx) -> None:
    trace = _user_stack()
    ctx._trace = trace
    if is_backward_running() or not _has_non_finite(out):
        return  # inside a VJP only the gradient it returns is checked (by _check_backward)
    arrays = [np.asarray(t.data) for t in inputs]
    if np.isnan(out).any():
        new = not any(a.dtype.kind in "fc" and np.isnan(a).any() for a in arrays)
    else:  # infinities: new unless an input was already not finite
        new = not any(_has_non_finite(a) for a in arrays)
    if not new:
        return  # carried over from an input the user supplied: not this op's doing
    raise AnomalyError(
        f"detect_anomaly: '{op.name}' produced {_describe(out)} in its output of shape "
        f"{np.shape(out)} from finite inputs of shape {_shapes(inputs)}; "
        f"the op was called at {_site(trace)}",
        op.name, "forward", trace,
    )


def _check_backward(node, input_grads) -> None:
    for index, (tensor, grad) in enumerate(zip(node.inputs, input_grads)):
        if grad is None or not tensor.requires_grad or not _has_non_finite(grad.data):
            continue
        output_shape = np.shape(node._output) if node._output is not None else "unknown"
        raise AnomalyError(
            f"detect_anomaly: the backward of '{node.op.name}' returned {_describe(grad.data)} "
            f"in the gradient of its input {index} (shape {tensor.shape}); the op has inputs "
            f"of shape {_shapes(node.inputs)} and output of shape {output_shape}; "
            f"it was created at {_site(node._trace)}",
            node.op.name, "backward", node._trace,
        )


class _Switch:
    """Counts active `detect_anomaly` blocks; the checks are installed while any is open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0

    def enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                _anomaly.check_forward = _check_forward
                _anomaly.check_backward = _check_backward
                _anomaly.enabled = True
            self._depth += 1

    def leave(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                _anomaly.enabled = False
                # Back to the class's no-op checks.
                del _anomaly.check_forward, _anomaly.check_backward


_switch = _Switch()


def is_anomaly_enabled() -> bool:
    """True while some `detect_anomaly()` block is active.

    >>> mg.autograd.is_anomaly_enabled()
    False
    >>> with mg.detect_anomaly():
    ...     print(mg.autograd.is_anomaly_enabled())
    True
    """
    return bool(_anomaly.enabled)


class detect_anomaly:
    """Raise `AnomalyError` at the first NaN or infinity an op produces, forward or backward.

    A context manager (`with detect_anomaly(): ...`) and a decorator
    (`@detect_anomaly()`); nested use is fine. Errors name the op (`'log'`), the shapes,
    and the line of user code that created the op. Checking costs a stack walk and a
    finiteness test per op, so use it to debug, not to train.

    >>> x = mg.tensor([0.0], requires_grad=True)
    >>> with mg.detect_anomaly():
    ...     y = x.log()
    Traceback (most recent call last):
        ...
    minigrad.autograd.anomaly.AnomalyError: detect_anomaly: 'log' produced -inf ...
    """

    def __enter__(self) -> detect_anomaly:
        _switch.enter()
        return self

    def __exit__(self, *exc_info) -> None:
        _switch.leave()

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with detect_anomaly():
                return function(*args, **kwargs)

        return wrapper


__all__ = ["AnomalyError", "detect_anomaly", "is_anomaly_enabled"]
