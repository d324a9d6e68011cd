"""Train the crisis model (bot/core/crisis/model.json) on the labeled splits it may learn from:
development, held-out and the two training splits (never the final ones).

Run from the repository root::

    python -m bench.train_crisis_model [--check]

Prints the model's own figures from 5-fold cross-validation on those splits at several
thresholds, picks the lowest threshold whose cross-validated false-alarm rate stays at or below
``--max-false-alarms`` (0.10 of the hard negatives: the rules' own rate on these splits is
at most 0.05, so together they stay within the 0.15 budget), trains on everything and
writes the JSON file. The final split is never read here. ``--check`` retrains and fails if the
shipped file differs (training is deterministic).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import yaml

from bench.crisis_eval import DATA, SPLITS, Message, load
from bench.crisis_training import train
from bot.core.crisis import CrisisDetector, prepare
from bot.core.crisis.model import MODEL_PATH, CrisisModel
from bot.core.library import default_prompts_path, load_library

# The splits the model learns from; the final splits are never among them.
TRAINING = (
    SPLITS["dev"],
    SPLITS["heldout"],
    DATA / "crisis_train_a.yaml",
    DATA / "crisis_train_b.yaml",
)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# Everyday chat teaches what ordinary messages look like; it counts less than a labeled example
# so it does not drown out the hard cases.
EVERYDAY_WEIGHT = 0.3
FOLDS = 5


def _examples(messages: Sequence[Message]) -> list[tuple[str, bool]]:
    return [(prepare(m.text), m.crisis) for m in messages]


def everyday_chat() -> list[tuple[str, bool]]:
    """Ordinary chat as extra negatives, so the model knows what most messages look like (the
    labeled splits hold only hard negatives): the replies in the active-listening development
    conversations and the shipped prompts, less any line the rules would flag."""
    rules = CrisisDetector.from_library(load_library(default_prompts_path()))
    rules = CrisisDetector(rules.phrases, rules.patterns, rules.resources, model=None)
    conversations = yaml.safe_load((DATA / "listening_eval.yaml").read_text(encoding="utf-8"))
    texts = [r["text"] for c in conversations["conversations"] for r in c["replies"]]
    texts += [p.text for p in load_library(default_prompts_path()).prompts]
    return [(prepare(t), False) for t in texts if not rules.is_crisis(t)]


def cross_validate(
    examples: list[tuple[str, bool]], extra: list[tuple[str, bool]]
) -> dict[float, tuple[float, float]]:
    """threshold -> (recall, false alarms) on the labeled examples, each scored by a model that
    never saw it (the everyday chat only ever trains)."""
    scored: list[tuple[float, bool]] = []
    for fold in range(FOLDS):
        training = [e for i, e in enumerate(examples) if i % FOLDS != fold]
        held = [e for i, e in enumerate(examples) if i % FOLDS == fold]
        model = _train(training, extra)
        scored += [(model.probability(text), label) for text, label in held]
    crises = sum(label for _, label in scored)
    negatives = len(scored) - crises
    figures = {}
    for threshold in THRESHOLDS:
        hits = sum(p >= threshold and label for p, label in scored)
        alarms = sum(p >= threshold and not label for p, label in scored)
        figures[threshold] = (hits / crises, alarms / negatives)
    return figures


def _train(labeled: list[tuple[str, bool]], extra: list[tuple[str, bool]]) -> CrisisModel:
    weights = [EVERYDAY_WEIGHT] * len(extra) + [1.0] * len(labeled)
    return train(extra + labeled, weights_of=weights)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--max-false-alarms", type=float, default=0.10)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    labeled = [m for path in TRAINING for m in load(path)]
    examples = _examples(labeled)
    extra = everyday_chat()
    print(f"{len(examples)} labeled messages, {len(extra)} lines of everyday chat")
    figures = cross_validate(examples, extra)
    print("model alone, 5-fold cross-validation on the labeled training splits:")
    for threshold, (recall, alarms) in figures.items():
        print(f"  threshold {threshold:.2f}: recall {recall:.3f}, false alarms {alarms:.3f}")
    fitting = [t for t, (_, alarms) in figures.items() if alarms <= args.max_false_alarms]
    threshold = min(fitting) if fitting else max(THRESHOLDS)
    model = _train(examples, extra)
    model = CrisisModel(model.weights, model.bias, threshold)
    print(f"chosen threshold {threshold:.2f}; {len(model.weights)} weights")
    text = model.to_json() + "\n"
    if args.check:
        same = MODEL_PATH.read_text(encoding="utf-8") == text
        print("shipped model is current" if same else "shipped model is stale: retrain")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_PATH} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
