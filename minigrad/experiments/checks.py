"""Argument checks shared by the experiments, so every bad argument gets the same clear error."""

from __future__ import annotations


def check_choice(where: str, name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{where}: {name} must be one of {options}, got {value!r}")


def check_positive(where: str, **values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ValueError(f"{where}: {name} must be positive, got {value!r}")
