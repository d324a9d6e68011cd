"""The prefilter in front of crisis detection's cue and idiom searches: it may only skip a
pattern that cannot match, so the detector's verdicts are exactly those of searching them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.crisis.constructs import RULES
from bot.core.crisis.detector import _cue_filter, _idiom_filter, normalise, prepare
from bot.core.crisis.vocabulary import IDIOMS
from bot.core.linear import features, hashed, hashed_features
from bot.core.prefilter import Prefilter, first_runs

DATA = Path(__file__).resolve().parents[1] / "data"
# Every labeled set except the final held-out splits, which only their bench reads.
SETS = [
    p
    for p in sorted(DATA.glob("*.yaml"))
    if "final" not in p.stem and p.stem.startswith(("crisis_", "listening_"))
]
EXTRA = [
    "", "a", "i", "im fine lol", "café über alles", "i...want to die", "kms", "k m s",
    "i wanna d1e tonight", "thinking abt ending it all this weekend", "my phone is dead lmao",
    "she said hes gonna hit me again when he gets home", "took 30 pills an hour ago",
]  # fmt: skip


def texts() -> list[str]:
    found = list(EXTRA)
    for path in SETS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("messages") or data.get("pairs") or data.get("conversations") or []:
            found.extend(_strings(item))
    return found


def _strings(item: object) -> list[str]:
    if isinstance(item, str):
        return [item]
    if isinstance(item, dict):
        return [s for v in item.values() for s in _strings(v)]
    if isinstance(item, list):
        return [s for v in item for s in _strings(v)]
    return []


ALL = texts()
CUES = [cue.pattern for rule in RULES for cue in rule.cues]


def test_the_labeled_sets_are_read() -> None:
    assert len(SETS) >= 8 and len(ALL) > 3000


def test_no_cue_that_matches_is_ever_skipped() -> None:
    skipped_some = False
    for text in ALL:
        words = prepare(text)
        possible = _cue_filter().candidates(words)
        skipped_some |= len(possible) < len(CUES)
        for index, pattern in enumerate(CUES):
            if index not in possible:
                assert pattern.search(words) is None, (pattern.pattern, words)
    assert skipped_some  # and the filter does skip: most messages match few cues


def test_no_idiom_that_matches_is_ever_skipped_even_after_others_are_taken_out() -> None:
    for text in ALL:
        words = normalise(text)
        possible = _idiom_filter().candidates(words)
        for index, idiom in enumerate(IDIOMS):
            if index not in possible:
                assert idiom.search(words) is None, (idiom.pattern, words)
            words = idiom.sub(" ", words)


def test_most_cues_are_filtered_and_a_typical_message_leaves_few() -> None:
    assert _cue_filter().unfiltered <= 5
    assert len(_cue_filter().candidates(prepare("anyone up for a movie tonight?"))) < 40


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<![a-z0-9])(?:i|im) (?:want|wanna) die", {("exact", "i"), ("exact", "im")}),
        (
            r"(?<![a-z0-9])fantasi[sz]\w* about",
            {
                ("prefix", "fantasis"),
                ("prefix", "fantasiz"),
                ("exact", "fantasis"),
                ("exact", "fantasiz"),
            },
        ),
        # The end of the pattern does not end the run ("myselfish"); a guard after it does.
        (r"(?<![a-z0-9])(?:kill )?myself", {("exact", "kill"), ("prefix", "myself")}),
        (r"(?<![a-z0-9])pills?(?![a-z0-9])", {("exact", "pill"), ("exact", "pills")}),
        (r"(?<![a-z0-9])(?:ab)+c", {("prefix", "ab")}),
        (r"(?<![a-z0-9])[a-z]+ me", None),  # any word may start it
        (r"(?<![a-z0-9]) me", None),  # starts with a space
        (r"die", None),  # no guard: a match may start inside a word ("studied")
        (r"(?i)(?<![a-z0-9])die", None),  # case-insensitive: not read
    ],
)
def test_first_runs_read_what_a_match_must_start_with(
    pattern: str, expected: set[tuple[str, str]] | None
) -> None:
    assert first_runs(pattern) == expected


def test_candidates_follow_the_readings() -> None:
    patterns = [
        re.compile(r"(?<![a-z0-9])(?:i|im) (?:want|wanna) die"),
        re.compile(r"(?<![a-z0-9])overdos\w*"),
        re.compile(r"die"),
    ]
    prefilter = Prefilter(patterns)
    assert prefilter.candidates("i want die") == {0, 2}
    assert prefilter.candidates("in want die") == {2}  # "in" is not exactly "i"
    assert prefilter.candidates("an overdose") == {1, 2}
    assert prefilter.candidates("") == {2}


def test_hashed_features_are_the_hashed_names_exactly() -> None:
    for text in ALL[:1500] + EXTRA + ["naïve résumé  日本語", "a b", "  spaced   out  "]:
        words = prepare(text)
        assert hashed_features(words, 1 << 18) == hashed(features(words), 1 << 18), words
