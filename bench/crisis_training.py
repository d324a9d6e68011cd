"""Training the crisis model: logistic regression by full-batch gradient descent with Adagrad
steps and L2, on the sparse features of :func:`bot.core.crisis.model.features`.

Training needs NumPy (the ``train`` extra, also in ``test``); the running bot does not: it
reads the weights from ``model.json`` and scores a message with a dictionary lookup per
feature. Training is deterministic: the same examples give the same weights, so
``python -m bench.train_crisis_model --check`` can tell whether the shipped file is current.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from bot.core.crisis.model import CrisisModel, features

__all__ = ["train"]

# Tiny weights change no verdict; dropping them keeps the shipped file small.
KEEP_AT_LEAST = 0.05


def train(
    examples: Iterable[tuple[str, bool]],
    *,
    weights_of: Iterable[float] | None = None,
    epochs: int = 300,
    rate: float = 0.5,
    l2: float = 1e-3,
    threshold: float = 0.5,
) -> CrisisModel:
    """The model for ``examples`` (already prepared text, label), each counted by its entry in
    ``weights_of`` (1 for all if None)."""
    rows = [(sorted(features(text)), float(label)) for text, label in examples]
    importance = np.asarray(
        list(weights_of) if weights_of is not None else [1.0] * len(rows), dtype=np.float64
    )
    if len(importance) != len(rows):
        raise ValueError("weights_of must have one weight per example")
    names = sorted({f for found, _ in rows for f in found})
    index = {name: i for i, name in enumerate(names)}
    row_of, column, value = _sparse(rows, index)
    labels = np.asarray([label for _, label in rows], dtype=np.float64)
    count = float(importance.sum())
    weights = np.zeros(len(names))
    squares = np.zeros(len(names))
    bias = bias_square = 0.0
    for _ in range(epochs):
        z = bias + np.bincount(row_of, weights=value * weights[column], minlength=len(rows))
        error = importance * (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))) - labels)
        summed = np.bincount(column, weights=error[row_of] * value, minlength=len(names))
        grad = summed / count + l2 * weights
        squares += grad * grad
        weights -= rate * grad / (np.sqrt(squares) + 1e-8)
        bias_grad = float(error.sum()) / count
        bias_square += bias_grad * bias_grad
        bias -= rate * bias_grad / (math.sqrt(bias_square) + 1e-8)
    kept = {
        name: float(w) for name, w in zip(names, weights, strict=True) if abs(w) >= KEEP_AT_LEAST
    }
    return CrisisModel(kept, float(bias), threshold)


def _sparse(
    rows: Sequence[tuple[list[str], float]], index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The examples as (row, column, value) triples: each message's features scaled to unit
    length, as :meth:`CrisisModel.probability` scores them."""
    row_of: list[int] = []
    column: list[int] = []
    value: list[float] = []
    for i, (found, _) in enumerate(rows):
        if not found:
            continue
        scale = 1.0 / math.sqrt(len(found))
        row_of.extend([i] * len(found))
        column.extend(index[f] for f in found)
        value.extend([scale] * len(found))
    return (
        np.asarray(row_of, dtype=np.int64),
        np.asarray(column, dtype=np.int64),
        np.asarray(value, dtype=np.float64),
    )
