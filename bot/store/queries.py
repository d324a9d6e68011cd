"""Small query helpers the store's mixins share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from .schedule_rows import chunks


class RowQueries:
    """Fetch one row or all rows of a statement on the store's connection."""

    db: aiosqlite.Connection

    # One trip to aiosqlite's thread each (execute_fetchall), not three (execute, fetch,
    # close): every command and every watched message pays these trips.

    async def _one(self, sql: str, args: Any = ()) -> Any:
        rows = await self.db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def _all(self, sql: str, args: Any = ()) -> list[Any]:
        return list(await self.db.execute_fetchall(sql, args))

    async def _delete_ids(self, table: str, ids: Sequence[int]) -> int:
        """Delete the rows of ``table`` (one of the store's own names) with these ids, in
        chunks that stay within SQLite's limit on parameters; how many went."""
        total = 0
        for part in chunks(ids):
            marks = ", ".join("?" for _ in part)
            async with self.db.execute(f"DELETE FROM {table} WHERE id IN ({marks})", part) as cur:
                total += cur.rowcount
        return total

    # -- settings and the ladder ------------------------------------------------
