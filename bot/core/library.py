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

from yaml.nodes import MappingNode, Node

from bot.core.library_yaml import LibraryError, NodeReader, line_of
from bot.core.text import PhraseSyntaxError, compile_phrase, normalize_for_matching

__all__ = [
    "CATEGORIES",
    "DEPTHS",
    "DETECTION_LISTS",
    "DETECTION_THRESHOLDS",
    "NUDGE_KINDS",
    "CheckinSection",
    "Library",
    "LibraryError",
    "ListeningSection",
    "Prompt",
    "SafetySection",
    "WeightedPhrases",
    "default_prompts_path",
    "load_detection",
    "load_library",
    "read_detection",
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
# The phrase lists and thresholds the active-listening detector reads (bot/listening/detector.py
# says what each is for). Names are checked, because a misspelt list would silently switch a
# rule off.
DETECTION_LISTS = (
    "share_disclosure",
    "share_subject",
    "share_feeling",
    "share_feeling_weak",
    "share_against",
    "share_news",
    "advice_request",
    "advice_refused",
    "fixing",
    "fixing_exempt",
    "advice_continuation",
    "permission",
    "acknowledgement",
    "minimizing",
    "minimizing_weak",
    "minimizing_exempt",
    "self_turn",
    "relate",
    "topic_switch",
    "topic_change",
)
DETECTION_THRESHOLDS = ("share", "fixing", "minimizing", "hijacking")
WEIGHT_LIMIT = 10.0
CAP_LIMIT = 10


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    category: str
    depth: str
    follow_up: str | None


@dataclass(frozen=True)
class WeightedPhrases:
    """One detector phrase list: each matching clause adds ``weight``, at most ``cap`` times."""

    phrases: tuple[str, ...]
    weight: float = 1.0
    cap: int = 2


@dataclass(frozen=True)
class ListeningSection:
    tips: tuple[str, ...]
    # kind (one of NUDGE_KINDS) -> the lines a nudge of that kind may say
    nudges: Mapping[str, tuple[str, ...]]
    # the active-listening detector's phrase lists by name (one of DETECTION_LISTS)
    detection: Mapping[str, tuple[str, ...]]
    # the same lists with their weights and caps, and the score thresholds by name
    detection_lists: Mapping[str, WeightedPhrases] = field(
        default_factory=lambda: MappingProxyType({})
    )
    detection_thresholds: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


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
    abuse_resources: str = ""  # added when someone else is hurting or threatening the writer
    helper_resources: str = ""  # added when the writer is worried about someone else


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
    """The shipped prompts.yaml: inside the installed package (a wheel maps the repository's
    root ``prompts.yaml`` to ``prompts.yaml``), else at the root of a source checkout
    (an editable install runs the package from the checkout itself)."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "prompts.yaml"
    return packaged if packaged.is_file() else package.parent / "prompts.yaml"


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
    lists: Mapping[str, WeightedPhrases] = MappingProxyType({})
    thresholds: Mapping[str, float] = MappingProxyType({})
    if "detection" in fields:
        lists, thresholds = read_detection(reader, fields["detection"])
    return ListeningSection(
        tips=tips,
        nudges=MappingProxyType(nudges),
        detection=MappingProxyType({name: wp.phrases for name, wp in lists.items()}),
        detection_lists=lists,
        detection_thresholds=thresholds,
    )


def read_detection(
    reader: NodeReader, node: Node
) -> tuple[Mapping[str, WeightedPhrases], Mapping[str, float]]:
    """``listening.detection``: phrase lists (plain, or with weight and cap) and thresholds."""
    entry = "listening.detection"
    nodes = reader.fields(
        node, entry=entry, required=(), optional=(*DETECTION_LISTS, "thresholds"), field="detection"
    )
    thresholds: dict[str, float] = {}
    if "thresholds" in nodes:
        threshold_nodes = reader.fields(
            nodes["thresholds"],
            entry=f"{entry}.thresholds",
            required=(),
            optional=DETECTION_THRESHOLDS,
            field="thresholds",
        )
        for name, value_node in threshold_nodes.items():
            value = reader.number(value_node, entry=f"{entry}.thresholds", field=name)
            if not 0 < value <= WEIGHT_LIMIT:
                reader.fail(
                    value_node,
                    f"must be above 0 and at most {WEIGHT_LIMIT:g}",
                    entry=f"{entry}.thresholds",
                    field=name,
                )
            thresholds[name] = value
    lists: dict[str, WeightedPhrases] = {}
    for name in DETECTION_LISTS:
        if name in nodes:
            lists[name] = _weighted_phrases(reader, nodes[name], name)
    return MappingProxyType(lists), MappingProxyType(thresholds)


def _weighted_phrases(reader: NodeReader, node: Node, name: str) -> WeightedPhrases:
    entry = "listening.detection"
    weight, cap = 1.0, 2
    list_node = node
    if isinstance(node, MappingNode):
        entry = f"listening.detection.{name}"
        parts = reader.fields(node, entry=entry, required=("phrases",), optional=("weight", "cap"))
        if "weight" in parts:
            weight = reader.number(parts["weight"], entry=entry, field="weight")
            if weight == 0 or abs(weight) > WEIGHT_LIMIT:
                reader.fail(
                    parts["weight"],
                    f"must be between -{WEIGHT_LIMIT:g} and {WEIGHT_LIMIT:g}, and not 0",
                    entry=entry,
                    field="weight",
                )
        if "cap" in parts:
            cap = int(reader.number(parts["cap"], entry=entry, field="cap", integer=True))
            if not 1 <= cap <= CAP_LIMIT:
                reader.fail(parts["cap"], f"must be 1 to {CAP_LIMIT}", entry=entry, field="cap")
        list_node = parts["phrases"]
        name_for_errors = "phrases"
    else:
        name_for_errors = name
    phrases = reader.text_list(list_node, entry=entry, field=name_for_errors, max_len=DETECTION_MAX)
    for index, item in enumerate(reader.items(list_node, entry=entry, field=name_for_errors)):
        try:
            compile_phrase(phrases[index])
        except PhraseSyntaxError as exc:
            reader.fail(item, str(exc), entry=f"{entry}.{name_for_errors}[{index}]")
    return WeightedPhrases(phrases=phrases, weight=weight, cap=cap)


def load_detection(path: Path) -> tuple[Mapping[str, WeightedPhrases], Mapping[str, float]]:
    """Read a file holding only a ``detection:`` mapping (the shape of listening.detection)."""
    reader = NodeReader(Path(path))
    root = reader.compose()
    fields = reader.fields(root, entry=None, required=("detection",))
    return read_detection(reader, fields["detection"])


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
    fields = reader.fields(
        node,
        entry="safety",
        required=("phrases", "patterns", "resources"),
        optional=("abuse_resources", "helper_resources"),
    )
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
    extra = {
        name: reader.text(fields[name], entry="safety", field=name, max_len=RESOURCES_MAX)
        for name in ("abuse_resources", "helper_resources")
        if name in fields
    }
    return SafetySection(
        phrases=tuple(phrases), patterns=tuple(patterns), resources=resources, **extra
    )
