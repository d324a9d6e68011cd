"""Nudge texts, their rotation, tips, modes and the rate limits in force (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import discord
import pytest

from bot.core.library import load_library
from bot.core.settings import load_settings
from bot.listening.nudges import (
    CHANNEL_GAP,
    MEMBER_GAP,
    Limits,
    NudgeTexts,
    dm_nudge_text,
    missing_post_permissions,
    parse_mode,
)
from bot.store.listening import ListeningLimits

NUDGES = {
    "fixing": ("f1", "f2"),
    "minimizing": ("m1",),
    "hijacking": ("h1", "h2", "h3"),
    "pile_on": ("p1",),
    "channel": ("A note: listen first.", "Another note."),
}


def texts() -> NudgeTexts:
    return NudgeTexts(NUDGES, ("t1", "t2", "t3"))


def test_each_kind_rotates_on_its_own() -> None:
    t = texts()
    assert [t.nudge("fixing") for _ in range(3)] == ["f1", "f2", "f1"]
    assert [t.nudge("hijacking") for _ in range(2)] == ["h1", "h2"]
    assert [t.channel_note() for _ in range(3)] == [
        "A note: listen first.",
        "Another note.",
        "A note: listen first.",
    ]
    assert [t.tip() for _ in range(4)] == ["t1", "t2", "t3", "t1"]


@pytest.mark.parametrize(
    ("day", "tip"),
    [
        (date(2026, 11, 23), "t2"),  # a Monday
        (date(2026, 11, 29), "t2"),  # its Sunday: same week, same tip (a retry posts it again)
        (date(2026, 11, 30), "t3"),  # the next Monday: the next tip
        (date(2026, 12, 9), "t1"),
    ],
)
def test_weekly_tip_rotates_by_week(day: date, tip: str) -> None:
    assert texts().tip_for_week(day) == tip


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("A note: listen first.", True),
        ("  Another note.\n", True),
        ("any advice? A note: listen first", False),
        ("would you like advice, or just an ear?", False),
    ],
)
def test_own_notes_are_recognised(text: str, own: bool) -> None:
    assert texts().is_own_note(text) is own


def test_empty_lists_are_refused() -> None:
    with pytest.raises(ValueError):
        NudgeTexts({**NUDGES, "fixing": ()}, ("t",))
    with pytest.raises(ValueError):
        NudgeTexts(NUDGES, ())


@pytest.mark.parametrize(("text", "mode"), [("dm", "dm"), (" Channel ", "channel"), ("OFF", "off")])
def test_parse_mode(text: str, mode: str) -> None:
    assert parse_mode(text) == mode


def test_parse_mode_refuses_others() -> None:
    with pytest.raises(ValueError, match="dm, channel, off"):
        parse_mode("loud")


@pytest.mark.parametrize(
    ("member", "channel", "described"),
    [
        (None, None, ("every day", "every hour")),
        (timedelta(hours=12), timedelta(minutes=30), ("every 12 hours", "every 30 minutes")),
        (timedelta(days=3), timedelta(minutes=90), ("every 3 days", "every 90 minutes")),
    ],
)
def test_limits_fall_back_to_the_defaults(
    member: timedelta | None, channel: timedelta | None, described: tuple[str, str]
) -> None:
    limits = Limits.of(ListeningLimits(1, member, channel))
    assert limits.member_gap == (member or MEMBER_GAP)
    assert limits.channel_gap == (channel or CHANNEL_GAP)
    text = limits.describe()
    assert all(part in text for part in described)


def test_dm_text_names_place_not_people() -> None:
    body = dm_nudge_text("Try reflecting.", server="Willow Commons", channel="general")
    assert body.startswith("About a reply of yours in **Willow Commons** (#general)")
    assert body.endswith("Try reflecting.")


def test_the_shipped_library_has_every_text_the_cog_uses() -> None:
    library = load_library(
        load_settings(environ={}, env_file=None, require_token=False).prompts_path
    )
    t = NudgeTexts(library.listening.nudges, library.listening.tips)
    for kind in ("fixing", "minimizing", "hijacking", "pile_on"):
        assert t.nudge(kind) in library.listening.nudges[kind]
    note = t.channel_note()
    assert t.is_own_note(note)
    assert len(library.listening.tips) >= 2


@pytest.mark.parametrize(
    ("perms", "missing"),
    [
        (discord.Permissions(view_channel=True, send_messages=True, embed_links=True), []),
        (discord.Permissions(view_channel=True, embed_links=True), ["Send Messages"]),
        (discord.Permissions(send_messages=True), ["View Channel", "Embed Links"]),
        (discord.Permissions(administrator=True), []),
    ],
)
def test_missing_post_permissions_names_what_a_weekly_tip_needs(
    perms: discord.Permissions, missing: list[str]
) -> None:
    assert missing_post_permissions(perms) == missing
