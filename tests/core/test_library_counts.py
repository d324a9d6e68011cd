"""The shipped prompt library is big enough, well spread, and free of repeats and assumptions."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.core.crisis import CrisisDetector
from bot.core.library import (
    CATEGORIES,
    DEPTHS,
    Library,
    default_prompts_path,
    load_library,
)

MIN_PROMPTS = 180
MIN_PER_CELL = 15

# The brief's inclusiveness list, beyond the words tests/core/test_library.py already checks:
# nothing may assume a family, partner, faith, money, work or school, health, a body, or a
# nationality.
ASSUMPTIONS = re.compile(
    r"\b(famil\w*|relatives?|married|marriage|dating|boyfriends?|girlfriends?|husband|wife|"
    r"religio\w*|church|money|salary|afford\w*|buy|paid|jobs?|(at|from|after|before) work|"
    r"workplace|co-?workers?|colleagues?|office|school\w*|class(es)?|teachers?|homework|"
    r"health\w*|doctors?|bod(y|ies)|weight|country|countries|national\w*|hometown)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(default_prompts_path())


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split())


def test_library_has_at_least_180_prompts(shipped: Library) -> None:
    assert len(shipped.prompts) >= MIN_PROMPTS


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_cell_has_at_least_15_prompts(shipped: Library, category: str, depth: str) -> None:
    assert len(shipped.prompts_in(category, depth)) >= MIN_PER_CELL


def test_ids_are_unique(shipped: Library) -> None:
    repeated = [i for i, n in Counter(p.id for p in shipped.prompts).items() if n > 1]
    assert repeated == []


def test_texts_are_unique_ignoring_case_and_spacing(shipped: Library) -> None:
    counts = Counter(_normalized(p.text) for p in shipped.prompts)
    assert [text for text, n in counts.items() if n > 1] == []


def test_ids_follow_the_category_depth_number_pattern(shipped: Library) -> None:
    for prompt in shipped.prompts:
        assert re.fullmatch(rf"{prompt.category}-{prompt.depth}-\d\d", prompt.id), prompt.id


@pytest.mark.parametrize("number", range(1, 6))
@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_the_original_ids_are_kept(
    shipped: Library, category: str, depth: str, number: int
) -> None:
    # Servers remember which ids they have seen; dropping or moving one would repeat prompts.
    prompt = shipped.prompt(f"{category}-{depth}-{number:02d}")
    assert prompt is not None
    assert (prompt.category, prompt.depth) == (category, depth)


def test_no_prompt_assumes_family_faith_money_work_health_body_or_nationality(
    shipped: Library,
) -> None:
    texts = [p.text for p in shipped.prompts] + [p.follow_up or "" for p in shipped.prompts]
    texts += list(shipped.framing)
    assert [t for t in texts if ASSUMPTIONS.search(t)] == []


def test_no_prompt_or_framing_line_trips_the_crisis_detector(shipped: Library) -> None:
    # Kindred's own words must not look like crisis language in the thread they open, where a
    # member may quote them. Two lines the model hears as crisis in a watched channel are known
    # false alarms (docs/crisis.md); no other line may join them.
    detector = CrisisDetector.from_library(shipped)
    texts = [p.text for p in shipped.prompts] + [p.follow_up or "" for p in shipped.prompts]
    texts += list(shipped.framing)
    known = {
        "Naming it takes courage. Replies here are for listening, not fixing.",
        "Which of those could we do more of here?",
    }
    assert {t for t in texts if detector.is_crisis(t, surface="public")} <= known


def test_about_a_third_of_prompts_have_a_follow_up(shipped: Library) -> None:
    share = sum(1 for p in shipped.prompts if p.follow_up) / len(shipped.prompts)
    assert 0.25 <= share <= 0.45


def test_framing_keeps_the_gentle_invitation(shipped: Library) -> None:
    assert len(shipped.framing) >= 10
    assert any("no wrong answers" in line for line in shipped.framing)
