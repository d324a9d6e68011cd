"""Active-listening nudges end to end: members post in the stand-in, the real bot nudges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from discord.ext import commands
from helpers import KEY

from bot.app import KindredBot
from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.standin import StandIn

SHARE = "I've been really struggling since I lost my job last week. I feel so anxious all the time"
SHARE_ASKING = "I've been really struggling since I lost my job last week. any advice?"
FIXING = "you should just update your resume and apply everywhere"
KIND = "that sounds really hard, I'm so sorry. I'm here if you want to talk"
MINIMIZING = "at least you have savings"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def cog_of(kindred: KindredBot) -> Any:
    cog = kindred.get_cog("ListeningCog")
    assert cog is not None
    return cog


async def say(kindred: KindredBot, who: Any, where: Any, text: str, **kw: Any) -> dict[str, Any]:
    """Post as ``who`` and wait until the cog has handled the message (nudge sent or not)."""
    cog = cog_of(kindred)
    before = cog.handled
    message = await bot_standin(kindred).post(who, where, text, **kw)
    await bot_standin(kindred).wait_until(lambda: cog.handled > before, 5)
    return message


_STANDINS: dict[int, StandIn] = {}


def bot_standin(kindred: KindredBot) -> StandIn:
    return _STANDINS[id(kindred)]


async def setup_mode(standin: StandIn, who: Any, channel: Any, mode: str, **extra: Any) -> str:
    it = await standin.slash(
        who, channel, "listening setup", options={"mode": mode, "channel": channel, **extra}
    )
    response = await it.response()
    assert response["data"]["flags"] & 64
    return str(response["data"]["content"])


def bot_posts(standin: StandIn, place: Any, kindred: KindredBot) -> list[dict[str, Any]]:
    assert kindred.user is not None
    return [m for m in standin.messages(place) if m["author"]["id"] == str(kindred.user.id)]


def dm_text(message: dict[str, Any]) -> str:
    embed = message["embeds"][0]
    return f"{embed.get('title')}\n{embed.get('description')}\n{embed['footer']['text']}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def kindred(kindred: KindredBot, standin: StandIn) -> AsyncIterator[KindredBot]:
    """The shared ``kindred`` (on this module's ``clock``), known to ``say`` by its stand-in."""
    _STANDINS[id(kindred)] = standin
    yield kindred
    del _STANDINS[id(kindred)]


async def test_fixing_reply_gets_a_private_dm_that_names_no_sharer(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)

    (nudge,) = standin.dms(server.bob)
    text = dm_text(nudge)
    assert "A gentle note about listening" in text
    assert "Willow Commons" in text and "#general" in text
    assert "/listening mute" in text
    assert any(line in text for line in kindred.library.listening.nudges["fixing"])
    # never the sharer, never their words, never anything in the channel
    assert server.alice.name not in text and "job" not in text and "anxious" not in text
    assert standin.dms(server.alice) == []
    assert bot_posts(standin, server.general, kindred) == []
    call = next(c for c in standin.calls if c.method == "POST" and c.json and "embeds" in c.json)
    assert call.json["allowed_mentions"]["parse"] == []


async def test_channel_mode_posts_a_generic_note_naming_no_one(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    await setup_mode(standin, server.admin, server.general, "channel")
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)

    (note,) = bot_posts(standin, server.general, kindred)
    assert note["content"] in kindred.library.listening.nudges["channel"]
    assert note.get("mentions") == [] and not note.get("message_reference")
    assert server.bob.name not in note["content"] and server.alice.name not in note["content"]
    assert standin.dms(server.bob) == []


async def test_a_neutral_exchange_gets_nothing(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    await say(kindred, server.alice, server.general, "did anyone watch the game last night?")
    await say(kindred, server.bob, server.general, "you should have seen the last ten minutes lol")
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, KIND)

    assert standin.dms(server.bob) == [] and standin.dms(server.alice) == []
    assert bot_posts(standin, server.general, kindred) == []


async def test_advice_asked_for_turns_the_fixing_nudge_off(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    await say(kindred, server.alice, server.general, SHARE_ASKING)
    await say(kindred, server.bob, server.general, FIXING)
    assert standin.dms(server.bob) == []
    # minimizing is still noticed when advice was asked for
    await say(kindred, server.moderator, server.general, MINIMIZING)
    (nudge,) = standin.dms(server.moderator)
    assert any(line in dm_text(nudge) for line in kindred.library.listening.nudges["minimizing"])


async def test_member_rate_limit_holds_until_a_day_has_passed(
    kindred: KindredBot, standin: StandIn, server: SampleServer, clock: ManualClock
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)
    assert len(standin.dms(server.bob)) == 1

    clock.advance(hours=2)  # a new share and another fix, the same day: no second DM
    await say(kindred, server.moderator, server.general, SHARE)
    await say(kindred, server.bob, server.general, "have you tried talking to a career coach?")
    assert len(standin.dms(server.bob)) == 1

    clock.advance(hours=23)
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)
    second = standin.dms(server.bob)
    assert len(second) == 2
    assert second[0]["embeds"][0]["description"] != second[1]["embeds"][0]["description"]


async def test_channel_rate_limit_holds_for_an_hour(
    kindred: KindredBot, standin: StandIn, server: SampleServer, clock: ManualClock
) -> None:
    await setup_mode(standin, server.admin, server.general, "channel")
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)
    assert len(bot_posts(standin, server.general, kindred)) == 1

    clock.advance(minutes=40)  # another member fixes another share: still within the hour
    await say(kindred, server.moderator, server.general, SHARE)
    await say(kindred, server.alice, server.general, FIXING)
    assert len(bot_posts(standin, server.general, kindred)) == 1

    clock.advance(minutes=35)  # past the hour (and past the last share's window)
    await say(kindred, server.bob, server.general, SHARE)
    await say(kindred, server.moderator, server.general, FIXING)
    assert len(bot_posts(standin, server.general, kindred)) == 2


