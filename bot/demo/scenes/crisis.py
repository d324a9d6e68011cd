"""The crisis-care scene: worrying words in a watched channel, answered privately, and the
moderators told when the writer cannot be reached."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.demo.run import Demo

ORDER = 35

WORRIED_FRIEND = "my friend just told me she's going to end it tonight. what do i do"
VEILED = "gave all my games away today, won't be needing them anymore"


async def _post(demo: Demo, who: Any, text: str) -> None:
    """Post in #general as ``who`` and wait until Kindred has read it."""
    # discord.py loads each cog module afresh, so the cog is looked up, not imported.
    cog: Any = demo.bot.get_cog("ListeningCog")
    before = cog.handled
    demo.t.said(who.name, "#general", text)
    await demo.standin.post(who, demo.server.general, text)
    await demo.standin.wait_until(lambda: cog.handled > before, 5)


async def play(demo: Demo) -> None:
    s, t, standin = demo.server, demo.t, demo.standin
    t.scene("Crisis care: worrying words, answered privately")
    t.said(
        s.admin.name,
        "#general",
        "/support setup channel:support responder_role:Helpers crisis_alerts:True crisis_scan:True",
    )
    setup = await standin.slash(
        s.admin,
        s.general,
        "support setup",
        options={
            "channel": s.support,
            "responder_role": s.helpers,
            "crisis_alerts": True,
            "crisis_scan": True,
        },
    )
    await demo.show_response(s.admin, "#general", setup)

    await _post(demo, s.bob, WORRIED_FRIEND)
    bot_id = str(standin.world.bot.id)
    dm = await standin.wait_for_message(
        standin.dm_channel(s.bob),
        lambda m: m["author"]["id"] == bot_id and "findahelpline" in (m.get("content") or ""),
    )
    t.message("Kindred", f"{s.bob.name} (DM)", dm, private=True)
    t.note(f"{s.bob.name} wrote about a friend, so he also gets how to help someone else.")
    alert = await standin.wait_for_message(
        s.support, lambda m: m["author"]["id"] == bot_id and "sent them crisis" in m["content"]
    )
    t.message("Kindred", "#support", alert)

    await _post(demo, s.closed_dms, VEILED)
    unreached = await standin.wait_for_message(
        s.support, lambda m: m["author"]["id"] == bot_id and "could **not**" in m["content"]
    )
    t.message("Kindred", "#support", unreached)
    t.note(
        f"{s.closed_dms.name}'s DMs are closed, so the responders are asked to check on them "
        "(without alerts on, they would still be told). Kindred never answers in #general, and "
        "stores nothing about either message."
    )
