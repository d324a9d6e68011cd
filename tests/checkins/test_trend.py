"""The check-in trend math and texts, as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.checkins.texts import footer_for, history_embed, question_for
from bot.checkins.trend import (
    Streaks,
    WeekAverage,
    answer_streaks,
    average,
    is_low,
    sparkline,
    two_low_in_a_row,
    weekly_averages,
)
from bot.checkins.views import parse_id, parse_mood
from bot.store.checkins import CheckinDelivery

BERLIN = ZoneInfo("Europe/Berlin")
LABELS = ("Rough", "Low", "Okay", "Good", "Great")


@pytest.mark.parametrize(
    ("moods", "expected"),
    [
        ([], ""),
        ([1, 2, 3, 4, 5], "▁▃▄▆█"),
        ([None, 3, None], "·▄·"),
        ([5, 5, 1], "██▁"),
    ],
)
def test_sparkline(moods: list[int | None], expected: str) -> None:
    assert sparkline(moods) == expected


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_sparkline_refuses_moods_outside_one_to_five(bad: int) -> None:
    with pytest.raises(ValueError):
        sparkline([bad])


@pytest.mark.parametrize(
    ("previous", "latest", "low"),
    [(None, 1, False), (2, 2, True), (1, 2, True), (3, 1, False), (2, 3, False), (1, 5, False)],
)
def test_two_low_in_a_row(previous: int | None, latest: int, low: bool) -> None:
    assert two_low_in_a_row(previous, latest) is low


@pytest.mark.parametrize(("mood", "low"), [(None, False), (1, True), (2, True), (3, False)])
def test_is_low(mood: int | None, low: bool) -> None:
    assert is_low(mood) is low


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], Streaks(0, 0)),
        ([True, True, False, True], Streaks(1, 2)),
        ([True, True, True], Streaks(3, 3)),
        ([True, False, False], Streaks(0, 1)),
        ([True, True, None], Streaks(2, 2)),  # the latest is still waiting: no break
        ([False, True, True, True, False, True, True], Streaks(2, 3)),
    ],
)
def test_answer_streaks(outcomes: list[bool | None], expected: Streaks) -> None:
    assert answer_streaks(outcomes) == expected


def test_weekly_averages_use_the_members_local_week() -> None:
    answers = [
        # Sunday 23:30 UTC is already Monday 00:30 in Berlin: the next week there.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), 5),
        (datetime(2026, 11, 22, 12, 0, tzinfo=UTC), 2),
        (datetime(2026, 11, 20, 12, 0, tzinfo=UTC), 3),
        (datetime(2026, 11, 24, 12, 0, tzinfo=UTC), 4),
    ]
    assert weekly_averages(answers, BERLIN) == [
        WeekAverage(date(2026, 11, 16), 2.5, 2),
        WeekAverage(date(2026, 11, 23), 4.5, 2),
    ]
    assert weekly_averages(answers, ZoneInfo("UTC"), weeks=1) == [
        WeekAverage(date(2026, 11, 23), 4.0, 1)
    ]


def test_average() -> None:
    assert average([]) is None
    assert average([1, 2, 2]) == 1.7


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("12", 12), ("0", None), ("012", None), ("abc", None), ("", None), ("1" * 19, None)],
)
def test_parse_id(raw: str, parsed: int | None) -> None:
    assert parse_id(raw) == parsed


@pytest.mark.parametrize(("raw", "parsed"), [("1", 1), ("5", 5), ("0", None), ("6", None)])
def test_parse_mood(raw: str, parsed: int | None) -> None:
    assert parse_mood(raw) == parsed


def test_footer_and_rotating_question() -> None:
    assert footer_for(date(2026, 3, 8), requested=False) == "Kindred check-in · Sun 8 Mar"
    assert footer_for(date(2026, 3, 8), requested=True).startswith("Kindred check-in (asked for)")
    questions = ("a", "b", "c")
    assert [question_for(questions, i) for i in (3, 4, 5, 6)] == ["a", "b", "c", "a"]


def _delivery(i: int, sent: datetime, mood: int | None, skipped: bool = False) -> CheckinDelivery:
    return CheckinDelivery(
        id=i,
        member="keyed-hash",
        source="scheduled",
        local_date=sent.date(),
        sent_on=sent.date(),
        message_id=discord.utils.time_snowflake(sent),
        mood=mood,
        skipped=skipped,
        answered_on=None if mood is None else sent.date(),
        note_sealed=None,
        noted_on=None,
    )


def test_history_embed_shows_trend_average_and_streak() -> None:
    day = datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
    deliveries = [
        _delivery(1, day, 2),
        _delivery(2, day + timedelta(days=1), None, skipped=True),
        _delivery(3, day + timedelta(days=7), 4),
        _delivery(4, day + timedelta(days=8), 5),
        _delivery(5, day + timedelta(days=9), None),  # just sent: still waiting
    ]
    now = day + timedelta(days=9, hours=1)
    embed = history_embed(deliveries, LABELS, BERLIN, now, "every day at 18:00")
    assert embed.description is not None and embed.description.startswith("`▃·▆█·`")
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Latest"] == "5/5 · Great · Tue 24 Nov"
    assert "Week of 16 Nov: **2.0** (1 answer)" in str(fields["Weekly averages"])
    assert "Week of 23 Nov: **4.5** (2 answers)" in str(fields["Weekly averages"])
    assert str(fields["Streak"]).startswith("2 check-ins answered in a row (longest 2)")
    assert "3 answers in all, average 3.7" in str(fields["Streak"])


def test_history_embed_without_answers() -> None:
    embed = history_embed([], LABELS, BERLIN, datetime(2026, 1, 1, tzinfo=UTC), "Off")
    assert embed.description is not None and "No answers yet" in embed.description
