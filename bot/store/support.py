"""SQL for the support feature (mixed into ``Store``).

Requesters appear here only sealed or as keyed hashes; see ``support_schema.py``. A member's
requests are found by their per-request lookup tokens: the caller passes ``token_of(row id)``
(a keyed hash only it can compute) and the rows whose token matches are theirs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from .queries import RowQueries
from .schedule_rows import chunks

CONFIG_TTL = 60.0  # seconds
CONFIG_CACHE_MAX = 50_000


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _hour_ceiling(moment: datetime) -> datetime:
    floor = _hour_floor(moment)
    return floor if floor == moment else floor + timedelta(hours=1)


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SupportConfig:
    guild_id: int
    channel_id: int
    responder_role_id: int | None
    resources: str | None
    crisis_alerts: bool = False
    crisis_scan: bool = False


@dataclass(frozen=True)
class SupportRequest:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    thread_id: int | None
    style: str
    pseudonym: str
    handle: str
    requester_sealed: str | None
    dm_sealed: str | None
    lookup: str | None
    status: str
    created_at: datetime
    last_activity_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    withdraw_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class PendingRelay:
    id: int
    lookup: str
    sealed_text: str
    created_at: datetime


@dataclass(frozen=True)
class DelayedRequest:
    id: int
    guild_id: int
    style: str
    sealed_request: str
    lookup: str
    due_at: datetime


def _delayed(row: aiosqlite.Row) -> DelayedRequest:
    due = _dt(row["due_at"])
    assert due is not None  # NOT NULL column
    return DelayedRequest(
        row["id"], row["guild_id"], row["style"], row["sealed_request"], row["lookup"], due
    )


def _pending(row: aiosqlite.Row) -> PendingRelay:
    created = _dt(row["created_at"])
    assert created is not None  # NOT NULL column
    return PendingRelay(row["id"], row["lookup"], row["sealed_text"], created)


def _request(row: aiosqlite.Row) -> SupportRequest:
    created = _dt(row["created_at"])
    activity = _dt(row["last_activity_at"])
    assert created is not None and activity is not None
    return SupportRequest(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        style=row["style"],
        pseudonym=row["pseudonym"],
        handle=row["handle"],
        requester_sealed=row["requester_sealed"],
        dm_sealed=row["dm_sealed"],
        lookup=row["lookup"],
        status=row["status"],
        created_at=created,
        last_activity_at=activity,
        closed_at=_dt(row["closed_at"]),
        closed_reason=row["closed_reason"],
        withdraw_at=_dt(row["withdraw_at"]),
    )


class SupportStore(RowQueries):
    """Queries for the support feature."""

    # -- configuration --------------------------------------------------------

    async def save_support_config(
        self,
        guild_id: int,
        *,
        channel_id: int,
        responder_role_id: int | None,
        resources: str | None,
        now: datetime,
        crisis_alerts: bool = False,
        crisis_scan: bool = False,
    ) -> None:
        self._config_cache().pop(guild_id, None)
        await self.db.execute(
            """
            INSERT INTO support_config (guild_id, channel_id, responder_role_id, resources,
                                        crisis_alerts, crisis_scan, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                channel_id = excluded.channel_id,
                responder_role_id = excluded.responder_role_id,
                resources = excluded.resources,
                crisis_alerts = excluded.crisis_alerts,
                crisis_scan = excluded.crisis_scan,
                updated_at = excluded.updated_at
            """,
            (
                guild_id,
                channel_id,
                responder_role_id,
                resources,
                int(crisis_alerts),
                int(crisis_scan),
                _iso(now),
            ),
        )
        # Again after the write: a read that was already on its way must not cache the old.
        self._config_cache().pop(guild_id, None)

    def _config_cache(self) -> dict[int, tuple[float, SupportConfig | None]]:
        cache: dict[int, tuple[float, SupportConfig | None]] | None = self.__dict__.get(
            "_support_configs"
        )
        if cache is None:
            cache = self.__dict__["_support_configs"] = {}
        return cache

    async def support_config(self, guild_id: int) -> SupportConfig | None:
        """A server's settings. Every message in a watched channel asks (is crisis scan on?),
        so they are cached: dropped on every write here, and re-read after CONFIG_TTL at the
        latest (another process sharing the database may have written them)."""
        cache = self._config_cache()
        cached = cache.get(guild_id)
        if cached is not None and time.monotonic() - cached[0] < CONFIG_TTL:
            return cached[1]
        config = await self._read_support_config(guild_id)
        if len(cache) >= CONFIG_CACHE_MAX:
            cache.clear()  # rare (that many servers asking within CONFIG_TTL): start over
        cache[guild_id] = (time.monotonic(), config)
        return config

    async def _read_support_config(self, guild_id: int) -> SupportConfig | None:
        row = await self._one(
            "SELECT guild_id, channel_id, responder_role_id, resources, crisis_alerts, crisis_scan "
            "FROM support_config "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return None
        return SupportConfig(
            row["guild_id"],
            row["channel_id"],
            row["responder_role_id"],
            row["resources"],
            bool(row["crisis_alerts"]),
            bool(row["crisis_scan"]),
        )

    # -- requests -------------------------------------------------------------

    async def add_support_request(
        self,
        *,
        request_id: int,
        guild_id: int,
        channel_id: int,
        style: str,
        pseudonym: str,
        handle: str,
        requester_sealed: str,
        dm_sealed: str | None,
        lookup: str,
        now: datetime,
    ) -> int:
        """Insert a request under ``request_id`` (random, chosen by the caller so that its
        seals and lookup are bound to it in this one statement)."""
        row = await self._one(
            """
            INSERT INTO support_requests (id, guild_id, channel_id, style, pseudonym, handle,
                requester_sealed, dm_sealed, lookup, created_at, last_activity_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING id
            """,
            (
                request_id,
                guild_id,
                channel_id,
                style,
                pseudonym,
                handle,
                requester_sealed,
                dm_sealed,
                lookup,
                # Hours, not seconds: an exact time would line a request up with other traces
                # of its member (a check-in answer, a message in another channel).
                _iso(_hour_floor(now)),
                _iso(_hour_floor(now)),
            ),
        )
        assert row is not None
        return int(row[0])

    async def set_support_request_posted(
        self, request_id: int, *, message_id: int, thread_id: int | None
    ) -> None:
        await self.db.execute(
            "UPDATE support_requests SET message_id = ?, thread_id = ? WHERE id = ?",
            (message_id, thread_id, request_id),
        )

    async def delete_support_request(self, request_id: int) -> None:
        await self.db.execute("DELETE FROM support_requests WHERE id = ?", (request_id,))

    async def support_request(self, request_id: int) -> SupportRequest | None:
        row = await self._one("SELECT * FROM support_requests WHERE id = ?", (request_id,))
        return _request(row) if row else None

    async def support_request_by_thread(self, thread_id: int) -> SupportRequest | None:
        row = await self._one("SELECT * FROM support_requests WHERE thread_id = ?", (thread_id,))
        return _request(row) if row else None

    async def support_requests_by_handle(self, guild_id: int, handle: str) -> list[SupportRequest]:
        """Requests a moderator's typed handle names, oldest first.

        "gentle otter 4f2" matches that handle (and a row stored as "otter 4f2" before handles
        kept the adjective); "otter 4f2" matches every adjective. Handles are [0-9a-z ] only,
        so they hold no LIKE wildcard.
        """
        words = handle.split()
        if len(words) == 3:
            short = " ".join(words[1:])
            where, args = "handle IN (?, ?)", [handle, short]
        else:
            where, args = "(handle = ? OR handle LIKE ?)", [handle, f"% {handle}"]
        rows = await self._all(
            f"SELECT * FROM support_requests WHERE guild_id = ? AND {where} "
            "AND status != 'withdrawing' ORDER BY created_at, message_id, id",
            (guild_id, *args),
        )
        return [_request(r) for r in rows]

    async def support_request_by_message(
        self, guild_id: int, message_id: int
    ) -> SupportRequest | None:
        row = await self._one(
            "SELECT * FROM support_requests WHERE guild_id = ? AND message_id = ? "
            "AND status != 'withdrawing'",
            (guild_id, message_id),
        )
        return _request(row) if row else None

    async def support_requests_matching(
        self,
        token_of: Callable[[int], str],
        *,
        open_only: bool = False,
        guild_id: int | None = None,
    ) -> list[SupportRequest]:
        """The requests whose lookup token is ``token_of(their id)``: one member's, oldest
        first. Each row has its own token, so this reads every candidate row (open ones for
        a DM, all for my-data and forget-me; retention keeps them few)."""
        where = ["lookup IS NOT NULL"]
        args: list[Any] = []
        if open_only:
            where.append("status = 'open'")
        if guild_id is not None:
            where.append("guild_id = ?")
            args.append(guild_id)
        rows = await self._all(
            # Ids are random; within an hour, the post's id (public in Discord) gives the order.
            f"SELECT * FROM support_requests WHERE {' AND '.join(where)} "
            "ORDER BY created_at, message_id, id",
            args,
        )
        return [_request(r) for r in rows if r["lookup"] == token_of(int(r["id"]))]

    async def withdraw_support_request(self, request_id: int, due: datetime) -> bool:
        """forget-me: drop who asked (seals and lookup) at once, and leave only what Kindred
        needs to clean its own posts at ``due`` (see ``support_withdrawals_due``)."""
        row = await self._one(
            "UPDATE support_requests SET requester_sealed = NULL, dm_sealed = NULL, "
            "lookup = NULL, status = 'withdrawing', withdraw_at = ? "
            "WHERE id = ? AND status != 'withdrawing' RETURNING id",
            (_iso(due), request_id),
        )
        return row is not None

    async def support_withdrawals_due(self, now: datetime) -> list[SupportRequest]:
        rows = await self._all(
            "SELECT * FROM support_requests WHERE status = 'withdrawing' AND withdraw_at <= ? "
            "ORDER BY withdraw_at",
            (_iso(now),),
        )
        return [_request(r) for r in rows]

    async def next_support_withdrawal(self) -> datetime | None:
        row = await self._one(
            "SELECT MIN(withdraw_at) FROM support_requests WHERE status = 'withdrawing'"
        )
        return _dt(row[0]) if row else None

    async def count_open_support_requests(self, guild_id: int) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM support_requests WHERE guild_id = ? AND status = 'open'",
            (guild_id,),
        )
        return int(row[0]) if row else 0

    async def touch_support_request(self, request_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE support_requests SET last_activity_at = ? WHERE id = ? AND status = 'open'",
            (_iso(_hour_floor(now)), request_id),
        )

    async def close_support_request(self, request_id: int, now: datetime, reason: str) -> bool:
        """Close an open request; False if it was already closed (a double click)."""
        row = await self._one(
            "UPDATE support_requests SET status = 'closed', closed_at = ?, closed_reason = ? "
            "WHERE id = ? AND status = 'open' RETURNING id",
            (_iso(now), reason, request_id),
        )
        return row is not None

    async def idle_support_requests(self, before: datetime) -> list[SupportRequest]:
        rows = await self._all(
            "SELECT * FROM support_requests WHERE status = 'open' AND last_activity_at < ?",
            (_iso(before),),
        )
        return [_request(r) for r in rows]

    async def delete_support_closed_before(self, before: datetime) -> int:
        async with self.db.execute(
            "DELETE FROM support_requests WHERE status = 'closed' AND closed_at < ?",
            (_iso(before),),
        ) as cur:
            return cur.rowcount

    # -- privacy --------------------------------------------------------------

    async def forget_support_guild(self, guild_id: int) -> int:
        self._config_cache().pop(guild_id, None)
        total = 0
        for sql in (
            "DELETE FROM support_requests WHERE guild_id = ?",
            "DELETE FROM support_blocks WHERE guild_id = ?",
            "DELETE FROM support_rate_marks WHERE guild_id = ?",
            "DELETE FROM support_config WHERE guild_id = ?",
            "DELETE FROM support_delayed WHERE guild_id = ?",
        ):
            async with self.db.execute(sql, (guild_id,)) as cur:
                total += cur.rowcount
        self._config_cache().pop(guild_id, None)
        return total

    async def support_blocked_in(self, member_keys: dict[int, str]) -> list[int]:
        """Of the servers in ``member_keys`` (guild id -> member key), those that block: a
        query per 400 servers, not one per server (a bot may be in tens of thousands)."""
        blocked: list[int] = []
        for part in chunks(list(member_keys.items())):
            pairs = ", ".join("(?, ?)" for _ in part)
            rows = await self._all(
                f"SELECT guild_id FROM support_blocks WHERE (guild_id, member_key) IN "
                f"(VALUES {pairs})",
                [v for pair in part for v in pair],
            )
            blocked += [int(r[0]) for r in rows]
        return sorted(blocked)
