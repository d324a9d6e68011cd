"""The depth ladder, prompt selection without repeats, and thread names."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.library import (
    CATEGORIES,
    DEPTHS,
    Prompt,
    default_prompts_path,
    load_library,
)
from bot.prompts.selection import (
    DEPTH_ORDER,
    FALLBACK_THREAD_NAME,
    Engagement,
    LadderRule,
    classify,
    fallback_depths,
    initial_depth,
    next_depth,
    pick_prompt,
    thread_name,
    trailing_streak,
)

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

# One engagement per letter, each clearly of one kind under the default rule.
KINDS = {"E": Engagement(repliers=3, replies=5), "Q": Engagement(0, 0), "N": Engagement(2, 3)}


def posts(letters: str) -> list[Engagement]:
    return [KINDS[letter] for letter in letters]


def prompt(pid: str, category: str = "open", depth: str = "light") -> Prompt:
    return Prompt(id=pid, text=f"Question {pid}?", category=category, depth=depth, follow_up=None)


def library(cells: Iterable[str], per_cell: int = 16) -> list[Prompt]:
    """Prompts for cells named "category-depth", ``per_cell`` each."""
    out = []
    for cell in cells:
        category, depth = cell.split("-")
        out += [prompt(f"{cell}-{n:02d}", category, depth) for n in range(1, per_cell + 1)]
    return out


FULL = library(f"{c}-{d}" for c in CATEGORIES for d in DEPTHS)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# -- the ladder ----------------------------------------------------------------------------


def test_depth_order_matches_the_library() -> None:
    assert DEPTH_ORDER == DEPTHS


@pytest.mark.parametrize(
    ("repliers", "replies", "rule", "expected"),
    [
        (3, 5, {}, "engaged"),
        (9, 40, {}, "engaged"),
        (2, 10, {}, "neutral"),  # many replies, too few people: a two-person chat
        (3, 4, {}, "neutral"),
        (2, 2, {}, "neutral"),
        (1, 1, {}, "quiet"),
        (0, 0, {}, "quiet"),
        (1, 1, {"quiet_replies": 0}, "neutral"),
        (2, 3, {"engaged_repliers": 2, "engaged_replies": 3}, "engaged"),
        (1, 3, {"quiet_replies": 3, "engaged_replies": 4}, "quiet"),
    ],
)
def test_classify(repliers: int, replies: int, rule: dict[str, Any], expected: str) -> None:
    assert classify(Engagement(repliers, replies), LadderRule(**rule)) == expected


@pytest.mark.parametrize(
    ("current", "history", "rule", "expected"),
    [
        ("light", "", {}, "light"),
        ("light", "EE", {}, "light"),
        ("light", "EEE", {}, "medium"),
        ("medium", "EEE", {}, "deep"),
        ("light", "EEEEEE", {}, "medium"),  # one level per move, however long the streak
        ("deep", "EEE", {}, "deep"),  # already at the maximum
        ("light", "EENE", {}, "light"),  # a neutral post breaks an engaged streak
        ("light", "EEQE", {}, "light"),  # so does a quiet one
        ("light", "NEEE", {}, "medium"),  # only the streak at the end counts
        ("light", "EEEN", {}, "light"),
        ("medium", "Q", {}, "medium"),
        ("medium", "QQ", {}, "light"),
        ("deep", "QQ", {}, "medium"),
        ("medium", "QNQ", {}, "medium"),  # a neutral post breaks a quiet streak
        ("medium", "QEQ", {}, "medium"),  # so does an engaged one
        ("medium", "EEQQ", {}, "light"),
        ("light", "QQ", {}, "light"),  # never below light
        ("light", "QQQQQ", {}, "light"),
        ("light", "E", {"step_up_after": 1}, "medium"),
        ("medium", "Q", {"step_down_after": 1}, "light"),
        ("light", "EEE", {"step_up_after": 4}, "light"),
        ("medium", "QQ", {"step_down_after": 3}, "medium"),
        ("light", "NNN", {"engaged_repliers": 2, "engaged_replies": 3}, "medium"),
        ("medium", "EEE", {"max_depth": "medium"}, "medium"),
        ("light", "EEE", {"max_depth": "medium"}, "medium"),
        ("light", "EEE", {"max_depth": "light"}, "light"),
        ("deep", "", {"max_depth": "medium"}, "medium"),  # the maximum was lowered
        ("deep", "QQ", {"max_depth": "light"}, "light"),
        ("deep", "EEE", {"max_depth": "light"}, "light"),
        ("medium", "EEE", {"max_depth": "light"}, "light"),
    ],
)
def test_next_depth(current: str, history: str, rule: dict[str, Any], expected: str) -> None:
    assert next_depth(current, posts(history), LadderRule(**rule)) == expected


def test_climbing_needs_a_fresh_streak_at_each_depth() -> None:
    rule = LadderRule()
    depth = "light"
    history: list[Engagement] = []
    path: list[str] = []
    for letter in "EEE" + "EE" + "N" + "EEE" + "QQ":
        history.append(KINDS[letter])
        new = next_depth(depth, history, rule)
        if new != depth:
            depth, history = new, []  # what the caller does after a move
        path.append(depth)
    assert path == [
        *["light", "light", "medium"],
        *["medium", "medium", "medium"],
        *["medium", "medium", "deep"],
        *["deep", "medium"],
    ]


@pytest.mark.parametrize(
    ("history", "expected"),
    [("", (None, 0)), ("E", ("engaged", 1)), ("EEN", ("neutral", 1)), ("NQQ", ("quiet", 2))],
)
def test_trailing_streak(history: str, expected: tuple[str | None, int]) -> None:
    assert trailing_streak(posts(history), LadderRule()) == expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({}, "light"),
        ({"start_depth": "medium"}, "medium"),
        ({"start_depth": "deep", "max_depth": "medium"}, "medium"),
    ],
)
def test_initial_depth(rule: dict[str, Any], expected: str) -> None:
    assert initial_depth(LadderRule(**rule)) == expected


@pytest.mark.parametrize(
    "rule",
    [
        {"max_depth": "deeper"},
        {"start_depth": ""},
        {"engaged_repliers": 0},
        {"engaged_replies": 1, "quiet_replies": 1},  # a post could be engaged and quiet
        {"quiet_replies": -1},
        {"step_up_after": 0},
        {"step_down_after": 0},
    ],
)
def test_invalid_rules_are_refused(rule: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        LadderRule(**rule)


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        Engagement(repliers=-1, replies=0)
    with pytest.raises(ValueError, match="current must be one of light, medium, deep"):
        next_depth("abyss", [], LadderRule())


# -- picking a prompt ----------------------------------------------------------------------


def run_picks(
    candidates: list[Prompt], n: int, *, depth: str, category: str | None, seed: int = 1
) -> tuple[list[Prompt], dict[str, datetime]]:
    rng = random.Random(seed)
    history: dict[str, datetime] = {}
    picked: list[Prompt] = []
    for minute in range(n):
        chosen = pick_prompt(candidates, history, depth=depth, category=category, rng=rng)
        history[chosen.id] = at(minute)
        picked.append(chosen)
    return picked, history


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_no_repeats_until_the_cell_is_exhausted(category: str, depth: str) -> None:
    picked, _ = run_picks(FULL, 16, depth=depth, category=category)
    assert len({p.id for p in picked}) == 16
    assert {(p.category, p.depth) for p in picked} == {(category, depth)}


def test_after_exhaustion_the_least_recently_posted_comes_back_in_order() -> None:
    picked, _ = run_picks(FULL, 48, depth="medium", category="listen", seed=7)
    first_round = [p.id for p in picked[:16]]
    assert [p.id for p in picked[16:32]] == first_round
    assert [p.id for p in picked[32:]] == first_round


def test_without_a_category_the_habits_take_turns_and_nothing_repeats() -> None:
    picked, _ = run_picks(FULL, 64, depth="light", category=None, seed=3)
    assert len({p.id for p in picked}) == 64
    for start in range(0, 64, 4):
        assert {p.category for p in picked[start : start + 4]} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("last_posted", "expected"),
    [
        # category -> minute of its last light post; the oldest (or never posted) wins
        ({"open": 3, "listen": 1, "support": 2, "together": 4}, "listen"),
        ({"open": 3, "listen": 1, "support": 2}, "together"),
        ({"open": 0, "listen": 9, "support": 8, "together": 7}, "open"),
    ],
)
def test_category_rotation_prefers_the_least_recently_posted(
    last_posted: dict[str, int], expected: str
) -> None:
    history = {f"{c}-light-01": at(m) for c, m in last_posted.items()}
    # Deep posts do not count for rotation at light, however recent.
    history |= {f"{expected}-deep-01": at(100), f"{expected}-deep-02": at(101)}
    for seed in range(5):
        chosen = pick_prompt(FULL, history, depth="light", rng=random.Random(seed))
        assert (chosen.category, chosen.depth) == (expected, "light")
        assert chosen.id not in history


def test_rotation_never_repeats_a_prompt_while_others_are_fresh() -> None:
    # open has the oldest last post, but its only light prompt has been posted.
    candidates = library(["open-light"], per_cell=1) + library(["listen-light", "support-light"])
    history = {"open-light-01": at(0), "listen-light-01": at(5), "support-light-01": at(9)}
    chosen = pick_prompt(candidates, history, depth="light", rng=random.Random(0))
    assert chosen.category == "listen" and chosen.id not in history


def test_least_recently_posted_is_reused_exactly() -> None:
    candidates = library(["support-deep"], per_cell=4)
    history = {f"support-deep-0{n}": at(m) for n, m in [(1, 30), (2, 10), (3, 20), (4, 40)]}
    chosen = pick_prompt(candidates, history, depth="deep", category="support", rng=random.Random())
    assert chosen.id == "support-deep-02"


def test_ties_among_the_least_recent_are_broken_by_the_rng() -> None:
    candidates = library(["open-light"], per_cell=8)
    history = {p.id: T0 for p in candidates}
    picks = {
        pick_prompt(candidates, history, depth="light", rng=random.Random(seed)).id
        for seed in range(40)
    }
    assert len(picks) > 1


def test_seeded_rng_gives_the_same_picks_whatever_the_library_order() -> None:
    shuffled = FULL[:]
    random.Random(99).shuffle(shuffled)
    first, _ = run_picks(FULL, 30, depth="deep", category=None, seed=5)
    again, _ = run_picks(shuffled, 30, depth="deep", category=None, seed=5)
    other, _ = run_picks(FULL, 30, depth="deep", category=None, seed=6)
    assert [p.id for p in first] == [p.id for p in again]
    assert [p.id for p in first] != [p.id for p in other]


@pytest.mark.parametrize(
    ("cells", "depth", "category", "expected_cell"),
    [
        (["open-medium", "open-deep", "listen-light"], "deep", "open", "open-deep"),
        (["open-medium", "open-deep", "listen-light"], "light", "open", "open-medium"),
        (["open-medium", "open-deep", "listen-light"], "medium", "listen", "listen-light"),
        (["open-medium", "open-deep", "listen-light"], "deep", "listen", "listen-light"),
        (["open-medium", "open-deep", "listen-light"], "medium", "support", "open-medium"),
        (["open-medium", "open-deep", "listen-light"], "light", None, "listen-light"),
        (["open-light", "open-deep"], "medium", "open", "open-light"),  # shallower first
        (["open-light", "open-medium"], "deep", "open", "open-medium"),  # nearest shallower
        (["open-deep"], "light", "open", "open-deep"),
        (["together-medium", "together-deep"], "light", None, "together-medium"),
    ],
)
def test_fallback_when_nothing_matches(
    cells: list[str], depth: str, category: str | None, expected_cell: str
) -> None:
    chosen = pick_prompt(
        library(cells, per_cell=3), {}, depth=depth, category=category, rng=random.Random(2)
    )
    assert f"{chosen.category}-{chosen.depth}" == expected_cell


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        ("light", ("light", "medium", "deep")),
        ("medium", ("medium", "light", "deep")),
        ("deep", ("deep", "medium", "light")),
    ],
)
def test_fallback_depth_order(depth: str, expected: tuple[str, ...]) -> None:
    assert fallback_depths(depth) == expected


def test_suggestions_and_retired_history_ids_are_handled() -> None:
    suggestion = prompt("suggestion-17", "support", "medium")
    candidates = [*library(["support-medium"], per_cell=2), suggestion]
    history = {"retired-prompt": at(-50), "support-medium-01": at(1), "support-medium-02": at(2)}
    chosen = pick_prompt(candidates, history, depth="medium", rng=random.Random(0))
    assert chosen == suggestion


def test_empty_library_and_unknown_depth_raise() -> None:
    with pytest.raises(ValueError, match="no prompts"):
        pick_prompt([], {}, depth="light", rng=random.Random(0))
    with pytest.raises(ValueError, match="depth must be one of"):
        pick_prompt(FULL, {}, depth="bottomless", rng=random.Random(0))


def test_shipped_library_never_repeats_within_a_cell() -> None:
    shipped = load_library(default_prompts_path())
    for category in CATEGORIES:
        for depth in DEPTHS:
            size = len(shipped.prompts_in(category, depth))
            picked, _ = run_picks(list(shipped.prompts), size, depth=depth, category=category)
            assert len({p.id for p in picked}) == size >= 16, (category, depth)


# -- thread names --------------------------------------------------------------------------

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one glyph, five code points
FLAG = "\U0001f1eb\U0001f1f7"  # one flag, two regional indicators


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("What's up?", {}, "What's up?"),
        ("  many   spaces\n\tand\r\nlines  ", {}, "many spaces and lines"),
        ("**Bold** _it_ `code` ~~gone~~ ||spoiler||", {}, "Bold it code gone spoiler"),
        ("Hi <@123> and <#456> @everyone #general", {}, "Hi 123 and 456 everyone general"),
        ("", {}, FALLBACK_THREAD_NAME),
        ("   \n ", {}, FALLBACK_THREAD_NAME),
        ("@#<>*_`~|", {}, FALLBACK_THREAD_NAME),
        ("\u200b\u202e\x00", {}, FALLBACK_THREAD_NAME),
        ("\u202eevil\u202c twin", {}, "evil twin"),
        ("a" * 100, {}, "a" * 100),
        ("a" * 101, {}, "a" * 99 + "…"),
        ("word " * 30, {}, " ".join(["word"] * 20) + "…"),
        ("Hello, " * 20, {}, "Hello, " * 13 + "Hello…"),  # no ",…"
        ("a " + "b" * 150, {}, "a " + "b" * 97 + "…"),  # a boundary that wastes the room
        ("café " * 30, {}, " ".join(["café"] * 20) + "…"),
        ("日本語の質問" * 30, {}, "日本語の質問" * 16 + "日本語…"),
        ("\U0001f600" * 150, {}, "\U0001f600" * 99 + "…"),
        (FAMILY * 30, {}, FAMILY * 19 + "…"),  # no half family
        (FLAG * 60, {}, FLAG * 49 + "…"),  # no half flag
        ("e\u0301" * 60, {}, "e\u0301" * 49 + "…"),  # no accent cut from its letter
        ("What do you need today?", {"limit": 12}, "What do you…"),
        ("", {"limit": 5}, "Toda…"),
        ("Short", {"limit": 5}, "Short"),
    ],
)
def test_thread_name(text: str, kwargs: dict[str, int], expected: str) -> None:
    assert thread_name(text, **kwargs) == expected


def test_every_shipped_prompt_makes_a_valid_thread_name() -> None:
    for shipped in load_library(default_prompts_path()).prompts:
        name = thread_name(shipped.text)
        assert 1 <= len(name) <= 100
        assert name.endswith("…") or name == shipped.text


@pytest.mark.parametrize("limit", [1, 0, 101])
def test_thread_name_limit_must_fit_discord(limit: int) -> None:
    with pytest.raises(ValueError):
        thread_name("x", limit=limit)
