"""Benchmark: the daily fan-out under Discord's global rate limit, through a crash.

Run with ``python -m bench.fanout`` (``--servers N``, ``--kill-at S``). N servers have their
daily prompt due in the same minute. The real bot runs in a child process, logged into the
local stand-in (in this process) with Discord's global limit on (50 calls/s; the stand-in
draws the window as a sliding second, its own choice: Discord does not document the shape).
Each post is two calls (the post, then its thread), so the floor is N × 2 ÷ 50 s. Reported:
time from the due moment to the last post *with its thread*, the ratio to the floor, 429s
drawn, and per server duplicates and misses. With ``--kill-at S`` the child is SIGKILLed S
seconds after the due moment and restarted on the same data; the restart's history reads
are counted (only deliveries that started without recording their post need one).

With ``--processes P`` the bot runs as P processes on one database, process i running shard i
of P (``KINDRED_SHARD_COUNT=P``, ``KINDRED_SHARD_IDS=i``), each with its share of the global
budget (49 / P calls a second) and claiming only its own shard's servers; ``--kill-at``
then kills process 0 only. The database is the embedded SQLite file (WAL) every process
opens: PostgreSQL, for processes on several machines, is not built yet (issue 14).

Real Discord refuses an unsharded IDENTIFY past 2,500 servers (close code 4011), and so
does the stand-in: past that the child runs with ``KINDRED_SHARD_COUNT=auto`` (one process,
every shard of the stand-in's recommended count, one per 1,000 servers).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import platform
import re
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

GLOBAL_LIMIT = 50
CALLS_PER_POST = 2
DUE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # the minute every server's prompt is due
KEY = bytes(range(32))
THREAD_PATH = re.compile(r"^/channels/(\d+)/messages/(\d+)/threads$")
POST_PATH = re.compile(r"^/channels/(\d+)/messages$")
HISTORY_PATH = POST_PATH  # GET on the same route reads history


@dataclass
class Outcome:
    servers: int
    floor_s: float
    last_done_s: float | None
    global_429s: int
    route_429s: int
    invalid: int
    duplicates: int
    without_thread: int
    missed: int
    history_reads_after_restart: int
    killed_at: float | None
    restarts: int
    processes: int = 1
    first_call_s: float | None = None  # the first REST call of the fan-out, after due
    sustained_rate: float | None = None  # REST calls per second from first to last

    @property
    def ratio(self) -> float | None:
        return None if self.last_done_s is None else self.last_done_s / self.floor_s

    @property
    def complete(self) -> bool:
        return self.missed == 0 and self.without_thread == 0 and self.duplicates == 0


# -- the bot's side (a child process) ---------------------------------------------------


class BenchClock:
    """The bot's clock: ten minutes before the due minute until ``go`` (a wall-clock epoch),
    then the due minute plus the real time since ``go`` (so a restart continues it)."""

    def __init__(self, go: float | None) -> None:
        self.go = go

    def __call__(self) -> datetime:
        if self.go is None:
            return DUE - timedelta(minutes=10)
        return DUE + timedelta(seconds=time.time() - self.go)


async def child_main(api_base: str, gateway_url: str, token: str, app_id: int, data: str) -> None:
    from bench.settings import stand_in_settings
    from bot.__main__ import point_discord_at
    from bot.core.settings import GLOBAL_REST_RATE, Sharding
    from bot.demo.harness import make_kindred
    from bot.store import Store

    logging.basicConfig(
        level=os.environ.get("FANOUT_LOG", "WARNING"),
        format="%(asctime)s bot %(levelname)s %(name)s: %(message)s",
    )
    shard = os.environ.get("FANOUT_SHARD")  # "i/P": shard i of P, one process each
    more: dict[str, Any] = {}
    if shard:
        index, count = (int(n) for n in shard.split("/"))
        more = {
            "sharding": Sharding(count=count, ids=(index,)),
            "process_count": count,
            "rest_rate": GLOBAL_REST_RATE / count,
        }
    elif os.environ.get("FANOUT_SHARDED"):
        more = {"sharding": Sharding(count=None)}
    settings = stand_in_settings(token, app_id, data, api_base, gateway_url, **more)
    point_discord_at(settings)
    go = os.environ.get("FANOUT_GO")
    clock = BenchClock(float(go) if go else None)
    store = await Store.open(settings.db_path)
    bot = await make_kindred(store, settings, key=KEY, clock=clock)
    await bot.login(token)
    runner = asyncio.create_task(bot.connect())
    await bot.wait_until_ready()
    print("READY", flush=True)
    if clock.go is None:
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        clock.go = float(line)
        await asyncio.sleep(max(0.0, clock.go - time.time()))
        bot.engine.wake()
    await runner


# -- the bench's side ---------------------------------------------------------------------


async def seed(data: Path, channels: dict[int, int]) -> None:
    """Every server's prompt schedule, due at DUE (as ``/prompt schedule`` saves it)."""
    from bot.schedule.engine import Engine
    from bot.schedule.rules import Rule
    from bot.store import Store

    store = await Store.open(data / "kindred.db")
    try:
        engine = Engine(store, clock=lambda: DUE - timedelta(minutes=10))
        rule = Rule(clock_time(9, 0), "UTC")
        for guild_id, channel_id in channels.items():
            await engine.save_schedule(
                kind="prompt", rule=rule, guild_id=guild_id, channel_id=channel_id
            )
    finally:
        await store.close()


