"""Precision and recall of the active-listening detector on the labeled conversations in
tests/data/listening_eval.yaml.

Run from the repository root::

    python -m bench.listening_eval [--eval PATH] [--detection PATH] [--errors]

Each conversation is replayed through the real :class:`bot.listening_tracker.ListeningTracker`
(one channel per conversation, one minute between messages), so the figures include the
tracker's rules: the sharer's follow-ups, advice asked for, one nudge per replier, pile-on.
The detector's phrase lists come from the shipped prompts.yaml, or from ``--detection`` (a
file holding just a ``detection:`` mapping).

Prints a table: per category precision, recall and support (labeled items), the share
detector's figures on the opening messages, and the overall nudge figures (a nudge counts as
right when the reply was labeled with any nudge; a false nudge is one on a reply labeled
``none``). Exits 1 when overall nudge precision is below 0.9 or recall below 0.7.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bot.core.library import default_prompts_path, load_library
from bot.listening.detector import DetectionConfig, detect_share
from bot.listening.tracker import ListeningTracker

EVAL_PATH = Path(__file__).resolve().parents[1] / "tests" / "data" / "listening_eval.yaml"
CATEGORIES = ("fixing", "minimizing", "hijacking", "pile_on")
LABELS = ("none", *CATEGORIES)
PRECISION_TARGET = 0.9
RECALL_TARGET = 0.7
SHARER_ID = 1
START = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Reply:
    text: str
    nudge: str
    author: int


@dataclass(frozen=True)
class Conversation:
    id: str
    opener: str
    share: bool
    style: str | None
    replies: tuple[Reply, ...]
    # The opener asks for advice in its own words (``asks_advice: true``). Unlike ``style:
    # advice`` (a support request's style, which Kindred knows), the tracker is not told: it
    # must hear the request itself.
    asks_advice: bool = False


@dataclass(frozen=True)
class Outcome:
    """One reply's label next to what the tracker did."""

    conversation: str
    text: str
    label: str
    got: str


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    categories: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    share: Counts = field(default_factory=Counts)
    replies: int = 0
    conversations: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    share_errors: list[str] = field(default_factory=list)
    # Replies labeled none in conversations whose sharer asked for advice, and how many of
    # them drew a nudge anyway.
    asked: int = 0
    asked_nudged: int = 0

    @property
    def passed(self) -> bool:
        return self.overall.precision >= PRECISION_TARGET and self.overall.recall >= RECALL_TARGET


