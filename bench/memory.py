"""Resident memory: Kindred against a bare discord.py bot, each in 1,000 servers.

Run with ``python -m bench.memory`` (``--servers N``, default 1,000; ``--runs R``, default 3;
``--json``; ``--tracemalloc N``: one more Kindred run, traced with tracemalloc from the
child's start, printing its top N allocation sites; ``--frames F``, default 1, frames kept
per allocation: with more, sites are also charged to the line of Kindred's that asked, at a
cost: start-up takes about 20 s traced with one frame, about 90 s with six). Each run is a
fresh stand-in holding N servers and a fresh bot process, Kindred and the bare bot
(:mod:`bench.bare`) alternating, their order flipping each run.

Each server has #general, #random and #support, two roles and 20 members (without the
members intent the bot is sent only itself, with the true member count, as on Discord). The
figures are read from ``/proc/<pid>/status`` once the bot is ready, every GUILD_CREATE has
arrived, the stand-in has written every event and the process's CPU time has not moved for
0.5 s (Kindred records each server in its store at READY): ``VmRSS`` (resident now) and
``VmHWM`` (the peak so far). The table shows the medians over runs and the ratio Kindred /
bare. The tracemalloc run is not counted: tracing costs memory of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
from dataclasses import asdict, dataclass
from typing import Any

from bench.procs import fmt_ratio, median, order, running, settle, table
from bot.demo.harness import BOT_PERMISSIONS
from bot.standin import StandIn

MEMBERS_PER_SERVER = 20
# discord.py's own wait after the last GUILD_CREATE (2 s): with a thousand of them the
# kit's 0.05 s could cut in while the child is still parsing.
GUILD_READY = 2.0


@dataclass
class Memory:
    servers: int
    rss_kib: int
    hwm_kib: int


def populate(standin: StandIn, servers: int) -> None:
    for i in range(servers):
        guild = standin.add_guild(f"Server {i}", bot_permissions=BOT_PERMISSIONS)
        guild.add_role("Helpers", permissions=0, mentionable=True)
        guild.add_role("Moderators", permissions=0)
        for name in ("general", "random", "support"):
            guild.add_text_channel(name)
        for j in range(MEMBERS_PER_SERVER):
            guild.add_member(f"member-{i}-{j}")


async def measure(
    kind: str, servers: int, top: int = 0, frames: int = 1
) -> tuple[Memory, list[str]]:
    async with StandIn(message_content=True) as standin:
        populate(standin, servers)
        traced = frames if top else 0
        async with running(kind, standin, tracemalloc=traced, guild_ready=GUILD_READY) as child:
            if child.servers != servers:
                raise RuntimeError(f"{kind} is in {child.servers} servers, not {servers}")
            await settle(child, standin)
            found = child.memory_kib()
            sites = await child.ask(f"tracemalloc {top}") if traced else []
    return Memory(servers, found["VmRSS"], found["VmHWM"]), sites


async def run(args: argparse.Namespace) -> dict[str, Any]:
    runs: dict[str, list[Memory]] = {"kindred": [], "bare": []}
    for number in range(args.runs):
        for kind in order(number):
            memory, _ = await measure(kind, args.servers)
            runs[kind].append(memory)
            print(
                f"run {number + 1}/{args.runs}: {kind} RSS {memory.rss_kib / 1024:.1f} MiB",
                file=sys.stderr,
                flush=True,
            )
    summary = []
    for field, label in (("rss_kib", "VmRSS (MiB)"), ("hwm_kib", "VmHWM (MiB)")):
        k = median([getattr(m, field) for m in runs["kindred"]]) / 1024
        b = median([getattr(m, field) for m in runs["bare"]]) / 1024
        summary.append({"figure": label, "kindred": k, "bare": b, "ratio": k / b})
    sites: list[str] = []
    if args.tracemalloc:
        _, sites = await measure("kindred", args.servers, args.tracemalloc, args.frames)
    return {
        "servers": args.servers,
        "runs": args.runs,
        "python": platform.python_version(),
        "summary": summary,
        "kindred": [asdict(m) for m in runs["kindred"]],
        "bare": [asdict(m) for m in runs["bare"]],
        "tracemalloc": sites,
    }


def report(result: dict[str, Any]) -> str:
    rows = [
        [row["figure"], f"{row['kindred']:.1f}", f"{row['bare']:.1f}", fmt_ratio(row["ratio"])]
        for row in result["summary"]
    ]
    head = (
        f"memory: Kindred vs a bare discord.py bot in {result['servers']:,} servers, idle after "
        f"READY; {result['runs']} runs each in fresh processes (medians; Python "
        f"{result['python']})"
    )
    text = head + "\n" + table(["figure", "Kindred", "bare", "ratio"], rows)
    if result["tracemalloc"]:
        text += "\n\nKindred's top allocation sites (tracemalloc from the child's start):\n"
        text += "\n".join(result["tracemalloc"])
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--tracemalloc", type=int, default=0, metavar="N", help="Kindred's top N allocation sites"
    )
    parser.add_argument("--frames", type=int, default=1, help="frames per traced allocation")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    print(json.dumps(result) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
