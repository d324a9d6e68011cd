from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from bot.store.migrations import MIGRATIONS

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _schema(path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
    finally:
        con.close()
    return [(str(n), " ".join(str(s).split())) for n, s in rows]


async def test_open_sets_pragmas_and_migrates_from_empty(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "kindred.db")
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        async with store.db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with store.db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with store.db.execute("PRAGMA busy_timeout") as cur:
            assert (await cur.fetchone())[0] == 5000
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(len(MIGRATIONS) + 1))
async def test_migrates_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    fresh = tmp_path / "fresh.db"
    store = await Store.open(fresh)
    await store.close()

    old = tmp_path / "old.db"
    store = await Store.open(old, migrate_to=start)
    assert await store.schema_version() == start
    await store.close()
    store = await Store.open(old)
    assert await store.schema_version() == len(MIGRATIONS)
    await store.close()
    assert _schema(old) == _schema(fresh)


async def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "kindred.db"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer than this Kindred"):
        await Store.open(path)


async def test_meta_and_guild_lifecycle(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "kindred.db")
    try:
        assert await store.get_meta("k") is None
        await store.set_meta("k", "1")
        await store.set_meta("k", "2")
        assert await store.get_meta("k") == "2"

        assert await store.guild_joined(10, NOW) is True
        assert await store.guild_joined(10, NOW) is False
        await store.guild_left(10, NOW)
        assert await store.guilds_left_before(NOW + timedelta(days=1)) == [10]
        assert await store.guilds_left_before(NOW) == []
        await store.guild_joined(10, NOW)  # came back: no longer scheduled for deletion
        assert await store.guilds_left_before(NOW + timedelta(days=1)) == []
    finally:
        await store.close()


async def test_servers_present_at_ready_are_recorded_in_bulk(store: Store) -> None:
    await store.guild_joined(1, NOW)
    await store.guild_left(1, NOW)
    many = list(range(1, 1001))  # more than one statement's worth of rows
    await store.guilds_present(many, NOW + timedelta(hours=1))
    # The server that had left is back (no longer due for deletion); every one is known once.
    assert await store.guilds_left_before(NOW + timedelta(days=365)) == []
    assert await store.mark_guilds_left_unless([], NOW) == 1000
    await store.guilds_present([], NOW)  # nothing to record: no statement at all


async def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "kindred.db")
    await store.set_meta("fingerprint", "abc")
    await store.backup_to(tmp_path / "copy.db")
    await store.close()
    copy = await Store.open(tmp_path / "copy.db")
    try:
        assert await copy.get_meta("fingerprint") == "abc"
        assert await copy.integrity_problems() == []
    finally:
        await copy.close()


def test_every_feature_migration_is_numbered_exactly_once() -> None:
    from bot.store.migrations import FEATURE_MODULES

    for module in FEATURE_MODULES:
        for script in module.MIGRATIONS:
            assert sum(script is m for m in MIGRATIONS) == 1, module.__name__
    assert len(set(map(id, MIGRATIONS))) == len(MIGRATIONS)


async def test_the_database_and_its_backups_are_private_whatever_the_umask(
    tmp_path: Path,
) -> None:
    # issue 16, item 13: outside systemd the default umask would leave them world-readable
    old = os.umask(0o022)
    try:
        store = await Store.open(tmp_path / "data" / "kindred.db")
        try:
            await store.set_meta("probe", "1")
            await store.backup_to(tmp_path / "backups" / "copy.db")
        finally:
            await store.close()
    finally:
        os.umask(old)
    for name in ("data/kindred.db", "data/kindred.db-wal", "backups/copy.db"):
        path = tmp_path / name
        if name.endswith("-wal") and not path.exists():
            continue  # checkpointed away on close
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
