"""load_state_dict with values that cannot be copied into the model: an error naming the key,
and the model left as it was (nothing is copied unless everything can be)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn


@pytest.mark.parametrize("value, problem", [
    (np.array([["a", "b"]]), r"is not numeric \(ndarray of dtype <U1\); the model holds "
                             "float32"),
    ([["a", "b"]], r"is not numeric \(list of dtype <U1\)"),
    ("weights", r"is not numeric \(str of dtype <U7\)"),
    (np.array([[None, 1]], dtype=object), r"is not numeric \(ndarray of dtype object\)"),
    ({"a": 1}, r"is not numeric \(dict of dtype object\)"),
    ([[1, [2]]], "cannot be converted to an array"),
    ([[1 + 2j, 0]], "is complex; the model holds float32, which would drop the imaginary"),
])
def test_a_value_that_cannot_be_copied_names_the_key(value, problem) -> None:
    model = nn.Sequential(nn.Linear(2, 1), nn.Linear(1, 1))
    before = {key: tensor.data.copy() for key, tensor in model.state_dict().items()}
    state = model.state_dict()
    state["0.weight"] = value
    state["1.bias"] = np.array([5.0])  # valid, and must not be copied either
    with pytest.raises(RuntimeError, match=r"load_state_dict for Sequential: the value for "
                       rf"'0\.weight' {problem}"):
        model.load_state_dict(state)
    for key, tensor in model.state_dict().items():
        assert np.array_equal(tensor.data, before[key]), key


def test_numbers_of_any_real_dtype_are_copied_with_the_model_dtype() -> None:
    model = nn.Linear(2, 1)
    state = {"weight": [[True, False]], "bias": mg.tensor(np.array([3], np.int64))}
    model.load_state_dict(state)
    assert model.weight.data.dtype == np.float32 and model.weight.data.tolist() == [[1, 0]]
    assert model.bias.data.tolist() == [3.0]
