"""Training the crisis model: :func:`bench.linear_training.fit` on the hashed features of
:func:`bot.core.crisis.model.buckets`.

Training needs NumPy (the ``train`` extra, also in ``test``); the running bot does not: it
reads the weights from ``model.json`` and scores a message with a dictionary lookup per
feature. Training is deterministic: the same examples give the same weights, so
``python -m bench.train_crisis_model --check`` can tell whether the shipped file is current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bench.linear_training import fit
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
    head = fit(
        [buckets(text) for text, _ in pairs],
        [label for _, label in pairs],
        size=BUCKETS,
        weights_of=list(weights_of) if weights_of is not None else None,
        epochs=epochs,
        rate=rate,
        l2=l2,
    )
    return CrisisModel(
        head.weights, head.scale, head.bias, dict(thresholds or {"direct": 0.5, "public": 0.5})
    )
