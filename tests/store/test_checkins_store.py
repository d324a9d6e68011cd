"""The check-in queries against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.store import Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 26)
M1, M2 = "keyed-hash-of-member-1", "keyed-hash-of-member-2"  # history names members by hash


async def _sent(store: Store, member: str, day: date | None = DAY, at: datetime = NOW) -> int:
    delivery_id = await store.start_checkin_delivery(member, "scheduled" if day else "now", day, at)
    await store.set_checkin_message(delivery_id, 9000 + delivery_id)
    return delivery_id


async def test_member_row_keeps_home_server_and_resets_unreachable(store: Store) -> None:
    member = await store.save_checkin_member(1, 10, NOW)
    assert member.home_guild_id == 10 and member.unreachable_at is None
    await store.mark_checkin_unreachable(1, NOW)
    marked = await store.checkin_member(1)
    assert marked is not None and marked.unreachable_at == NOW and marked.notice_due
    assert await store.checkin_notices_due() == [1]
    assert await store.take_checkin_notice(1) is True
    assert await store.take_checkin_notice(1) is False  # told once
    assert await store.checkin_notices_due() == []
    again = await store.save_checkin_member(1, None, NOW)  # started from a DM: home kept
    assert again.home_guild_id == 10 and again.unreachable_at is None
    moved = await store.save_checkin_member(1, 11, NOW)
    assert moved.home_guild_id == 11
    assert await store.clear_checkin_home_guild(11) == 1
    cleared = await store.checkin_member(1)
    assert cleared is not None and cleared.home_guild_id is None


async def test_an_unsent_scheduled_row_is_reused_after_a_crash(store: Store) -> None:
    first = await store.start_checkin_delivery(M1, "scheduled", DAY, NOW)
    again = await store.start_checkin_delivery(M1, "scheduled", DAY, NOW + timedelta(minutes=1))
    assert again == first
    unsent = await store.unsent_checkin(M1, DAY)
    assert unsent is not None and unsent.id == first
    await store.set_checkin_message(first, 77)
    assert await store.unsent_checkin(M1, DAY) is None
    other = await store.start_checkin_delivery(M1, "now", None, NOW)
    assert other != first
    # Discarding never drops a check-in that was sent.
    await store.discard_checkin_delivery(first)
    assert await store.checkin_delivery(first) is not None
    await store.discard_checkin_delivery(other)
    assert await store.checkin_delivery(other) is None


async def test_answers_are_recorded_once_and_only_by_the_member(store: Store) -> None:
    delivery_id = await _sent(store, M1)
    assert await store.answer_checkin(delivery_id, M2, 3, NOW) is False  # not theirs
    assert await store.answer_checkin(delivery_id, M1, 4, NOW) is True
    assert await store.answer_checkin(delivery_id, M1, 1, NOW) is False  # already answered
    assert await store.skip_checkin(delivery_id, M1, NOW) is False
    delivery = await store.checkin_delivery(delivery_id)
    assert delivery is not None and delivery.mood == 4 and not delivery.open
    assert await store.save_checkin_note(delivery_id, M2, "sealed", NOW) is False
    assert await store.save_checkin_note(delivery_id, M1, "sealed", NOW) is True


async def test_previous_mood_ignores_skips_and_other_members(store: Store) -> None:
    a = await _sent(store, M1)
    await store.answer_checkin(a, M1, 2, NOW)
    b = await _sent(store, M2, None)
    await store.answer_checkin(b, M2, 5, NOW)
    c = await _sent(store, M1, None)
    await store.skip_checkin(c, M1, NOW)
    d = await _sent(store, M1, None)
    assert await store.previous_checkin_mood(M1, d) == 2
    assert await store.previous_checkin_mood(M1, a) is None


async def test_history_lists_sent_check_ins_oldest_first(store: Store) -> None:
    ids = [await _sent(store, M1, None, NOW + timedelta(days=i)) for i in range(5)]
    await store.start_checkin_delivery(M1, "now", None, NOW)  # never sent: not listed
    listed = await store.checkin_deliveries_for(M1)
    assert [d.id for d in listed] == ids
    assert [d.id for d in await store.checkin_deliveries_for(M1, limit=2)] == ids[-2:]


async def test_retention_and_forget(store: Store) -> None:
    old = await _sent(store, M1, None, NOW - timedelta(days=400))
    recent = await _sent(store, M1, None, NOW)
    other = await _sent(store, M2, None, NOW - timedelta(days=400))
    assert await store.delete_checkins_before(NOW - timedelta(days=365)) == 2
    assert await store.checkin_delivery(old) is None and await store.checkin_delivery(other) is None
    assert await store.checkin_delivery(recent) is not None
    await store.save_checkin_member(1, 10, NOW)
    assert await store.forget_checkins(1, M1) == 2
    assert await store.checkin_member(1) is None
    assert await store.checkin_deliveries_for(M1) == []


async def test_history_keeps_dates_and_a_keyed_member_not_times_or_ids(store: Store) -> None:
    # issue 16, item 2: member id, mood and a microsecond answer time beside the home server
    # line a check-in up with a support request posted a minute later.
    at = datetime(2026, 11, 26, 18, 0, 5, 123456, tzinfo=UTC)
    delivery_id = await _sent(store, M1, None, at)
    await store.answer_checkin(delivery_id, M1, 1, at + timedelta(seconds=3))
    await store.save_checkin_note(delivery_id, M1, "sealed", at + timedelta(seconds=9))
    async with store.db.execute("SELECT * FROM checkin_deliveries") as cur:
        (row,) = [dict(r) for r in await cur.fetchall()]
    assert "member_id" not in row and row["member_hash"] == M1
    assert (row["sent_on"], row["answered_on"], row["noted_on"]) == ("2026-11-26",) * 3
    assert not any("18:00" in str(v) for v in row.values())
