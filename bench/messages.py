"""CPU time per message: Kindred against a bare discord.py bot measured in the same run.

Run with ``python -m bench.messages`` (``--messages N``, default 10,000; ``--rounds R``,
default 2; ``--only SCENARIO``, repeatable; ``--idle S``, default 6, see below; ``--json``;
``--profile``: cProfile Kindred's first run of each scenario and print its top functions).
Each measurement is a fresh stand-in and a fresh bot process; Kindred and the bare bot
(:mod:`bench.bare`) alternate, their order flipping each round.

Members post N messages in a server where Kindred's active listening watches #general
(``/listening setup mode:dm channel:#general``, run by the owner). Scenarios:

- **watched**: into #general, a realistic mix (seeded, the same every time): banter, some of
  it replying to banter; personal shares ("I've been feeling really low since my mum died");
  replies to them that rush to advise or minimize; replies that listen; a few messages with
  crisis language;
- **watched, crisis scan**: the same, after ``/support setup channel:#support
  crisis_scan:True``;
- **unwatched**: the same mix into #random, which nothing watches.

The bare bot gets the same messages in the same channel. The figure is the bot process's
CPU time (user + system, every thread, ``/proc/<pid>/stat``) from just before the first
message until it is idle after the last: the stand-in has written every event and the
process's CPU time has not moved for 6 s. Reported: CPU ms per message (the median over
rounds), the ratio Kindred / bare, and what Kindred sent: listening nudges, crisis DMs and
moderator alerts.

Why 6 s: each nudge to a member Kindred has not DMed yet opens a DM channel first
(``POST /users/@me/channels``), and discord.py keeps that route to the 5 requests per 5 s
the stand-in's headers announce, sleeping in between, even with the stand-in's buckets
relaxed (``route_rate_limits=False``, as here, which only stops it refusing). Forty nudges
due at once trickle out over about 40 s; a shorter quiet period would take such a sleep for
the end, undercount the nudges and miss their CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.procs import (
    World,
    build_world,
    drained,
    fmt_ratio,
    median,
    order,
    profile_path,
    profile_summary,
    running,
    settle,
    table,
)
from bot.listening.nudges import DM_TITLE
from bot.standin import StandIn

SCENARIOS = ("watched", "watched, crisis scan", "unwatched")
MEMBERS = 40
BATCH = 100  # messages posted before waiting for the stand-in to write them
IDLE = 6.0  # seconds without CPU time: longer than a route bucket discord.py waits out (5 s)
SEED = 15

SHARES = (
    "I've been feeling really low since my mum died",
    "honestly this week has been awful, I got laid off on monday and I can't stop worrying "
    "about rent",
    "my dog died this morning. 14 years. the house is so quiet",
    "I've been so lonely since I moved here, I don't really know anyone",
    "my partner and I broke up last night and I feel like I can't breathe",
    "I failed my exam again and I feel like such a disappointment to my parents",
    "I've been struggling with anxiety a lot lately, some days I can't leave the house",
    "my dad's in hospital again and I'm scared",
)
ADVISING = (
    "you should talk to a therapist, it really helps",
    "have you tried going for a run every morning? exercise fixes a lot",
    "just update your resume and apply everywhere, something will come up",
    "you need to get out more, join a club or something",
    "you should get a puppy, honestly it helps so much",
    "try journaling before bed, it works",
    "just don't think about it and stay busy",
    "at least you have your health",
    "everything happens for a reason",
)
LISTENING = (
    "I'm so sorry. that sounds really hard",
    "that's so much to carry. I'm here if you want to talk",
    "oh no, I'm really sorry. how are you holding up?",
    "sending you a big hug. do you want to talk about it?",
    "that sounds exhausting. thank you for telling us",
    "I'm sorry you're going through this, it makes sense to feel that way",
)
BANTER = (
    "did anyone watch the game last night?",
    "lol that's amazing",
    "what's everyone having for lunch",
    "new episode drops friday!!",
    "ok who broke the coffee machine",
    "good morning all ☀️",
    "that meme is so true",
    "anyone up for a movie this weekend?",
    "I just finished the book, the ending was wild",
    "haha same",
    "the weather is so nice today",
    "can someone send the link again",
    "brb",
    "pizza or tacos, go",
)
CRISIS = (
    "honestly I don't want to be here anymore",
    "I keep thinking everyone would be better off without me",
)


@dataclass(frozen=True)
class Line:
    author: int  # index into the members
    text: str
    reply_to: int | None  # index of an earlier line


def conversation(count: int, members: int, seed: int = SEED) -> Iterator[Line]:
    """The mix, by share of lines: ~5% shares, ~10% advice or minimizing and ~12% listening
    replies (most as Discord replies to the share), 0.5% crisis language, the rest banter."""
    rng = random.Random(seed)
    share: tuple[int, int] | None = None  # (line index, author)
    banter: list[int] = []
    for index in range(count):
        roll = rng.random()
        author = rng.randrange(members)
        if share is not None and author == share[1]:
            author = (author + 1) % members
        if roll < 0.05:
            share = (index, author)
            yield Line(author, rng.choice(SHARES), None)
        elif share is not None and roll < 0.27:
            pool = ADVISING if roll < 0.15 else LISTENING
            reply_to = share[0] if rng.random() < 0.7 else None
            yield Line(author, rng.choice(pool), reply_to)
        elif roll < 0.275:
            yield Line(author, rng.choice(CRISIS), None)
        else:
            reply_to = rng.choice(banter[-20:]) if banter and rng.random() < 0.15 else None
            banter.append(index)
            yield Line(author, rng.choice(BANTER), reply_to)


@dataclass
class Measurement:
    cpu_s: float
    wall_s: float
    messages: int
    nudges: int
    crisis_dms: int
    alerts: int

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_s * 1000 / self.messages


async def kindred_setup(standin: StandIn, world: World, scenario: str) -> None:
    it = await standin.slash(
        world.owner,
        world.general,
        "listening setup",
        options={"mode": "dm", "channel": world.general},
    )
    await it.response()
    if scenario == "watched, crisis scan":
        it = await standin.slash(
            world.owner,
            world.general,
            "support setup",
            options={"channel": world.support, "crisis_scan": True},
        )
        await it.response()


def sent_by_bot(standin: StandIn, world: World) -> tuple[int, int, int]:
    """(listening nudges, crisis DMs, posts in #support) the bot sent."""
    nudges = crisis = 0
    for member in world.members:
        for message in standin.dms(member):
            titles = [e.get("title") for e in message.get("embeds") or []]
            if DM_TITLE in titles:
                nudges += 1
            else:
                crisis += 1
    bot_id = str(standin.world.bot.id)
    alerts = sum(1 for m in standin.messages(world.support) if m["author"]["id"] == bot_id)
    return nudges, crisis, alerts


async def post_all(standin: StandIn, world: World, place: Any, count: int) -> None:
    posted: list[dict[str, Any]] = []
    for line in conversation(count, len(world.members)):
        reply_to = posted[line.reply_to] if line.reply_to is not None else None
        author = world.members[line.author]
        posted.append(await standin.post(author, place, line.text, reply_to=reply_to))
        if len(posted) % BATCH == 0:
            await drained(standin)


async def measure(
    kind: str, scenario: str, count: int, profile: Path | None, idle: float = IDLE
) -> Measurement:
    async with StandIn(message_content=True, route_rate_limits=False) as standin:
        world = build_world(standin, MEMBERS)
        async with running(kind, standin) as child:
            if kind == "kindred":
                await kindred_setup(standin, world, scenario)
            place = world.random if scenario == "unwatched" else world.general
            before = await settle(child, standin)
            if profile is not None:
                await child.ask("profile start")
            loop = asyncio.get_running_loop()
            started = loop.time()
            await post_all(standin, world, place, count)
            after = await settle(child, standin, quiet=idle)
            wall = loop.time() - started - idle  # the quiet period is not work
            if profile is not None:
                await child.ask(f"profile stop {profile}")
            nudges, crisis, alerts = sent_by_bot(standin, world)
    return Measurement(after - before, wall, count, nudges, crisis, alerts)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    found: dict[str, dict[str, list[Measurement]]] = {
        s: {"kindred": [], "bare": []} for s in SCENARIOS
    }
    profiles: dict[str, str] = {}
    scenarios = args.only or list(SCENARIOS)
    found = {s: found[s] for s in scenarios}
    for number in range(args.rounds):
        for scenario in scenarios:
            for kind in order(number):
                profile = None
                if args.profile and kind == "kindred" and number == 0:
                    profile = profile_path("kindred-messages-")
                    profiles[scenario] = str(profile)
                result = await measure(kind, scenario, args.messages, profile, args.idle)
                found[scenario][kind].append(result)
                print(
                    f"round {number + 1}/{args.rounds}, {scenario}, {kind}: "
                    f"{result.cpu_ms_per_message:.3f} ms/message",
                    file=sys.stderr,
                    flush=True,
                )
    summary = []
    for scenario, by_kind in found.items():
        k = median([m.cpu_ms_per_message for m in by_kind["kindred"]])
        b = median([m.cpu_ms_per_message for m in by_kind["bare"]])
        last = by_kind["kindred"][-1]
        summary.append(
            {
                "scenario": scenario,
                "kindred_cpu_ms_per_message": k,
                "bare_cpu_ms_per_message": b,
                "ratio": k / b if b > 0 else None,
                "nudges": last.nudges,
                "crisis_dms": last.crisis_dms,
                "alerts": last.alerts,
            }
        )
    return {
        "messages": args.messages,
        "rounds": args.rounds,
        "members": MEMBERS,
        "python": platform.python_version(),
        "summary": summary,
        "runs": {
            s: {
                k: [{**asdict(m), "cpu_ms_per_message": m.cpu_ms_per_message} for m in ms]
                for k, ms in by_kind.items()
            }
            for s, by_kind in found.items()
        },
        "profiles": profiles,
    }


def report(result: dict[str, Any]) -> str:
    rows = [
        [
            row["scenario"],
            f"{row['kindred_cpu_ms_per_message']:.3f}",
            f"{row['bare_cpu_ms_per_message']:.3f}",
            fmt_ratio(row["ratio"]),
            f"{row['nudges']} / {row['crisis_dms']} / {row['alerts']}",
        ]
        for row in result["summary"]
    ]
    head = (
        f"messages: CPU time per message, Kindred vs a bare discord.py bot; {result['messages']:,} "
        f"messages from {result['members']} members per run, {result['rounds']} rounds in fresh "
        f"processes (medians; Python {result['python']})"
    )
    headers = ["scenario", "Kindred ms", "bare ms", "ratio", "nudges / crisis DMs / alerts"]
    return head + "\n" + table(headers, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.messages", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--idle", type=float, default=IDLE, metavar="S", help="quiet seconds that mean idle"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--only", action="append", choices=SCENARIOS, help="run only this scenario (repeatable)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile Kindred's first run of each scenario"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    print(json.dumps(result) if args.json else report(result))
    for scenario, path in result["profiles"].items():
        out = sys.stderr if args.json else sys.stdout
        print(f"\n== cProfile of Kindred, {scenario} ==\n{profile_summary(Path(path))}", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
