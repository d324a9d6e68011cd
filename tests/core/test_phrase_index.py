"""The first-word index of phrase lists changes no match (issue 15).

Lists run to hundreds of phrases and were searched one regular expression at a time; now a
clause is tried only against the phrases whose first word it holds. This checks, for every
list in the shipped library, over every clause of the labeled conversations (and variants
with letters outside a-z glued to words, where a phrase can still match after them), that the
indexed answers are exactly the one-by-one answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.library import default_prompts_path, load_library
from bot.core.text import PhraseSet, split_clauses
from bot.listening.detector import DetectionConfig

DATA = Path(__file__).resolve().parents[1] / "data"


def _texts() -> list[str]:
    texts: list[str] = []
    for name in ("listening_eval.yaml",):
        loaded = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        for conversation in loaded["conversations"]:
            if not isinstance(conversation, dict):
                continue
            texts.append(str(conversation.get("opener", "")))
            texts += [str(r.get("text", "")) for r in conversation.get("replies") or []]
    return [t for t in texts if t]


def _clauses() -> list[str]:
    clauses: set[str] = set()
    for text in _texts():
        for clause in split_clauses(text).clauses:
            clauses.add(clause)
            words = clause.split()
            # "élost", "lostß": a phrase matches at a-z0-9 boundaries, not word boundaries
            clauses.add(" ".join("é" + w if i % 2 else w + "ß" for i, w in enumerate(words)))
    return sorted(clauses)


CLAUSES = _clauses()[::2]  # every other one: about 1,800, enough for every list, half the time
LISTS = DetectionConfig.from_library(load_library(default_prompts_path())).lists


def _slow_matches(phrases: PhraseSet, clause: str) -> bool:
    return any(p.search(clause) for p in phrases.patterns)


def _slow_distinct(phrases: PhraseSet, clause: str) -> int:
    found: set[str] = set()
    spans = sorted(m.span() for p in phrases.patterns for m in p.finditer(clause))
    end = -1
    for start, stop in spans:
        if start >= end:
            found.add(clause[start:stop])
        end = max(end, stop)
    return min(len(found), phrases.cap)


def test_the_corpus_is_real() -> None:
    assert len(CLAUSES) > 1500 and len(LISTS) > 10


@pytest.mark.parametrize("name", sorted(LISTS))
def test_indexed_matching_equals_matching_every_phrase(name: str) -> None:
    phrases = LISTS[name]
    for clause in CLAUSES:
        slow = _slow_matches(phrases, clause)
        assert phrases.clause_matches(clause) == slow, (name, clause)
        assert phrases.distinct_hits([clause]) == _slow_distinct(phrases, clause), (name, clause)


def test_the_lists_do_match_the_corpus() -> None:
    """So the equality above is not between two answers that are always False."""
    matched = {name for name, p in LISTS.items() if any(p.clause_matches(c) for c in CLAUSES)}
    assert len(matched) >= len(LISTS) * 3 // 4


@pytest.mark.parametrize(
    ("phrase", "clause", "expected"),
    [
        ("lost", "i élost it", True),  # after a letter outside a-z0-9, as the regex does
        ("lost*", "totally lostness", True),
        ("*ing", "i am sobbing", True),
        ("*ing", "i sing", False),  # the stem is too short
        ("^* help", "so help", True),  # an opening filler, then any word
        ("^* help", "so what now help", False),
        ("* help", "please help", True),
        ("my mum", "its my mum", True),
        ("my mum", "mymum", False),
    ],
)
def test_first_words_of_each_kind(phrase: str, clause: str, expected: bool) -> None:
    phrases = PhraseSet(phrases=(phrase,))
    assert phrases.clause_matches(clause) is expected
    assert _slow_matches(phrases, clause) is expected
    assert re.search(phrases.patterns[0], clause) is not None or not expected
