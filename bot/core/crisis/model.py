"""A small learned model beside the crisis rules: logistic regression on word and character
n-grams, trained on the labeled splits (``bench/train_crisis_model.py``, with NumPy) and
shipped as ``model.json`` inside the package. No network; scoring needs nothing beyond Python.

The rules say *what* a message touches; the model catches paraphrases no rule foresaw ("the
world would be quieter if i logged off for good"), because it weighs many small pieces of
evidence — words, word pairs, parts of words that survive typos — learned from people's own
phrasing. It is pure and deterministic; nothing it sees is logged or kept.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import sys
import zlib
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeAlias

__all__ = ["BUCKETS", "CrisisModel", "Surface", "buckets", "features", "load_model"]


MODEL_PATH = Path(__file__).with_name("model.json")
CHAR_SIZES = (3, 4, 5)
SPAN_SIZES = (4, 5, 6)
BUCKETS = 1 << 18

Surface: TypeAlias = Literal["direct", "public"]
"""Where a message was written: ``direct`` to Kindred (a support form, a requester's DM, a
check-in note), ``public`` in a channel active listening watches. Each has its own threshold:
more sensitive where a member writes to Kindred, stricter where others are talking."""


def features(words: str) -> set[str]:
    """The n-grams of already normalised text: words, word pairs, pairs with one word between
    ("want * die"), character 3-5 grams of each word with its edges marked (so "kms" and
    "k m s" differ, "pils" is near "pills"), and 4-6 character spans across a word break
    ("e me" of "take me", "t wak" of "not wake"), which survive split and run-together words."""
    tokens = words.split()
    found = {f"w:{t}" for t in tokens}
    found.update(f"b:{a}_{b}" for a, b in itertools.pairwise(tokens))
    found.update(f"k:{a}_{c}" for a, c in zip(tokens, tokens[2:], strict=False))
    for token in tokens:
        padded = f"<{token}>"
        for size in CHAR_SIZES:
            found.update(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    line = f" {' '.join(tokens)} "
    for size in SPAN_SIZES:
        found.update(
            f"s:{line[i : i + size]}"
            for i in range(len(line) - size + 1)
            if " " in line[i + 1 : i + size - 1]
        )
    return found


def buckets(words: str) -> set[int]:
    """The features of ``words`` hashed into :data:`BUCKETS` slots (CRC-32, stable across
    processes and platforms): the model keeps one small integer per slot, not a dictionary of
    hundreds of thousands of strings."""
    return {zlib.crc32(f.encode("utf-8")) & (BUCKETS - 1) for f in features(words)}


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
        found = buckets(words)
        if not found:
            return 0.0
        weights = self.weights
        total = sum(weights[b] for b in found) * self.scale
        # Scaled to unit length, so long messages do not score high for having many words.
        z = self.bias + total / math.sqrt(len(found))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        packed = array("h", self.weights)
        if sys.byteorder != "little":  # pragma: no cover - the file is little-endian
            packed.byteswap()
        return json.dumps(
            {
                "buckets": len(self.weights),
                "bias": self.bias,
                "scale": self.scale,
                "thresholds": dict(sorted(self.thresholds.items())),
                "weights": base64.b64encode(zlib.compress(packed.tobytes(), 9)).decode("ascii"),
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
    weights = array("h", zlib.decompress(base64.b64decode(data["weights"])))
    if sys.byteorder != "little":  # pragma: no cover
        weights.byteswap()
    if len(weights) != BUCKETS or data["buckets"] != BUCKETS:
        raise ValueError(f"{path.name} holds {len(weights)} weights, not {BUCKETS}")
    thresholds = {str(k): float(v) for k, v in data["thresholds"].items()}
    return CrisisModel(weights, float(data["scale"]), float(data["bias"]), thresholds)
