"""Several processes on one database, each running some shards: each claims only the rows of
its own shards (servers by Discord's shard formula, members by the same formula on their id),
so together they deliver every row exactly once, and each resolves only its own crashed claims."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scheduler_fakes import BERLIN_9, T0, Clock, Handler, Z, make_engine, started_claim

from bot.store import Store
from bot.store.schedule import ShardSlice

DAY = date(2026, 11, 27)


def id_on_shard(shard: int, count: int, n: int) -> int:
    """A snowflake-shaped id whose `(id >> 22) % count` is `shard`."""
    return ((1000 * count + shard + n * count) << 22) | n


def test_the_slice_reads_discords_formula_and_prefers_the_member() -> None:
    half = ShardSlice(count=2, ids=(1,))
    assert half.owns(id_on_shard(1, 2, 0), None)
    assert not half.owns(id_on_shard(0, 2, 0), None)
    # A member's row (a check-in DM) goes by the member, whichever server it came from.
    assert half.owns(id_on_shard(0, 2, 0), id_on_shard(1, 2, 3))
    assert not half.owns(id_on_shard(1, 2, 0), id_on_shard(0, 2, 3))
    assert not half.owns(None, None)


async def test_two_processes_split_the_due_rows_and_deliver_each_once(tmp_path: Path) -> None:
    path = tmp_path / "kindred.db"
    stores = [await Store.open(path), await Store.open(path)]
    try:
        clock = Clock(T0)
        handlers = [Handler(), Handler()]
        engines = [
            make_engine(stores[i], clock, handlers[i], owner=ShardSlice(count=2, ids=(i,)))
            for i in (0, 1)
        ]
        for engine, handler in zip(engines, handlers, strict=True):
            engine.register("checkin", handler)
        rows = {}
        for shard in (0, 1):
            for n in range(5):
                guild = id_on_shard(shard, 2, n)
                rows[(await engines[0].save_schedule(
                    kind="prompt", rule=BERLIN_9, guild_id=guild, channel_id=77
                )).id] = shard  # fmt: skip
                member = id_on_shard(shard, 2, n + 10)
                # Member rows go by the member's shard, not the server's.
                other_guild = id_on_shard(1 - shard, 2, n + 20)
                rows[(await engines[0].save_schedule(
                    kind="checkin", rule=BERLIN_9, guild_id=other_guild, member_id=member
                )).id] = shard  # fmt: skip

        # Each process's next wake-up is its own earliest row, never one it would not claim.
        assert await stores[1].earliest_due(engines[1].kinds, engines[1].owner) is not None
        reports = [await e.run_due(Z("2026-11-27 08:00:05")) for e in engines]
        assert [r.delivered for r in reports] == [10, 10]
        assert [r.duplicates for r in reports] == [0, 0]
        for shard, handler in enumerate(handlers):
            assert {job.schedule.id for job in handler.jobs} == {
                sid for sid, owner in rows.items() if owner == shard
            }
        # A second pass by either finds nothing: every occurrence delivered exactly once.
        assert [(await e.run_due(Z("2026-11-27 08:00:30"))).due for e in engines] == [0, 0]
        assert sum(len(h.jobs) for h in handlers) == len(rows)
    finally:
        for store in stores:
            await store.close()


async def test_each_process_resolves_only_the_claims_of_its_own_shards(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "kindred.db")
    try:
        clock = Clock(Z("2026-11-27 08:10"))
        zero = make_engine(store, clock, Handler(), owner=ShardSlice(count=2, ids=(0,)))
        mine = await zero.save_schedule(
            kind="prompt", rule=BERLIN_9, guild_id=id_on_shard(0, 2, 1), channel_id=77
        )
        theirs = await zero.save_schedule(
            kind="prompt", rule=BERLIN_9, guild_id=id_on_shard(1, 2, 1), channel_id=77
        )
        for row in (mine, theirs):
            assert row.next_due_at is not None
            await started_claim(store, row.id, DAY, row.next_due_at, Z("2026-11-27 08:00:01"))

        report = await zero.recover()
        assert report.delivered == 1
        left = await store.unconfirmed_claims()
        assert [e.schedule_id for e in left] == [theirs.id]
        one = make_engine(store, clock, Handler(), owner=ShardSlice(count=2, ids=(1,)))
        assert (await one.recover()).delivered == 1
        assert await store.unconfirmed_claims() == []
    finally:
        await store.close()


async def test_a_process_marks_only_its_own_servers_left_when_ready(store: Store) -> None:
    ours, other = id_on_shard(0, 2, 1), id_on_shard(1, 2, 1)
    for guild in (ours, other):
        await store.guild_joined(guild, T0)
    # Process 0 is ready with none of its servers: only its own one was removed offline;
    # the other shard's server is simply not in this process's cache.
    gone = await store.mark_guilds_left_unless([], T0, owner=ShardSlice(count=2, ids=(0,)))
    assert gone == 1
    assert await store.guilds_left_before(Z("2030-01-01 00:00")) == [ours]


async def test_a_held_support_request_is_taken_by_the_process_of_its_server(store: Store) -> None:
    # Posting it needs the server in the process's cache; another process would tell the
    # member Kindred had left the server.
    ours, other = id_on_shard(0, 2, 1), id_on_shard(1, 2, 1)
    for held_id, guild in ((1, ours), (2, other)):
        await store.add_support_delayed(
            held_id, guild_id=guild, style="listen", sealed_request="x", lookup="y", due=T0
        )
    zero, one = ShardSlice(count=2, ids=(0,)), ShardSlice(count=2, ids=(1,))
    assert [h.guild_id for h in await store.take_support_delayed_due(T0, zero)] == [ours]
    assert await store.take_support_delayed_due(T0, zero) == []
    assert [h.guild_id for h in await store.take_support_delayed_due(T0, one)] == [other]
