"""The active-listening scene: a member shares, another rushes to advise, the nudge they get."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.demo.run import Demo

ORDER = 20

SHARE = (
    "honestly I've been struggling lately. my mum is in hospital again and I feel so alone with it"
)
ADVICE = "you should just take some time off work, and have you tried meditation?"
ASKING = "my landlord won't fix the heating and I'm freezing and exhausted. any advice?"
ASKED_ADVICE = "you should email them and keep a copy, then call the city housing line"


async def _post(demo: Demo, who: Any, where: Any, text: str) -> None:
    """Post as ``who`` and wait until Kindred has read it."""
    # discord.py loads each cog module afresh (load_extension), so the cog is looked up, not
    # imported: an isinstance against an imported class would never match.
    cog: Any = demo.bot.get_cog("ListeningCog")
    before = cog.handled
    demo.t.said(who.name, f"#{where.name}", text)
    await demo.standin.post(who, where, text)
    await demo.standin.wait_until(lambda: cog.handled > before, 5)


async def _admin(demo: Demo, command: str, shown: str, **options: Any) -> None:
    """An admin command with a ``channel`` option (which ``demo.slash`` takes for itself)."""
    s = demo.server
    demo.t.said(s.admin.name, "#general", f"/{command} {shown}")
    it = await demo.standin.slash(s.admin, s.general, command, options=options)
    await demo.show_response(s.admin, "#general", it)


async def play(demo: Demo) -> None:
    s, t, standin = demo.server, demo.t, demo.standin
    t.scene("Active listening: noticing a rush to fix")
    await _admin(demo, "listening setup", "mode:dm channel:#general", mode="dm", channel=s.general)
    await _post(demo, s.alice, s.general, SHARE)
    await _post(demo, s.bob, s.general, ADVICE)
    (nudge,) = standin.dms(s.bob)
    t.message("Kindred", f"{s.bob.name} (DM)", nudge, private=True)
    t.note(
        f"Only {s.bob.name} gets this. {s.alice.name} is not named or quoted, and nothing "
        "is posted in #general. Kindred stores only that Bob was nudged (7 days)."
    )
    await _post(demo, s.alice, s.general, ASKING)
    await _post(demo, s.moderator, s.general, ASKED_ADVICE)
    t.note(f"{s.alice.name} asked for advice, so {s.moderator.name}'s ideas get no nudge.")
    assert standin.dms(s.moderator) == []
    t.scene("Listening tips")
    await demo.slash(s.bob, s.general, "listening tip")
    await _admin(
        demo,
        "listening weekly-tip",
        "day:wed channel:#general time:10:00 timezone:Europe/Berlin",
        day="wed",
        channel=s.general,
        time="10:00",
        timezone="Europe/Berlin",
    )
    await demo.slash(s.bob, s.general, "listening mute")
