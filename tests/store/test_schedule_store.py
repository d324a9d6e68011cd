from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.schedule.rules import Rule, nonce_for
from bot.store import Store
from bot.store.schedule import CHUNK, Advance, Claim, Settlement

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 26)
RULE = Rule(time(9, 0), "Europe/Berlin", "mon-fri")


async def _prompt(store: Store, guild_id: int, due: datetime | None = NOW) -> int:
    row = await store.upsert_schedule(
        kind="prompt", rule=RULE, next_due_at=due, now=NOW, guild_id=guild_id, channel_id=7
    )
    return row.id


def _claim(sid: int, day: date = DAY, state: str = "claimed") -> Claim:
    return Claim(sid, day, nonce_for(sid, day), NOW, state)


async def test_upsert_is_one_row_per_kind_server_and_member(store: Store) -> None:
    first = await store.upsert_schedule(
        kind="prompt",
        rule=RULE,
        next_due_at=NOW,
        now=NOW,
        guild_id=1,
        channel_id=10,
        payload={"depth": "light"},
    )
    later = NOW + timedelta(hours=1)
    second = await store.upsert_schedule(
        kind="prompt",
        rule=Rule(time(20, 30), "Asia/Kolkata"),
        next_due_at=later,
        now=later,
        guild_id=1,
        channel_id=11,
    )
    assert second.id == first.id
    assert (second.channel_id, second.rule.hhmm, second.rule.timezone) == (
        11,
        "20:30",
        "Asia/Kolkata",
    )
    assert second.next_due_at == later and second.created_at == NOW and second.updated_at == later
    assert second.payload == {}
    assert first.payload == {"depth": "light"}

    other_guild = await _prompt(store, 2)
    checkin_a = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW, now=NOW, member_id=5
    )
    checkin_again = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW, now=NOW, member_id=5
    )
    checkin_b = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW, now=NOW, member_id=6
    )
    assert len({first.id, other_guild, checkin_a.id, checkin_b.id}) == 4
    assert checkin_again.id == checkin_a.id
    assert (await store.find_schedule("checkin", member_id=5)) == checkin_again
    assert (await store.find_schedule("prompt", guild_id=2)).id == other_guild  # type: ignore[union-attr]
    assert await store.find_schedule("prompt", guild_id=3) is None
    assert [s.id for s in await store.schedules_for_guild(1)] == [first.id]
    assert [s.id for s in await store.schedules_for_member(5)] == [checkin_a.id]
    assert (await store.get_schedule(first.id)) == second
    assert set(await store.get_schedules([first.id, checkin_b.id, 999])) == {first.id, checkin_b.id}
    described = checkin_a.describe()
    assert described["time"] == "09:00" and described["days"] == "mon-fri"


async def test_paused_rows_have_no_due_time_and_are_never_due(store: Store) -> None:
    sid = await _prompt(store, 1)
    assert [s.id for s in await store.due_schedules(NOW, 10)] == [sid]
    paused = await store.pause_schedule(sid, NOW)
    assert paused is not None and paused.paused and paused.next_due_at is None
    assert await store.due_schedules(NOW + timedelta(days=9), 10) == []
    resumed = await store.resume_schedule(sid, NOW + timedelta(days=1), NOW)
    assert resumed is not None and not resumed.paused
    assert resumed.next_due_at == NOW + timedelta(days=1)
    assert await store.pause_schedule(999, NOW) is None


async def test_due_rows_are_ordered_limited_and_filtered_by_kind(store: Store) -> None:
    late = await _prompt(store, 1, NOW)
    early = await _prompt(store, 2, NOW - timedelta(minutes=5))
    await _prompt(store, 3, NOW + timedelta(seconds=1))
    tip = await store.upsert_schedule(
        kind="listening_tip", rule=RULE, next_due_at=NOW - timedelta(hours=1), now=NOW, guild_id=1
    )
    assert [s.id for s in await store.due_schedules(NOW, 10)] == [tip.id, early, late]
    assert [s.id for s in await store.due_schedules(NOW, 2, ["prompt"])] == [early, late]
    assert [s.id for s in await store.due_schedules(NOW, 1, ["prompt"])] == [early]
    assert await store.due_schedules(NOW, 10, []) == []
    assert await store.earliest_due(["prompt"]) == NOW - timedelta(minutes=5)
    assert await store.earliest_due() == NOW - timedelta(hours=1)