async def start_child(
    standin: Any, data: Path, go: float | None, shard: tuple[int, int] | None = None
) -> asyncio.subprocess.Process:
    """The bot in a child process (``shard``: (i, P), shard i of P), once it is ready."""
    from bot.standin.gateway import MAX_GUILDS_PER_SHARD

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if shard is not None:
        env["FANOUT_SHARD"] = f"{shard[0]}/{shard[1]}"
    elif len(standin.world.joined_guilds) > MAX_GUILDS_PER_SHARD:
        env["FANOUT_SHARDED"] = "1"
    if go is not None:
        env["FANOUT_GO"] = repr(go)
    args = [standin.api_base, standin.gateway_url, standin.token, str(standin.application_id)]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fanout",
        "--child",
        *args,
        str(data),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    async with asyncio.timeout(600):
        while (line := await process.stdout.readline()) != b"READY\n":
            if not line:
                raise RuntimeError("the bot stopped before it was ready")
    return process


class Progress:
    """Per prompt channel, when its post's thread was created (monotonic, stand-in time),
    read from the stand-in's call log a little more at each look (the stand-in shares this
    process's event loop: a full scan every tenth of a second would delay its answers)."""

    def __init__(self, standin: Any, channels: dict[int, int]) -> None:
        self.standin = standin
        self.wanted = set(channels.values())
        self.finished: dict[int, float] = {}
        self._seen = 0
        self._pending: list[Any] = []

    def update(self) -> dict[int, float]:
        calls = self.standin.calls
        fresh, self._seen = calls[self._seen :], len(calls)
        waiting, self._pending = [*self._pending, *fresh], []
        for call in waiting:
            if call.method != "POST":
                continue
            if call.status == 0 and call.at > time.monotonic() - 30:
                self._pending.append(call)  # still being answered: look again later
                continue
            match = THREAD_PATH.match(call.path)
            if match and call.status in (200, 201) and int(match.group(1)) in self.wanted:
                self.finished.setdefault(int(match.group(1)), call.at)
        return self.finished


def tally(standin: Any, channels: dict[int, int]) -> tuple[int, int, int]:
    """(duplicates, posts without a thread, servers with no post) from the stand-in's world."""
    duplicates = without = missed = 0
    for channel_id in channels.values():
        channel = standin.channel(channel_id)
        posts = [m for m in channel.messages if m.get("embeds")]
        duplicates += max(0, len(posts) - 1)
        missed += not posts
        without += sum(standin.world.channel(int(m["id"])) is None for m in posts)
    return duplicates, without, missed