def load_conversations(path: Path = EVAL_PATH) -> list[Conversation]:
    """The labeled set; a malformed item raises ValueError naming it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    conversations = []
    seen: set[str] = set()
    for raw in data["conversations"]:
        cid = str(raw["id"])
        if cid in seen:
            raise ValueError(f"{path}: duplicate conversation id {cid!r}")
        seen.add(cid)
        replies = []
        for index, item in enumerate(raw["replies"]):
            if item["nudge"] not in LABELS:
                raise ValueError(f"{path}: {cid} reply {index}: unknown label {item['nudge']!r}")
            author = int(item.get("author", index + 2))
            if author == SHARER_ID and item["nudge"] != "none":
                raise ValueError(f"{path}: {cid} reply {index}: the sharer is never nudged")
            replies.append(Reply(text=str(item["text"]), nudge=item["nudge"], author=author))
        conversations.append(
            Conversation(
                id=cid,
                opener=str(raw["opener"]),
                share=bool(raw["share"]),
                style=raw.get("style"),
                replies=tuple(replies),
                asks_advice=bool(raw.get("asks_advice")) or raw.get("style") == "advice",
            )
        )
    return conversations


def evaluate(
    conversations: Sequence[Conversation], config: DetectionConfig, *, one_channel: bool = False
) -> Report:
    """Replay each conversation in a channel of its own, or (``one_channel``) all of them back
    to back in one channel, a minute apart, each with its own members — as a busy server or
    an outside check replaying a set would."""
    report = Report(categories={c: Counts() for c in CATEGORIES})
    shared = ListeningTracker(config) if one_channel else None
    clock = START
    for number, conversation in enumerate(conversations, start=1000):
        channel_id = 1 if one_channel else number
        members = number * 100 if one_channel else 0  # distinct people per conversation
        report.conversations += 1
        detected = detect_share(conversation.opener, config).is_share
        _count(report.share, label=conversation.share, got=detected)
        if detected != conversation.share:
            report.share_errors.append(
                f"{conversation.id}: labeled share={conversation.share}, detected {detected}"
            )
        tracker = shared or ListeningTracker(config)
        share_id = number * 100
        start = clock if one_channel else START
        tracker.observe(
            channel_id=channel_id,
            message_id=share_id,
            author_id=members + SHARER_ID,
            text=conversation.opener,
            at=start,
            advice_welcome=conversation.style == "advice",
        )
        for index, reply in enumerate(conversation.replies, start=1):
            nudges = tracker.observe(
                channel_id=channel_id,
                message_id=share_id + index,
                author_id=members + reply.author,
                text=reply.text,
                at=start + timedelta(minutes=index),
            )
            got = nudges[0].kind if nudges else "none"
            report.replies += 1
            report.outcomes.append(Outcome(conversation.id, reply.text, label=reply.nudge, got=got))
            for category in CATEGORIES:
                _count(
                    report.categories[category],
                    label=reply.nudge == category,
                    got=got == category,
                )
            _count(report.overall, label=reply.nudge != "none", got=got != "none")
            if conversation.asks_advice and reply.nudge == "none" and reply.author != SHARER_ID:
                report.asked += 1
                report.asked_nudged += got != "none"
        clock = start + timedelta(minutes=len(conversation.replies) + 1)
    return report


def _count(counts: Counts, *, label: bool, got: bool) -> None:
    if label and got:
        counts.tp += 1
    elif got:
        counts.fp += 1
    elif label:
        counts.fn += 1


def format_report(report: Report) -> str:
    rows = [
        f"{report.conversations} conversations, {report.replies} labeled replies",
        "",
        f"{'category':<12} {'precision':>9} {'recall':>7} {'support':>8} {'tp':>4} {'fp':>4}",
    ]
    named = [*report.categories.items(), ("share", report.share), ("all nudges", report.overall)]
    for name, counts in named:
        rows.append(
            f"{name:<12} {counts.precision:>9.2f} {counts.recall:>7.2f} {counts.support:>8} "
            f"{counts.tp:>4} {counts.fp:>4}"
        )
    verdict = "PASS" if report.passed else "FAIL"
    if report.asked:
        rows.append(
            f"false nudges where the sharer asked for advice: {report.asked_nudged} of "
            f"{report.asked} replies ({report.asked_nudged / report.asked:.2f})"
        )
    rows += [
        "",
        f"{verdict}: nudge precision {report.overall.precision:.2f} "
        f"(target >= {PRECISION_TARGET}), recall {report.overall.recall:.2f} "
        f"(target >= {RECALL_TARGET})",
    ]
    return "\n".join(rows)


def format_errors(report: Report) -> str:
    rows = [f"share: {line}" for line in report.share_errors]
    rows += [
        f"{o.conversation}: labeled {o.label}, got {o.got}: {o.text}"
        for o in report.outcomes
        if o.label != o.got
    ]
    return "\n".join(rows) if rows else "no errors"


def default_config() -> DetectionConfig:
    return DetectionConfig.from_library(load_library(default_prompts_path()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL_PATH, help="labeled conversations")
    parser.add_argument("--detection", type=Path, help="a file holding only a detection: mapping")
    parser.add_argument("--errors", action="store_true", help="list every mislabeled item")
    parser.add_argument(
        "--one-channel",
        action="store_true",
        help="replay all conversations back to back in one channel",
    )
    args = parser.parse_args(argv)
    config = DetectionConfig.from_file(args.detection) if args.detection else default_config()
    report = evaluate(load_conversations(args.eval), config, one_channel=args.one_channel)
    print(format_report(report))
    if args.errors:
        print()
        if "final" in args.eval.name:
            print("(a final split is only run, never read: no texts shown)")
        else:
            print(format_errors(report))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
