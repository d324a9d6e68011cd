"""The learned half of the active-listening detector: small logistic-regression heads on
hashed word and character n-grams (:mod:`bot.core.linear`), trained on the labeled
conversations by ``bench/train_listening_model.py`` and shipped as ``model.json`` beside this
module. No network, no NumPy at run time: a message is scored with one lookup per feature.

Heads, each with its own threshold:

- ``share`` and ``asks`` read a message on its own: is it a personal share, and does it ask
  for ideas ("how do i get out of this?", "has anyone been through this?")?
- ``advice``, ``minimizing`` and ``hijacking`` read a reply to a share, with what the rules
  heard in it as extra features (``r:`` names: a permission question, an acknowledgement,
  words in common with the share, who the reply addresses), so the model learns when a rule
  cue is right and hears the same move in words the rules never listed.

The model is loaded on first use, so a bot with no watched channel never pays for it.
Nothing it reads is logged or kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.core.linear import LinearHead, features, hashed
from bot.core.text import split_clauses

__all__ = [
    "HEADS",
    "MODEL_PATH",
    "SIZE",
    "ListeningModel",
    "cue_slots",
    "load_model",
    "message_words",
    "slots",
]

MODEL_PATH = Path(__file__).with_name("model.json")
SIZE = 1 << 16
HEADS = ("share", "asks", "advice", "minimizing", "hijacking")


def message_words(text: str) -> str:
    """What the model reads: the normalised clauses, each opened by ``^`` (so "^ just block
    him" differs from a "just" in the middle), and ``?`` when the message asks something."""
    parsed = split_clauses(text)
    words = " ".join(f"^ {clause}" for clause in parsed.clauses)
    return f"{words} ?" if parsed.question else words


def slots(text: str) -> set[int]:
    """The hashed features of ``text``."""
    return hashed(features(message_words(text)), SIZE)


def cue_slots(names: Iterable[str]) -> set[int]:
    """The hashed slots of named features (``r:`` cues the rules heard)."""
    return hashed(names, SIZE)


@dataclass(frozen=True)
class ListeningModel:
    heads: Mapping[str, LinearHead]
    thresholds: Mapping[str, float]

    def probability(self, head: str, found: set[int]) -> float:
        return self.heads[head].probability(found)

    def says(self, head: str, found: set[int]) -> bool:
        return self.probability(head, found) >= self.thresholds[head]

    def to_json(self) -> str:
        return json.dumps(
            {
                "buckets": SIZE,
                "heads": {name: self.heads[name].packed() for name in HEADS},
                "thresholds": {name: self.thresholds[name] for name in HEADS},
            },
            separators=(",", ":"),
            indent=None,
        )

    @classmethod
    def from_json(cls, text: str, name: str = "model") -> ListeningModel:
        data = json.loads(text)
        if data["buckets"] != SIZE:
            raise ValueError(f"{name} has {data['buckets']} buckets, not {SIZE}")
        heads = {h: LinearHead.unpacked(data["heads"][h], SIZE, f"{name}:{h}") for h in HEADS}
        thresholds = {h: float(data["thresholds"][h]) for h in HEADS}
        return cls(heads, thresholds)


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> ListeningModel | None:
    """The shipped model, or None when the file is missing (the rules then work alone)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return ListeningModel.from_json(text, path.name)
