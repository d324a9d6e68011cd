"""Pure schedule-rule math: parsing user input and computing the next due time.

Nothing here reads the clock: every function takes the moment it reasons about,
so the rules are tested with tables that cross DST changes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from apscheduler.triggers.cron import CronTrigger

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
# Catch-up work for quiet-hours rows is not delivered between these local times.
QUIET_START = time(22, 0)
QUIET_END = time(8, 0)
# Discord accepts a message nonce of up to 25 characters.
NONCE_MAX = 25


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
        return _zone(self.timezone)


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
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


@functools.lru_cache(maxsize=16384)
def _trigger(hour: int, minute: int, days: str, timezone: str) -> CronTrigger:
    return CronTrigger(hour=hour, minute=minute, day_of_week=days, timezone=_zone(timezone))


def parse_timezone(text: str) -> str:
    """The canonical IANA name for ``text`` (case-insensitive), or a user-facing ValueError."""
    name = text.strip()
    canonical = _timezones_by_folded_name().get(name.casefold())
    if canonical is None:
        try:
            _zone(name)
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


def next_due_after(rule: Rule, after: datetime) -> datetime:
    """The first occurrence of ``rule`` strictly after ``after``, in UTC.

    A local time skipped by a spring-forward change fires at the next valid time
    that day; a local time that happens twice on fall-back day fires twice (the
    delivery ledger, keyed by local date, makes the second a no-op).
    """
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    trigger = _trigger(rule.local_time.hour, rule.local_time.minute, rule.days, rule.timezone)
    # CronTrigger treats its start as inclusive at whole seconds; one microsecond
    # later makes "after" strict.
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    if fire is None:  # only past year 9999
        raise ValueError(f"no occurrence of {rule} after {after.isoformat()}")
    return fire.astimezone(UTC)


def local_date_for(rule: Rule, due_at: datetime) -> date:
    """The local calendar date an occurrence belongs to: the delivery ledger's key."""
    return due_at.astimezone(rule.zone).date()


def in_quiet_hours(rule: Rule, moment: datetime) -> bool:
    """True if ``moment`` falls between 22:00 and 08:00 in the rule's timezone."""
    local = moment.astimezone(rule.zone).time()
    return local >= QUIET_START or local < QUIET_END


def nonce_for(schedule_id: int, local_date: date) -> str:
    """A message nonce derived from the ledger key; the same delivery always gets the same one."""
    nonce = f"kd{_base36(schedule_id)}.{local_date:%Y%m%d}"
    if len(nonce) > NONCE_MAX:
        raise ValueError(f"schedule id {schedule_id} too large for a nonce")
    return nonce


def _base36(number: int) -> str:
    if number < 0:
        raise ValueError("schedule ids are positive")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out
