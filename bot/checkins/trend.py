"""A member's own check-in trend as pure functions: sparkline, weekly averages, streaks.

Nothing here reads the clock or the store: callers pass the moods and moments,
so the math is tested with plain tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MOOD_MIN = 1
MOOD_MAX = 5
LOW_MOOD = 2  # 1 and 2 are the low answers
# One bar height per mood, 1 (lowest) to 5; a check-in without an answer is a dot.
BARS = "▁▃▄▆█"
NO_ANSWER = "·"


@dataclass(frozen=True)
class WeekAverage:
    week_start: date  # the Monday, in the member's timezone
    average: float
    answers: int


@dataclass(frozen=True)
class Streaks:
    current: int  # check-ins answered in a row, up to the latest
    longest: int


def is_low(mood: int | None) -> bool:
    return mood is not None and mood <= LOW_MOOD


def two_low_in_a_row(previous: int | None, latest: int) -> bool:
    """Two low answers in a row: time to offer resources and the "I'd like to talk" path."""
    return is_low(previous) and is_low(latest)


def sparkline(moods: Sequence[int | None]) -> str:
    """One character per check-in, oldest first: bar heights for 1-5, a dot if unanswered."""
    out = []
    for mood in moods:
        if mood is None:
            out.append(NO_ANSWER)
        elif MOOD_MIN <= mood <= MOOD_MAX:
            out.append(BARS[mood - MOOD_MIN])
        else:
            raise ValueError(f"a mood is 1 to 5, not {mood}")
    return "".join(out)


def weekly_averages(
    answers: Sequence[tuple[datetime | date, int]], zone: ZoneInfo, *, weeks: int = 4
) -> list[WeekAverage]:
    """Average mood per local week (Monday first), the most recent ``weeks`` weeks that have
    answers, oldest first. A date is already the member's own (a check-in's date)."""
    by_week: dict[date, list[int]] = {}
    for moment, mood in answers:
        local_day = moment.astimezone(zone).date() if isinstance(moment, datetime) else moment
        monday = local_day - timedelta(days=local_day.weekday())
        by_week.setdefault(monday, []).append(mood)
    recent = sorted(by_week)[-weeks:] if weeks > 0 else []
    return [
        WeekAverage(start, round(sum(by_week[start]) / len(by_week[start]), 1), len(by_week[start]))
        for start in recent
    ]


def answer_streaks(outcomes: Sequence[bool | None]) -> Streaks:
    """Streaks over check-ins oldest first: True answered, False skipped or missed, None still
    waiting (the latest one, just sent: it neither extends nor breaks the streak)."""
    longest = run = 0
    for outcome in outcomes:
        if outcome is None:
            continue
        run = run + 1 if outcome else 0
        longest = max(longest, run)
    return Streaks(current=run, longest=longest)


def average(moods: Sequence[int]) -> float | None:
    return round(sum(moods) / len(moods), 1) if moods else None
