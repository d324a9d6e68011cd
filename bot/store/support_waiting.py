"""SQL for what support holds for a moment: DMs waiting for "which request?" and requests
from a check-in waiting for their posting time (mixed into ``Store``). Both are sealed and
found by their own lookup tokens; see ``support_schema.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .queries import RowQueries
from .schedule_rows import ShardSlice, owner_filter
from .support import DelayedRequest, PendingRelay, _delayed, _hour_floor, _iso, _pending


class SupportWaitingStore(RowQueries):
    """Waiting DMs (a day at most) and held requests (minutes)."""

    # -- relays waiting for "which request?" ----------------------------------

    async def add_support_pending(
        self, pending_id: int, lookup: str, sealed_text: str, now: datetime
    ) -> int:
        row = await self._one(
            "INSERT INTO support_pending (id, lookup, sealed_text, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (pending_id, lookup, sealed_text, _iso(_hour_floor(now))),
        )
        assert row is not None
        return int(row[0])

    async def take_support_pending(self, pending_id: int) -> PendingRelay | None:
        """Remove and return a waiting relay (once: a second click finds nothing)."""
        row = await self._one(
            "DELETE FROM support_pending WHERE id = ? "
            "RETURNING id, lookup, sealed_text, created_at",
            (pending_id,),
        )
        return None if row is None else _pending(row)

    async def support_pending(self, pending_id: int) -> PendingRelay | None:
        row = await self._one(
            "SELECT id, lookup, sealed_text, created_at FROM support_pending WHERE id = ?",
            (pending_id,),
        )
        return None if row is None else _pending(row)

    async def support_pending_matching(self, token_of: Callable[[int], str]) -> list[PendingRelay]:
        """A requester's DMs waiting for them to pick a request (for my-data, forget-me)."""
        rows = await self._all(
            "SELECT id, lookup, sealed_text, created_at FROM support_pending ORDER BY created_at"
        )
        return [_pending(r) for r in rows if r["lookup"] == token_of(int(r["id"]))]

    async def delete_support_pending(self, pending_ids: list[int]) -> int:
        return await self._delete_ids("support_pending", pending_ids)

    async def delete_support_pending_before(self, before: datetime) -> int:
        async with self.db.execute(
            "DELETE FROM support_pending WHERE created_at < ?", (_iso(before),)
        ) as cur:
            return cur.rowcount

    # -- requests from a check-in, waiting for their posting time ---------------

    async def add_support_delayed(
        self,
        delayed_id: int,
        *,
        guild_id: int,
        style: str,
        sealed_request: str,
        lookup: str,
        due: datetime,
    ) -> None:
        await self.db.execute(
            "INSERT INTO support_delayed (id, guild_id, style, sealed_request, lookup, due_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (delayed_id, guild_id, style, sealed_request, lookup, _iso(due)),
        )

    async def take_support_delayed_due(
        self, now: datetime, owner: ShardSlice | None = None
    ) -> list[DelayedRequest]:
        """Remove and return the held requests whose time has come (each taken once). With
        ``owner`` only those for this process's servers: posting one needs the server in the
        process's cache, and another process would tell the member Kindred left the server."""
        mine, owned = owner_filter(owner, by_member=False)
        rows = await self._all(
            f"DELETE FROM support_delayed WHERE due_at <= ?{mine} "
            "RETURNING id, guild_id, style, sealed_request, lookup, due_at",
            (_iso(now), *owned),
        )
        return sorted((_delayed(r) for r in rows), key=lambda d: d.due_at)

    async def support_delayed_matching(
        self, token_of: Callable[[int], str]
    ) -> list[DelayedRequest]:
        rows = await self._all(
            "SELECT id, guild_id, style, sealed_request, lookup, due_at FROM support_delayed "
            "ORDER BY due_at"
        )
        return [_delayed(r) for r in rows if r["lookup"] == token_of(int(r["id"]))]

    async def delete_support_delayed(self, delayed_ids: list[int]) -> int:
        return await self._delete_ids("support_delayed", delayed_ids)