async def test_a_claim_is_won_once_and_settles_once(store: Store) -> None:
    sid = await _prompt(store, 1)
    assert await store.claim_delivery(_claim(sid), NOW) is True
    assert await store.claim_delivery(_claim(sid), NOW) is False  # same local date
    assert await store.claim_delivery(_claim(sid, DAY + timedelta(days=1)), NOW) is True

    assert [e.local_date for e in await store.unconfirmed_claims()] == [DAY, DAY + timedelta(1)]
    assert await store.confirm_delivery(sid, DAY, 555, NOW) is True
    assert await store.fail_delivery(sid, DAY, "late failure", NOW) is False  # already settled
    entry = await store.ledger_entry(sid, DAY)
    assert entry is not None
    assert (entry.state, entry.message_id, entry.confirmed_at) == ("confirmed", 555, NOW)
    assert entry.nonce == nonce_for(sid, DAY)
    assert await store.ledger_by_nonce(entry.nonce) == entry
    assert [e.local_date for e in await store.unconfirmed_claims()] == [DAY + timedelta(1)]
    assert await store.unconfirmed_claims(["checkin"]) == []

    await store.release_claims([(sid, DAY + timedelta(days=1)), (sid, DAY)])
    assert await store.ledger_entry(sid, DAY + timedelta(days=1)) is None
    assert await store.ledger_entry(sid, DAY) == entry  # settled rows are never released


async def test_batches_larger_than_a_statement_chunk(store: Store) -> None:
    rows = [await _prompt(store, g) for g in range(1, CHUNK + 151)]
    claims = [_claim(sid) for sid in rows]
    won = await store.claim_deliveries(claims, NOW)
    assert won == {(sid, DAY) for sid in rows}
    assert await store.claim_deliveries(
        [*claims[:10], _claim(rows[0], DAY + timedelta(1))], NOW
    ) == {(rows[0], DAY + timedelta(1))}
    settled = [Settlement(sid, DAY, "confirmed", message_id=sid * 10) for sid in rows]
    assert await store.settle_deliveries(settled, NOW) == len(rows)
    nxt = NOW + timedelta(days=1)
    assert await store.advance_schedules([Advance(sid, NOW, nxt, NOW) for sid in rows], NOW) == len(
        rows
    )
    assert await store.due_schedules(NOW, 10_000) == []
    last = await store.get_schedule(rows[-1])
    assert last is not None and last.next_due_at == nxt and last.last_delivered_at == NOW
    entry = await store.ledger_entry(rows[-1], DAY)
    assert entry is not None and entry.message_id == rows[-1] * 10


async def test_advance_yields_to_edits_made_in_flight_and_can_pause(store: Store) -> None:
    edited, failing, gone = [await _prompt(store, g) for g in (1, 2, 3)]
    # While a delivery was in flight the row was rescheduled by an admin:
    admin_due = NOW + timedelta(hours=5)
    await store.upsert_schedule(
        kind="prompt", rule=RULE, next_due_at=admin_due, now=NOW, guild_id=1, channel_id=8
    )
    later = NOW + timedelta(days=1)
    await store.advance_schedules(
        [
            Advance(edited, NOW, later, delivered_at=NOW),
            Advance(failing, NOW, later, error="Missing Access", pause=False),
            Advance(gone, NOW, later, error="Unknown Channel", pause=True),
        ],
        NOW + timedelta(minutes=1),
    )
    a, b, c = [await store.get_schedule(sid) for sid in (edited, failing, gone)]
    assert a is not None and a.next_due_at == admin_due and a.last_delivered_at == NOW
    assert b is not None and b.next_due_at == later and b.last_error == "Missing Access"
    assert b.last_error_at == NOW + timedelta(minutes=1) and not b.paused
    assert (
        c is not None and c.paused and c.next_due_at is None and c.last_error == "Unknown Channel"
    )


async def test_failures_counts_and_privacy_deletes(store: Store) -> None:
    g1, g2 = await _prompt(store, 1), await _prompt(store, 2)
    member = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW, now=NOW, member_id=9, guild_id=1
    )
    for sid in (g1, g2, member.id):
        await store.claim_delivery(_claim(sid), NOW)
    await store.fail_delivery(g1, DAY, "Missing Permissions", NOW)
    await store.confirm_delivery(g2, DAY, 1, NOW)
    await store.claim_delivery(_claim(g1, DAY - timedelta(1)), NOW - timedelta(days=2))
    await store.fail_delivery(g1, DAY - timedelta(1), "older", NOW - timedelta(days=2))

    failures = await store.recent_failures(1)
    assert [(f.schedule_id, f.kind, f.error, f.at) for f in failures] == [
        (g1, "prompt", "Missing Permissions", NOW),
        (g1, "prompt", "older", NOW - timedelta(days=2)),
    ]
    assert len(await store.recent_failures(1, since=NOW - timedelta(days=1))) == 1
    assert await store.recent_failures(2) == []

    await store.pause_schedule(g2, NOW)
    counts = await store.schedule_counts(NOW, NOW - timedelta(days=1))
    assert (counts.total, counts.paused, counts.due) == (3, 1, 2)
    assert (counts.unconfirmed, counts.failed_recently) == (1, 1)

    assert await store.delete_schedules_for_member(9, guild_id=2) == 0
    assert await store.delete_schedules_for_member(9) == 1
    assert await store.ledger_entry(member.id, DAY) is None  # cascaded
    assert await store.delete_schedules_for_guild(1) == 1
    assert await store.ledger_entry(g1, DAY) is None
    assert [s.id for s in await store.schedules_for_guild(2)] == [g2]
    assert await store.delete_schedule(g2) is True
    assert await store.delete_schedule(g2) is False


