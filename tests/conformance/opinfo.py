"""The conformance table's framework: one `OpInfo` per operation, checked against PyTorch.

The contract (kept stable: families of ops are added as new modules, never by editing this
one):

* Entries live in modules `tests/conformance/ops_<family>.py`, each exporting
  `OPS: list[OpInfo]`. The collector (`all_ops()`) imports every `ops_*.py` module in this
  directory; nothing else needs to change to add a family.
* An `OpInfo` names what it covers in `covers`: primitive names as registered
  (`"add"`), Tensor methods as `"Tensor.<name>"` (`"Tensor.__add__"`), module functions as
  `"mg.<name>"` and functional ones as `"F.<name>"`. `test_every_op_has_an_entry` fails when
  a registered primitive, a public Tensor method or a public function of `minigrad` or
  `minigrad.nn.functional` is covered by no entry and not listed in `NOT_OPS`.
* `op(*args, **kwargs)` runs minigrad, `ref(*args, **kwargs)` runs PyTorch; both receive
  the sample's arguments with every NumPy array turned into that library's tensor (floating
  arrays require grad when the entry is differentiable and the argument is in `grad_args`).
  Samples are plain data (`Sample`): arrays, numbers, lists, keyword arguments; `ref_kwargs`
  replaces `kwargs` on PyTorch's side where the spellings differ (NumPy aliases).
* `samples(dtype)` yields the samples for a floating dtype (float64 and float32 are run).
  Each sample is compared: forward values (NaN equal to NaN) and dtype; for differentiable
  entries, first-order gradients (a random cotangent, the same for both) in float64; and
  second order for the entry's first sample marked `second_order`.
* Deliberate differences from PyTorch are `Difference`s in an entry's `differences`; the
  "Differences from PyTorch" page (docs/differences.md) lists them all, and a test checks
  that it does. A sample that shows a difference is not in the table: the difference is.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import minigrad as mg

FLOATS = (np.float64, np.float32)


@dataclass(frozen=True)
class Difference:
    """A deliberate difference from PyTorch, stated once, for the docs page."""

    what: str
    why: str


@dataclass(frozen=True)
class Sample:
    """One call: positional `args` (arrays become tensors) and keyword `kwargs`."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""
    ref_kwargs: dict | None = None  # PyTorch's keywords, when they differ
    grad: bool = True  # compare first-order gradients for this sample
    second_order: bool = False  # compare second order too (one sample per entry suffices)


@dataclass(frozen=True)
class OpInfo:
    """An operation, its PyTorch reference, its samples, and what it may differ in."""

    name: str
    op: Callable
    ref: Callable
    samples: Callable[[np.dtype], Iterable[Sample]]
    covers: tuple[str, ...] = ()
    dtypes: tuple = FLOATS
    differentiable: bool = True
    grad_args: tuple[int, ...] | None = None  # positions that may require grad (None: all)
    atol: float = 1e-10  # float64; float32 uses `atol32` / `rtol32`
    rtol: float = 1e-8
    atol32: float = 1e-5
    rtol32: float = 1e-4
    differences: tuple[Difference, ...] = ()


