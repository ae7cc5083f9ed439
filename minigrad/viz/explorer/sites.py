"""Where in the user's code each op was created, recorded only inside `record_sites()`
(which `minigrad.viz.record()` enters, with the recording of module calls).

Normal training pays nothing for this: outside the context, `Function.apply` is the
engine's own. Inside it, `apply` is wrapped so that every recorded node remembers the
innermost frame of the caller's code (the first frame outside minigrad's library
modules), kept in a weak registry keyed by the node so it disappears with the graph.
Scripts of the package that play the part of user code (the built-in examples, the
experiments, the demo) count as user code, so their pictures point at their own lines.

    with record_sites():
        loss = model(x).mean()
    site_of(loss.grad_fn)   # Site('train.py', 12, 'step')
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from minigrad.autograd.function import Function, Node
from minigrad.tensor import Tensor
from minigrad.viz import modules

_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Library code: an op created from here was asked for by a caller further up the stack.
_LIBRARY = tuple(os.path.join(_PACKAGE, part) for part in (
    "autograd" + os.sep, "ops" + os.sep, "nn" + os.sep, "optim" + os.sep, "tensor" + os.sep,
    os.path.join("viz", "explorer") + os.sep, "functions.py", "factories.py", "shapes.py",
    "dtypes.py", "random.py", "testing.py", "registry.py", "hooks.py",
))


@dataclass(frozen=True)
class Site:
    """A line of user code: file, line number and the function it is in."""

    filename: str
    lineno: int
    function: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno} in {self.function}"


_sites: weakref.WeakKeyDictionary[Node, Site] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_depth = 0
_engine_apply = Function.__dict__["apply"]  # the classmethod object itself


def _user_site() -> Site | None:
    frame = sys._getframe(2)  # skip this function and the wrapper
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_LIBRARY):
            return Site(filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return None


def _recording_apply(cls, *inputs, **params):
    out = _engine_apply.__func__(cls, *inputs, **params)
    node = out.grad_fn if isinstance(out, Tensor) else None
    if node is not None and node not in _sites:
        site = _user_site()
        if site is not None:
            _sites[node] = site
    return out


@contextlib.contextmanager
def record_sites() -> Iterator[None]:
    """Remember where each op created inside the block was called from (see `site_of`).

    Process-wide while any thread is inside it, like `detect_anomaly`; nesting is fine.
    """
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            Function.apply = classmethod(_recording_apply)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                Function.apply = _engine_apply


def site_of(node: Node) -> Site | None:
    """The user code that created `node`, if it was created inside `record_sites()`."""
    return _sites.get(node)


class record(modules.record):
    """`minigrad.viz.record()`: inside the block, module calls are recorded (drawings and
    the explorer group their ops in clusters) and so is the line of code that created
    each op (the explorer shows it in a vertex's details).

        with minigrad.viz.record():
            loss = loss_fn(model(x), y)
        minigrad.viz.explore(loss, params=model).save("graph.html")

    >>> layer = nn.Linear(3, 2)
    >>> with mg.viz.record():
    ...     y = layer(mg.ones(1, 3))
    >>> mg.viz.draw(y, params=layer).source.count("subgraph cluster")
    1
    """

    def __enter__(self) -> record:
        super().__enter__()
        self._sites = record_sites()
        self._sites.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._sites.__exit__(*exc_info)
        finally:
            super().__exit__(*exc_info)

