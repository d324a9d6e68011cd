"""Interaction latency: Kindred against a bare discord.py bot measured in the same run.

Run with ``python -m bench.interactions`` (``--runs N``, default 7; ``--unloaded 100``;
``--burst 500``; ``--json``; ``--profile``: cProfile Kindred's first run and print its top
functions). Each run starts a fresh stand-in and a fresh bot process, Kindred and the bare
bot (:mod:`bench.bare`) alternating, their order flipping each run.

Latency is the time from the stand-in building and dispatching INTERACTION_CREATE (the
interaction's ``created`` stamp) to the stand-in receiving the bot's first callback
(``POST /interactions/{id}/{token}/callback``, the request the stand-in records with
``record_callback``; the call log's ``at``). Per bot and interaction kind:

- **unloaded p50**: the median of ``--unloaded`` interactions sent one at a time, each after
  the previous one's callback and a 20 ms pause;
- **burst p99**: the 99th percentile of ``--burst`` interactions sent at once (all built
  and dispatched before any is written to the gateway); also how many of them would have
  missed Discord's 3 s deadline. The stand-in's own deadline is lifted so that late answers
  are measured rather than refused.

The stand-in runs in this process on one core, so a burst can measure it instead of the bot:
its check of request bodies against Discord's OpenAPI description is switched off while
measuring (``procs.body_checks_off``: it cost ~30 ms per mood-button answer, and nothing for
the bare bot's identical, cached bodies), and each burst reports the stand-in's CPU time
over the burst's wall time (near 1: the stand-in was the bottleneck).

Kindred's kinds: ``/kindred status`` run by the server owner (Manage Server), ``/prompt
status`` (a daily prompt is scheduled first) and the first press of a check-in's mood button
(``/checkin now`` by members first, so every press answers a real delivery of its own). The
bare bot's: its ``/hello`` and its persistent button. The table shows the medians over runs
and the ratio Kindred / bare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import platform
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import bare
from bench.procs import (
    BotProcess,
    World,
    body_checks_off,
    build_world,
    fmt_ratio,
    median,
    order,
    percentile,
    profile_path,
    profile_summary,
    running,
    settle,
    table,
)
from bot.standin import StandIn
from bot.standin.interactions import Interaction

STANDIN_DEADLINE = 3600.0
DISCORD_DEADLINE = 3.0
GAP = 0.02  # between unloaded interactions: the bot finishes any work after its callback
ANSWER_TIMEOUT = 300.0
CHECKINS_PER_MEMBER = 3  # /checkin now's burst allowance per member
# Kindred's kinds and the bare bot's kind each is compared with.
PAIRS = {
    "/kindred status": "/hello",
    "/prompt status": "/hello",
    "mood button": "button",
}
Send = Callable[[], Awaitable[Interaction]]


@dataclass
class Figure:
    unloaded_p50_ms: float
    burst_p99_ms: float
    burst_late: int  # burst answers later than Discord's 3 s deadline
    burst: int
    # The stand-in's CPU time over the burst's wall time: near 1, the stand-in (one
    # process, one core) was the bottleneck and the burst figure measures it, not the bot.
    burst_standin_busy: float


def callback_times(standin: StandIn, since: int) -> dict[int, float]:
    """Interaction id -> when the stand-in received its first callback, from call ``since``."""
    found: dict[int, float] = {}
    for call in standin.calls[since:]:
        parts = call.path.split("/")
        if call.method == "POST" and len(parts) == 5 and parts[1] == "interactions":
            found.setdefault(int(parts[2]), call.at)
    return found


def latencies(standin: StandIn, since: int, sent: list[Interaction]) -> list[float]:
    answered = callback_times(standin, since)
    return [answered[it.id] - it.created for it in sent]


async def measure(
    standin: StandIn, child: BotProcess, send: Send, *, unloaded: int, burst: int
) -> Figure:
    start, quiet = len(standin.calls), []
    for _ in range(unloaded):
        it = await send()
        await it.response(ANSWER_TIMEOUT)
        quiet.append(it)
        await asyncio.sleep(GAP)
    one_at_a_time = latencies(standin, start, quiet)
    await settle(child, standin, quiet=0.3)
    start, began, busy = len(standin.calls), time.monotonic(), time.process_time()
    loud = [await send() for _ in range(burst)]
    await asyncio.gather(*(it.response(ANSWER_TIMEOUT) for it in loud))
    busy = (time.process_time() - busy) / (time.monotonic() - began)
    at_once = latencies(standin, start, loud)
    await settle(child, standin, quiet=0.3)
    return Figure(
        unloaded_p50_ms=median(one_at_a_time) * 1000,
        burst_p99_ms=percentile(at_once, 99) * 1000,
        burst_late=sum(1 for s in at_once if s > DISCORD_DEADLINE),
        burst=burst,
        burst_standin_busy=busy,
    )


def mood_buttons(standin: StandIn, member: Any) -> list[tuple[Any, dict[str, Any], str]]:
    """(member, DM, custom id of its "Good" mood button) for each check-in DM ``member`` got."""
    found = []
    for message in standin.dms(member):
        for row in message.get("components") or []:
            for component in row["components"]:
                custom_id = str(component.get("custom_id") or "")
                if custom_id.startswith("checkin:mood:") and custom_id.endswith(":4"):
                    found.append((member, message, custom_id))
    return found


async def kindred_setup(standin: StandIn, world: World, presses: int) -> list[Any]:
    """A daily prompt for /prompt status, and ``presses`` check-in DMs from /checkin now."""
    standin.buckets.enforce = False  # setup only: the stand-in's route buckets would pace it
    it = await standin.slash(
        world.owner,
        world.general,
        "prompt schedule",
        options={"channel": world.general, "time": "09:00", "timezone": "UTC"},
    )
    await it.response(ANSWER_TIMEOUT)
    gate = asyncio.Semaphore(25)

    async def check_in(member: Any) -> None:
        async with gate:
            for _ in range(CHECKINS_PER_MEMBER):
                it = await standin.slash(member, world.general, "checkin now")
                await it.followup(ANSWER_TIMEOUT)

    await asyncio.gather(*(check_in(m) for m in world.members))
    standin.buckets.enforce = True
    buttons = [b for m in world.members for b in mood_buttons(standin, m)]
    if len(buttons) < presses:
        raise RuntimeError(f"only {len(buttons)} check-in DMs arrived, {presses} needed")
    return buttons


async def one_run(kind: str, args: argparse.Namespace, profile: str | None) -> dict[str, Figure]:
    presses = args.unloaded + args.burst
    members = math.ceil(presses / CHECKINS_PER_MEMBER)  # the same world for both bots
    figures: dict[str, Figure] = {}
    async with StandIn(message_content=True, interaction_deadline=STANDIN_DEADLINE) as standin:
        world = build_world(standin, members)
        async with running(kind, standin) as child:
            sends: dict[str, Send]
            if kind == "kindred":
                buttons: Iterator[Any] = iter(await kindred_setup(standin, world, presses))

                def press() -> Awaitable[Interaction]:
                    member, message, custom_id = next(buttons)
                    return standin.click(member, message, custom_id)

                sends = {
                    "/kindred status": lambda: standin.slash(
                        world.owner, world.general, "kindred status"
                    ),
                    "/prompt status": lambda: standin.slash(
                        world.owner, world.general, "prompt status"
                    ),
                    "mood button": press,
                }
            else:
                panel = await standin.slash(world.owner, world.general, bare.PANEL_COMMAND)
                await panel.response(ANSWER_TIMEOUT)
                message = panel.original()
                assert message is not None
                sends = {
                    "/hello": lambda: standin.slash(world.owner, world.general, bare.COMMAND),
                    "button": lambda: standin.click(world.owner, message, bare.BUTTON_ID),
                }
            await settle(child, standin)
            if profile:
                await child.ask("profile start")
            with body_checks_off():
                for label, send in sends.items():
                    figures[label] = await measure(
                        standin, child, send, unloaded=args.unloaded, burst=args.burst
                    )
            if profile:
                await child.ask(f"profile stop {profile}")
    return figures


async def run(args: argparse.Namespace) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Figure]]] = {"kindred": [], "bare": []}
    profile = str(profile_path("kindred-interactions-")) if args.profile else None
    for number in range(args.runs):
        for kind in order(number):
            wanted = profile if kind == "kindred" and number == 0 else None
            runs[kind].append(await one_run(kind, args, wanted))
            print(f"run {number + 1}/{args.runs}: {kind} done", file=sys.stderr, flush=True)
    return {
        "runs": args.runs,
        "unloaded": args.unloaded,
        "burst": args.burst,
        "python": platform.python_version(),
        "kindred": [{k: asdict(f) for k, f in r.items()} for r in runs["kindred"]],
        "bare": [{k: asdict(f) for k, f in r.items()} for r in runs["bare"]],
        "summary": summarize(runs),
        "profile": profile,
    }


def summarize(runs: dict[str, list[dict[str, Figure]]]) -> list[dict[str, Any]]:
    """One row per figure: the medians over runs of Kindred's and bare's, and their ratio."""
    rows = []
    for figure, unit in (("unloaded_p50_ms", "unloaded p50"), ("burst_p99_ms", "burst p99")):
        for mine, theirs in PAIRS.items():
            k = median([getattr(r[mine], figure) for r in runs["kindred"]])
            b = median([getattr(r[theirs], figure) for r in runs["bare"]])
            rows.append(
                {
                    "figure": f"{mine} {unit} (ms)",
                    "baseline": theirs,
                    "kindred": k,
                    "bare": b,
                    "ratio": k / b if b > 0 else None,
                }
            )
    for mine, theirs in PAIRS.items():
        rows.append(
            {
                "figure": f"{mine} burst: stand-in CPU / wall",
                "baseline": theirs,
                "kindred": median([r[mine].burst_standin_busy for r in runs["kindred"]]),
                "bare": median([r[theirs].burst_standin_busy for r in runs["bare"]]),
                "ratio": None,
            }
        )
    for mine, theirs in PAIRS.items():
        rows.append(
            {
                "figure": f"{mine} burst answers past 3 s",
                "baseline": theirs,
                "kindred": max(r[mine].burst_late for r in runs["kindred"]),
                "bare": max(r[theirs].burst_late for r in runs["bare"]),
                "ratio": None,
            }
        )
    return rows


def report(result: dict[str, Any]) -> str:
    rows = []
    for row in result["summary"]:
        late = "past 3 s" in row["figure"]
        cell = (lambda v: f"{v:d}") if late else (lambda v: f"{v:.2f}")
        rows.append(
            [
                row["figure"],
                cell(row["kindred"]),
                f"{cell(row['bare'])} ({row['baseline']})",
                fmt_ratio(row["ratio"]) if "(ms)" in row["figure"] else "",
            ]
        )
    head = (
        f"interactions: Kindred vs a bare discord.py bot, {result['runs']} runs each in fresh "
        f"processes (medians of per-run figures; 'past 3 s': the worst run, of "
        f"{result['burst']}); {result['unloaded']} one at a time, bursts of {result['burst']} "
        f"(Python {result['python']})"
    )
    return head + "\n" + table(["figure", "Kindred", "bare", "ratio"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.interactions", description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--unloaded", type=int, default=100)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile Kindred's first run")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    print(json.dumps(result) if args.json else report(result))
    if result["profile"]:
        summary = profile_summary(Path(result["profile"]))
        print(summary, file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
