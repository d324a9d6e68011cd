"""Active listening in real support threads: the request is the share, its style decides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import KEY, reply_with_button

from bot.app import KindredBot
from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.standin import StandIn

REQUEST = "I've been feeling really low and alone lately, work is crushing me and I can't sleep"
FIXING = "you should just quit that job honestly, and have you tried melatonin?"
KIND = "That sounds so heavy. I'm really glad you said something. I'm here."


async def _slash(s: SampleServer, who: Any, command: str, **options: Any) -> dict[str, Any]:
    it = await s.standin.slash(who, s.general, command, options=options)
    return await it.response()


async def _request(s: SampleServer, style: str) -> Any:
    first = await _slash(s, s.alice, "support request", style=style)
    submit = await s.standin.submit_modal(
        s.alice, s.general, first["data"]["custom_id"], {"title": "Rough week", "message": REQUEST}
    )
    await submit.response()
    await submit.followup()  # the request is posted and its thread opened by now
    (thread,) = s.standin.threads_of(s.support)
    return thread


async def _reply(kindred: KindredBot, s: SampleServer, who: Any, thread: Any, text: str) -> None:
    cog: Any = kindred.get_cog("ListeningCog")
    before = cog.handled
    await s.standin.post(who, thread, text)
    await s.standin.wait_until(lambda: cog.handled > before, 5)


@pytest.mark.parametrize(
    ("style", "nudged"), [("listen", True), ("either", True), ("advice", False)]
)
async def test_a_fix_under_a_support_request_follows_its_style(
    kindred: KindredBot, server: SampleServer, style: str, nudged: bool
) -> None:
    s = server
    await _slash(s, s.admin, "support setup", channel=s.support)
    await _slash(s, s.admin, "listening setup", mode="dm", channel=s.support)
    thread = await _request(s, style)

    await _reply(kindred, s, s.moderator, thread, KIND)
    assert s.standin.dms(s.moderator) == []
    await _reply(kindred, s, s.bob, thread, FIXING)
    nudges = [m for m in s.standin.dms(s.bob) if m.get("embeds")]
    assert len(nudges) == int(nudged)
    if nudges:
        body = nudges[0]["embeds"][0]["description"]
        assert "#support" in body and "Support ·" not in body and "Alice" not in body


# -- what Kindred's own posts in a support thread carry --------------------------------------

ASKING_FIRST = "I'm so sorry, that sounds exhausting. Do you want ideas, or should I just listen?"


def _nudges(s: SampleServer, who: Any) -> list[dict[str, Any]]:
    return [m for m in s.standin.dms(who) if m.get("embeds")]


async def _kindred_post(kindred: KindredBot, s: SampleServer, thread: Any, needle: str) -> Any:
    """Wait for Kindred's post containing ``needle`` in ``thread`` and for the listening cog to
    have finished with it."""
    cog: Any = kindred.get_cog("ListeningCog")
    bot_id = str(s.standin.world.bot.id)
    post = await s.standin.wait_for_message(
        thread, lambda m: m["author"]["id"] == bot_id and needle in (m.get("content") or "")
    )
    await s.standin.wait_until(lambda: int(post["id"]) in cog.handled_own, 5)
    return post


async def _reply_button(kindred: KindredBot, s: SampleServer, who: Any, text: str) -> Any:
    """Answer the request with its Reply button (the form), as ``who``; Kindred's echo of it
    in the thread, once the listening cog has read it."""
    (post,) = [m for m in s.standin.messages(s.support) if m.get("components")]
    await reply_with_button(s, who, post, text)
    (thread,) = s.standin.threads_of(s.support)
    return await _kindred_post(kindred, s, thread, "replied with the Reply button")


async def _watched_request(s: SampleServer, style: str = "listen") -> Any:
    await _slash(s, s.admin, "support setup", channel=s.support)
    await _slash(s, s.admin, "listening setup", mode="dm", channel=s.support)
    return await _request(s, style)


async def test_a_fix_sent_with_the_reply_button_is_judged_as_the_responders(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await _watched_request(s)
    await _reply_button(kindred, s, s.bob, FIXING)
    (nudge,) = await s.standin.wait_until(lambda: _nudges(s, s.bob), 5)
    assert "#support" in nudge["embeds"][0]["description"]
    assert _nudges(s, s.alice) == []  # the requester is never the one judged


async def test_a_reply_button_answer_is_never_read_as_the_requesters_words(
    kindred: KindredBot, server: SampleServer
) -> None:
    """Asking first ("do you want ideas?") through the Reply button is the responder's
    question: it must not count as the requester welcoming advice."""
    s = server
    thread = await _watched_request(s)
    await _reply_button(kindred, s, s.moderator, ASKING_FIRST)
    assert _nudges(s, s.moderator) == []
    await _reply(kindred, s, s.bob, thread, FIXING)
    assert len(_nudges(s, s.bob)) == 1


async def test_the_requesters_relayed_words_still_speak_for_the_sharer(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    thread = await _watched_request(s)
    await s.standin.dm(s.alice, "honestly any advice? what should I do?")
    await _kindred_post(kindred, s, thread, "(who asked)")
    await _reply(kindred, s, s.bob, thread, FIXING)
    assert _nudges(s, s.bob) == []  # advice was asked for by the requester


async def test_support_can_hand_over_a_reply_button_answer_it_cannot_be_paired_with(
    kindred: KindredBot, server: SampleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Support hands a Reply-button answer over itself: judged once, even with no pairing."""
    s = server
    thread = await _watched_request(s)
    cog: Any = kindred.get_cog("ListeningCog")
    monkeypatch.setattr(cog.threads, "expect_answer", lambda interaction: None)
    echo = await _reply_button(kindred, s, s.bob, FIXING)
    assert len(_nudges(s, s.bob)) == 1
    assert cog.tracker.open_shares(thread.id) == 1  # the answer did not open a share

    await cog.observe_reply(thread.id, s.bob.id, FIXING, message_id=int(echo["id"]))
    await cog.observe_reply(s.general.id, s.bob.id, FIXING)  # not a support thread: nothing
    assert len(_nudges(s, s.bob)) == 1


async def test_a_request_is_as_old_as_its_post_after_a_restart(
    standin: StandIn, server: SampleServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread quiet for two days is not judged as if the request were new after a restart."""
    s = server
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY):
        thread = await _watched_request(s)
    # Two days pass, for Kindred and on Discord (whose message ids carry their time).
    clock.advance(days=2)
    shift = int(timedelta(days=2).total_seconds() * 1000) << 22
    fresh_id = standin.world.ids.next
    monkeypatch.setattr(standin.world.ids, "next", lambda: fresh_id() + shift)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await _reply(bot, s, s.bob, thread, FIXING)
        assert _nudges(s, s.bob) == []
        # a share made now is still judged: the window is the request's age, not a blanket off
        carol = s.guild.add_member("Carol")
        await _reply(bot, s, s.moderator, thread, REQUEST)
        await _reply(bot, s, carol, thread, FIXING)
        assert len(_nudges(s, carol)) == 1
