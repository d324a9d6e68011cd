"""The listening tables against a real SQLite file: settings, mutes, rate-limit markers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store

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
    assert await store.forget_listening_member(5) == 3
    assert await store.export_listening_member(5) == {"muted": False, "nudges": []}
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
