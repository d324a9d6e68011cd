"""A small learned model beside the crisis rules: logistic regression on word and character
n-grams, trained on the labeled splits (``bench/train_crisis_model.py``, with NumPy) and
shipped as ``model.json`` inside the package. No network; scoring needs nothing beyond Python.

The rules say *what* a message touches; the model catches paraphrases no rule foresaw ("the
world would be quieter if i logged off for good"), because it weighs many small pieces of
evidence — words, word pairs, parts of words that survive typos — learned from people's own
phrasing. It is pure and deterministic; nothing it sees is logged or kept.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeAlias

from bot.core.linear import LinearHead, features, hashed_features

__all__ = ["BUCKETS", "CrisisModel", "Surface", "buckets", "features", "load_model"]


MODEL_PATH = Path(__file__).with_name("model.json")
BUCKETS = 1 << 18

Surface: TypeAlias = Literal["direct", "public"]
"""Where a message was written: ``direct`` to Kindred (a support form, a requester's DM, a
check-in note), ``public`` in a channel active listening watches. Each has its own threshold:
more sensitive where a member writes to Kindred, stricter where others are talking."""


def buckets(words: str) -> set[int]:
    """The features of ``words`` (:func:`bot.core.linear.features`) hashed into
    :data:`BUCKETS` slots."""
    return hashed_features(words, BUCKETS)


@dataclass(frozen=True)
class CrisisModel:
    """Weights per bucket, stored as 16-bit integers times ``scale`` (512 KiB in memory)."""

    weights: array[int]
    scale: float
    bias: float
    # The probability at or above which the model offers resources, per surface.
    thresholds: Mapping[str, float]

    def threshold(self, surface: Surface) -> float:
        return self.thresholds[surface]

    def probability(self, words: str) -> float:
        return LinearHead(self.weights, self.scale, self.bias).probability(buckets(words))

    def to_json(self) -> str:
        head = LinearHead(self.weights, self.scale, self.bias).packed()
        return json.dumps(
            {
                "buckets": len(self.weights),
                "bias": head["bias"],
                "scale": head["scale"],
                "thresholds": dict(sorted(self.thresholds.items())),
                "weights": head["weights"],
            },
            separators=(",", ":"),
        )


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> CrisisModel | None:
    """The shipped model, or None if the file is missing (the rules then work alone)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if data["buckets"] != BUCKETS:
        raise ValueError(f"{path.name} holds {data['buckets']} weights, not {BUCKETS}")
    head = LinearHead.unpacked(data, BUCKETS, path.name)
    thresholds = {str(k): float(v) for k, v in data["thresholds"].items()}
    return CrisisModel(head.weights, head.scale, head.bias, thresholds)
