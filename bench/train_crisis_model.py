"""Train the crisis model (bot/core/crisis/model.json) on the labeled splits it may learn from
(development, held-out and six training splits; never the final ones), and choose its
thresholds by leave-one-writer-out validation.

Run from the repository root (needs NumPy: ``pip install -e '.[train]'``)::

    python -m bench.train_crisis_model [--check]

Each training split was written by a different writer with a different brief, so holding one
split out and training on the rest measures what matters: how the detector does on a writer
it has never seen. For each of the six training splits (the development and held-out splits,
on which the rules were tuned, only ever train) it trains on all the others, runs the whole
detector (rules and model, as :class:`bot.core.crisis.CrisisDetector` decides) on the held-out
writer, and prints recall and false alarms at each threshold. It picks two thresholds, one
per surface: ``direct`` (a member writing to Kindred: forms, DMs, notes), the lowest whose
pooled false-alarm rate stays within ``--direct-false-alarms`` (0.15), and ``public`` (watched
channels), the lowest within ``--public-false-alarms`` (0.10). It then trains on everything
and writes the JSON file. ``--check`` retrains and fails if the shipped file differs
(training is deterministic).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from bench.crisis_eval import DATA, SPLITS, load
from bench.crisis_training import train
from bot.core.crisis import CrisisDetector, prepare
from bot.core.crisis.detector import MODEL_ALONE, RULES_ALONE
from bot.core.crisis.model import MODEL_PATH, CrisisModel, Surface
from bot.core.library import default_prompts_path, load_library

# The splits the model learns from; the final splits are never among them. The rules were
# tuned on the first two, so they only train; the others are each held out in turn.
ALWAYS = (SPLITS["dev"], SPLITS["heldout"])
WRITERS = tuple(DATA / f"crisis_train_{name}.yaml" for name in "abcdef")
THRESHOLDS = tuple(round(0.02 + 0.01 * i, 2) for i in range(89))
# Everyday chat teaches what ordinary messages look like; it counts less than a labeled example
# so it does not drown out the hard cases. Emotional chat (the listening conversations: shares,
# sympathy, advice) counts less still: it is the nearest thing to a crisis that is not one, and
# at full weight it taught the model to miss crises phrased like it.
EVERYDAY_WEIGHT = 0.3
EMOTIONAL_WEIGHT = 0.15
EMOTIONAL_TRAINING = (
    "listening_heldout.yaml",
    "listening_heldout_v3.yaml",
    "listening_train_a.yaml",
)
# Held out from training, to count false alarms on ordinary emotional conversation.
EMOTIONAL_TEST = "listening_train_b.yaml"
# No L2 penalty: 300 Adagrad epochs stop well before the weights run away, and on held-out
# writers that generalised better than any penalty tried (3e-3 ... 1e-6).
L2 = 0.0

Extra = list[tuple[tuple[str, bool], float]]


@dataclass(frozen=True)
class Scored:
    writer: str
    probability: float
    rule_score: float
    crisis: bool


def everyday_chat(rules: CrisisDetector) -> Extra:
    """Ordinary chat as extra negatives with their weights, so the model knows what most
    messages look like (the labeled splits hold only hard negatives): the replies in the
    active-listening development conversations and the shipped prompts, then every message of
    three more listening sets, less any line the rules would flag."""
    texts = [r["text"] for c in _conversations("listening_eval.yaml") for r in c["replies"]]
    texts += [p.text for p in load_library(default_prompts_path()).prompts]
    emotional = [line for name in EMOTIONAL_TRAINING for line in _lines(name)]
    return [
        ((prepare(t), False), weight)
        for group, weight in ((texts, EVERYDAY_WEIGHT), (emotional, EMOTIONAL_WEIGHT))
        for t in group
        if _rule_score(rules, t) < 1.0
    ]


def _conversations(name: str) -> list[dict[str, Any]]:
    data: dict[str, Any] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return list(data["conversations"])


def _lines(name: str) -> list[str]:
    return [
        text
        for c in _conversations(name)
        for text in (c["opener"], *(r["text"] for r in c["replies"]))
    ]


def _rule_score(rules: CrisisDetector, text: str) -> float:
    heard = rules.rules(text)
    return heard[2] if heard is not None else 0.0


def _train(labeled: list[tuple[str, bool]], extra: Extra) -> CrisisModel:
    weights = [w for _, w in extra] + [1.0] * len(labeled)
    return train([e for e, _ in extra] + labeled, weights_of=weights, l2=L2)


def leave_one_writer_out(rules: CrisisDetector, extra: Extra) -> list[Scored]:
    """Every message of each training writer, scored by a model that never saw that writer."""
    always = [(prepare(m.text), m.crisis) for path in ALWAYS for m in load(path)]
    writers = {path.stem: load(path) for path in WRITERS}
    scored: list[Scored] = []
    for held, messages in writers.items():
        training = always + [
            (prepare(m.text), m.crisis)
            for name, others in writers.items()
            if name != held
            for m in others
        ]
        model = _train(training, extra)
        scored += [
            Scored(held, model.probability(prepare(m.text)), _rule_score(rules, m.text), m.crisis)
            for m in messages
        ]
    return scored


def fires(probability: float, rule_score: float, threshold: float, surface: Surface) -> bool:
    """As :meth:`CrisisDetector._decides` decides."""
    if rule_score >= RULES_ALONE:
        return True
    needed = threshold if rule_score > 0 else max(threshold, MODEL_ALONE[surface])
    return probability >= needed


def figures(scored: Sequence[Scored], threshold: float, surface: Surface) -> tuple[float, float]:
    """(recall, false alarms) of the whole detector at ``threshold`` on ``surface``."""
    fired = [(fires(s.probability, s.rule_score, threshold, surface), s.crisis) for s in scored]
    crises = sum(crisis for _, crisis in fired)
    hits = sum(fire and crisis for fire, crisis in fired)
    alarms = sum(fire and not crisis for fire, crisis in fired)
    return hits / crises, alarms / (len(fired) - crises)


def lowest_within(scored: Sequence[Scored], budget: float, surface: Surface) -> float:
    fitting = [t for t in THRESHOLDS if figures(scored, t, surface)[1] <= budget]
    return min(fitting) if fitting else max(THRESHOLDS)


def emotional_false_alarms(
    rules: CrisisDetector, model: CrisisModel, threshold: float, surface: Surface
) -> tuple[int, int]:
    """How many messages of the held-out listening conversations would draw a crisis note."""
    lines = _lines(EMOTIONAL_TEST)
    fired = sum(
        fires(model.probability(prepare(t)), _rule_score(rules, t), threshold, surface)
        for t in lines
    )
    return fired, len(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--direct-false-alarms", type=float, default=0.15)
    parser.add_argument("--public-false-alarms", type=float, default=0.10)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    shipped = CrisisDetector.from_library(load_library(default_prompts_path()))
    rules = CrisisDetector(shipped.phrases, shipped.patterns, shipped.resources, model=None)
    extra = everyday_chat(rules)
    labeled = [(prepare(m.text), m.crisis) for path in ALWAYS + WRITERS for m in load(path)]
    scored = leave_one_writer_out(rules, extra)
    budgets: dict[Surface, float] = {
        "direct": args.direct_false_alarms,
        "public": args.public_false_alarms,
    }
    chosen = {surface: lowest_within(scored, b, surface) for surface, b in budgets.items()}
    model = _train(labeled, extra)
    model = CrisisModel(
        model.weights, model.scale, model.bias, {str(k): t for k, t in chosen.items()}
    )
    names = sorted({s.writer for s in scored})
    for surface, threshold in chosen.items():
        print(
            f"{surface}: the model's threshold where a rule cue matched ({MODEL_ALONE[surface]:.2f}"
            " at least where none did); each training writer held out in turn, recall / false"
            " alarms on hard negatives:"
        )
        print(f"  {'threshold':>9}  {'pooled':>11}  " + "  ".join(f"{n[-7:]:>11}" for n in names))
        for t in sorted({*THRESHOLDS[::10], threshold}):
            cells = [figures(scored, t, surface)]
            cells += [figures([s for s in scored if s.writer == n], t, surface) for n in names]
            mark = "  <- chosen" if t == threshold else ""
            print(f"  {t:9.2f}  " + "  ".join(f"{r:.3f}/{fa:.3f}" for r, fa in cells) + mark)
        fired, total = emotional_false_alarms(rules, model, threshold, surface)
        print(
            f"  at {threshold:.2f}, false alarms on the {total} messages of held-out emotional "
            f"conversation ({EMOTIONAL_TEST}): {fired} ({fired / total:.3f})"
        )
    used = sum(1 for w in model.weights if w)
    print(f"{len(labeled)} labeled messages, {len(extra)} lines of everyday chat, {used} buckets")
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
