"""The example graphs behind `python -m minigrad graph NAME -o FILE`.

Each example builds a small graph (seeded, so pictures are reproducible), runs backward so
the drawing can show gradients, and returns what `draw` needs. `EXAMPLES` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from minigrad import factories
from minigrad.random import manual_seed
from minigrad.section2 import section2_layer
from minigrad.tensor import Tensor
from minigrad.viz.modules import record


@dataclass
class Figure:
    """The arguments of one drawing: `draw(roots, **options)`."""

    roots: list[Tensor]
    options: dict = field(default_factory=dict)
    keep_alive: tuple = ()  # models and inputs whose graph the drawing reads


@dataclass(frozen=True)
class Example:
    name: str
    description: str
    build: Callable[[], Figure]


@dataclass
class Section2Graph:
    """The section-2 layer (`minigrad.section2`) and a loss of its output, named for drawings."""

    b: Tensor
    x: Tensor
    mean: Tensor
    x_hat: Tensor
    loss: Tensor


def section2_graph(detached: bool = False) -> Section2Graph:
    """`section2_layer` (E[x] detached or not) on a (4, 3) batch u with a bias b of zeros,
    and loss = mean((x_hat - target)^2), in float64, every tensor named."""
    manual_seed(0)
    u = factories.randn(4, 3, dtype=np.float64)
    u.name = "u"
    target = factories.randn(4, 3, dtype=np.float64)
    target.name = "target"
    b = factories.zeros(3, dtype=np.float64, requires_grad=True)
    b.name = "b"
    x, mean, x_hat = section2_layer(u, b, "detached" if detached else "full")
    x.name, mean.name, x_hat.name = "x", "E[x]", "x_hat"
    loss = ((x_hat - target) ** 2).mean()
    loss.name = "loss"
    return Section2Graph(b, x, mean, x_hat, loss)


def _section2(detached: bool, paths: bool) -> Figure:
    layer = section2_graph(detached)
    layer.loss.backward(retain_graph=True)
    which = "E[x] detached: the gradient ignores how E[x] depends on b" if detached else \
        "E[x] differentiated: dloss/db = 0 (up to rounding)"
    options = {"title": f"Section 2 of the BatchNorm paper, {which}"}
    if paths:
        options["wrt"] = layer.b
    return Figure([layer.loss], options, keep_alive=(layer,))


def _batch_norm_layer(fused: bool, stats: str = "batch", expand: bool = False) -> Figure:
    from minigrad.nn import functional as F  # noqa: N812 - the customary name

    manual_seed(0)
    x = factories.randn(8, 3, dtype=np.float64)
    x.name = "x"
    gamma = factories.ones(3, dtype=np.float64, requires_grad=True)
    gamma.name = "gamma"
    beta = factories.zeros(3, dtype=np.float64, requires_grad=True)
    beta.name = "beta"
    w = factories.randn(3, 3, dtype=np.float64, requires_grad=True)
    w.name = "W"
    u = x @ w
    u.name = "u"
    y = F.batch_norm(u, None, None, gamma, beta, training=True, stats=stats, fused=fused)
    y.name = "y"
    loss = (y * y.tanh()).mean()
    loss.name = "loss"
    loss.backward(retain_graph=True)
    form = "one fused op" if fused else "composed of primitives"
    if expand:
        form += ", drawn expanded with expand_fused=True"
    title = f"BatchNorm ({form}, stats={stats!r})"
    return Figure([loss], {"title": title, "expand_fused": expand})


def _mlp() -> Figure:
    from minigrad import nn

    manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    x = factories.randn(16, 4)
    x.name = "x"
    labels = Tensor(np.arange(16) % 3)
    labels.name = "labels"
    with record():
        loss = nn.CrossEntropyLoss()(model(x), labels)
    loss.name = "loss"
    loss.backward(retain_graph=True)
    return Figure([loss], {"params": model, "title": "A small MLP with BatchNorm"},
                  keep_alive=(model,))


EXAMPLES: dict[str, Example] = {e.name: e for e in (
    Example("section2", "x = u + b, x_hat = x - E[x]: the section-2 layer, differentiated "
            "through E[x]", lambda: _section2(detached=False, paths=False)),
    Example("section2-detached", "the same layer with E[x] detached (dashed edge)",
            lambda: _section2(detached=True, paths=False)),
    Example("section2-paths", "the gradient paths from b: the path through E[x] cancels "
            "the direct one", lambda: _section2(detached=False, paths=True)),
    Example("section2-detached-paths", "with E[x] detached only the direct path is left, so "
            "dloss/db is not 0", lambda: _section2(detached=True, paths=True)),
    Example("batchnorm-composed", "BatchNorm as primitives: mean, sub, var, add eps, sqrt, "
            "div, mul gamma, add beta", lambda: _batch_norm_layer(fused=False)),
    Example("batchnorm-fused", "BatchNorm as one fused op",
            lambda: _batch_norm_layer(fused=True)),
    Example("batchnorm-expanded", "the fused op drawn as its composed graph "
            "(expand_fused=True)", lambda: _batch_norm_layer(fused=True, expand=True)),
    Example("batchnorm-detached", "BatchNorm composed with stats='detached': dashed edges "
            "where the statistics are cut", lambda: _batch_norm_layer(False, "detached")),
    Example("mlp", "Linear -> BatchNorm1d -> ReLU -> Linear, cross-entropy loss; one "
            "cluster per module call", _mlp),
)}


def build(name: str) -> Figure:
    """The figure of the example `name` (see `EXAMPLES`)."""
    if name not in EXAMPLES:
        raise KeyError(f"no example graph named {name!r}; choose one of "
                       f"{', '.join(EXAMPLES)}")
    return EXAMPLES[name].build()
