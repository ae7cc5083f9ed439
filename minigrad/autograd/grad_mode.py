"""Grad mode: whether operations record the graph. Thread-local, as in PyTorch."""

from __future__ import annotations

import functools
import threading


class _GradMode(threading.local):
    enabled = True  # each thread starts with grad mode on


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new operations on tensors that require grad are recorded.

    >>> with mg.no_grad():
    ...     print(mg.is_grad_enabled())
    False
    """
    return _mode.enabled


class _GradModeContext:
    """Sets grad mode inside a `with` block or a decorated function, restoring it after."""

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
            with _GradModeContext(enabled):
                return function(*args, **kwargs)

        return wrapper


class no_grad(_GradModeContext):
    """Operations inside record nothing: `with no_grad(): ...` or `@no_grad()`.

    >>> w = mg.ones(2, requires_grad=True)
    >>> with mg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad, y.grad_fn is None
    (False, True)
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_GradModeContext):
    """Turn recording back on inside a `no_grad` block.

    >>> w = mg.ones(2, requires_grad=True)
    >>> with mg.no_grad(), mg.enable_grad():
    ...     y = w * 2
    >>> y.requires_grad
    True
    """

    def __init__(self) -> None:
        super().__init__(True)


class set_grad_enabled(_GradModeContext):
    """Set grad mode: at once when called (`set_grad_enabled(False)`), or for a `with`
    block or a decorated function, restoring the previous mode afterwards (as PyTorch).

    >>> training = False
    >>> with mg.set_grad_enabled(training):
    ...     y = mg.ones(2, requires_grad=True) * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, enabled: bool) -> None:
        super().__init__(enabled)
        self._before = _mode.enabled
        _mode.enabled = self._enabled

    def __enter__(self) -> None:
        self._previous.append(self._before)
        _mode.enabled = self._enabled

    def __call__(self, function):
        _mode.enabled = self._before  # as a decorator it acts only while the function runs
        return super().__call__(function)
