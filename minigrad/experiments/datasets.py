"""Small data sets for the experiments and examples: nothing is downloaded.

`make_moons` and `make_spirals` are generated here with NumPy; `load_digits` reads the 8x8
handwritten digits that ship inside scikit-learn (1,797 images, 10 classes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from minigrad.experiments.checks import check_positive


class Split(NamedTuple):
    """A train/test split: float64 inputs of shape (N, features), int64 class labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def make_moons(samples: int = 400, noise: float = 0.15, seed: int = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in 2-D, labels 0 and 1, with Gaussian noise."""
    check_positive("make_moons", samples=samples)
    rng = np.random.default_rng(seed)
    upper = samples // 2
    angle = rng.uniform(0.0, np.pi, samples)
    x = np.where(np.arange(samples)[:, None] < upper,
                 np.stack([np.cos(angle), np.sin(angle)], axis=1),
                 np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    labels = (np.arange(samples) >= upper).astype(np.int64)
    x = x + noise * rng.standard_normal(x.shape)
    return _shuffled(rng, x - x.mean(axis=0), labels)


def make_spirals(samples: int = 600, classes: int = 3, noise: float = 0.2, turns: float = 1.0,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`classes` interleaved spiral arms in 2-D (radius 0 to 1), one label per arm."""
    check_positive("make_spirals", samples=samples, classes=classes, turns=turns)
    rng = np.random.default_rng(seed)
    labels = np.arange(samples) % classes
    radius = rng.uniform(0.05, 1.0, samples)
    angle = 2 * np.pi * (turns * radius + labels / classes)
    angle = angle + noise * radius * rng.standard_normal(samples)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return _shuffled(rng, x, labels.astype(np.int64))


def _shuffled(rng: np.random.Generator, x: np.ndarray, y: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return x[order], y[order]


DIGITS_CLASSES = 10  # the digits 0-9, known without loading them, so arguments are checked first


def load_digits(test_fraction: float = 0.2, seed: int = 0, standardize: bool = True) -> Split:
    """scikit-learn's 8x8 digits, split into train and test sets (stratified, seeded).

    Pixels (0..16) are scaled to [0, 1]; with `standardize`, each pixel is then centered and
    scaled with the training set's mean and standard deviation (constant pixels stay 0).
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction}")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "load_digits needs scikit-learn, which ships the digits data set: "
            "pip install scikit-learn (or pip install 'minigrad[examples]')"
        ) from error
    data = sklearn_digits()
    x, y = data.data / 16.0, data.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):  # stratified: each class split in the same proportion
        members = rng.permutation(np.flatnonzero(y == label))
        test[members[: round(test_fraction * len(members))]] = True
    train_order = rng.permutation(np.flatnonzero(~test))
    x_train, y_train, x_test, y_test = x[train_order], y[train_order], x[test], y[test]
    if standardize:
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        std[std == 0] = 1.0
        x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    return Split(x_train, y_train, x_test, y_test)


def minibatches(samples: int, batch_size: int, rng: np.random.Generator
                ) -> Iterator[np.ndarray]:
    """Index arrays covering a shuffled epoch; the last short batch is dropped if it would
    hold a single sample (BatchNorm cannot normalize one sample)."""
    check_positive("minibatches", samples=samples, batch_size=batch_size)
    order = rng.permutation(samples)
    for start in range(0, samples, batch_size):
        batch = order[start:start + batch_size]
        if len(batch) > 1:
            yield batch


def one_hot(labels: np.ndarray, classes: int, dtype=np.float64) -> np.ndarray:
    """Rows of the identity picked by `labels`: shape (N, classes)."""
    return np.eye(classes, dtype=dtype)[labels]
