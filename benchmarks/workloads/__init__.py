"""The workloads, in the order the table shows them."""

from __future__ import annotations

import importlib

from benchmarks.workloads.base import Workload

NAMES = ("mlp_step", "cnn_step", "tiny_ops", "batchnorm", "deep_chain", "module_call", "moons",
         "memory")


def load(name: str) -> Workload:
    if name not in NAMES:
        raise KeyError(f"unknown workload {name!r}; choose from {', '.join(NAMES)}")
    return importlib.import_module(f"benchmarks.workloads.{name}").WORKLOAD