async def run(
    servers: int, *, kill_at: float | None = None, processes: int = 1, timeout: float = 3600
) -> Outcome:
    from bot.demo.harness import BOT_PERMISSIONS
    from bot.standin import StandIn

    async with StandIn() as standin:
        standin.global_rate_limit = GLOBAL_LIMIT
        channels: dict[int, int] = {}
        for i in range(servers):
            guild = standin.add_guild(f"Server {i}", bot_permissions=BOT_PERMISSIONS)
            channels[guild.id] = guild.add_text_channel("daily").id
        # The stand-in plays Discord: its own garbage-collection pauses (a full collection
        # over tens of thousands of guilds and messages takes tens of milliseconds) would
        # bunch its answers and draw 429s no real Discord would. The bot keeps its GC.
        gc.disable()
        with tempfile.TemporaryDirectory(prefix="kindred-fanout-") as tmp:
            data = Path(tmp)
            await seed(data, channels)
            shards = [(i, processes) if processes > 1 else None for i in range(processes)]
            children = [await start_child(standin, data, None, shard) for shard in shards]
            go = time.time() + 1.0
            go_mono = time.monotonic() + 1.0
            for child in children:
                assert child.stdin is not None
                child.stdin.write(f"{go!r}\n".encode())
                await child.stdin.drain()
            killed_at: float | None = None
            restarts = 0
            calls_before_restart = 0
            deadline = go_mono + timeout
            progress = Progress(standin, channels)
            try:
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                    if len(progress.update()) == servers:
                        break
                    if (
                        kill_at is not None
                        and killed_at is None
                        and (time.monotonic() - go_mono >= kill_at)
                    ):
                        children[0].send_signal(signal.SIGKILL)
                        await children[0].wait()
                        killed_at = time.monotonic() - go_mono
                        calls_before_restart = len(standin.calls)
                        children[0] = await start_child(standin, data, go, shards[0])
                        restarts += 1
                await asyncio.sleep(1.0)  # anything late (a duplicate) has time to show
            finally:
                for child in children:
                    await stop(child)
        finished = progress.update()
        last = max(finished.values()) - go_mono if len(finished) == servers else None
        duplicates, without, missed = tally(standin, channels)
        history = sum(
            1
            for c in standin.calls[calls_before_restart:]
            if restarts and c.method == "GET" and HISTORY_PATH.match(c.path)
        )
        global_429s, route_429s = standin.global_429s, standin.route_429s
        invalid = sum(1 for c in standin.calls if c.status in (401, 403, 429))
        for c in standin.calls:
            if c.status == 429:
                print(f"429 at {c.at - go_mono:.3f} s: {c.method} {c.path}", file=sys.stderr)
        fanout = [c.at - go_mono for c in standin.calls if c.at >= go_mono and c.method != "GET"]
        first = min(fanout, default=None)
        rate = None
        if first is not None and last is not None and last > first:
            rate = (len(fanout) - 1) / (max(fanout) - first)
        return Outcome(
            first_call_s=first,
            sustained_rate=rate,
            servers=servers,
            floor_s=servers * CALLS_PER_POST / GLOBAL_LIMIT,
            last_done_s=last,
            global_429s=global_429s,
            route_429s=route_429s,
            invalid=invalid,
            duplicates=duplicates,
            without_thread=without,
            missed=missed,
            history_reads_after_restart=history,
            killed_at=killed_at,
            restarts=restarts,
            processes=processes,
        )


async def stop(child: asyncio.subprocess.Process) -> None:
    if child.returncode is None:
        child.send_signal(signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(child.wait(), 20)
        if child.returncode is None:
            child.kill()
            await child.wait()


def report(outcome: Outcome) -> str:
    cpu = os.cpu_count()
    lines = [
        f"fan-out bench: {outcome.servers} servers due in the same minute, "
        f"{CALLS_PER_POST} calls per post, global limit {GLOBAL_LIMIT}/s "
        f"({platform.python_implementation()} {platform.python_version()}, {cpu} cores)"
        + (
            f", {outcome.processes} shard processes on one database"
            if outcome.processes > 1
            else ""
        ),
        f"floor (N x {CALLS_PER_POST} / {GLOBAL_LIMIT}/s):      {outcome.floor_s:8.2f} s",
    ]
    if outcome.last_done_s is None:
        lines.append("last post with its thread:      not reached (see misses)")
    else:
        lines.append(
            f"last post with its thread:      {outcome.last_done_s:8.2f} s after due "
            f"= {outcome.ratio:.3f} x the floor"
        )
    if outcome.first_call_s is not None and outcome.sustained_rate is not None:
        lines.append(
            f"first call {outcome.first_call_s:.2f} s after due; "
            f"{outcome.sustained_rate:.1f} calls/s from the first to the last"
        )
    lines += [
        f"429s drawn:                     {outcome.global_429s} global, "
        f"{outcome.route_429s} per-route ({outcome.invalid} invalid answers in all)",
        f"duplicates / without thread / missed: {outcome.duplicates} / "
        f"{outcome.without_thread} / {outcome.missed}",
    ]
    if outcome.killed_at is not None:
        lines.append(
            f"SIGKILL at {outcome.killed_at:.2f} s, restarted on the same data; history reads "
            f"after the restart: {outcome.history_reads_after_restart}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        api, gateway, token, app_id, data = argv[1:6]
        asyncio.run(child_main(api, gateway, token, int(app_id), data))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--servers", type=int, default=300)
    parser.add_argument("--kill-at", type=float, default=None, metavar="S")
    parser.add_argument("--processes", type=int, default=1, metavar="P")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    args = parser.parse_args(argv)
    outcome = asyncio.run(run(args.servers, kill_at=args.kill_at, processes=args.processes))
    if args.json:
        print(json.dumps({**asdict(outcome), "ratio": outcome.ratio}))
    else:
        print(report(outcome))
    return 0 if outcome.complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
