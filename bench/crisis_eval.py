"""Recall and false alarms of crisis detection on the labeled sets in tests/data/.

Run from the repository root::

    python -m bench.crisis_eval [--split dev|heldout|final|final2|final3|all]
                                [--surface direct|public|both] [--errors]

Each message is judged alone by the real :class:`bot.core.crisis.CrisisDetector`, built from
the shipped prompts.yaml, at each surface's operating point: ``direct`` (written to Kindred:
a support form, a requester's DM, a check-in note) and ``public`` (a watched channel). For
each split and surface it prints recall per construct (crisis messages that
would get resources), false alarms per kind of hard negative (figures of speech, games, films
and books, news, distress that is not a crisis, everyday talk), the overall figures, and how
often a message about someone else was recognised as such (so the writer also gets "how to
help someone").

The splits were written by people who never saw the rules: ``dev`` may be read and tuned
on; ``heldout`` was first run untouched (its first-contact figure is in docs/crisis.md) and
may be tuned on since; ``final``, ``final2`` and ``final3`` (each by another writer) are never
read by whoever tunes the detector, only run, so ``--errors`` refuses to print their messages.
``train_a`` to ``train_f`` only train the model (``bench.train_crisis_model``, which also
reports how the detector does on each of their writers when trained without them).
Exits 1 when a final split misses its targets (recall >= 0.97, false alarms <= 0.15, recall
per construct >= 0.9).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.crisis import CrisisDetector
from bot.core.crisis.constructs import CONSTRUCTS
from bot.core.crisis.model import Surface
from bot.core.library import default_prompts_path, load_library

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SPLITS = {
    "dev": DATA / "crisis_dev.yaml",
    "heldout": DATA / "crisis_heldout.yaml",
    "final": DATA / "crisis_final.yaml",
    "final2": DATA / "crisis_final_2.yaml",
    "final3": DATA / "crisis_final_3.yaml",
}
# Splits whoever tunes the rules never reads: their messages are never printed.
UNREAD = ("final", "final2", "final3")
KINDS = ("figure_of_speech", "game", "media", "news", "distress", "everyday")
RECALL_TARGET = 0.97
CONSTRUCT_TARGET = 0.9
FALSE_ALARM_TARGET = 0.15


@dataclass(frozen=True)
class Message:
    text: str
    crisis: bool
    group: str  # the construct of a crisis message, the kind of a negative
    about_other: bool


@dataclass(frozen=True)
class Result:
    split: str
    recall: float
    false_alarms: float
    per_construct: dict[str, tuple[int, int]]  # construct -> (caught, total)
    per_kind: dict[str, tuple[int, int]]  # kind -> (flagged, total)
    other_recognised: tuple[int, int]
    missed: list[Message]
    flagged: list[Message]

    @property
    def meets_targets(self) -> bool:
        return (
            self.recall >= RECALL_TARGET
            and self.false_alarms <= FALSE_ALARM_TARGET
            and all(c / t >= CONSTRUCT_TARGET for c, t in self.per_construct.values() if t)
        )


def load(path: Path) -> list[Message]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    messages = []
    for item in data["messages"]:
        crisis = item["label"] == "crisis"
        group = item["construct"] if crisis else item["kind"]
        known = CONSTRUCTS if crisis else KINDS
        if group not in known:
            raise ValueError(f"{path.name}: unknown {'construct' if crisis else 'kind'} {group!r}")
        messages.append(Message(item["text"], crisis, group, item.get("about") == "other"))
    return messages


def evaluate(
    split: str, messages: Sequence[Message], detector: CrisisDetector, surface: Surface = "direct"
) -> Result:
    caught: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    other_right = other_total = 0
    missed: list[Message] = []
    flagged: list[Message] = []
    for message in messages:
        verdict = detector.assess(message.text, surface=surface)
        totals[message.group] += 1
        if message.crisis:
            if verdict is not None:
                caught[message.group] += 1
                if message.about_other:
                    other_total += 1
                    other_right += verdict.about_other
            else:
                missed.append(message)
                other_total += message.about_other
        elif verdict is not None:
            caught[message.group] += 1
            flagged.append(message)
    crises = sum(totals[c] for c in CONSTRUCTS)
    negatives = sum(totals[k] for k in KINDS)
    return Result(
        split=split,
        recall=sum(caught[c] for c in CONSTRUCTS) / crises if crises else 0.0,
        false_alarms=sum(caught[k] for k in KINDS) / negatives if negatives else 0.0,
        per_construct={c: (caught[c], totals[c]) for c in CONSTRUCTS},
        per_kind={k: (caught[k], totals[k]) for k in KINDS},
        other_recognised=(other_right, other_total),
        missed=missed,
        flagged=flagged,
    )


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "-"


def report(result: Result) -> str:
    lines = [f"== {result.split} =="]
    lines.append(f"{'construct':<24} recall")
    for construct, (caught, total) in result.per_construct.items():
        lines.append(f"  {construct:<22} {_rate(caught, total)}")
    lines.append(f"{'negative kind':<24} false alarms")
    for kind, (flagged, total) in result.per_kind.items():
        lines.append(f"  {kind:<22} {_rate(flagged, total)}")
    crises = sum(t for _, t in result.per_construct.values())
    negatives = sum(t for _, t in result.per_kind.values())
    lines.append(
        f"overall: recall {result.recall:.3f} of {crises} crisis messages, false alarms "
        f"{result.false_alarms:.3f} of {negatives} negatives; about someone else recognised "
        f"{_rate(*result.other_recognised)}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    parser.add_argument(
        "--surface",
        choices=("direct", "public", "both"),
        default="both",
        help="direct: written to Kindred (forms, DMs, notes); public: a watched channel",
    )
    args = parser.parse_args(argv)
    detector = CrisisDetector.from_library(load_library(default_prompts_path()))
    names = list(SPLITS) if args.split == "all" else [args.split]
    surfaces: list[Surface] = ["direct", "public"] if args.surface == "both" else [args.surface]
    ok = True
    for name, surface in ((n, s) for n in names for s in surfaces):
        result = evaluate(f"{name}, {surface}", load(SPLITS[name]), detector, surface)
        print(report(result))
        if args.errors:
            if name in UNREAD:
                print(f"(the {name} split is only run, never read: no messages shown)")
            else:
                for m in result.missed:
                    print(f"  MISSED [{m.group}{' other' if m.about_other else ''}] {m.text}")
                for m in result.flagged:
                    print(f"  FALSE ALARM [{m.group}] {m.text}")
        if name in UNREAD:
            ok = ok and result.meets_targets
            print(f"{name} split targets (recall >= {RECALL_TARGET}, each construct >= "
                  f"{CONSTRUCT_TARGET}, false alarms <= {FALSE_ALARM_TARGET}): "
                  f"{'met' if result.meets_targets else 'NOT met'}")  # fmt: skip
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
