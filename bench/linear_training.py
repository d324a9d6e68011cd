"""Training the hashed linear models (:mod:`bot.core.linear`): logistic regression by
full-batch gradient descent with Adagrad steps and L2, on examples given as sets of slots.

Training needs NumPy (the ``train`` extra, also in ``test``); the running bot does not.
Training is deterministic: the same examples give the same weights, so each model's trainer
can ``--check`` that the shipped file is current.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

import numpy as np

from bot.core.linear import LinearHead

__all__ = ["fit"]


def fit(
    rows: Sequence[set[int]],
    labels: Sequence[bool],
    *,
    size: int,
    weights_of: Sequence[float] | None = None,
    epochs: int = 300,
    rate: float = 0.5,
    l2: float = 1e-3,
) -> LinearHead:
    """The head for examples whose features fall in ``rows`` (slots below ``size``), each
    counted by its entry in ``weights_of`` (1 for all if None)."""
    if len(labels) != len(rows):
        raise ValueError("labels must have one label per example")
    target = np.asarray([float(label) for label in labels], dtype=np.float64)
    importance = np.asarray(
        list(weights_of) if weights_of is not None else [1.0] * len(rows), dtype=np.float64
    )
    if len(importance) != len(rows):
        raise ValueError("weights_of must have one weight per example")
    row_of, column, value = _sparse([sorted(r) for r in rows])
    count = float(importance.sum())
    weights = np.zeros(size)
    squares = np.zeros(size)
    bias = bias_square = 0.0
    for _ in range(epochs):
        z = bias + np.bincount(row_of, weights=value * weights[column], minlength=len(rows))
        error = importance * (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))) - target)
        summed = np.bincount(column, weights=error[row_of] * value, minlength=size)
        grad = summed / count + l2 * weights
        squares += grad * grad
        weights -= rate * grad / (np.sqrt(squares) + 1e-8)
        bias_grad = float(error.sum()) / count
        bias_square += bias_grad * bias_grad
        bias -= rate * bias_grad / (math.sqrt(bias_square) + 1e-8)
    # 16-bit weights: the largest maps to 32767; the rounding changes no probability by more
    # than a rounding error.
    peak = float(np.abs(weights).max()) or 1.0
    scale = peak / 32767.0
    quantised = array("h", np.rint(weights / scale).astype(np.int16).tolist())
    return LinearHead(quantised, scale, float(bias))


def _sparse(rows: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The examples as (row, column, value) triples: each example's features scaled to unit
    length, as :meth:`LinearHead.probability` scores them."""
    row_of: list[int] = []
    column: list[int] = []
    value: list[float] = []
    for i, found in enumerate(rows):
        if not found:
            continue
        scale = 1.0 / math.sqrt(len(found))
        row_of.extend([i] * len(found))
        column.extend(found)
        value.extend([scale] * len(found))
    return (
        np.asarray(row_of, dtype=np.int64),
        np.asarray(column, dtype=np.int64),
        np.asarray(value, dtype=np.float64),
    )
