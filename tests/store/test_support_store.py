"""The support tables against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.sealing import new_row_id
from bot.store import Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def token(member: str) -> Any:
    """A stand-in for the keyed per-request lookup: a different token for every row."""
    return lambda request_id: f"{member}:{request_id}"


async def add(store: Store, member: str = "alice", **overrides: Any) -> int:
    request_id = overrides.pop("request_id", new_row_id())
    values: dict[str, Any] = {
        "request_id": request_id,
        "guild_id": 1,
        "channel_id": 10,
        "style": "listen",
        "pseudonym": "Gentle Otter · 4f2",
        "handle": "otter 4f2",
        "requester_sealed": "sealed-id",
        "dm_sealed": "sealed-dm",
        "lookup": token(member)(request_id),
        "now": NOW,
    }
    values.update(overrides)
    return await store.add_support_request(**values)


async def test_config_upsert(store: Store) -> None:
    assert await store.support_config(1) is None
    await store.save_support_config(
        1, channel_id=10, responder_role_id=None, resources=None, now=NOW
    )
    await store.save_support_config(1, channel_id=11, responder_role_id=5, resources="r", now=NOW)
    config = await store.support_config(1)
    assert config is not None
    assert (config.channel_id, config.responder_role_id, config.resources) == (11, 5, "r")


async def test_request_lifecycle(store: Store) -> None:
    rid = await add(store)
    await store.set_support_request_posted(rid, message_id=100, thread_id=100)
    found = await store.support_request_by_thread(100)
    assert found is not None and found.id == rid and found.is_open
    assert [
        r.id for r in await store.support_requests_matching(token("alice"), open_only=True)
    ] == [rid]
    assert await store.support_requests_matching(token("bob")) == []
    assert [r.id for r in await store.support_requests_by_handle(1, "otter 4f2")] == [rid]
    assert await store.support_requests_by_handle(2, "otter 4f2") == []
    assert await store.close_support_request(rid, NOW, "requester")
    assert not await store.close_support_request(rid, NOW, "requester")  # a double click
    assert await store.support_requests_matching(token("alice"), open_only=True) == []
    assert [r.id for r in await store.support_requests_matching(token("alice"))] == [rid]
    assert await store.delete_support_closed_before(NOW) == 0
    assert await store.delete_support_closed_before(NOW + timedelta(seconds=1)) == 1
    assert await store.support_request(rid) is None


async def test_rate_marks_are_per_server_and_member_and_outlive_forget_me(store: Store) -> None:
    await store.add_support_rate_mark(1, "mh", NOW - timedelta(hours=25))
    await store.add_support_rate_mark(1, "mh", NOW - timedelta(hours=2))
    await store.add_support_rate_mark(2, "mh", NOW)
    await store.add_support_rate_mark(1, "other", NOW)
    rid = await add(store)
    since = NOW - timedelta(hours=24)
    assert await store.count_support_rate_marks_since(1, "mh", since) == 1
    assert await store.count_support_rate_marks_since(2, "mh", since) == 1
    await store.delete_support_request(rid)  # forget-me deletes requests, not the markers
    assert await store.count_support_rate_marks_since(1, "mh", since) == 1
    assert await store.delete_support_rate_marks_before(since) == 1
    assert await store.forget_support_guild(2) == 1  # forget-server deletes the server's markers
    assert await store.count_support_rate_marks_since(2, "mh", since) == 0


async def test_handles_match_with_or_without_the_adjective(store: Store) -> None:
    # Ids are random: the oldest first is by time.
    hours = [NOW - timedelta(hours=h) for h in (3, 2, 1)]
    gentle = await add(
        store, pseudonym="Gentle Otter · 4f2", handle="gentle otter 4f2", now=hours[0]
    )
    brave = await add(store, pseudonym="Brave Otter · 4f2", handle="brave otter 4f2", now=hours[1])
    legacy = await add(store, pseudonym="Calm Otter · 4f2", handle="otter 4f2", now=hours[2])
    await add(store, guild_id=2, handle="gentle otter 4f2")
    found = await store.support_requests_by_handle(1, "gentle otter 4f2")
    assert [r.id for r in found] == [gentle, legacy]
    found = await store.support_requests_by_handle(1, "otter 4f2")
    assert [r.id for r in found] == [gentle, brave, legacy]
    assert await store.support_requests_by_handle(1, "kind otter 4f2") == [
        r for r in await store.support_requests_by_handle(1, "otter 4f2") if r.id == legacy
    ]
    await store.set_support_request_posted(brave, message_id=555, thread_id=555)
    by_link = await store.support_request_by_message(1, 555)
    assert by_link is not None and by_link.id == brave
    assert await store.support_request_by_message(2, 555) is None


async def test_idle_requests(store: Store) -> None:
    old = await add(store, now=NOW - timedelta(days=15))
    fresh = await add(store, now=NOW - timedelta(days=15))
    withdrawn = await add(store, now=NOW - timedelta(days=15))
    await store.withdraw_support_request(withdrawn, NOW)
    await store.touch_support_request(fresh, NOW)
    idle = await store.idle_support_requests(NOW - timedelta(days=14))
    assert [r.id for r in idle] == [old]


async def test_blocks(store: Store) -> None:
    assert not await store.is_support_blocked(1, "mk")
    assert await store.block_support_member(1, "mk", NOW)
    assert not await store.block_support_member(1, "mk", NOW)
    assert await store.is_support_blocked(1, "mk")
    assert not await store.is_support_blocked(2, "mk")
    assert await store.support_blocked_in({1: "mk", 2: "mk"}) == [1]


async def test_pending_is_taken_once_and_expires(store: Store) -> None:
    pid = await store.add_support_pending(new_row_id(), "tok", "sealed-text", NOW)
    assert (await store.support_pending(pid)) is not None
    taken = await store.take_support_pending(pid)
    assert taken is not None and taken.sealed_text == "sealed-text"
    assert await store.take_support_pending(pid) is None
    await store.add_support_pending(new_row_id(), "tok", "x", NOW - timedelta(days=2))
    assert await store.delete_support_pending_before(NOW - timedelta(days=1)) == 1


async def test_withdrawing_unlinks_at_once_and_cleans_up_later(store: Store) -> None:
    mine = [await add(store), await add(store, guild_id=2)]
    theirs = await add(store, member="bob")
    for request_id, due in zip(
        mine, (NOW + timedelta(hours=1), NOW + timedelta(hours=5)), strict=True
    ):
        assert await store.withdraw_support_request(request_id, due)
    assert not await store.withdraw_support_request(mine[0], NOW)  # already withdrawing
    assert await store.support_requests_matching(token("alice")) == []
    async with store.db.execute(
        "SELECT requester_sealed, dm_sealed, lookup, status FROM support_requests WHERE id = ?",
        (mine[0],),
    ) as cur:
        assert tuple(await cur.fetchone() or ()) == (None, None, None, "withdrawing")
    by_handle = await store.support_requests_by_handle(1, "otter 4f2")
    assert [r.id for r in by_handle] == [theirs]  # a withdrawn one is gone for moderators
    assert await store.next_support_withdrawal() == NOW + timedelta(hours=1)
    due = await store.support_withdrawals_due(NOW + timedelta(hours=2))
    assert [r.id for r in due] == [mine[0]]
    assert [r.id for r in await store.support_requests_matching(token("bob"))] == [theirs]


async def test_pending_is_found_by_its_own_token_and_deleted(store: Store) -> None:
    first, second = new_row_id(), new_row_id()
    await store.add_support_pending(first, f"alice:{first}", "x", NOW)
    await store.add_support_pending(second, f"bob:{second}", "y", NOW)
    found = await store.support_pending_matching(token("alice"))
    assert [p.id for p in found] == [first]
    assert await store.delete_support_pending([first]) == 1
    assert await store.support_pending_matching(token("alice")) == []


async def test_blocks_last_a_year_and_are_found_in_every_server(store: Store) -> None:
    await store.block_support_member(1, "mk", NOW - timedelta(days=400))
    await store.block_support_member(2, "mk", NOW)
    await store.add_support_rate_mark(3, "rk", NOW)
    assert await store.support_guilds_with_blocks_or_marks() == [1, 2, 3]
    assert await store.delete_support_blocks_before(NOW - timedelta(days=365)) == 1
    assert await store.support_blocked_in({1: "mk", 2: "mk"}) == [2]


async def test_forget_guild(store: Store) -> None:
    await add(store)
    await add(store, guild_id=2)
    await store.block_support_member(1, "se", NOW)
    await store.save_support_config(
        1, channel_id=10, responder_role_id=None, resources=None, now=NOW
    )
    await store.add_support_rate_mark(1, "mh", NOW)
    assert await store.forget_support_guild(1) == 4
    assert await store.count_open_support_requests(2) == 1
    assert await store.count_open_support_requests(1) == 0


async def test_request_and_marker_times_are_kept_to_the_hour(store: Store) -> None:
    # issue 16, items 2 and 3: an exact time lines a request up with its member's other traces
    at = datetime(2026, 11, 23, 18, 1, 5, 123456, tzinfo=UTC)
    request_id = await store.add_support_request(
        request_id=new_row_id(),
        guild_id=1,
        channel_id=2,
        style="listen",
        pseudonym="Gentle Otter · 4f2",
        handle="gentle otter 4f2",
        requester_sealed="s",
        dm_sealed=None,
        lookup="tok",
        now=at,
    )
    request = await store.support_request(request_id)
    assert request is not None
    assert request.created_at == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    mark = await store.claim_support_rate_mark(1, "mh", at, since=at - timedelta(days=1), limit=3)
    assert mark is not None
    # rounded up, so the marker never expires before its 24 hours
    assert (
        await store.count_support_rate_marks_since(
            1, "mh", datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
        )
        == 1
    )
    assert (
        await store.count_support_rate_marks_since(
            1, "mh", datetime(2026, 11, 23, 19, 0, 1, tzinfo=UTC)
        )
        == 0
    )


async def test_config_is_cached_dropped_on_write_and_reread_after_its_ttl(
    store: Store, monkeypatch: Any
) -> None:
    # issue 15: every message in a watched channel asks whether crisis scan is on
    import bot.store.support as support_store

    now = [1000.0]
    monkeypatch.setattr(support_store.time, "monotonic", lambda: now[0])
    assert await store.support_config(1) is None  # a miss is cached too
    await store.save_support_config(
        1, channel_id=10, responder_role_id=None, resources=None, now=NOW
    )
    config = await store.support_config(1)
    assert config is not None and config.channel_id == 10  # the write dropped the cached miss
    await store.db.execute("UPDATE support_config SET channel_id = 11 WHERE guild_id = 1")
    assert (await store.support_config(1)).channel_id == 10  # type: ignore[union-attr]
    now[0] += support_store.CONFIG_TTL
    assert (await store.support_config(1)).channel_id == 11  # type: ignore[union-attr]
    await store.forget_support_guild(1)
    assert await store.support_config(1) is None
