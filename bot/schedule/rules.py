"""Pure schedule-rule math: when a rule is next due, its local date, quiet hours and nonces.

Nothing here reads the clock: every function takes the moment it reasons about, so the rules
are tested with tables that cross DST changes. The rule itself and the parsing of what members
type live in ``bot.core.recurrence`` (the store keeps rules too) and are re-exported here.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.core.recurrence import (
    DAY_FULL_NAMES,
    DAY_NAMES,
    Rule,
    parse_days,
    parse_time,
    parse_timezone,
    zone_named,
)

__all__ = [
    "DAY_FULL_NAMES",
    "DAY_NAMES",
    "NONCE_MAX",
    "QUIET_END",
    "QUIET_START",
    "Rule",
    "in_quiet_hours",
    "local_date_for",
    "next_due_after",
    "nonce_for",
    "parse_days",
    "parse_time",
    "parse_timezone",
]

# Catch-up work for quiet-hours rows is not delivered between these local times.
QUIET_START = time(22, 0)
QUIET_END = time(8, 0)
# Discord accepts a message nonce of up to 25 characters.
NONCE_MAX = 25


@functools.lru_cache(maxsize=16384)
def _trigger(hour: int, minute: int, days: str, timezone: str) -> CronTrigger:
    return CronTrigger(hour=hour, minute=minute, day_of_week=days, timezone=zone_named(timezone))


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