# Public names that are not operations to compare with PyTorch: graph machinery, random
# sampling, global state, I/O. Each says where it is tested instead.
NOT_OPS = {
    "Tensor.backward": "autograd machinery (tests/test_autograd.py)",
    "Tensor.register_hook": "autograd machinery (tests/test_autograd.py, test_parity_regressions)",
    "Tensor.requires_grad": "autograd attribute (tests/test_tensor.py)",
    "Tensor.requires_grad_": "autograd attribute (tests/test_tensor.py)",
    "Tensor.retain_grad": "autograd machinery (tests/test_autograd.py)",
    "Tensor.grad": "autograd attribute (tests/test_autograd.py)",
    "Tensor.grad_fn": "graph attribute (tests/test_autograd.py)",
    "Tensor.is_leaf": "graph attribute (tests/test_autograd.py)",
    "Tensor.name": "a drawing's label (tests/test_viz_draw.py)",
    "Tensor.wrap": "internal no-copy constructor (tests/test_tensor.py)",
    "Tensor.data": "the array itself (tests/test_parity_regressions.py)",
    "Tensor.detached_from": "a drawing's link (tests/test_viz_draw.py)",
    "Tensor.values_freed": "memory after backward (tests/test_parity_regressions.py)",
    "Tensor.device": "always 'cpu'",
    "mg.Tensor": "the class",
    "mg.nn": "a package (its functional API is in the table)",
    "mg.optim": "optimizers (tests/test_optim.py)",
    "mg.viz": "drawing (tests/test_viz_*.py)",
    "mg.detect_anomaly": "debugging mode (tests/test_anomaly.py)",
    "mg.enable_grad": "grad mode (tests/test_autograd.py)",
    "mg.no_grad": "grad mode (tests/test_autograd.py)",
    "mg.set_grad_enabled": "grad mode (tests/test_autograd.py)",
    "mg.is_grad_enabled": "grad mode (tests/test_autograd.py)",
    "mg.get_default_dtype": "global setting (tests/test_tensor.py)",
    "mg.set_default_dtype": "global setting (tests/test_tensor.py)",
    "mg.grad": "the engine; every gradient in this table goes through it",
    "mg.gradcheck": "testing tool (tests/test_testing.py)",
    "mg.gradgradcheck": "testing tool (tests/test_testing.py)",
    "mg.load": "I/O (tests/test_serialization.py)",
    "mg.save": "I/O (tests/test_serialization.py)",
    "mg.manual_seed": "random state (tests/test_tensor.py)",
    "mg.rand": "random samples: a different generator from PyTorch's",
    "mg.randn": "random samples: a different generator from PyTorch's",
    "F.dropout": "random mask: a different generator from PyTorch's (tests/test_nn_layers.py)",
}


def all_ops() -> list[OpInfo]:
    """Every entry of every `ops_*.py` module beside this one."""
    here = Path(__file__).parent
    entries: list[OpInfo] = []
    for module in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if module.name.startswith("ops_"):
            entries.extend(importlib.import_module(f"{__package__}.{module.name}").OPS)
    return entries


def public_names() -> set[str]:
    """What must be covered: registered primitives, public Tensor methods (operators
    included) and the public functions of `minigrad` and `minigrad.nn.functional`."""
    import minigrad.nn.functional as F  # noqa: N812 - PyTorch's spelling

    names = set(mg.registry.PRIMITIVES)
    names |= {f"Tensor.{n}" for n in dir(mg.Tensor) if not n.startswith("_")}
    infrastructure = {"__init__", "__slots__", "__module__", "__weakref__", "__array_ufunc__",
                      "__hash__", "__repr__", "__doc__", "__dict__", "__annotations__"}
    for cls in mg.Tensor.__mro__[:-1]:
        names |= {f"Tensor.{n}" for n in vars(cls)
                  if n.startswith("__") and n.endswith("__") and n not in infrastructure}
    names |= {f"mg.{n}" for n in mg.__all__}
    names |= {f"F.{n}" for n in F.__all__}
    return names


# --- running one sample on either library ------------------------------------------------

def _tensor_args(sample: Sample, entry: OpInfo, dtype, make) -> list:
    args = []
    for i, a in enumerate(sample.args):
        if isinstance(a, np.ndarray):
            if a.dtype.kind == "f":
                a = a.astype(dtype, copy=False) if a.dtype != dtype else a
            wants_grad = entry.differentiable and a.dtype.kind == "f" and \
                (entry.grad_args is None or i in entry.grad_args)
            args.append(make(a, wants_grad))
        elif isinstance(a, list) and a and all(isinstance(t, np.ndarray) for t in a):
            args.append([make(t.astype(dtype) if t.dtype.kind == "f" else t,
                              entry.differentiable and t.dtype.kind == "f") for t in a])
        else:
            args.append(a)
    return args


def _leaves(args: list) -> list:
    flat = []
    for a in args:
        flat.extend(a if isinstance(a, list) else [a])
    return [a for a in flat if getattr(a, "requires_grad", False)]


