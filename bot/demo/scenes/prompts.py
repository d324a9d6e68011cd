"""The daily-prompt scene: a schedule, the morning's prompt and its thread, and a week in
which the group's lively replies take the prompts one level deeper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.demo.run import Demo

ORDER = 10

REPLIES = (
    ("alice", "A stranger held the door and waited while I wrestled a giant plant through it."),
    ("bob", "My neighbour fixed my bike chain without being asked. Still grateful."),
    ("moderator", "Someone remembered my name after meeting me once. It meant a lot."),
    ("alice", "Oh, the door one is so good. Small things really are the big things."),
    ("bob", "Same — I think about that bike chain every time I ride."),
)


def _last_prompt(demo: Demo) -> dict[str, Any]:
    bot_id = str(demo.standin.world.bot.id)
    return [
        m
        for m in demo.standin.messages(demo.server.general)
        if m["author"]["id"] == bot_id and m.get("embeds")
    ][-1]


async def _day(demo: Demo, moment: datetime, *, lively: bool, show: bool = True) -> None:
    s, t = demo.server, demo.t
    await demo.advance_to(moment)
    post = _last_prompt(demo)
    t.message("Kindred", "#general", post)
    thread = demo.standin.threads_of(s.general)[-1]
    t.note(f"Kindred started a thread: “{thread.name}”")
    if not lively:
        return
    demo.clock.now = moment + timedelta(hours=1)
    people = {"alice": s.alice, "bob": s.bob, "moderator": s.moderator}
    for who, text in REPLIES:
        await demo.standin.post(people[who], thread, text)
        if show:
            t.said(people[who].name, f"thread “{thread.name[:40]}”", text)
    if not show:
        t.note("Alice, Bob and Mo reply in the thread: 5 replies from 3 people.")


async def play(demo: Demo) -> None:
    s, t = demo.server, demo.t
    t.scene("Daily prompts: an admin sets a schedule")
    # The command's option is called "channel", like Demo.slash's own argument.
    options = {"channel": s.general, "time": "9am", "timezone": "Europe/Berlin", "days": "daily"}
    t.said(
        s.admin.name,
        "#general",
        "/prompt schedule channel:#general time:9am timezone:Europe/Berlin days:daily",
    )
    it = await demo.standin.slash(s.admin, s.general, "prompt schedule", options=options)
    await demo.show_response(s.admin, "#general", it)
    await demo.slash(s.alice, s.general, "prompt status")

    t.scene("09:00 in Berlin: the day's prompt, with a thread for replies")
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    await _day(demo, monday, lively=True)

    t.scene("An engaged week (accelerated clock): three lively threads in a row")
    t.note(
        "The depth ladder: after 3 lively posts in a row (3+ people, 5+ replies in the "
        "thread's first day) prompts go one level deeper."
    )
    for offset in (1, 2):
        await _day(demo, monday + timedelta(days=offset), lively=True, show=False)
    await demo.slash(s.alice, s.general, "prompt status")
    t.scene("Thursday: the prompts move from light to medium")
    await _day(demo, monday + timedelta(days=3), lively=False)
    await demo.slash(s.alice, s.general, "prompt status")

    t.scene("A member suggests a prompt; an admin approves it")
    await demo.slash(
        s.bob,
        s.general,
        "prompt suggest",
        text="What is something you learned from someone younger than you?",
        category="open",
    )
    it = await demo.slash(s.admin, s.general, "prompt review")
    card = it.original()
    custom_id = next(
        c["custom_id"]
        for row in card["components"]
        for c in row["components"]
        if c["custom_id"].endswith("approve-medium")
    )
    t.said(s.admin.name, "the review card", "[Approve · medium]")
    click = await demo.standin.click(s.admin, card, custom_id)
    update = await click.response()
    t.message("Kindred", s.admin.name, update["data"], private=True)

    t.scene("The admin pauses the daily prompt for now")
    await demo.slash(s.admin, s.general, "prompt pause")
