"""The connection, migrations and the core tables (meta, guilds)."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from .keyed import KeyedMigration, KeysNeeded, MigrationKeys
from .migrations import MIGRATIONS
from .schedule_rows import ShardSlice, chunks, values

log = logging.getLogger(__name__)


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (0600), whatever the umask; SQLite
    gives its -wal and -shm files the same mode. An existing file keeps its mode."""
    if path.exists():
        return
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)  # os.open's mode is masked by the umask


class StoreError(RuntimeError):
    """The database cannot be used (newer schema, unreadable file)."""


def _iso(moment: datetime) -> str:
    return moment.isoformat()


class CoreStore:
    """Owns the one writer connection; feature mixins add their queries."""

    db: aiosqlite.Connection

    def __init__(self, db: aiosqlite.Connection, path: Path | None) -> None:
        self.db = db
        self.path = path

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate_to: int | None = None,
        migrate: bool = True,
        keys: MigrationKeys | None = None,
    ) -> Any:
        """Open (creating if needed) the database at ``path`` and migrate it.

        With ``migrate=False`` the file must exist and is left at its version
        (``check --db`` and ``backup`` inspect, they do not upgrade). ``keys`` is the sealer
        for migrations that re-seal stored values (see :meth:`migrate`).
        """
        path = Path(path)
        if not migrate and not path.exists():
            raise StoreError(f"no database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten, not left in free pages (forget-me means gone).
            await db.execute("PRAGMA secure_delete=ON")
            store = cls(db, path)
            if migrate:
                await store.migrate(migrate_to, keys=keys)
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self.db.close()

    # -- migrations ---------------------------------------------------------

    async def schema_version(self) -> int:
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, target: int | None = None, *, keys: MigrationKeys | None = None) -> int:
        """Apply migrations up to ``target`` (default: the latest); return the version.

        A :class:`KeyedMigration` runs with ``keys`` (the sealer); without them it refuses
        when there is anything to re-seal, rather than lose it. The bot checks the key's
        fingerprint before it migrates, so a changed key is refused (or accepted) first.
        """
        latest = len(MIGRATIONS)
        target = latest if target is None else target
        current = await self.schema_version()
        if current > latest:
            raise StoreError(
                f"the database schema is version {current}, newer than this Kindred "
                f"({latest}); upgrade Kindred or restore an older backup"
            )
        for version in range(current + 1, target + 1):
            script = MIGRATIONS[version - 1]
            log.info("applying database migration %d", version)
            if isinstance(script, KeyedMigration):
                await self._run_keyed(script, version, keys)
                continue
            # executescript commits; run the migration and the version bump as one unit.
            await self.db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        return max(current, target)

    async def _run_keyed(
        self, migration: KeyedMigration, version: int, keys: MigrationKeys | None
    ) -> None:
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            await migration.run(self.db, keys, version)
            await self.db.execute(f"PRAGMA user_version = {version}")
        except KeysNeeded as exc:
            await self.db.execute("ROLLBACK")
            raise StoreError(
                f"database migration {version} ({migration.name}) re-seals stored values and "
                f"needs the sealing key: {exc}. Start Kindred (`python -m bot run`) to migrate"
            ) from None
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        await self.db.execute("COMMIT")

    @staticmethod
    def latest_version() -> int:
        return len(MIGRATIONS)

    # -- meta -----------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        async with self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def delete_meta(self, key: str) -> None:
        await self.db.execute("DELETE FROM meta WHERE key = ?", (key,))

    # -- guilds -------------------------------------------------------------

    async def guild_joined(self, guild_id: int, now: datetime) -> bool:
        """Record that Kindred is in a server; return True if it is new to us."""
        async with self.db.execute(
            "INSERT INTO guilds (guild_id, joined_at) VALUES (?, ?) "
            "ON CONFLICT (guild_id) DO NOTHING",
            (guild_id, _iso(now)),
        ) as cur:
            inserted = cur.rowcount == 1
        if not inserted:
            await self.db.execute(
                "UPDATE guilds SET left_at = NULL WHERE guild_id = ?", (guild_id,)
            )
        return inserted

    async def guilds_present(self, guild_ids: list[int], now: datetime) -> None:
        """Record that Kindred is in each of these servers (READY lists them), in a few
        statements rather than one per server: a sharded bot starts in thousands."""
        for part in chunks(guild_ids):
            args: list[Any] = []
            for guild_id in part:
                args += [guild_id, _iso(now)]
            await self.db.execute(
                f"INSERT INTO guilds (guild_id, joined_at) VALUES {values(len(part), 2)} "
                "ON CONFLICT (guild_id) DO UPDATE SET left_at = NULL",
                args,
            )

    async def guild_left(self, guild_id: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO guilds (guild_id, joined_at, left_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET left_at = excluded.left_at",
            (guild_id, _iso(now), _iso(now)),
        )

    async def mark_guilds_left_unless(
        self, present: list[int], now: datetime, owner: ShardSlice | None = None
    ) -> int:
        """Mark every known server not in ``present`` as left (now); return how many.

        With ``owner`` (one process of several) only this process's servers: another shard's
        server is missing from ``present`` because it is not in this process's cache."""
        async with self.db.execute("SELECT guild_id FROM guilds WHERE left_at IS NULL") as cur:
            known = [int(r[0]) for r in await cur.fetchall()]
        if owner is not None:
            known = [g for g in known if owner.owns(g, None)]
        gone = sorted(set(known) - set(present))
        await self.db.executemany(
            "UPDATE guilds SET left_at = ? WHERE guild_id = ? AND left_at IS NULL",
            [(_iso(now), guild_id) for guild_id in gone],
        )
        return len(gone)

    async def guilds_left_before(self, cutoff: datetime) -> list[int]:
        async with self.db.execute(
            "SELECT guild_id FROM guilds WHERE left_at IS NOT NULL AND left_at < ?",
            (_iso(cutoff),),
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]

    async def delete_guild_row(self, guild_id: int) -> None:
        await self.db.execute("DELETE FROM guilds WHERE guild_id = ?", (guild_id,))

    # -- maintenance --------------------------------------------------------

    async def integrity_problems(self) -> list[str]:
        """``PRAGMA integrity_check`` findings; empty when the file is sound."""
        async with self.db.execute("PRAGMA integrity_check") as cur:
            rows = [str(r[0]) for r in await cur.fetchall()]
        return [] if rows == ["ok"] else rows

    async def size_bytes(self) -> int:
        rows = list(
            await self.db.execute_fetchall(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        )
        return int(rows[0][0]) if rows else 0

    async def scrub(self) -> None:
        """After a forget: fold the WAL into the database and empty it, so deleted rows' old
        pages do not linger in the -wal file (secure_delete has zeroed them in the file)."""
        await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def backup_to(self, target: Path | str) -> None:
        """Write a consistent copy with SQLite's online backup API."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        _create_private(target)
        dest = sqlite3.connect(target)
        try:
            await self.db.backup(dest)
        finally:
            dest.close()

    async def table_names(self) -> list[str]:
        async with self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ) as cur:
            return [str(r[0]) for r in await cur.fetchall()]
