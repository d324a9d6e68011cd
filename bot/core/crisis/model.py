"""A small learned model beside the crisis rules: logistic regression on word and character
n-grams, trained on the labeled splits (``bench/train_crisis_model.py``, with NumPy) and
shipped as ``model.json`` inside the package. No network; scoring needs nothing beyond Python.

The rules say *what* a message touches; the model catches paraphrases no rule foresaw ("the
world would be quieter if i logged off for good"), because it weighs many small pieces of
evidence — words, word pairs, parts of words that survive typos — learned from people's own
phrasing. It is pure and deterministic; nothing it sees is logged or kept.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["CrisisModel", "features", "load_model"]


MODEL_PATH = Path(__file__).with_name("model.json")
CHAR_SIZES = (3, 4, 5)


def features(words: str) -> set[str]:
    """The n-grams of already normalised text: words, word pairs, and character 3-5 grams of
    each word with its edges marked (so "kms" and "k m s" differ, "pils" is near "pills")."""
    tokens = words.split()
    found = {f"w:{t}" for t in tokens}
    found.update(f"b:{a}_{b}" for a, b in itertools.pairwise(tokens))
    for token in tokens:
        padded = f"<{token}>"
        for size in CHAR_SIZES:
            found.update(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    return found


@dataclass(frozen=True)
class CrisisModel:
    weights: Mapping[str, float]
    bias: float
    threshold: float  # the probability at or above which the model alone offers resources

    def probability(self, words: str) -> float:
        found = features(words)
        if not found:
            return 0.0
        # Each message's features are scaled to unit length, so long messages do not score high
        # just for having many words.
        scale = 1.0 / math.sqrt(len(found))
        z = self.bias + scale * sum(self.weights.get(f, 0.0) for f in found)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps(
            {
                "bias": round(self.bias, 6),
                "threshold": self.threshold,
                "weights": {k: round(v, 4) for k, v in sorted(self.weights.items())},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> CrisisModel | None:
    """The shipped model, or None if the file is missing (the rules then work alone)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return CrisisModel(dict(data["weights"]), float(data["bias"]), float(data["threshold"]))
