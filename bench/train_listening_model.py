"""Train the active-listening model (bot/listening/model.json) on the labeled conversations
it may learn from (never the final split), and choose its thresholds by leave-one-set-out
validation.

Run from the repository root (needs NumPy: ``pip install -e '.[train]'``)::

    python -m bench.train_listening_model [--check]

Each labeled set was written by a different writer from a different brief, so holding one
set out and training on the rest measures what matters: how the detector does on people it
has never read. For each set it trains the five heads on the others and replays the held-out
set through the real tracker (:func:`bench.listening_eval.evaluate`), thresholds chosen by
coordinate ascent on the pooled figures of every held-out replay: the most recall with nudge
precision at least ``PRECISION_FLOOR``, share recall at least ``SHARE_RECALL_FLOOR`` and at
most ``ASKED_CEILING`` of the replies to a request for ideas nudged. It then trains on
everything and writes the JSON file. ``--check`` retrains and fails if the shipped file
differs (training is deterministic).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import bot.listening.detector as detector
from bench.linear_training import fit
from bench.listening_eval import Conversation, Report, default_config, evaluate, load_conversations
from bot.core.linear import LinearHead
from bot.listening.detector import DetectionConfig, reply_slots, share_slots
from bot.listening.model import HEADS, MODEL_PATH, SIZE, ListeningModel, slots

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = tuple(
    DATA / f"listening_{name}.yaml"
    for name in ("eval", "heldout", "heldout_final", "heldout_v3", "train_a", "train_b")
)
# Sets whose openers say whether they ask for advice (``asks_advice``); elsewhere only a
# support request's ``style: advice`` does, so their other openers teach the asks head nothing.
ASKS_LABELED = ("listening_train_a", "listening_train_b")
PRECISION_FLOOR = 0.92
SHARE_RECALL_FLOOR = 0.88
ASKED_CEILING = 0.04
GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(14))
START = dict.fromkeys(HEADS, 0.5)
L2 = 0.0


@dataclass(frozen=True)
class Examples:
    """Rows and labels per head."""

    rows: Mapping[str, list[set[int]]]
    labels: Mapping[str, list[bool]]


def examples(sets: Mapping[str, list[Conversation]], rules: DetectionConfig) -> Examples:
    rows: dict[str, list[set[int]]] = {h: [] for h in HEADS}
    labels: dict[str, list[bool]] = {h: [] for h in HEADS}

    def add(head: str, found: set[int], label: bool) -> None:
        rows[head].append(found)
        labels[head].append(label)

    for name, conversations in sets.items():
        for c in conversations:
            add("share", share_slots(c.opener, rules), c.share)
            if name in ASKS_LABELED or c.asks_advice:
                add("asks", slots(c.opener), c.asks_advice)
            if not c.share:
                continue
            for r in c.replies:
                if r.author == 1:
                    continue
                found = reply_slots(c.opener, r.text, rules)
                add("minimizing", found, r.nudge == "minimizing")
                add("hijacking", found, r.nudge == "hijacking")
                if not c.asks_advice and r.nudge != "minimizing":
                    add("advice", found, r.nudge in ("fixing", "pile_on"))
    return Examples(rows, labels)


def train(data: Examples, thresholds: Mapping[str, float]) -> ListeningModel:
    heads: dict[str, LinearHead] = {
        h: fit(data.rows[h], data.labels[h], size=SIZE, l2=L2) for h in HEADS
    }
    return ListeningModel(heads, dict(thresholds))


def _merge(parts: Sequence[Examples]) -> Examples:
    return Examples(
        {h: [r for p in parts for r in p.rows[h]] for h in HEADS},
        {h: [y for p in parts for y in p.labels[h]] for h in HEADS},
    )


def pooled(reports: Sequence[Report]) -> tuple[float, float, float, float]:
    """(precision, recall, share recall, asked-for nudge rate) over several replays."""
    tp = sum(r.overall.tp for r in reports)
    fp = sum(r.overall.fp for r in reports)
    fn = sum(r.overall.fn for r in reports)
    share_tp = sum(r.share.tp for r in reports)
    share_fn = sum(r.share.fn for r in reports)
    asked = sum(r.asked for r in reports)
    nudged = sum(r.asked_nudged for r in reports)
    return (
        tp / (tp + fp) if tp + fp else 1.0,
        tp / (tp + fn) if tp + fn else 1.0,
        share_tp / (share_tp + share_fn) if share_tp + share_fn else 1.0,
        nudged / asked if asked else 0.0,
    )


def objective(figures: tuple[float, float, float, float]) -> float:
    precision, recall, share_recall, asked = figures
    shortfall = (
        max(0.0, PRECISION_FLOOR - precision)
        + max(0.0, SHARE_RECALL_FLOOR - share_recall)
        + max(0.0, asked - ASKED_CEILING)
    )
    return recall - 5.0 * shortfall


def replay(
    folds: Sequence[tuple[ListeningModel, list[Conversation]]],
    rules: DetectionConfig,
    thresholds: Mapping[str, float],
) -> list[Report]:
    return [
        evaluate(held, replace(rules, model=ListeningModel(model.heads, dict(thresholds))))
        for model, held in folds
    ]


def choose(
    folds: Sequence[tuple[ListeningModel, list[Conversation]]], rules: DetectionConfig
) -> dict[str, float]:
    """Thresholds by coordinate ascent on the pooled held-out figures, two passes."""
    chosen = dict(START)
    best = objective(pooled(replay(folds, rules, chosen)))
    for _ in range(2):
        for head in HEADS:
            for value in GRID:
                trial = {**chosen, head: value}
                score = objective(pooled(replay(folds, rules, trial)))
                if score > best + 1e-9:
                    best, chosen = score, trial
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    # Replays score the same texts again and again: remember their features.
    detector.slots = functools.lru_cache(maxsize=None)(slots)
    shipped = default_config()
    rules = replace(shipped, model=None)
    sets = {path.stem: load_conversations(path) for path in SETS}
    parts = {name: examples({name: conv}, rules) for name, conv in sets.items()}
    folds = [
        (train(_merge([p for n, p in parts.items() if n != held]), START), sets[held])
        for held in sets
    ]
    chosen = choose(folds, rules)
    reports = replay(folds, rules, chosen)
    print(
        "each set held out in turn (trained on the others), thresholds "
        + ", ".join(f"{h} {t:.2f}" for h, t in chosen.items())
    )
    print(f"  {'held out':<28} {'precision':>9} {'recall':>7} {'share rec':>9} {'asked':>6}")
    for name, report in zip(sets, reports, strict=True):
        p, r, s, a = pooled([report])
        print(f"  {name:<28} {p:9.2f} {r:7.2f} {s:9.2f} {a:6.2f}")
    p, r, s, a = pooled(reports)
    print(f"  {'pooled':<28} {p:9.2f} {r:7.2f} {s:9.2f} {a:6.2f}")
    model = train(_merge(list(parts.values())), chosen)
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
