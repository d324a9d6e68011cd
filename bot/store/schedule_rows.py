"""The dataclasses the schedule queries return and take, and their row mapping."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.core.recurrence import Rule

# Rows per statement: keeps bound parameters far below SQLite's 32,766 limit.
CHUNK = 400
LEDGER_STATES = ("claimed", "confirmed", "failed", "skipped")
_ERROR_MAX = 500
# A member's schedule paused this long (DMs found closed, say) is deleted: it sends nothing,
# and the member sets it up again in one command. A server's paused schedules are the
# admins' settings and stay until changed or the server's data is deleted.
PAUSED_MEMBER_RETENTION = timedelta(days=90)


def ts(moment: datetime) -> str:
    """Fixed-width UTC text, so comparing the strings compares the instants."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def dt_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def clip(error: str | None) -> str | None:
    return None if error is None else error[:_ERROR_MAX]


@dataclass(frozen=True)
class Schedule:
    """One recurring thing: its owner, where it goes, its rule and its state."""

    id: int
    kind: str
    guild_id: int | None
    member_id: int | None
    channel_id: int | None
    rule: Rule
    payload: Mapping[str, Any]
    paused: bool
    next_due_at: datetime | None
    last_delivered_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def describe(self) -> dict[str, Any]:
        """Everything stored about this schedule, for a member's data export."""
        return {
            "kind": self.kind,
            "guild_id": self.guild_id,
            "channel_id": self.channel_id,
            "time": self.rule.hhmm,
            "timezone": self.rule.timezone,
            "days": self.rule.days,
            "quiet_hours": self.rule.quiet_hours,
            "payload": dict(self.payload),
            "paused": self.paused,
            "next_due_at": _iso(self.next_due_at),
            "last_delivered_at": _iso(self.last_delivered_at),
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class LedgerEntry:
    """One delivery of one schedule on one local date."""

    schedule_id: int
    local_date: date
    state: str
    nonce: str
    due_at: datetime
    claimed_at: datetime
    confirmed_at: datetime | None
    message_id: int | None
    error: str | None
    # When the delivery was first attempted (None: never; a crash before it needs no check).
    started_at: datetime | None = None

    def describe(self) -> dict[str, Any]:
        """Everything stored about this delivery, for a member's data export."""
        return {
            "local_date": self.local_date.isoformat(),
            "state": self.state,
            "due_at": self.due_at.isoformat(),
            "claimed_at": self.claimed_at.isoformat(),
            "started_at": _iso(self.started_at),
            "confirmed_at": _iso(self.confirmed_at),
            "message_id": self.message_id,
            "error": self.error,
            "nonce": self.nonce,
        }


@dataclass(frozen=True)
class Claim:
    """A ledger row to insert: ``claimed`` before delivering, or ``skipped`` outright."""

    schedule_id: int
    local_date: date
    nonce: str
    due_at: datetime
    state: str = "claimed"
    error: str | None = None


@dataclass(frozen=True)
class Settlement:
    """How a claimed delivery ended: ``confirmed``, ``failed`` or ``skipped``."""

    schedule_id: int
    local_date: date
    state: str
    message_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Advance:
    """Move a schedule on after a due occurrence was handled.

    ``next_due_at`` is written only while the row still holds ``expected_due``, so
    an edit or pause made while the delivery was in flight wins.
    """

    schedule_id: int
    expected_due: datetime | None
    next_due_at: datetime | None
    delivered_at: datetime | None = None
    error: str | None = None
    pause: bool = False


@dataclass(frozen=True)
class Failure:
    """A recent failed delivery, for /kindred status."""

    schedule_id: int
    kind: str
    local_date: date
    at: datetime
    error: str


@dataclass(frozen=True)
class ScheduleCounts:
    total: int
    paused: int
    due: int
    unconfirmed: int
    failed_recently: int


SCHEDULE_COLUMNS = (
    "id, kind, guild_id, member_id, channel_id, local_time, timezone, days, quiet_hours, "
    "payload, paused, next_due_at, last_delivered_at, last_error, last_error_at, "
    "created_at, updated_at"
)
LEDGER_COLUMNS = (
    "schedule_id, local_date, state, nonce, due_at, claimed_at, confirmed_at, message_id, error, "
    "started_at"
)


def schedule_from_row(row: Any) -> Schedule:
    return Schedule(
        id=int(row[0]),
        kind=str(row[1]),
        guild_id=row[2],
        member_id=row[3],
        channel_id=row[4],
        rule=Rule(time.fromisoformat(row[5]), row[6], row[7], bool(row[8])),
        payload=json.loads(row[9]),
        paused=bool(row[10]),
        next_due_at=dt_or_none(row[11]),
        last_delivered_at=dt_or_none(row[12]),
        last_error=row[13],
        last_error_at=dt_or_none(row[14]),
        created_at=datetime.fromisoformat(row[15]),
        updated_at=datetime.fromisoformat(row[16]),
    )


def ledger_from_row(row: Any) -> LedgerEntry:
    return LedgerEntry(
        schedule_id=int(row[0]),
        local_date=date.fromisoformat(row[1]),
        state=str(row[2]),
        nonce=str(row[3]),
        due_at=datetime.fromisoformat(row[4]),
        claimed_at=datetime.fromisoformat(row[5]),
        confirmed_at=dt_or_none(row[6]),
        message_id=row[7],
        error=row[8],
        started_at=dt_or_none(row[9]),
    )


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def values(count: int, width: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return ", ".join([row] * count)


def values_table(names: Sequence[str], count: int) -> str:
    """A ``FROM`` source of ``count`` bound rows with named columns.

    (A ``WITH`` prefix would read better, but sqlite3 then reports no rowcount.)
    """
    columns = ", ".join(f"column{i} AS {name}" for i, name in enumerate(names, 1))
    return f"(SELECT {columns} FROM (VALUES {values(count, len(names))})) AS v"


def kind_filter(kinds: Sequence[str] | None) -> tuple[str, list[Any]]:
    if kinds is None:
        return "", []
    if not kinds:
        return " AND 0", []
    return f" AND kind IN ({', '.join('?' * len(kinds))})", list(kinds)


@dataclass(frozen=True)
class ShardSlice:
    """The rows one process of several owns (KINDRED_SHARD_IDS of KINDRED_SHARD_COUNT).

    A member's rows (check-ins: a DM, no guild cache needed) go by the member's id, the
    others by their server's: the process owns an id when ``(id >> 22) % count`` is one of
    its shards. For a server that is Discord's own formula, so the process that delivers a
    server's prompt is the one holding that server in its cache; for a member it is a
    stable spread every process computes alike."""

    count: int
    ids: tuple[int, ...]

    def owns(self, guild_id: int | None, member_id: int | None) -> bool:
        key = member_id if member_id is not None else guild_id
        return key is not None and (key >> 22) % self.count in self.ids


def owner_filter(
    owner: ShardSlice | None, table: str = "", *, by_member: bool = True
) -> tuple[str, list[Any]]:
    """SQL for :meth:`ShardSlice.owns` (nothing when this process owns every row);
    ``by_member=False`` for a table of server rows only (no ``member_id`` column)."""
    if owner is None:
        return "", []
    p = f"{table}." if table else ""
    key = f"COALESCE({p}member_id, {p}guild_id)" if by_member else f"{p}guild_id"
    marks = ", ".join("?" * len(owner.ids))
    return f" AND (({key} >> 22) % ?) IN ({marks})", [owner.count, *owner.ids]
