"""The listening tables against a real SQLite file: settings, mutes, rate-limit markers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store, listening_schema
from bot.store.listening import MUTE_RETENTION
from bot.store.migrations import MIGRATIONS
from bot.store.schedule_rows import ts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "kindred.db")
    yield opened
    await opened.close()


async def test_channels_are_set_replaced_listed_and_removed(store: Store) -> None:
    await store.set_listening_channel(1, 10, "dm", NOW)
    await store.set_listening_channel(1, 11, "channel", NOW)
    await store.set_listening_channel(2, 20, "dm", NOW)
    changed = await store.set_listening_channel(1, 10, "channel", NOW + HOUR)
    assert changed.mode == "channel" and changed.updated_at == NOW + HOUR
    assert [(c.channel_id, c.mode) for c in await store.listening_channels(1)] == [
        (10, "channel"),
        (11, "channel"),
    ]
    assert len(await store.listening_channels()) == 3
    assert await store.remove_listening_channel(11)
    assert not await store.remove_listening_channel(11)
    assert [c.channel_id for c in await store.listening_channels(1)] == [10]


async def test_limits_default_to_none_and_keep_what_was_not_given(store: Store) -> None:
    limits = await store.listening_limits(1)
    assert (limits.member_gap, limits.channel_gap) == (None, None)
    await store.set_listening_limits(1, NOW, member_gap=timedelta(hours=12))
    limits = await store.set_listening_limits(1, NOW, channel_gap=timedelta(minutes=30))
    assert limits.member_gap == timedelta(hours=12)
    assert limits.channel_gap == timedelta(minutes=30)
    assert await store.listening_limits(1) == limits


async def test_mute_is_idempotent_both_ways(store: Store) -> None:
    assert not await store.listening_muted(5)
    await store.set_listening_muted(5, True, NOW)
    await store.set_listening_muted(5, True, NOW)
    assert await store.listening_muted(5)
    await store.set_listening_muted(5, False, NOW)
    assert not await store.listening_muted(5)


@pytest.mark.parametrize(
    ("later", "guild", "allowed"),
    [
        (timedelta(minutes=1), 1, False),
        (DAY - timedelta(seconds=1), 1, False),
        (DAY + timedelta(seconds=1), 1, True),
        (timedelta(minutes=1), 2, True),  # another server has its own limit
    ],
)
async def test_member_claims_hold_for_the_gap(
    store: Store, later: timedelta, guild: int, allowed: bool
) -> None:
    assert await store.claim_member_nudge(1, 5, "fixing", NOW, DAY)
    assert await store.claim_member_nudge(guild, 5, "minimizing", NOW + later, DAY) is allowed
    assert await store.claim_member_nudge(1, 6, "fixing", NOW, DAY)  # others are not limited


@pytest.mark.parametrize(
    ("later", "channel", "allowed"),
    [
        (timedelta(minutes=59), 10, False),
        (timedelta(minutes=61), 10, True),
        (timedelta(minutes=1), 11, True),
    ],
)
async def test_channel_claims_hold_for_the_gap(
    store: Store, later: timedelta, channel: int, allowed: bool
) -> None:
    assert await store.claim_channel_nudge(1, 10, "fixing", NOW, HOUR)
    assert await store.claim_channel_nudge(1, channel, "pile_on", NOW + later, HOUR) is allowed
    # a DM marker for a member never counts against a channel
    assert await store.claim_member_nudge(1, 5, "fixing", NOW, DAY)


async def test_markers_are_pruned_after_seven_days(store: Store) -> None:
    await store.claim_member_nudge(1, 5, "fixing", NOW - timedelta(days=8), DAY)
    await store.claim_channel_nudge(1, 10, "fixing", NOW - timedelta(days=8), HOUR)
    await store.claim_member_nudge(1, 5, "fixing", NOW - timedelta(days=2), DAY)
    assert await store.prune_listening_markers(NOW - timedelta(days=7)) == 2
    (left,) = await store.listening_markers_since(1, NOW - timedelta(days=30))
    assert left.member_id == 5 and left.at == NOW - timedelta(days=2)


async def test_export_and_forget_a_member(store: Store) -> None:
    await store.claim_member_nudge(1, 5, "fixing", NOW, DAY)
    await store.claim_member_nudge(2, 5, "hijacking", NOW, DAY)
    await store.claim_member_nudge(1, 6, "fixing", NOW, DAY)
    await store.set_listening_muted(5, True, NOW)
    exported = await store.export_listening_member(5)
    assert exported["muted"] is True
    assert [(n["guild_id"], n["kind"]) for n in exported["nudges"]] == [
        (1, "fixing"),
        (2, "hijacking"),
    ]
    assert exported["mute"] == {
        "muted_at": NOW.isoformat(),
        "last_used_at": NOW.isoformat(),
        "kept_until_unless_used": (NOW + MUTE_RETENTION).isoformat(),
    }
    assert await store.forget_listening_member(5) == 3
    assert await store.export_listening_member(5) == {"muted": False, "mute": None, "nudges": []}
    assert (await store.export_listening_member(6))["nudges"]


async def test_forget_a_server(store: Store) -> None:
    await store.set_listening_channel(1, 10, "dm", NOW)
    await store.set_listening_channel(2, 20, "dm", NOW)
    await store.set_listening_limits(1, NOW, member_gap=HOUR)
    await store.claim_member_nudge(1, 5, "fixing", NOW, DAY)
    await store.claim_channel_nudge(1, 10, "fixing", NOW, HOUR)
    await store.claim_member_nudge(2, 5, "fixing", NOW, DAY)
    assert await store.forget_listening_guild(1) == 4
    assert await store.listening_channels(1) == []
    assert (await store.listening_limits(1)).member_gap is None
    assert len(await store.listening_channels(2)) == 1
    assert len(await store.listening_markers_since(2, NOW - DAY)) == 1


async def test_a_mute_unused_for_a_year_is_deleted_and_one_in_use_is_kept(store: Store) -> None:
    await store.set_listening_muted(5, True, NOW)  # never holds anything back
    await store.set_listening_muted(6, True, NOW)
    used = NOW + 200 * DAY
    assert await store.use_listening_mute(6, used)  # held back a nudge
    assert not await store.use_listening_mute(7, used)  # not muted: nothing held back or stored
    mute = await store.listening_mute(6)
    assert mute is not None and (mute.muted_at, mute.used_at) == (NOW, used)
    assert mute.kept_until == used + MUTE_RETENTION

    # The sweep runs with "now - a year": a mute last used exactly a year ago is still kept.
    assert await store.prune_listening_mutes(NOW) == 0
    assert await store.prune_listening_mutes(NOW + HOUR) == 1
    assert not await store.listening_muted(5)
    assert await store.listening_muted(6) and await store.listening_mute(7) is None
    assert await store.prune_listening_mutes(used) == 0
    assert await store.prune_listening_mutes(used + HOUR) == 1
    assert not await store.listening_muted(6)


async def test_muting_again_counts_as_use_and_keeps_when_it_was_first_set(store: Store) -> None:
    await store.set_listening_muted(5, True, NOW)
    await store.set_listening_muted(5, True, NOW + 300 * DAY)
    mute = await store.listening_mute(5)
    assert mute is not None and (mute.muted_at, mute.used_at) == (NOW, NOW + 300 * DAY)
    assert await store.prune_listening_mutes(NOW + 2 * HOUR) == 0


MUTE_USE = listening_schema.MIGRATIONS[1]


async def test_the_mute_use_migration_dates_existing_mutes_from_when_they_were_set(
    tmp_path: Path,
) -> None:
    # Wired into the numbered sequence exactly once (StopIteration: not wired yet).
    version = next(n for n, script in enumerate(MIGRATIONS, 1) if script is MUTE_USE)
    path = tmp_path / "kindred.db"
    old = await Store.open(path, migrate_to=version - 1)
    # The previous schema has no used_at, so today's store methods cannot write these rows.
    await old.db.executemany(
        "INSERT INTO listening_mutes (member_id, muted_at) VALUES (?, ?)",
        [(5, ts(NOW)), (6, ts(NOW + 200 * DAY))],  # as the old set_listening_muted wrote them
    )
    await old.close()

    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        first, second = await store.listening_mute(5), await store.listening_mute(6)
        assert first is not None and (first.muted_at, first.used_at) == (NOW, NOW)
        assert second is not None and second.used_at == NOW + 200 * DAY
        assert (await store.export_listening_member(5))["mute"]["last_used_at"] == (NOW.isoformat())
        assert await store.prune_listening_mutes(NOW + HOUR) == 1  # a year after it was set
        assert await store.listening_muted(6) and not await store.listening_muted(5)
    finally:
        await store.close()
