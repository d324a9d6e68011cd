"""When something recurs: the schedule rule a row holds, and parsing what a member types.

A :class:`Rule` is a local wall time on some weekdays in an IANA zone. It is a plain value the
store keeps and every feature builds from user input (``parse_time``, ``parse_days``,
``parse_timezone``); when it is next due is the schedule's business (``bot.schedule.rules``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "DAY_FULL_NAMES",
    "DAY_NAMES",
    "Rule",
    "parse_days",
    "parse_time",
    "parse_timezone",
    "zone_named",
]

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How a day is written for people, and the full names parse_days accepts.
DAY_FULL_NAMES: dict[str, str] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_FULL_DAY_NAMES = {full.lower(): code for code, full in DAY_FULL_NAMES.items()}
_DAY_ALIASES = {
    "*": "*",
    "daily": "*",
    "every day": "*",
    "everyday": "*",
    "weekdays": "mon-fri",
    "weekends": "sat,sun",
}


@dataclass(frozen=True)
class Rule:
    """When something recurs: a local wall time on some weekdays in an IANA zone."""

    local_time: time
    timezone: str
    days: str = "*"
    quiet_hours: bool = False

    def __post_init__(self) -> None:
        if self.local_time.second or self.local_time.microsecond or self.local_time.tzinfo:
            raise ValueError("a schedule time is a plain hour and minute")
        _checked_timezone(self.timezone)
        if _canonical_days(self.days) != self.days:
            raise ValueError(f"days {self.days!r} is not in canonical form")

    @property
    def hhmm(self) -> str:
        return f"{self.local_time.hour:02d}:{self.local_time.minute:02d}"

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)


@functools.lru_cache(maxsize=1024)
def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@functools.lru_cache(maxsize=1)
def _timezones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


@functools.lru_cache(maxsize=1024)
def _checked_timezone(name: str) -> str:
    return parse_timezone(name)


@functools.lru_cache(maxsize=256)
def _canonical_days(days: str) -> str:
    return parse_days(days)


def parse_timezone(text: str) -> str:
    """The canonical IANA name for ``text`` (case-insensitive), or a user-facing ValueError."""
    name = text.strip()
    canonical = _timezones_by_folded_name().get(name.casefold())
    if canonical is None:
        try:
            zone_named(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"I don't know the timezone {text!r}. Pick one from the list, "
                "for example Europe/Berlin or America/New_York."
            ) from None
        canonical = name
    return canonical


_TIME_12H = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m?\.?$")
_TIME_24H = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?$")


def parse_time(text: str) -> time:
    """``"9am"``, ``"9:30pm"``, ``"21:05"`` or ``"noon"`` as a local time of day."""
    raw = text.strip().lower()
    bad = ValueError(
        f"I can't read the time {text!r}. Use HH:MM in 24-hour time (like 21:05) "
        "or a time like 9am or 9:30pm."
    )
    if raw == "noon":
        return time(12, 0)
    if raw == "midnight":
        return time(0, 0)
    if match := _TIME_12H.match(raw):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise bad
        hour = hour % 12 + (12 if match[3] == "p" else 0)
        return time(hour, minute)
    if match := _TIME_24H.match(raw):
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour > 23 or minute > 59:
            raise bad
        return time(hour, minute)
    raise bad


def parse_days(text: str) -> str:
    """User input (``daily``, ``weekdays``, ``weekends``, ``mon,wed,fri``) as a cron day string.

    The result is canonical: ``*`` for every day, ``mon-fri``, ``sat,sun``, or the
    chosen days comma-separated in week order.
    """
    raw = " ".join(text.strip().lower().split())
    if raw in _DAY_ALIASES:
        return _DAY_ALIASES[raw]
    chosen: set[int] = set()
    for part in (p.strip() for p in raw.replace(" ", ",").split(",")):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day_index(first, text), _day_index(last, text)
            if end < start:
                raise ValueError(f"The day range {part!r} runs backwards; write it like mon-fri.")
            chosen.update(range(start, end + 1))
        else:
            chosen.add(_day_index(part, text))
    if not chosen:
        raise _days_error(text)
    ordered = sorted(chosen)
    if len(ordered) == 7:
        return "*"
    if ordered == [0, 1, 2, 3, 4]:
        return "mon-fri"
    return ",".join(DAY_NAMES[i] for i in ordered)


def _day_index(word: str, original: str) -> int:
    word = _FULL_DAY_NAMES.get(word, word)
    if word not in DAY_NAMES:
        raise _days_error(original)
    return DAY_NAMES.index(word)


def _days_error(text: str) -> ValueError:
    return ValueError(
        f"I can't read the days {text!r}. Use daily, weekdays, weekends "
        "or a list of days like mon,wed,fri."
    )
