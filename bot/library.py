"""The prompt library (prompts.yaml): loading and validation.

The schema is documented in docs/prompts-schema.md. Loading stops at the first problem with a
:class:`LibraryError` that names file:line, entry and field, so ``python -m bot check`` can
point an operator straight at the line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import Node

from .library_yaml import LibraryError, NodeReader, line_of
from .safety import normalize_for_matching

__all__ = [
    "CATEGORIES",
    "DEPTHS",
    "NUDGE_KINDS",
    "CheckinSection",
    "Library",
    "LibraryError",
    "ListeningSection",
    "Prompt",
    "SafetySection",
    "default_prompts_path",
    "load_library",
]

CATEGORIES = ("open", "listen", "support", "together")
DEPTHS = ("light", "medium", "deep")
NUDGE_KINDS = ("fixing", "minimizing", "hijacking", "pile_on", "channel")
SECTIONS = ("prompts", "framing", "listening", "checkins", "safety")
MOOD_COUNT = 5
PROMPT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")

# Limits keep every text postable with room for Kindred's own words around it
# (message content 2,000; button label 80).
PROMPT_MAX = 300
FOLLOW_UP_MAX = 300
FRAMING_MAX = 200
TIP_MAX = 300
NUDGE_MAX = 300
QUESTION_MAX = 300
MOOD_MAX = 80
LOW_OFFER_MAX = 500
RESOURCES_MAX = 1500
PHRASE_MAX = 100
PATTERN_MAX = 300
DETECTION_MAX = 100


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    category: str
    depth: str
    follow_up: str | None


@dataclass(frozen=True)
class ListeningSection:
    tips: tuple[str, ...]
    # kind (one of NUDGE_KINDS) -> the lines a nudge of that kind may say
    nudges: Mapping[str, tuple[str, ...]]
    # optional phrase lists for the active-listening detector, by name
    detection: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class CheckinSection:
    questions: tuple[str, ...]
    moods: tuple[str, ...]  # exactly MOOD_COUNT labels, lowest mood first
    low_offer: str


@dataclass(frozen=True)
class SafetySection:
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]  # validated regular expressions, run on normalized text
    resources: str


@dataclass(frozen=True)
class Library:
    path: Path
    prompts: tuple[Prompt, ...]
    framing: tuple[str, ...]
    listening: ListeningSection
    checkins: CheckinSection
    safety: SafetySection
    _by_id: Mapping[str, Prompt] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({p.id: p for p in self.prompts}))

    def prompt(self, prompt_id: str) -> Prompt | None:
        return self._by_id.get(prompt_id)

    def prompts_in(
        self, category: str | None = None, depth: str | None = None
    ) -> tuple[Prompt, ...]:
        """The prompts of a category and/or depth (None: any), in file order."""
        return tuple(
            p
            for p in self.prompts
            if (category is None or p.category == category) and (depth is None or p.depth == depth)
        )


def default_prompts_path() -> Path:
    """The prompts.yaml shipped inside the package."""
    return Path(__file__).with_name("prompts.yaml")


def load_library(path: Path) -> Library:
    """Load and validate the library at ``path``; :class:`LibraryError` on the first problem."""
    reader = NodeReader(Path(path))
    root = reader.compose()
    sections = reader.fields(root, entry=None, required=SECTIONS)
    return Library(
        path=Path(path),
        prompts=_prompts(reader, sections["prompts"]),
        framing=reader.text_list(
            sections["framing"], entry="framing", field=None, max_len=FRAMING_MAX
        ),
        listening=_listening(reader, sections["listening"]),
        checkins=_checkins(reader, sections["checkins"]),
        safety=_safety(reader, sections["safety"]),
    )


def _prompts(reader: NodeReader, node: Node) -> tuple[Prompt, ...]:
    prompts: list[Prompt] = []
    id_lines: dict[str, int | None] = {}
    for index, item in enumerate(reader.items(node, entry="prompts", field=None)):
        # Name the entry by its id as early as possible: "prompts[3] (id 'x')" is easier to
        # find than "prompts[3]". An id that is itself broken is reported without it.
        peeked = reader.peek_text(item, "id")
        entry = f"prompts[{index}]"
        if peeked is not None and PROMPT_ID.match(peeked):
            entry = f"{entry} (id '{peeked}')"
        fields = reader.fields(
            item, entry=entry, required=("id", "text", "category", "depth"), optional=("follow_up",)
        )
        prompt_id = reader.text(fields["id"], entry=entry, field="id", max_len=64)
        if not PROMPT_ID.match(prompt_id):
            reader.fail(
                fields["id"],
                "must be 2-64 lower-case letters, digits and hyphens, starting with a letter "
                "or digit (like open-light-01)",
                entry=entry,
                field="id",
            )
        if prompt_id in id_lines:
            reader.fail(
                fields["id"],
                f"duplicate id; lines {id_lines[prompt_id]} and {line_of(fields['id'])} both "
                "use it",
                entry=entry,
                field="id",
            )
        id_lines[prompt_id] = line_of(fields["id"])
        follow_up = fields.get("follow_up")
        prompts.append(
            Prompt(
                id=prompt_id,
                text=reader.text(fields["text"], entry=entry, field="text", max_len=PROMPT_MAX),
                category=reader.choice(
                    fields["category"], entry=entry, field="category", choices=CATEGORIES
                ),
                depth=reader.choice(fields["depth"], entry=entry, field="depth", choices=DEPTHS),
                follow_up=None
                if follow_up is None
                else reader.text(follow_up, entry=entry, field="follow_up", max_len=FOLLOW_UP_MAX),
            )
        )
    # /prompt now takes any category and depth, and the depth ladder climbs through all
    # three; an empty cell would leave a command or a scheduled post with nothing to say.
    for category in CATEGORIES:
        for depth in DEPTHS:
            if not any(p.category == category and p.depth == depth for p in prompts):
                reader.fail(
                    node,
                    f"there is no prompt with category '{category}' and depth '{depth}'; "
                    "every category needs at least one prompt at every depth",
                    entry="prompts",
                )
    return tuple(prompts)


def _listening(reader: NodeReader, node: Node) -> ListeningSection:
    fields = reader.fields(
        node, entry="listening", required=("tips", "nudges"), optional=("detection",)
    )
    tips = reader.text_list(fields["tips"], entry="listening", field="tips", max_len=TIP_MAX)
    nudge_nodes = reader.fields(
        fields["nudges"], entry="listening.nudges", required=NUDGE_KINDS, field="nudges"
    )
    nudges = {
        kind: reader.text_list(
            nudge_nodes[kind], entry="listening.nudges", field=kind, max_len=NUDGE_MAX
        )
        for kind in NUDGE_KINDS
    }
    detection: dict[str, tuple[str, ...]] = {}
    if "detection" in fields:
        # The names are the detector's to define, so any name is allowed; the values must
        # be phrase lists.
        lists = reader.fields(
            fields["detection"],
            entry="listening.detection",
            required=(),
            any_keys=True,
            field="detection",
        )
        for name, list_node in lists.items():
            detection[name] = reader.text_list(
                list_node, entry="listening.detection", field=name, max_len=DETECTION_MAX
            )
    return ListeningSection(
        tips=tips, nudges=MappingProxyType(nudges), detection=MappingProxyType(detection)
    )


def _checkins(reader: NodeReader, node: Node) -> CheckinSection:
    fields = reader.fields(node, entry="checkins", required=("questions", "moods", "low_offer"))
    questions = reader.text_list(
        fields["questions"], entry="checkins", field="questions", max_len=QUESTION_MAX
    )
    moods = reader.text_list(fields["moods"], entry="checkins", field="moods", max_len=MOOD_MAX)
    if len(moods) != MOOD_COUNT:
        reader.fail(
            fields["moods"],
            f"needs exactly {MOOD_COUNT} labels, lowest mood first; has {len(moods)}",
            entry="checkins",
            field="moods",
        )
    if len(set(moods)) != len(moods):
        reader.fail(fields["moods"], "labels must all differ", entry="checkins", field="moods")
    low_offer = reader.text(
        fields["low_offer"], entry="checkins", field="low_offer", max_len=LOW_OFFER_MAX
    )
    return CheckinSection(questions=questions, moods=moods, low_offer=low_offer)


def _safety(reader: NodeReader, node: Node) -> SafetySection:
    fields = reader.fields(node, entry="safety", required=("phrases", "patterns", "resources"))
    phrase_nodes = reader.items(fields["phrases"], entry="safety", field="phrases")
    phrases = []
    for index, item in enumerate(phrase_nodes):
        entry = f"safety.phrases[{index}]"
        phrase = reader.text(item, entry=entry, field=None, max_len=PHRASE_MAX)
        if not normalize_for_matching(phrase):
            reader.fail(item, "has no letters or digits to match", entry=entry)
        phrases.append(phrase)
    pattern_nodes = reader.items(fields["patterns"], entry="safety", field="patterns", min_items=0)
    patterns = []
    for index, item in enumerate(pattern_nodes):
        entry = f"safety.patterns[{index}]"
        pattern = reader.text(item, entry=entry, field=None, max_len=PATTERN_MAX)
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            reader.fail(item, f"is not a valid regular expression: {exc}", entry=entry)
        if "'" in pattern or "\u2019" in pattern:
            reader.fail(
                item,
                "contains an apostrophe, but patterns see text with apostrophes removed; "
                "write cant, not can't",
                entry=entry,
            )
        if compiled.search(""):
            reader.fail(item, "matches empty text, so it would flag every message", entry=entry)
        patterns.append(pattern)
    resources = reader.text(
        fields["resources"], entry="safety", field="resources", max_len=RESOURCES_MAX
    )
    return SafetySection(phrases=tuple(phrases), patterns=tuple(patterns), resources=resources)
