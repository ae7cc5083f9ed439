"""The architecture, checked: module-level imports inside minigrad form no cycle and go one
way through the layers; importing minigrad installs nothing and needs no graphviz."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import minigrad
from minigrad.nn import functional as F  # noqa: N812 - the customary name
from minigrad.nn import hooks
from minigrad.registry import PRIMITIVES

PACKAGE = Path(minigrad.__file__).parent

# Lower layers first; a module may import only from its own layer or below.
LAYERS = [
    ["minigrad.dtypes", "minigrad.shapes", "minigrad.random", "minigrad.hooks",
     "minigrad.registry"],
    ["minigrad.tensor"],
    ["minigrad.autograd"],
    ["minigrad.ops"],
    ["minigrad.routines", "minigrad.factories", "minigrad.testing", "minigrad.section2"],
    ["minigrad.nn"],
    ["minigrad.optim", "minigrad.serialization"],
    ["minigrad.viz"],
    ["minigrad"],  # the package itself: the public surface (experiments load on first use)
    ["minigrad.experiments"],
    ["minigrad.demo", "minigrad.cli", "minigrad.__main__"],
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(path: Path) -> set[str]:
    """minigrad modules imported when `path` is imported (not inside functions or classes,
    not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                pending.extend(handler.body)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from package import submodule` imports the submodule
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {name for name in found if name.split(".")[0] == "minigrad"}


def import_graph() -> dict[str, set[str]]:
    """Module -> the minigrad modules it imports by name at module level. (Importing
    `a.b.c` also runs the packages `a` and `a.b`; the top package `minigrad` is the entry
    point that imports everything, so only the named modules count.)"""
    return {name: {t for t in module_level_imports(path) if t in MODULES} - {name}
            for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a list of modules, found by an iterative depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            for target in stack[-1]:
                if state.get(target) == 1:
                    return path[path.index(target):] + [target]
                if not state.get(target):
                    state[target] = 1
                    path.append(target)
                    stack.append(iter(sorted(graph[target])))
                    break
            else:
                state[path.pop()] = 2
                stack.pop()
    return None


def layer_of(module: str) -> int:
    best, best_length = None, -1
    for index, layer in enumerate(LAYERS):
        for prefix in layer:
            inside = module == prefix or (prefix != "minigrad" and module.startswith(prefix + "."))
            if inside and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    assert best is not None, f"{module} is in no layer of the architecture"
    return best


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_level_import_cycle_in_minigrad():
    assert find_cycle(import_graph()) is None


def test_imports_go_down_the_layers_only():
    upward = [
        f"{source} (layer {layer_of(source)}) imports {target} (layer {layer_of(target)})"
        for source, targets in import_graph().items() for target in targets
        if layer_of(target) > layer_of(source)
    ]
    assert upward == []


def test_importing_minigrad_installs_no_module_hook():
    assert hooks.global_forward_hooks == {} and hooks.global_forward_pre_hooks == {}


def test_minigrad_imports_and_trains_without_the_graphviz_package():
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'graphviz' or name.startswith('graphviz.'):\n"
        "            raise ImportError('graphviz is blocked for this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import minigrad as mg\n"
        "model = mg.nn.Sequential(mg.nn.Linear(3, 2), mg.nn.ReLU())\n"
        "loss = model(mg.randn(4, 3)).sum()\n"
        "loss.backward()\n"
        "assert 'graphviz' not in sys.modules\n"
        "try:\n"
        "    mg.viz.draw(loss)\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "pip install graphviz" in result.stdout


def test_each_fused_primitive_is_named_after_the_function_that_applies_it():
    fused = {cls.name: cls for cls in PRIMITIVES.values() if cls.is_fusion()}
    assert {"linear", "batch_norm", "cross_entropy"} <= set(fused)
    for name, cls in fused.items():
        function = getattr(F, name, None)
        assert callable(function), f"the fused primitive {name!r} has no F.{name}"
        assert f"{cls.__name__}.apply(" in inspect.getsource(function), \
            f"F.{name} does not apply {cls.__name__}"


def test_no_test_module_imports_another():
    """Shared test code lives in tests/conftest.py or tests/helpers/, never in a test module."""
    tests = Path(__file__).parent
    offenders = []
    for path in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name} imports {name}" for name in names
                          if name.split(".")[0].startswith("test_")]
    assert offenders == []
