"""Crisis care end to end, on every surface a member writes to Kindred (issue 12).

The real bot on the stand-in: the writer gets resources privately (DM, or the ephemeral answer of
a form), moderators get alerts that never unmask an anonymous requester, watched channels are
checked only where a server opted in, and a closed DM never leaves a crisis unanswered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import EPHEMERAL, KEY, bot_dm, bot_said, open_request, setup_support, text_of

from bot.app import KindredBot
from bot.demo.harness import SampleServer, build_sample_server, running_kindred
from bot.standin import StandIn

ABUSE = "my stepdad hit me again tonight and i'm scared to go home"
VEILED = "gave my switch and all my games to my cousin today, wont be needing them"


def contents(messages: list[dict[str, Any]]) -> str:
    return "\n".join(text_of(m) for m in messages)


def kindred_posts(s: SampleServer, place: Any) -> list[dict[str, Any]]:
    bot_id = str(s.standin.world.bot.id)
    return [m for m in s.standin.messages(place) if m["author"]["id"] == bot_id]


async def setup_crisis_care(s: SampleServer, **options: Any) -> str:
    it = await s.standin.slash(
        s.admin,
        s.general,
        "support setup",
        options={"channel": s.support, "responder_role": s.helpers, **options},
    )
    answer = await it.response()
    assert answer["data"]["flags"] & EPHEMERAL
    return str(answer["data"]["content"])


async def watch_general(s: SampleServer) -> None:
    it = await s.standin.slash(
        s.admin, s.general, "listening setup", options={"mode": "dm", "channel": s.general}
    )
    await it.response()


async def post_and_wait(kindred: KindredBot, s: SampleServer, who: Any, text: str) -> None:
    cog: Any = kindred.get_cog("ListeningCog")
    before = cog.handled
    await s.standin.post(who, s.general, text)
    await s.standin.wait_until(lambda: cog.handled > before, 5)


async def test_a_request_about_abuse_gets_abuse_resources_in_private(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    submit, post = await open_request(s, s.alice, title="home", text=ABUSE)
    await submit.followup()
    abuse = kindred.crisis.abuse_resources[:60]
    private = [f for f in submit.followups if abuse in (f.get("content") or "")]
    assert private and private[0]["flags"] & EPHEMERAL
    dm = await bot_dm(s, s.alice, abuse)
    assert "findahelpline.com" in dm["content"]
    # the request post itself is public: it names only the pseudonym
    assert s.alice.name not in text_of(post) and str(s.alice.id) not in str(post)


async def test_a_crisis_in_the_third_relayed_message_gets_resources_and_a_thread_note(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    await open_request(s, s.alice, text="work has been a lot lately")
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.dm(s.alice, "thanks for reading")
    await bot_said(s, thread, "thanks for reading")
    await s.standin.dm(s.alice, "it's mostly the deadlines")
    await bot_said(s, thread, "mostly the deadlines")
    assert "findahelpline" not in contents(s.standin.dms(s.alice))
    await s.standin.dm(s.alice, VEILED)
    await bot_dm(s, s.alice, "findahelpline.com")
    note = await bot_said(s, thread, "note for responders")
    assert s.alice.name not in note["content"] and str(s.alice.id) not in note["content"]


async def test_crisis_alerts_ping_the_responder_role_with_the_pseudonym_only(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    answer = await setup_crisis_care(s, crisis_alerts=True)
    assert "pings the responder role" in answer
    await open_request(s, s.alice, text="i keep thinking everyone would be better off without me")
    (thread,) = s.standin.threads_of(s.support)
    note = await bot_said(s, thread, "note for responders")
    assert f"<@&{s.helpers.id}>" in note["content"]
    call = next(
        c
        for c in s.standin.calls
        if c.method == "POST" and c.json and "note for responders" in str(c.json.get("content"))
    )
    assert call.json["allowed_mentions"] == {"parse": [], "roles": [str(s.helpers.id)]} or (
        call.json["allowed_mentions"]["parse"] == []
        and [str(r) for r in call.json["allowed_mentions"]["roles"]] == [str(s.helpers.id)]
    )
    everything = contents(s.standin.messages(s.support)) + contents(s.standin.messages(thread))
    assert s.alice.name not in everything and str(s.alice.id) not in everything


async def test_without_alerts_the_thread_note_pings_nobody(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_crisis_care(s)
    await open_request(s, s.alice, text="i cant do this anymore and im not going to")
    (thread,) = s.standin.threads_of(s.support)
    note = await bot_said(s, thread, "note for responders")
    assert "<@&" not in note["content"]


async def test_a_crisis_note_on_a_check_in_gets_resources_at_once(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    start = await s.standin.slash(s.alice, s.general, "checkin start", options={"time": "21:00"})
    await start.response()
    now = await s.standin.slash(s.alice, s.general, "checkin now")
    await now.response()
    checkin = await bot_dm(s, s.alice, "")
    buttons = [c["custom_id"] for row in checkin["components"] for c in row["components"]]
    mood = next(b for b in buttons if b.startswith("checkin:mood:") and b.endswith(":1"))
    click = await s.standin.click(s.alice, checkin, mood)
    answered = await click.response()
    note_button = next(
        c["custom_id"]
        for row in answered["data"]["components"]
        for c in row["components"]
        if c["custom_id"].startswith("checkin:note:")
    )
    opened = await s.standin.click(s.alice, checkin, note_button)
    form = await opened.response()
    assert form["type"] == 9
    submit = await s.standin.submit_modal(
        s.alice, s.standin.dm_channel(s.alice), form["data"]["custom_id"], {"note": VEILED}
    )
    reply = await submit.response()
    assert reply["data"]["flags"] & EPHEMERAL
    assert "findahelpline.com" in reply["data"]["content"]


async def test_watched_channels_are_checked_only_where_the_server_opted_in(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_crisis_care(s)
    await watch_general(s)
    await post_and_wait(kindred, s, s.alice, VEILED)
    assert "findahelpline" not in contents(s.standin.dms(s.alice))  # not opted in yet
    answer = await setup_crisis_care(s, crisis_scan=True)
    assert "watches are checked" in answer
    await post_and_wait(kindred, s, s.bob, VEILED)
    dm = await bot_dm(s, s.bob, "findahelpline.com")
    assert "Willow Commons" in dm["content"] and "#general" in dm["content"]
    assert VEILED not in dm["content"]  # their words are never repeated
    # never a public reply, and no alert while the DM reached them and alerts are off
    assert kindred_posts(s, s.general) == []
    assert "Crisis care" not in contents(s.standin.messages(s.support))
    # one DM per member per half hour
    await post_and_wait(kindred, s, s.bob, "i want to disappear forever")
    assert len([m for m in s.standin.dms(s.bob) if "findahelpline" in text_of(m)]) == 1


async def test_closed_dms_in_a_watched_channel_alert_the_moderators_with_a_link(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_crisis_care(s, crisis_scan=True)
    await watch_general(s)
    await post_and_wait(kindred, s, s.closed_dms, "took the whole bottle about an hour ago")
    alert = await bot_said(s, s.support, "Crisis care")
    assert "could **not** reach them" in alert["content"]
    assert f"/channels/{s.guild.id}/{s.general.id}/" in alert["content"]
    assert "<@&" not in alert["content"]  # alerts off: a note, no ping
    assert kindred_posts(s, s.general) == []
    it = await s.standin.slash(s.alice, s.general, "kindred privacy")
    privacy = text_of(await it.response())
    assert "DMs are closed" in privacy and "support channel" in privacy


async def test_alerts_on_ping_the_responders_for_a_watched_channel_crisis(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_crisis_care(s, crisis_scan=True, crisis_alerts=True)
    await watch_general(s)
    await post_and_wait(kindred, s, s.alice, ABUSE)
    dm = await bot_dm(s, s.alice, kindred.crisis.abuse_resources[:60])
    assert "findahelpline.com" in dm["content"]
    alert = await bot_said(s, s.support, "Crisis care")
    assert f"<@&{s.helpers.id}>" in alert["content"]
    assert "sent them crisis resources by DM" in alert["content"]


async def test_without_the_intent_checking_watched_channels_is_unavailable(
    data_dir: Path,
) -> None:
    async with StandIn(message_content=False) as standin:
        s = build_sample_server(standin)
        async with running_kindred(standin, data_dir, key=KEY) as bot:
            assert not bot.message_content_enabled
            answer = await setup_crisis_care(s, crisis_scan=True)
            assert "checking watched channels is unavailable" in answer
            it = await standin.slash(s.admin, s.general, "kindred status")
            status = text_of(await it.response())
            assert "crisis checks in watched channels are paused" in status
            assert "checking watched channels is unavailable" in status


async def test_closed_dms_still_get_the_resources_in_the_forms_private_answer(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    submit, _ = await open_request(s, s.closed_dms, text="i dont want to wake up tomorrow")
    await submit.followup()
    resources = kindred.crisis.resources[:60]
    private = [f for f in submit.followups if resources in (f.get("content") or "")]
    assert private and private[0]["flags"] & EPHEMERAL
    assert s.standin.dms(s.closed_dms) == []  # the DM could not be delivered


async def test_a_crisis_dm_that_cannot_reach_the_thread_still_gets_resources(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    await open_request(s, s.alice, text="work has been a lot lately")
    (thread,) = s.standin.threads_of(s.support)
    s.standin.fail_next("POST", rf"/channels/{thread.id}/messages$", status=403)
    await s.standin.dm(s.alice, VEILED)
    await bot_dm(s, s.alice, "findahelpline.com")
    assert not any(VEILED in (m.get("content") or "") for m in s.standin.messages(thread))


async def test_watched_channels_are_judged_more_strictly_than_words_written_to_kindred(
    kindred: KindredBot, server: SampleServer
) -> None:
    # Talk about a film with a method in it: in a watched channel, where most messages are
    # ordinary chat, Kindred stays quiet; written to Kindred in a support request, where a note
    # that was not needed costs little, it offers resources.
    s = server
    film = "the main character takes pills at the end of the film"
    await setup_crisis_care(s, crisis_scan=True)
    await watch_general(s)
    await post_and_wait(kindred, s, s.bob, film)
    assert "findahelpline" not in contents(s.standin.dms(s.bob))
    submit, _ = await open_request(s, s.alice, title="tonight", text=film)
    await submit.followup()
    assert any("findahelpline" in (f.get("content") or "") for f in submit.followups)
