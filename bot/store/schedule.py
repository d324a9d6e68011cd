"""Schedules (rows with rules) and the delivery ledger (once per row and local date).

Batch writes are single statements over a ``VALUES`` list, so each batch is one
round trip through aiosqlite and one atomic SQLite transaction without holding
an explicit transaction open on the shared connection (another coroutine's
statement could otherwise land inside it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.core.recurrence import Rule

from .schedule_rows import (
    CHUNK,
    LEDGER_COLUMNS,
    PAUSED_MEMBER_RETENTION,
    SCHEDULE_COLUMNS,
    Advance,
    Claim,
    Failure,
    LedgerEntry,
    Schedule,
    ScheduleCounts,
    Settlement,
    ShardSlice,
    chunks,
    clip,
    dt_or_none,
    kind_filter,
    ledger_from_row,
    owner_filter,
    schedule_from_row,
    ts,
    values,
    values_table,
)

_SETTLE_COLUMNS = ("id", "day", "state", "message_id", "error")
_ADVANCE_COLUMNS = ("id", "expected", "next", "delivered", "error", "pause")


class ScheduleStore:
    """Queries for schedules and the delivery ledger (mixed into ``Store``)."""

    db: aiosqlite.Connection

    # -- schedules ------------------------------------------------------------

    async def upsert_schedule(
        self,
        *,
        kind: str,
        rule: Rule,
        next_due_at: datetime | None,
        now: datetime,
        guild_id: int | None = None,
        member_id: int | None = None,
        channel_id: int | None = None,
        payload: Mapping[str, Any] | None = None,
        paused: bool = False,
    ) -> Schedule:
        """Create the (kind, server, member) schedule or replace its rule and target."""
        due = None if paused or next_due_at is None else ts(next_due_at)
        async with self.db.execute(
            f"INSERT INTO schedules (kind, guild_id, member_id, channel_id, local_time, timezone, "
            "days, quiet_hours, payload, paused, next_due_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, IFNULL(guild_id, 0), IFNULL(member_id, 0)) DO UPDATE SET "
            "channel_id = excluded.channel_id, local_time = excluded.local_time, "
            "timezone = excluded.timezone, days = excluded.days, "
            "quiet_hours = excluded.quiet_hours, payload = excluded.payload, "
            "paused = excluded.paused, next_due_at = excluded.next_due_at, "
            f"updated_at = excluded.updated_at RETURNING {SCHEDULE_COLUMNS}",
            (
                kind,
                guild_id,
                member_id,
                channel_id,
                rule.hhmm,
                rule.timezone,
                rule.days,
                int(rule.quiet_hours),
                json.dumps(dict(payload or {}), sort_keys=True),
                int(paused),
                due,
                ts(now),
                ts(now),
            ),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None  # RETURNING always yields the written row
        return schedule_from_row(row)

    async def get_schedule(self, schedule_id: int) -> Schedule | None:
        async with self.db.execute(
            f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE id = ?", (schedule_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else schedule_from_row(row)

    async def get_schedules(self, ids: Sequence[int]) -> dict[int, Schedule]:
        found: dict[int, Schedule] = {}
        for part in chunks(list(dict.fromkeys(ids))):
            async with self.db.execute(
                f"SELECT {SCHEDULE_COLUMNS} FROM schedules "
                f"WHERE id IN ({', '.join('?' * len(part))})",
                tuple(part),
            ) as cur:
                for row in await cur.fetchall():
                    found[int(row[0])] = schedule_from_row(row)
        return found

    async def find_schedule(
        self, kind: str, *, guild_id: int | None = None, member_id: int | None = None
    ) -> Schedule | None:
        """The schedule of this kind for this server and/or member, if any."""
        rows = await self.db.execute_fetchall(
            f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE kind = ? "
            "AND IFNULL(guild_id, 0) = IFNULL(?, 0) AND IFNULL(member_id, 0) = IFNULL(?, 0)",
            (kind, guild_id, member_id),
        )
        row = next(iter(rows), None)
        return None if row is None else schedule_from_row(row)

    async def schedules_for_guild(self, guild_id: int, kind: str | None = None) -> list[Schedule]:
        return await self._schedules_where("guild_id = ?", guild_id, kind)

    async def schedules_for_member(self, member_id: int, kind: str | None = None) -> list[Schedule]:
        return await self._schedules_where("member_id = ?", member_id, kind)

    async def _schedules_where(self, clause: str, value: int, kind: str | None) -> list[Schedule]:
        sql = f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE {clause}"
        args: list[Any] = [value]
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        return [
            schedule_from_row(r) for r in await self.db.execute_fetchall(sql + " ORDER BY id", args)
        ]

    async def delete_schedule(self, schedule_id: int) -> bool:
        async with self.db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,)) as cur:
            return cur.rowcount > 0

    async def pause_schedule(self, schedule_id: int, now: datetime) -> Schedule | None:
        return await self._set_paused(schedule_id, True, None, now)

    async def resume_schedule(
        self, schedule_id: int, next_due_at: datetime, now: datetime
    ) -> Schedule | None:
        return await self._set_paused(schedule_id, False, ts(next_due_at), now)

    async def _set_paused(
        self, schedule_id: int, paused: bool, due: str | None, now: datetime
    ) -> Schedule | None:
        async with self.db.execute(
            "UPDATE schedules SET paused = ?, next_due_at = ?, updated_at = ? WHERE id = ? "
            f"RETURNING {SCHEDULE_COLUMNS}",
            (int(paused), due, ts(now), schedule_id),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else schedule_from_row(row)

    async def delete_schedules_for_guild(self, guild_id: int) -> int:
        """Delete a server's schedules (and, by cascade, their ledger rows)."""
        async with self.db.execute("DELETE FROM schedules WHERE guild_id = ?", (guild_id,)) as cur:
            return cur.rowcount

    async def delete_schedules_for_member(self, member_id: int, guild_id: int | None = None) -> int:
        """Delete a member's schedules, in every server or in one."""
        sql, args = "DELETE FROM schedules WHERE member_id = ?", [member_id]
        if guild_id is not None:
            sql += " AND guild_id = ?"
            args.append(guild_id)
        async with self.db.execute(sql, args) as cur:
            return cur.rowcount

    # -- due work ---------------------------------------------------------------

    async def due_schedules(
        self,
        now: datetime,
        limit: int,
        kinds: Sequence[str] | None = None,
        owner: ShardSlice | None = None,
    ) -> list[Schedule]:
        """Unpaused rows due at ``now``, oldest first (``kinds``: only these kinds; ``owner``:
        only this process's rows)."""
        extra, args = kind_filter(kinds)
        mine, owned = owner_filter(owner)
        async with self.db.execute(
            f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE next_due_at <= ? AND paused = 0"
            f"{extra}{mine} ORDER BY next_due_at, id LIMIT ?",
            (ts(now), *args, *owned, limit),
        ) as cur:
            return [schedule_from_row(r) for r in await cur.fetchall()]

    async def earliest_due(
        self, kinds: Sequence[str] | None = None, owner: ShardSlice | None = None
    ) -> datetime | None:
        extra, args = kind_filter(kinds)
        mine, owned = owner_filter(owner)
        async with self.db.execute(
            f"SELECT MIN(next_due_at) FROM schedules WHERE next_due_at IS NOT NULL{extra}{mine}",
            (*args, *owned),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else dt_or_none(row[0])

    async def claim_deliveries(
        self, claims: Sequence[Claim], now: datetime
    ) -> set[tuple[int, date]]:
        """Insert ledger rows; return the keys this call inserted.

        A key already in the ledger (delivered, skipped or claimed by an earlier
        run) is left alone: that occurrence is someone else's, or done.
        """
        won: set[tuple[int, date]] = set()
        stamp = ts(now)
        for part in chunks(claims):
            args: list[Any] = []
            for c in part:
                if c.state not in ("claimed", "skipped"):
                    raise ValueError(f"cannot claim in state {c.state!r}")
                args += [c.schedule_id, c.local_date.isoformat(), c.state, c.nonce]
                args += [ts(c.due_at), stamp, clip(c.error)]
            async with self.db.execute(
                "INSERT INTO delivery_ledger (schedule_id, local_date, state, nonce, due_at, "
                f"claimed_at, error) VALUES {values(len(part), 7)} "
                "ON CONFLICT DO NOTHING RETURNING schedule_id, local_date",
                args,
            ) as cur:
                won.update((int(r[0]), date.fromisoformat(r[1])) for r in await cur.fetchall())
        return won

    async def claim_delivery(self, claim: Claim, now: datetime) -> bool:
        """Claim one occurrence; False if it was already in the ledger."""
        return bool(await self.claim_deliveries([claim], now))

    async def settle_deliveries(self, settlements: Sequence[Settlement], now: datetime) -> int:
        """Record how claimed deliveries ended; rows no longer ``claimed`` are left alone."""
        changed = 0
        stamp = ts(now)
        for part in chunks(settlements):
            args: list[Any] = []
            for s in part:
                if s.state not in ("confirmed", "failed", "skipped"):
                    raise ValueError(f"cannot settle in state {s.state!r}")
                args += [s.schedule_id, s.local_date.isoformat(), s.state, s.message_id]
                args += [clip(s.error)]
            async with self.db.execute(
                "UPDATE delivery_ledger SET state = v.state, message_id = v.message_id, "
                "error = v.error, confirmed_at = CASE WHEN v.state = 'confirmed' THEN ? END "
                f"FROM {values_table(_SETTLE_COLUMNS, len(part))} "
                "WHERE delivery_ledger.schedule_id = v.id "
                "AND delivery_ledger.local_date = v.day AND delivery_ledger.state = 'claimed'",
                [stamp, *args],
            ) as cur:
                changed += cur.rowcount
        return changed

    async def confirm_delivery(
        self, schedule_id: int, local_date: date, message_id: int | None, now: datetime
    ) -> bool:
        settled = Settlement(schedule_id, local_date, "confirmed", message_id=message_id)
        return await self.settle_deliveries([settled], now) == 1

    async def fail_delivery(
        self, schedule_id: int, local_date: date, error: str, now: datetime
    ) -> bool:
        settled = Settlement(schedule_id, local_date, "failed", error=error)
        return await self.settle_deliveries([settled], now) == 1

    async def mark_started(self, schedule_id: int, local_date: date, now: datetime) -> None:
        """Record that a claimed delivery is about to make its first Discord call."""
        await self.db.execute(
            "UPDATE delivery_ledger SET started_at = COALESCE(started_at, ?) "
            "WHERE schedule_id = ? AND local_date = ? AND state = 'claimed'",
            (ts(now), schedule_id, local_date.isoformat()),
        )

    async def record_step(
        self, schedule_id: int, local_date: date, message_id: int, error: str | None = None
    ) -> None:
        """A claimed delivery's message is out (``message_id``); ``error``: why a later step
        is still missing. The claim stays claimed until every step is done."""
        await self.db.execute(
            "UPDATE delivery_ledger SET message_id = ?, error = ? "
            "WHERE schedule_id = ? AND local_date = ? AND state = 'claimed'",
            (message_id, clip(error), schedule_id, local_date.isoformat()),
        )

    async def release_claims(self, keys: Sequence[tuple[int, date]]) -> None:
        """Forget claims whose delivery never started (shutdown mid-batch)."""
        for part in chunks(keys):
            args = [x for sid, day in part for x in (sid, day.isoformat())]
            await self.db.execute(
                "DELETE FROM delivery_ledger WHERE state = 'claimed' AND (schedule_id, local_date) "
                f"IN (VALUES {values(len(part), 2)})",
                args,
            )

    async def advance_schedules(self, advances: Sequence[Advance], now: datetime) -> int:
        """Move rows to their next occurrence and record delivery/error, in one statement."""
        changed = 0
        stamp = ts(now)
        for part in chunks(advances):
            args: list[Any] = []
            for a in part:
                args += [a.schedule_id, None if a.expected_due is None else ts(a.expected_due)]
                args += [None if a.next_due_at is None else ts(a.next_due_at)]
                args += [None if a.delivered_at is None else ts(a.delivered_at)]
                args += [clip(a.error), int(a.pause)]
            async with self.db.execute(
                "UPDATE schedules SET "
                "next_due_at = CASE WHEN v.pause THEN NULL "
                "  WHEN v.expected IS NOT NULL AND schedules.next_due_at = v.expected THEN v.next "
                "  ELSE schedules.next_due_at END, "
                "paused = MAX(schedules.paused, v.pause), "
                "last_delivered_at = COALESCE(v.delivered, schedules.last_delivered_at), "
                "last_error = COALESCE(v.error, schedules.last_error), "
                "last_error_at = CASE WHEN v.error IS NOT NULL THEN ? "
                "  ELSE schedules.last_error_at END, "
                "updated_at = CASE WHEN v.pause THEN ? ELSE schedules.updated_at END "
                f"FROM {values_table(_ADVANCE_COLUMNS, len(part))} "
                "WHERE schedules.id = v.id",
                [stamp, stamp, *args],
            ) as cur:
                changed += cur.rowcount
        return changed

    # -- ledger -----------------------------------------------------------------

    async def ledger_entry(self, schedule_id: int, local_date: date) -> LedgerEntry | None:
        async with self.db.execute(
            f"SELECT {LEDGER_COLUMNS} FROM delivery_ledger "
            "WHERE schedule_id = ? AND local_date = ?",
            (schedule_id, local_date.isoformat()),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else ledger_from_row(row)

    async def ledger_dates(self, schedule_id: int, since: date) -> set[date]:
        """Local dates from ``since`` on already in the ledger, in any state.

        The engine never delivers such a date again (a claim on it is not won), so the next
        due time of a changed or resumed schedule skips them.
        """
        async with self.db.execute(
            "SELECT local_date FROM delivery_ledger WHERE schedule_id = ? AND local_date >= ?",
            (schedule_id, since.isoformat()),
        ) as cur:
            return {date.fromisoformat(r[0]) for r in await cur.fetchall()}

    async def ledger_by_nonce(self, nonce: str) -> LedgerEntry | None:
        """The delivery a nonce (also used as a delivery id in button ids) belongs to."""
        async with self.db.execute(
            f"SELECT {LEDGER_COLUMNS} FROM delivery_ledger WHERE nonce = ?", (nonce,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else ledger_from_row(row)

    async def ledger_for_schedule(self, schedule_id: int, limit: int = 30) -> list[LedgerEntry]:
        async with self.db.execute(
            f"SELECT {LEDGER_COLUMNS} FROM delivery_ledger WHERE schedule_id = ? "
            "ORDER BY local_date DESC LIMIT ?",
            (schedule_id, limit),
        ) as cur:
            return [ledger_from_row(r) for r in await cur.fetchall()]

    async def ledger_rows_of_member(
        self, member_id: int, kind: str | None = None
    ) -> list[LedgerEntry]:
        """Every ledger row of a member's schedules (``kind``: of that kind only), for their
        data export: by schedule, oldest date first."""
        extra, args = kind_filter(None if kind is None else [kind])
        async with self.db.execute(
            f"SELECT {', '.join('l.' + c.strip() for c in LEDGER_COLUMNS.split(','))} "
            "FROM delivery_ledger AS l JOIN schedules ON schedules.id = l.schedule_id "
            f"WHERE schedules.member_id = ?{extra} ORDER BY l.schedule_id, l.local_date",
            (member_id, *args),
        ) as cur:
            return [ledger_from_row(r) for r in await cur.fetchall()]

    async def unconfirmed_claims(
        self,
        kinds: Sequence[str] | None = None,
        limit: int = 10_000,
        owner: ShardSlice | None = None,
    ) -> list[LedgerEntry]:
        """Claimed but never settled: a crash between claim and confirm (``owner``: only
        this process's rows, so each process resolves the claims of the rows it owns)."""
        extra, args = kind_filter(kinds)
        mine, owned = owner_filter(owner, "schedules")
        async with self.db.execute(
            f"SELECT {', '.join('l.' + c.strip() for c in LEDGER_COLUMNS.split(','))} "
            "FROM delivery_ledger AS l JOIN schedules ON schedules.id = l.schedule_id "
            f"WHERE l.state = 'claimed'{extra}{mine} ORDER BY l.claimed_at LIMIT ?",
            (*args, *owned, limit),
        ) as cur:
            return [ledger_from_row(r) for r in await cur.fetchall()]

    async def recent_failures(
        self, guild_id: int, *, since: datetime | None = None, limit: int = 10
    ) -> list[Failure]:
        """A server's latest failed deliveries, newest first."""
        rows = await self.db.execute_fetchall(
            "SELECT l.schedule_id, s.kind, l.local_date, l.claimed_at, l.error "
            "FROM delivery_ledger AS l JOIN schedules AS s ON s.id = l.schedule_id "
            "WHERE s.guild_id = ? AND l.state = 'failed' AND l.claimed_at >= ? "
            "ORDER BY l.claimed_at DESC LIMIT ?",
            (guild_id, "" if since is None else ts(since), limit),
        )
        return [
            Failure(
                schedule_id=int(r[0]),
                kind=str(r[1]),
                local_date=date.fromisoformat(r[2]),
                at=datetime.fromisoformat(r[3]),
                error=str(r[4] or "unknown error"),
            )
            for r in rows
        ]

    async def schedule_counts(self, now: datetime, failures_since: datetime) -> ScheduleCounts:
        async with self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(paused), 0), "
            "COALESCE(SUM(next_due_at <= ?), 0) FROM schedules",
            (ts(now),),
        ) as cur:
            row = await cur.fetchone()
        async with self.db.execute(
            "SELECT (SELECT COUNT(*) FROM delivery_ledger WHERE state = 'claimed'), "
            "(SELECT COUNT(*) FROM delivery_ledger WHERE state = 'failed' AND claimed_at >= ?)",
            (ts(failures_since),),
        ) as cur:
            ledger = await cur.fetchone()
        assert row is not None and ledger is not None  # aggregates always return a row
        return ScheduleCounts(
            total=int(row[0]),
            paused=int(row[1]),
            due=int(row[2]),
            unconfirmed=int(ledger[0]),
            failed_recently=int(ledger[1]),
        )

    async def prune_ledger(self, before: datetime) -> int:
        """Delete settled ledger rows claimed before ``before`` (kept 90 days)."""
        async with self.db.execute(
            "DELETE FROM delivery_ledger WHERE claimed_at < ? AND state != 'claimed'",
            (ts(before),),
        ) as cur:
            return cur.rowcount

    async def prune_paused_member_schedules(self, paused_before: datetime) -> int:
        """Delete members' schedules paused, and untouched, since before ``paused_before`` (and,
        by cascade, their ledger rows). A paused row changes only when it is paused, edited or
        resumed, so ``updated_at`` is when it was last paused or edited. Servers' schedules
        (no member) are the admins' settings and are never deleted here."""
        async with self.db.execute(
            "DELETE FROM schedules WHERE paused = 1 AND member_id IS NOT NULL AND updated_at < ?",
            (ts(paused_before),),
        ) as cur:
            return cur.rowcount


__all__ = [
    "CHUNK",
    "PAUSED_MEMBER_RETENTION",
    "Advance",
    "Claim",
    "Failure",
    "LedgerEntry",
    "Schedule",
    "ScheduleCounts",
    "ScheduleStore",
    "Settlement",
    "ShardSlice",
]
