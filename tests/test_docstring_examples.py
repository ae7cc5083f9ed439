"""The `>>>` examples in minigrad's docstrings run and print what they show, so the API
reference never teaches something stale. Examples may use `mg`/`minigrad`, `np`, `nn`, `F`
and a small `model` (an `nn.Linear(3, 2)`) without importing them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import minigrad

MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(minigrad.__path__, "minigrad.")
                 if not name.endswith("__main__"))


def examples(module_name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(module_name)
    globs = {"mg": minigrad, "minigrad": minigrad, "np": np, "nn": minigrad.nn,
             "F": minigrad.nn.functional}
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, module_name, globs=None,
                                                           extraglobs=globs)
    return [test for test in tests if test.examples]


def test_the_package_has_examples_to_run():
    assert sum(len(examples(name)) for name in MODULES) > 30


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in examples(module_name):
        minigrad.manual_seed(0)
        test.globs["model"] = minigrad.nn.Linear(3, 2)
        failures = []
        runner.run(test, out=failures.append)
        assert not failures, "".join(failures)
