"""Small query helpers the store's mixins share."""

from __future__ import annotations

from typing import Any

import aiosqlite


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

    # -- settings and the ladder ------------------------------------------------
