"""Small query helpers the store's mixins share."""

from __future__ import annotations

from typing import Any

import aiosqlite


class RowQueries:
    """Fetch one row or all rows of a statement on the store's connection."""

    db: aiosqlite.Connection

    async def _one(self, sql: str, args: Any = ()) -> Any:
        async with self.db.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, args: Any = ()) -> list[Any]:
        async with self.db.execute(sql, args) as cur:
            return list(await cur.fetchall())

    # -- settings and the ladder ------------------------------------------------