async def test_mute_holds_and_toggles_back(
    kindred: KindredBot, standin: StandIn, server: SampleServer, clock: ManualClock
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    it = await standin.slash(server.bob, server.general, "listening mute")
    response = await it.response()
    assert response["data"]["flags"] & 64 and "Muted" in response["data"]["content"]
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)
    assert standin.dms(server.bob) == []

    it = await standin.slash(server.bob, server.general, "listening mute")
    assert "Unmuted" in (await it.response())["data"]["content"]
    clock.advance(minutes=45)
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)
    assert len(standin.dms(server.bob)) == 1


async def test_mode_off_and_unwatched_channels_are_silent(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    # never set up: #support is not watched
    await say(kindred, server.alice, server.support, SHARE)
    await say(kindred, server.bob, server.support, FIXING)
    await setup_mode(standin, server.admin, server.general, "dm")
    answer = await setup_mode(standin, server.admin, server.general, "off")
    assert "off" in answer
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.bob, server.general, FIXING)
    assert standin.dms(server.bob) == []
    assert bot_posts(standin, server.general, kindred) == []
    assert bot_posts(standin, server.support, kindred) == []


async def test_closed_dms_drop_the_nudge_quietly_without_retry(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    await say(kindred, server.alice, server.general, SHARE)
    await say(kindred, server.closed_dms, server.general, FIXING)
    refused = [c for c in standin.calls if c.status == 403]
    assert len(refused) == 1  # one attempt, no retry
    assert bot_posts(standin, server.general, kindred) == []
    # the next fixer still gets theirs
    await say(kindred, server.bob, server.general, "have you tried talking to a career coach?")
    assert len(standin.dms(server.bob)) == 1


async def test_threads_under_a_watched_channel_are_watched_and_bots_ignored(
    kindred: KindredBot, standin: StandIn, server: SampleServer
) -> None:
    await setup_mode(standin, server.admin, server.general, "dm")
    thread = server.guild.add_thread(server.general, "Daily prompt · Mon 23 Nov")
    other_bot = server.guild.add_member("HelperBot", bot=True)
    await say(kindred, server.alice, thread, SHARE)
    await say(kindred, other_bot, thread, FIXING)
    assert standin.dms(other_bot) == []
    await say(kindred, server.bob, thread, FIXING, reply_to=None)
    assert len(standin.dms(server.bob)) == 1


class FakeSupportCog(commands.Cog, name="SupportCog"):
    """The support cog's published API: the style of the request behind a thread."""

    def __init__(self, styles: dict[int, str]) -> None:
        self.styles = styles

    async def style_for_thread(self, thread_id: int) -> str | None:
        return self.styles.get(thread_id)


@pytest.mark.parametrize(("style", "nudged"), [("advice", False), ("listen", True)])
async def test_support_thread_style_decides_the_fixing_nudge(
    standin: StandIn, server: SampleServer, data_dir: Path, style: str, nudged: bool
) -> None:
    cogs = ("cogs.kindred", "cogs.listening")
    async with running_kindred(standin, data_dir, key=KEY, cogs=cogs) as kindred:
        _STANDINS[id(kindred)] = standin
        await setup_mode(standin, server.admin, server.support, "dm")
        thread = server.guild.add_thread(server.support, "Anonymous Otter · 4f2")
        await kindred.add_cog(FakeSupportCog({thread.id: style}))
        await say(kindred, server.alice, thread, SHARE)
        await say(kindred, server.bob, thread, FIXING)
        dms = standin.dms(server.bob)
        assert len(dms) == int(nudged)
        if dms:  # a support thread's name is a pseudonym: the DM names the parent channel
            assert "#support" in dm_text(dms[0]) and "Otter" not in dm_text(dms[0])
        del _STANDINS[id(kindred)]
