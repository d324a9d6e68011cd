"""SQL for support's limits: rate-limit markers and blocks (mixed into ``Store``).

Both hold only keyed hashes of server and member; see ``support_schema.py``.
"""

from __future__ import annotations

from datetime import datetime

from .queries import RowQueries
from .schedule_rows import chunks
from .support import _hour_ceiling, _iso


class SupportLimitStore(RowQueries):
    """Rate-limit markers (kept 24 hours) and blocks (a year)."""

    # -- rate-limit markers (no content; kept 24 hours) -------------------------

    async def add_support_rate_mark(self, guild_id: int, member_hash: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO support_rate_marks (guild_id, member_hash, created_at) VALUES (?, ?, ?)",
            (guild_id, member_hash, _iso(_hour_ceiling(now))),
        )

    async def claim_support_rate_mark(
        self, guild_id: int, member_hash: str, now: datetime, *, since: datetime, limit: int
    ) -> int | None:
        """Add a marker only while fewer than ``limit`` are newer than ``since``, in one
        statement (so forms sent at once cannot all pass); the marker's id, or None."""
        async with self.db.execute(
            "INSERT INTO support_rate_marks (guild_id, member_hash, created_at) "
            "SELECT ?, ?, ? WHERE (SELECT COUNT(*) FROM support_rate_marks WHERE guild_id = ? "
            "AND member_hash = ? AND created_at >= ?) < ?",
            # The marker's time is rounded up to the hour: it dates no request to the second,
            # and it never expires sooner than 24 hours.
            (
                guild_id,
                member_hash,
                _iso(_hour_ceiling(now)),
                guild_id,
                member_hash,
                _iso(since),
                limit,
            ),
        ) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def release_support_rate_mark(self, mark_id: int) -> None:
        """Give back a claimed marker whose request could not be posted."""
        await self.db.execute("DELETE FROM support_rate_marks WHERE rowid = ?", (mark_id,))

    async def count_support_rate_marks_since(
        self, guild_id: int, member_hash: str, since: datetime
    ) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM support_rate_marks WHERE guild_id = ? AND member_hash = ? "
            "AND created_at >= ?",
            (guild_id, member_hash, _iso(since)),
        )
        return int(row[0]) if row else 0

    async def support_rate_marks_in(
        self, member_hashes: dict[int, str], since: datetime
    ) -> dict[int, int]:
        """Of the servers in ``member_hashes`` (guild id -> marker key), markers since then."""
        counts: dict[int, int] = {}
        for part in chunks(list(member_hashes.items())):
            pairs = ", ".join("(?, ?)" for _ in part)
            rows = await self._all(
                f"SELECT guild_id, COUNT(*) FROM support_rate_marks WHERE created_at >= ? AND "
                f"(guild_id, member_hash) IN (VALUES {pairs}) GROUP BY guild_id",
                [_iso(since), *(v for pair in part for v in pair)],
            )
            counts.update({int(r[0]): int(r[1]) for r in rows})
        return counts

    async def delete_support_rate_marks_before(self, before: datetime) -> int:
        async with self.db.execute(
            "DELETE FROM support_rate_marks WHERE created_at < ?", (_iso(before),)
        ) as cur:
            return cur.rowcount

    # -- blocks ---------------------------------------------------------------

    async def block_support_member(self, guild_id: int, member_key: str, now: datetime) -> bool:
        """Block; False if that member was already blocked here."""
        row = await self._one(
            "INSERT INTO support_blocks (guild_id, member_key, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING guild_id",
            (guild_id, member_key, _iso(now)),
        )
        return row is not None

    async def delete_support_blocks_before(self, before: datetime) -> int:
        """Retention: a block lasts a year (a moderator can block again to renew it)."""
        async with self.db.execute(
            "DELETE FROM support_blocks WHERE created_at < ?", (_iso(before),)
        ) as cur:
            return cur.rowcount

    async def support_guilds_with_blocks_or_marks(self) -> list[int]:
        """Every server that has blocks or rate-limit markers, including servers Kindred has
        left (their rows stay until deleted), so my-data can look for a member in each."""
        rows = await self._all(
            "SELECT guild_id FROM support_blocks UNION SELECT guild_id FROM support_rate_marks"
        )
        return sorted(int(r[0]) for r in rows)

    async def is_support_blocked(self, guild_id: int, member_key: str) -> bool:
        return (
            await self._one(
                "SELECT 1 FROM support_blocks WHERE guild_id = ? AND member_key = ?",
                (guild_id, member_key),
            )
            is not None
        )