def _mg_tensor(array: np.ndarray, requires_grad: bool):
    return mg.Tensor(array, requires_grad=requires_grad)  # views stay views: no copy


def _torch_tensor(array: np.ndarray, requires_grad: bool):
    import torch

    return torch.tensor(np.array(array, copy=True), requires_grad=requires_grad)


def outputs(result) -> tuple:
    """An op's result as a tuple of tensors (a (values, indices) pair gives two)."""
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def as_numpy(value) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor (minigrad's detach is also fine)
        value = value.detach()
        return value.numpy() if not isinstance(value, mg.Tensor) else value.data
    if isinstance(value, mg.Tensor):
        return value.data
    return np.asarray(value)


@dataclass
class Run:
    """One library's run of a sample: its outputs and the leaves that require grad."""

    outputs: tuple
    leaves: list


def run(entry: OpInfo, sample: Sample, dtype, library: str) -> Run:
    if library == "minigrad":
        args = _tensor_args(sample, entry, dtype, _mg_tensor)
        result = entry.op(*args, **sample.kwargs)
    else:
        args = _tensor_args(sample, entry, dtype, _torch_tensor)
        kwargs = sample.kwargs if sample.ref_kwargs is None else sample.ref_kwargs
        result = entry.ref(*args, **kwargs)
    return Run(outputs(result), _leaves(args))


def differentiable_outputs(run_: Run) -> list:
    return [o for o in run_.outputs if getattr(o, "requires_grad", False)]


def cotangents(shapes: Iterator[tuple], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def assert_close(actual, expected, atol: float, rtol: float, what: str) -> None:
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, \
        f"{what}: shape {actual.shape}, PyTorch {expected.shape}"
    if expected.dtype.kind == "b" or actual.dtype.kind == "b" or expected.dtype.kind in "iu":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
        return
    np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64),
                               atol=atol, rtol=rtol, equal_nan=True, err_msg=what)


def sample_id(entry: OpInfo, sample: Sample, index: int) -> str:
    return f"{entry.name}-{sample.name or index}"


def entries_with_samples(entries: list[OpInfo], dtype) -> list[tuple[OpInfo, Sample, int]]:
    return [(e, s, i) for e in entries if dtype in e.dtypes
            for i, s in enumerate(e.samples(np.dtype(dtype)))]



# --- the "Differences from PyTorch" page -------------------------------------------------

DOCS_PAGE = Path(__file__).parents[2] / "docs" / "differences.md"


def differences_page(entries: list[OpInfo] | None = None) -> str:
    """docs/differences.md, generated from the table's `differences` (regenerate it with
    `cd tests && PYTHONPATH=.. python -c "from conformance.opinfo import write_differences_page
    as w; w()"`).
    """
    entries = all_ops() if entries is None else entries
    seen: dict[Difference, list[str]] = {}
    for entry in entries:
        for difference in entry.differences:
            seen.setdefault(difference, []).append(entry.name)
    lines = [
        "# Differences from PyTorch",
        "",
        "minigrad follows PyTorch wherever both have a name: signatures, defaults and",
        "values. The conformance suite (`tests/conformance/`) checks every primitive, every",
        "public Tensor method and every public function against PyTorch, in float64 and",
        "float32, forward and backward. Where minigrad differs on purpose, the suite's table",
        "says so, and this page lists it (it is generated from the table).",
        "",
        "NumPy's spellings are accepted as aliases everywhere: `axis=` for `dim=`,",
        "`keepdims=` for `keepdim=`, `ddof=` for the variance's `correction=`. They change",
        "the spelling, never the meaning (`x.var(axis=0)` is unbiased, as `x.var(dim=0)`).",
        "",
        "| What | Why | Entries |",
        "|---|---|---|",
    ]
    for difference, names in seen.items():
        lines.append(f"| {difference.what} | {difference.why} | "
                     f"{', '.join(f'`{n}`' for n in names)} |")
    return "\n".join(lines) + "\n"


def write_differences_page() -> None:
    DOCS_PAGE.write_text(differences_page(), encoding="utf-8")
