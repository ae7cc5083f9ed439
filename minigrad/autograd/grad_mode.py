"""Grad mode: whether operations record the graph. Thread-local, as in PyTorch."""

from __future__ import annotations

import functools
import threading


class _GradMode(threading.local):
    enabled = True  # each thread starts with grad mode on


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new operations on tensors that require grad are recorded."""
    return _mode.enabled


class set_grad_enabled:
    """Context manager and decorator that sets grad mode, restoring it on exit."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = bool(enabled)
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        self._previous.append(_mode.enabled)
        _mode.enabled = self._enabled

    def __exit__(self, *exc_info) -> None:
        _mode.enabled = self._previous.pop()

    def __call__(self, function):
        enabled = self._enabled

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            # A fresh manager per call keeps decorated functions re-entrant and thread-safe.
            with set_grad_enabled(enabled):
                return function(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """Operations inside record nothing: `with no_grad(): ...` or `@no_grad()`."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Turn recording back on inside a `no_grad` block."""

    def __init__(self) -> None:
        super().__init__(True)