async def test_prune_keeps_recent_and_unsettled_ledger_rows(store: Store) -> None:
    sid = await _prompt(store, 1)
    old, older, recent = DAY - timedelta(100), DAY - timedelta(95), DAY
    for day in (old, older, recent):
        claimed_at = datetime.combine(day, time(12), UTC)
        await store.claim_delivery(_claim(sid, day), claimed_at)
    await store.confirm_delivery(sid, old, None, NOW)
    await store.confirm_delivery(sid, recent, None, NOW)
    assert await store.prune_ledger(NOW - timedelta(days=90)) == 1
    days = [e.local_date for e in await store.ledger_for_schedule(sid)]
    assert days == [recent, older]  # 'older' is still claimed: recovery must see it


async def test_members_schedules_paused_past_the_cut_off_are_deleted_with_their_ledger(
    store: Store,
) -> None:
    week = timedelta(days=7)
    unreachable = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW, now=NOW, member_id=5
    )
    await store.claim_delivery(_claim(unreachable.id), NOW)
    await store.fail_delivery(unreachable.id, DAY, "the member's DMs are closed (50007)", NOW)
    await store.advance_schedules([Advance(unreachable.id, NOW, None, pause=True)], NOW)
    paused_later = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=None, now=NOW + week, member_id=6, paused=True
    )
    active = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW + week, now=NOW - week, member_id=7
    )
    server_paused = await _prompt(store, 1)
    await store.pause_schedule(server_paused, NOW - week)  # an admin paused it on purpose

    # The sweep passes "now - retention": paused exactly at the cut-off is still kept.
    assert await store.prune_paused_member_schedules(NOW) == 0
    assert await store.prune_paused_member_schedules(NOW + timedelta(seconds=1)) == 1
    assert await store.get_schedule(unreachable.id) is None
    assert await store.ledger_for_schedule(unreachable.id) == []  # cascaded
    assert await store.prune_paused_member_schedules(NOW + 2 * week) == 1
    assert await store.get_schedule(paused_later.id) is None
    left = await store.get_schedules([active.id, server_paused])
    assert sorted(left) == sorted([active.id, server_paused])


async def test_a_members_schedules_and_ledger_rows_as_their_data_export_shows_them(
    store: Store,
) -> None:
    mine = await store.upsert_schedule(
        kind="checkin",
        rule=Rule(time(18, 0), "America/New_York", "sun", quiet_hours=True),
        next_due_at=NOW,
        now=NOW,
        member_id=5,
        payload={"frequency": "weekly"},
    )
    other = await store.upsert_schedule(
        kind="checkin", rule=RULE, next_due_at=NOW, now=NOW, member_id=6
    )
    server = await _prompt(store, 1)
    earlier = DAY - timedelta(days=7)
    for sid, day in ((mine.id, DAY), (mine.id, earlier), (other.id, DAY), (server, DAY)):
        await store.claim_delivery(_claim(sid, day), NOW)
    await store.confirm_delivery(mine.id, earlier, 4242, NOW)

    rows = await store.ledger_rows_of_member(5)
    assert [(e.schedule_id, e.local_date, e.state) for e in rows] == [
        (mine.id, earlier, "confirmed"),
        (mine.id, DAY, "claimed"),
    ]
    assert await store.ledger_rows_of_member(5, kind="prompt") == []
    assert len(await store.ledger_rows_of_member(5, kind="checkin")) == 2
    assert rows[0].describe() == {
        "local_date": earlier.isoformat(),
        "state": "confirmed",
        "due_at": NOW.isoformat(),
        "claimed_at": NOW.isoformat(),
        "started_at": None,
        "confirmed_at": NOW.isoformat(),
        "message_id": 4242,
        "error": None,
        "nonce": nonce_for(mine.id, earlier),
    }
    described = mine.describe()
    assert described["payload"] == {"frequency": "weekly"}
    assert (described["time"], described["timezone"], described["days"]) == (
        "18:00",
        "America/New_York",
        "sun",
    )
    assert described["paused"] is False and described["updated_at"] == NOW.isoformat()

    # forget-me deletes the member's schedules; their ledger rows go with them.
    assert await store.delete_schedules_for_member(5) == 1
    assert await store.ledger_for_schedule(mine.id) == []
    assert len(await store.ledger_rows_of_member(6)) == 1
    assert await store.delete_schedules_for_guild(1) == 1
    assert await store.ledger_for_schedule(server) == []
