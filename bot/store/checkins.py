"""SQL for the checkins feature (mixed into ``Store``).

A member's check-in subscription is an engine schedule (kind ``checkin``, no
server) plus a ``checkin_members`` row; every check-in sent is a
``checkin_deliveries`` row whose id the DM's buttons carry. Notes arrive here
already sealed. History names the member by a keyed hash (``member``, see
``checkins_schema.member_hash``) and keeps dates, not times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .queries import RowQueries
from .schedule_rows import dt_or_none, ts

_MEMBER_COLUMNS = "member_id, home_guild_id, unreachable_at, notice_due, created_at, updated_at"
_DELIVERY_COLUMNS = (
    "id, member_hash, source, local_date, sent_on, message_id, mood, skipped, answered_on, "
    "note_sealed, noted_on"
)


@dataclass(frozen=True)
class CheckinMember:
    """Subscription state kept beside the schedule row."""

    member_id: int
    home_guild_id: int | None
    unreachable_at: datetime | None  # set when Discord answered 50007 (DMs closed)
    notice_due: bool  # the member has not yet been told about the closed DMs
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CheckinDelivery:
    """One check-in sent (or being sent) and what the member answered."""

    id: int
    member: str  # keyed hash of the member
    source: str  # 'scheduled' or 'now'
    local_date: date | None  # the member's date a scheduled check-in was for
    sent_on: date  # UTC dates: times would line answers up with other traces
    message_id: int | None
    mood: int | None
    skipped: bool
    answered_on: date | None
    note_sealed: str | None
    noted_on: date | None

    @property
    def day(self) -> date:
        """The check-in's date: the member's own for a scheduled one, else when it was sent."""
        return self.local_date or self.sent_on

    @property
    def open(self) -> bool:
        """Still waiting for a mood or a skip."""
        return self.mood is None and not self.skipped


def _date_or_none(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def _member(row: Any) -> CheckinMember:
    return CheckinMember(
        member_id=int(row[0]),
        home_guild_id=row[1],
        unreachable_at=dt_or_none(row[2]),
        notice_due=bool(row[3]),
        created_at=datetime.fromisoformat(row[4]),
        updated_at=datetime.fromisoformat(row[5]),
    )


def _delivery(row: Any) -> CheckinDelivery:
    return CheckinDelivery(
        id=int(row[0]),
        member=str(row[1]),
        source=str(row[2]),
        local_date=None if row[3] is None else date.fromisoformat(row[3]),
        sent_on=date.fromisoformat(row[4]),
        message_id=row[5],
        mood=row[6],
        skipped=bool(row[7]),
        answered_on=_date_or_none(row[8]),
        note_sealed=row[9],
        noted_on=_date_or_none(row[10]),
    )


class CheckinStore(RowQueries):
    """Queries for the checkins feature."""

    # -- subscription state ----------------------------------------------------

    async def checkin_member(self, member_id: int) -> CheckinMember | None:
        row = await self._one(
            f"SELECT {_MEMBER_COLUMNS} FROM checkin_members WHERE member_id = ?", (member_id,)
        )
        return None if row is None else _member(row)

    async def save_checkin_member(
        self, member_id: int, home_guild_id: int | None, now: datetime
    ) -> CheckinMember:
        """(Re)start: reachable again; a server given replaces the home server, None keeps it."""
        row = await self._one(
            "INSERT INTO checkin_members (member_id, home_guild_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
            "home_guild_id = COALESCE(excluded.home_guild_id, home_guild_id), "
            "unreachable_at = NULL, notice_due = 0, updated_at = excluded.updated_at "
            f"RETURNING {_MEMBER_COLUMNS}",
            (member_id, home_guild_id, ts(now), ts(now)),
        )
        assert row is not None  # RETURNING always yields the written row
        return _member(row)

    async def mark_checkin_unreachable(self, member_id: int, now: datetime) -> None:
        """Discord refused a DM (50007): remember it; tell the member after their next command."""
        await self.db.execute(
            "INSERT INTO checkin_members (member_id, unreachable_at, notice_due, created_at, "
            "updated_at) VALUES (?, ?, 1, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
            "unreachable_at = excluded.unreachable_at, notice_due = 1, "
            "updated_at = excluded.updated_at",
            (member_id, ts(now), ts(now), ts(now)),
        )

    async def take_checkin_notice(self, member_id: int) -> bool:
        """True once per closed-DMs event: the caller tells the member now."""
        return (
            await self._one(
                "UPDATE checkin_members SET notice_due = 0 WHERE member_id = ? AND notice_due = 1 "
                "RETURNING member_id",
                (member_id,),
            )
            is not None
        )

    async def checkin_notices_due(self) -> list[int]:
        """Members still to be told that their DMs are closed."""
        async with self.db.execute(
            "SELECT member_id FROM checkin_members WHERE notice_due = 1"
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]

    async def delete_checkin_member(self, member_id: int) -> int:
        async with self.db.execute(
            "DELETE FROM checkin_members WHERE member_id = ?", (member_id,)
        ) as cur:
            return cur.rowcount

    async def delete_checkin_members_without_schedule(self) -> int:
        """Subscription state whose schedule is gone (the engine deletes a check-in paused
        for 90 days): without it, "your check-ins are paused" would outlive the schedule."""
        async with self.db.execute(
            "DELETE FROM checkin_members WHERE member_id NOT IN (SELECT member_id FROM "
            "schedules WHERE kind = 'checkin' AND member_id IS NOT NULL)"
        ) as cur:
            return cur.rowcount

    async def clear_checkin_home_guild(self, guild_id: int) -> int:
        """A server's data is forgotten: members keep their check-ins, not the link to it."""
        async with self.db.execute(
            "UPDATE checkin_members SET home_guild_id = NULL WHERE home_guild_id = ?", (guild_id,)
        ) as cur:
            return cur.rowcount

    async def clear_checkin_home_of(self, member_id: int, guild_id: int) -> bool:
        """The member is no longer in ``guild_id`` (or Kindred is not): drop only their link."""
        return (
            await self._one(
                "UPDATE checkin_members SET home_guild_id = NULL "
                "WHERE member_id = ? AND home_guild_id = ? RETURNING member_id",
                (member_id, guild_id),
            )
            is not None
        )

    async def checkin_counts_for_guild(self, guild_id: int) -> tuple[int, int]:
        """(members whose check-ins started here, of them paused with DMs closed)."""
        row = await self._one(
            "SELECT COUNT(*), COUNT(unreachable_at) FROM checkin_members WHERE home_guild_id = ?",
            (guild_id,),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # -- deliveries ------------------------------------------------------------

    async def start_checkin_delivery(
        self, member: str, source: str, local_date: date | None, now: datetime
    ) -> int:
        """The id the DM's buttons will carry; a scheduled date retried after a crash reuses
        its unsent row."""
        if source == "scheduled" and local_date is not None:
            row = await self._one(
                "UPDATE checkin_deliveries SET sent_on = ? WHERE id = (SELECT id FROM "
                "checkin_deliveries WHERE member_hash = ? AND source = 'scheduled' "
                "AND local_date = ? AND message_id IS NULL ORDER BY id DESC LIMIT 1) "
                "RETURNING id",
                (_day(now), member, local_date.isoformat()),
            )
            if row is not None:
                return int(row[0])
        row = await self._one(
            "INSERT INTO checkin_deliveries (member_hash, source, local_date, sent_on) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (member, source, None if local_date is None else local_date.isoformat(), _day(now)),
        )
        assert row is not None
        return int(row[0])

    async def set_checkin_message(self, delivery_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE checkin_deliveries SET message_id = ? WHERE id = ?", (message_id, delivery_id)
        )

    async def unsent_checkin(self, member: str, local_date: date) -> CheckinDelivery | None:
        row = await self._one(
            f"SELECT {_DELIVERY_COLUMNS} FROM checkin_deliveries WHERE member_hash = ? "
            "AND source = 'scheduled' AND local_date = ? AND message_id IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (member, local_date.isoformat()),
        )
        return None if row is None else _delivery(row)

    async def discard_checkin_delivery(self, delivery_id: int) -> None:
        """The DM was never sent: drop the row (a sent one is never discarded)."""
        await self.db.execute(
            "DELETE FROM checkin_deliveries WHERE id = ? AND message_id IS NULL", (delivery_id,)
        )

    async def checkin_delivery(self, delivery_id: int) -> CheckinDelivery | None:
        row = await self._one(
            f"SELECT {_DELIVERY_COLUMNS} FROM checkin_deliveries WHERE id = ?", (delivery_id,)
        )
        return None if row is None else _delivery(row)

    async def answer_checkin(self, delivery_id: int, member: str, mood: int, now: datetime) -> bool:
        """Record the mood once; False if the check-in is not this member's or not open."""
        return await self._answer(
            "mood = ?", (mood,), delivery_id, member, now, "mood IS NULL AND skipped = 0"
        )

    async def skip_checkin(self, delivery_id: int, member: str, now: datetime) -> bool:
        return await self._answer(
            "skipped = 1", (), delivery_id, member, now, "mood IS NULL AND skipped = 0"
        )

    async def _answer(
        self,
        assignment: str,
        args: tuple[Any, ...],
        delivery_id: int,
        member: str,
        now: datetime,
        condition: str,
    ) -> bool:
        return (
            await self._one(
                f"UPDATE checkin_deliveries SET {assignment}, answered_on = ? "
                f"WHERE id = ? AND member_hash = ? AND {condition} RETURNING id",
                (*args, _day(now), delivery_id, member),
            )
            is not None
        )

    async def save_checkin_note(
        self, delivery_id: int, member: str, sealed_note: str, now: datetime
    ) -> bool:
        return (
            await self._one(
                "UPDATE checkin_deliveries SET note_sealed = ?, noted_on = ? "
                "WHERE id = ? AND member_hash = ? RETURNING id",
                (sealed_note, _day(now), delivery_id, member),
            )
            is not None
        )

    async def previous_checkin_mood(self, member: str, before_id: int) -> int | None:
        """The member's answer before check-in ``before_id`` (skips do not count)."""
        row = await self._one(
            "SELECT mood FROM checkin_deliveries WHERE member_hash = ? AND id < ? "
            "AND mood IS NOT NULL ORDER BY id DESC LIMIT 1",
            (member, before_id),
        )
        return None if row is None else int(row[0])

    async def checkin_deliveries_for(
        self, member: str, *, limit: int | None = None
    ) -> list[CheckinDelivery]:
        """The member's sent check-ins, oldest first (the most recent ``limit``)."""
        sql = (
            f"SELECT {_DELIVERY_COLUMNS} FROM checkin_deliveries "
            "WHERE member_hash = ? AND message_id IS NOT NULL ORDER BY id DESC"
        )
        args: list[Any] = [member]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        rows = await self._all(sql, args)
        return [_delivery(r) for r in reversed(list(rows))]

    async def forget_checkins(self, member_id: int, member: str) -> int:
        """Every check-in row of the member: answers, notes and subscription state."""
        async with self.db.execute(
            "DELETE FROM checkin_deliveries WHERE member_hash = ?", (member,)
        ) as cur:
            count = cur.rowcount
        return count + await self.delete_checkin_member(member_id)

    async def delete_checkins_before(self, cutoff: datetime) -> int:
        """Retention: answers and notes are kept 365 days (DESIGN.md)."""
        async with self.db.execute(
            "DELETE FROM checkin_deliveries WHERE sent_on < ?", (_day(cutoff),)
        ) as cur:
            return cur.rowcount
