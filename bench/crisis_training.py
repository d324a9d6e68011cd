"""Training the crisis model: logistic regression by full-batch gradient descent with Adagrad
steps and L2, on the hashed features of :func:`bot.core.crisis.model.buckets`.

Training needs NumPy (the ``train`` extra, also in ``test``); the running bot does not: it
reads the weights from ``model.json`` and scores a message with a dictionary lookup per
feature. Training is deterministic: the same examples give the same weights, so
``python -m bench.train_crisis_model --check`` can tell whether the shipped file is current.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from bot.core.crisis.model import BUCKETS, CrisisModel, buckets

__all__ = ["train"]


def train(
    examples: Iterable[tuple[str, bool]],
    *,
    weights_of: Iterable[float] | None = None,
    epochs: int = 300,
    rate: float = 0.5,
    l2: float = 1e-3,
    thresholds: Mapping[str, float] | None = None,
) -> CrisisModel:
    """The model for ``examples`` (already prepared text, label), each counted by its entry in
    ``weights_of`` (1 for all if None)."""
    pairs = list(examples)
    rows = [sorted(buckets(text)) for text, _ in pairs]
    labels = np.asarray([float(label) for _, label in pairs], dtype=np.float64)
    importance = np.asarray(
        list(weights_of) if weights_of is not None else [1.0] * len(rows), dtype=np.float64
    )
    if len(importance) != len(rows):
        raise ValueError("weights_of must have one weight per example")
    row_of, column, value = _sparse(rows)
    count = float(importance.sum())
    weights = np.zeros(BUCKETS)
    squares = np.zeros(BUCKETS)
    bias = bias_square = 0.0
    for _ in range(epochs):
        z = bias + np.bincount(row_of, weights=value * weights[column], minlength=len(rows))
        error = importance * (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))) - labels)
        summed = np.bincount(column, weights=error[row_of] * value, minlength=BUCKETS)
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
    return CrisisModel(
        quantised, scale, float(bias), dict(thresholds or {"direct": 0.5, "public": 0.5})
    )


def _sparse(rows: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The examples as (row, column, value) triples: each message's features scaled to unit
    length, as :meth:`CrisisModel.probability` scores them."""
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
