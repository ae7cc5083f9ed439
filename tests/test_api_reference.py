"""The API reference covers the whole public API, and every public name explains itself.

Public names are those in the `__all__` of minigrad's public modules (and the functions of
`minigrad.nn.init` and `minigrad.testing`). Each needs a docstring, and so does every
public method and property of a public class (one inherited from a documented base counts,
as `help()` shows it). Each public name must also be rendered by a `::: path` directive of
docs/api/*.md, or be a member of a module or class rendered there.

Every public function and class, and every public method and property of `Tensor` and
`Module`, also shows a `>>>` example (tests/test_docstring_examples.py runs them). Constants
(`viz.DEFAULT_MAX_NODES`) are neither functions nor classes and need no docstring or example;
no function or class is exempt.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API_PAGES = sorted((ROOT / "docs" / "api").glob("*.md"))
PUBLIC_MODULES = ("minigrad", "minigrad.nn", "minigrad.nn.functional", "minigrad.nn.init",
                  "minigrad.optim", "minigrad.viz", "minigrad.autograd", "minigrad.testing")


def module_names(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:  # a module of functions: those defined in it
        names = [name for name, value in vars(module).items() if not name.startswith("_")
                 and getattr(value, "__module__", None) == module.__name__]
    return list(names)


def public_api() -> dict[str, object]:
    """Dotted name -> object, for every public name (submodules excluded)."""
    api = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module_names(module):
            value = getattr(module, name)
            if not inspect.ismodule(value):
                api[f"{module_name}.{name}"] = value
    return api


def documented(value) -> bool:
    return bool((inspect.getdoc(value) or "").strip())


def needs_doc(value) -> bool:
    return inspect.isclass(value) or inspect.isroutine(value) or isinstance(value, property)


def public_members(cls) -> dict[str, object]:
    """name -> attribute, for the public methods and properties a class defines or inherits
    from minigrad's own classes."""
    members = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("minigrad"):
            continue
        for name in vars(klass):
            if not name.startswith("_"):
                members[name] = inspect.getattr_static(cls, name)
    return {name: value for name, value in members.items()
            if inspect.isroutine(value) or isinstance(value, (property, staticmethod,
                                                              classmethod))}


def member_doc(cls, name: str, value) -> str:
    if isinstance(value, property):
        for klass in cls.__mro__:  # an overriding property without a docstring inherits one
            prop = vars(klass).get(name)
            if isinstance(prop, property) and prop.__doc__:
                return prop.__doc__
        return ""
    return inspect.getdoc(getattr(cls, name)) or ""


def test_the_public_api_is_large_enough_to_be_real():
    assert len(public_api()) > 150


def test_every_public_name_has_a_docstring():
    missing = [name for name, value in public_api().items()
               if needs_doc(value) and not documented(value)]
    assert not missing, f"public names without a docstring: {missing}"


def test_every_public_method_and_property_has_a_docstring():
    missing = set()
    for value in public_api().values():
        if inspect.isclass(value) and value.__module__.startswith("minigrad"):
            for member, attribute in public_members(value).items():
                if not member_doc(value, member, attribute).strip():
                    owner = next(k for k in value.__mro__ if member in vars(k))
                    missing.add(f"{owner.__module__}.{owner.__qualname__}.{member}")
    assert not missing, f"public members without a docstring: {sorted(missing)}"


def has_example(doc: str) -> bool:
    return any(line.lstrip().startswith(">>>") for line in doc.splitlines())


def test_every_public_function_and_class_has_an_example():
    missing = [name for name, value in public_api().items()
               if needs_doc(value) and not has_example(inspect.getdoc(value) or "")]
    assert not missing, f"public names without a >>> example: {missing}"


@pytest.mark.parametrize("cls", ["Tensor", "nn.Module"])
def test_every_method_and_property_of_tensor_and_module_has_an_example(cls):
    value = resolve(f"minigrad.{cls}")
    missing = sorted(name for name, attribute in public_members(value).items()
                     if not has_example(member_doc(value, name, attribute)))
    assert not missing, f"{cls} members without a >>> example: {missing}"


def resolve(path: str):
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            value = getattr(value, part)
        return value
    raise ImportError(path)


def rendered_objects() -> set[int]:
    """ids of the objects the API pages render: each `::: path` and, for a module, its
    `members:` (or all of its public names)."""
    shown = set()
    for page in API_PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^::: ([\w.]+)\n((?:[ \t]+.*\n?)*)", text, re.M):
            value = resolve(match.group(1))
            shown.add(id(value))
            members = re.search(r"members:\s*\[([^\]]*)\]", match.group(2))
            if inspect.ismodule(value):
                names = ([m.strip() for m in members.group(1).split(",")] if members
                         else module_names(value))
                shown |= {id(getattr(value, name)) for name in names if name}
    return shown


@pytest.mark.parametrize("page", API_PAGES, ids=lambda p: p.stem)
def test_api_pages_resolve(page):
    for path in re.findall(r"^::: ([\w.]+)", page.read_text(encoding="utf-8"), re.M):
        resolve(path)


def test_the_api_reference_renders_every_public_name():
    shown = rendered_objects()
    missing = sorted(name for name, value in public_api().items()
                     if needs_doc(value) and id(value) not in shown)
    assert not missing, f"public names missing from docs/api/*.md: {missing}"
