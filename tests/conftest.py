"""Shared test set-up: hypothesis profiles and fixtures that guard global state.

Hypothesis profiles, chosen with the environment variable HYPOTHESIS_PROFILE:

* ``dev`` (default): about 25 examples per property, random each run.
* ``ci``: about 30 examples, derandomized so a run is reproducible, and failures print the
  blob that replays them (``@reproduce_failure``).
* ``long``: hundreds of examples, for a thorough run by hand:
  ``HYPOTHESIS_PROFILE=long python -m pytest tests``.

No profile has a per-example deadline: second-order checks on a loaded machine take
unpredictable time, and a deadline failure would say nothing about correctness.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import minigrad as mg

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Every test starts and ends with float32 as default dtype and grad mode on.

    A test that changes either and fails half-way must not change what later tests see."""
    dtype, enabled = mg.get_default_dtype(), mg.is_grad_enabled()
    yield
    mg.set_default_dtype(dtype)
    mg.set_grad_enabled(enabled)


@pytest.fixture
def float64():
    """Make float64 the default dtype for the test (restored afterwards)."""
    mg.set_default_dtype(np.float64)
    yield np.float64


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded NumPy generator, so test data is the same on every run."""
    return np.random.default_rng(1234)
