"""/support across restarts, members leaving, forget-me and look-alike pseudonyms."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from helpers import (
    EPHEMERAL,
    KEY,
    bot_dm,
    bot_said,
    ids,
    open_request,
    pseudonym_of,
    reply_id_of,
    request_id_of,
    setup_support,
    text_of,
)

from bot.app import KindredBot
from bot.demo.harness import SampleServer, running_kindred
from bot.standin import StandIn
from bot.support.lifecycle import GONE_NOTE


async def test_forms_opened_before_a_restart_are_still_sent_after_it(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    async with running_kindred(standin, data_dir, key=KEY):
        await setup_support(s, role=False)
        _, post = await open_request(s, s.alice)
        it = await standin.slash(s.bob, s.general, "support request", options={"style": "advice"})
        request_form = (await it.response())["data"]["custom_id"]
        click = await standin.click(s.moderator, post, reply_id_of(post))
        reply_form = (await click.response())["data"]["custom_id"]
    async with running_kindred(standin, data_dir, key=KEY):
        submit = await standin.submit_modal(
            s.bob, s.general, request_form, {"title": "After", "message": "Sent after a restart"}
        )
        await submit.response()
        assert "posted anonymously" in (await submit.followup())["content"]
        shown = text_of(standin.messages(s.support)[-1])
        assert "Sent after a restart" in shown and "Advice welcome" in shown
        reply = await standin.submit_modal(
            s.moderator, s.support, reply_form, {"reply": "Still with you"}, message=post
        )
        await reply.response()
        assert "Sent to" in (await reply.followup())["content"]
        await bot_dm(s, s.alice, "Still with you")
    assert len(standin.messages(s.support)) == 2  # each form handled once


async def talk_button(s: SampleServer) -> tuple[dict[str, Any], str]:
    await (await s.standin.slash(s.alice, s.general, "checkin start")).response()
    now = await s.standin.slash(s.alice, None, "checkin now")
    await now.response()
    await now.followup()
    message = next(m for m in reversed(s.standin.dms(s.alice)) if m.get("components"))
    return message, next(i for i in ids(message) if i.startswith("checkin:talk:"))


async def test_a_member_who_left_cannot_post_and_talk_stops_pointing_there(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    message, talk = await talk_button(s)
    form = await (await s.standin.click(s.alice, message, talk)).response()
    assert form["type"] == 9  # still a member: the form opens
    del s.guild.members[s.alice.id]  # then Alice leaves (or is banned)
    submit = await s.standin.submit_modal(
        s.alice, None, form["data"]["custom_id"], {"title": "hi", "message": "from outside"}
    )
    refusal = await submit.response()
    assert refusal["data"]["flags"] & EPHEMERAL
    assert "no longer a member" in refusal["data"]["content"]
    assert s.standin.messages(s.support) == []  # nothing posted
    member = await kindred.store.checkin_member(s.alice.id)
    assert member is not None and member.home_guild_id is None
    # The form again, from a check-in whose home is still Willow Commons:
    await kindred.store.save_checkin_member(s.alice.id, s.guild.id, kindred.clock())
    again = await (await s.standin.click(s.alice, message, talk)).response()
    assert again["type"] == 4 and again["data"]["flags"] & EPHEMERAL
    assert "no longer a member of **Willow Commons**" in again["data"]["content"]
    assert "/checkin start" in again["data"]["content"]
    member = await kindred.store.checkin_member(s.alice.id)
    assert member is not None and member.home_guild_id is None


async def test_talk_after_kindred_left_the_server_says_so(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    message, talk = await talk_button(s)
    s.standin.remove_bot(s.guild)
    await s.standin.wait_until(lambda: kindred.get_guild(s.guild.id) is None, 5)
    answer = await (await s.standin.click(s.alice, message, talk)).response()
    assert answer["type"] == 4 and "no longer in that server" in answer["data"]["content"]
    member = await kindred.store.checkin_member(s.alice.id)
    assert member is not None and member.home_guild_id is None


async def test_forget_me_keeps_the_rate_limit_and_withdraws_requests_at_their_own_times(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    # issue 16, items 3 and 11: forget-me unlinks at once; it edits every request's post, at
    # independent random times (not one instant across servers), to remove the member's text,
    # and deletes Kindred's copies of their answers.
    s = server
    async with running_kindred(standin, data_dir, key=KEY, support_limit=2) as bot:
        cog: Any = bot.get_cog("SupportCog")
        await setup_support(s, role=False)
        _, first_post = await open_request(s, s.alice, title="One", text="My words, first.")
        (first,) = standin.threads_of(s.support)
        await standin.dm(s.alice, "An answer only I wrote.")
        relayed = await bot_said(s, first, "An answer only I wrote.")
        await standin.post(s.bob, first, "I'm here with you.")
        _, post = await open_request(s, s.alice, title="Two", text="My words, second.")
        second = next(t for t in standin.threads_of(s.support) if t is not first)
        forget = await standin.slash(s.alice, s.general, "kindred forget-me")
        await forget.response()
        await forget.followup()
        now = bot.clock()
        assert await cog.service.requests_of(s.alice.id) == []
        async with bot.store.db.execute(
            "SELECT requester_sealed, dm_sealed, lookup, withdraw_at FROM support_requests"
        ) as cur:
            rows = [tuple(r) for r in await cur.fetchall()]
        assert [r[:3] for r in rows] == [(None, None, None)] * 2
        times = sorted(datetime.fromisoformat(r[3]) for r in rows)
        assert times[0] != times[1]
        assert all(now + timedelta(minutes=9) < t <= now + timedelta(hours=6) for t in times)
        # Nothing is edited at the instant of forget-me.
        untouched = standin.find_message(first_post)
        assert untouched is not None and "My words, first." in str(untouched["embeds"])
        it = await standin.slash(s.alice, s.general, "support request")
        refusal = await it.response()
        assert refusal["type"] == 4 and "last 24 hours" in refusal["data"]["content"]

        assert await cog.service.run_withdrawals(times[0]) == 1
        assert await cog.service.run_withdrawals(times[1]) == 1
        for thread, original in ((first, first_post), (second, post)):
            await bot_said(s, thread, "This request was withdrawn")
            assert thread.archived and thread.locked
            current = standin.find_message(original)
            assert current is not None and not current.get("components")  # Reply retired
            assert "withdrew this request" in current["content"]
            assert "My words" not in str(current["embeds"])
        assert standin.find_message(relayed) is None  # Kindred's copy of their answer is gone
        assert any("I'm here with you." in m["content"] for m in standin.messages(first))
        async with bot.store.db.execute("SELECT COUNT(*) FROM support_requests") as cur:
            assert (await cur.fetchone())[0] == 0
        # The sweep prunes markers after 24 hours (their times are rounded up to the hour, so
        # at most 25); then Alice may ask again.
        cog: Any = bot.get_cog("SupportCog")
        await cog.sweep(bot.clock() + timedelta(hours=25, minutes=1))
        it = await standin.slash(s.alice, s.general, "support request")
        assert (await it.response())["type"] == 9


async def test_a_message_in_the_thread_of_a_vanished_request_gets_one_note(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    _, first = await open_request(s, s.alice, title="One")
    _, second = await open_request(s, s.alice, title="Two")
    await kindred.store.delete_support_request(request_id_of(first))
    await kindred.store.delete_support_request(request_id_of(second))
    one, two = (s.standin.channel(int(p["id"])) for p in (first, second))
    await s.standin.post(s.bob, one, "Hello? Are you still there?")
    await bot_said(s, one, GONE_NOTE[:40])
    await s.standin.post(s.bob, one, "Hello again")
    await s.standin.post(s.bob, s.general, "elsewhere")  # not a support thread: no note
    await s.standin.post(s.bob, two, "And here?")
    await bot_said(s, two, GONE_NOTE[:40])  # by now "Hello again" was handled too
    notes = [m for m in s.standin.messages(one) if GONE_NOTE[:40] in m["content"]]
    assert len(notes) == 1
    assert not any(GONE_NOTE[:40] in m["content"] for m in s.standin.messages(s.general))


async def test_block_tells_look_alike_pseudonyms_apart(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    _, alice_post = await open_request(s, s.alice)
    _, bob_post = await open_request(s, s.bob)
    # Make Bob's request a look-alike of Alice's: same animal and code, another adjective.
    alice_name = pseudonym_of(alice_post)
    adjective, animal, _, code = alice_name.split(" ")
    other = "Brave" if adjective != "Brave" else "Calm"
    await kindred.store.db.execute(
        "UPDATE support_requests SET pseudonym = ?, handle = ? WHERE id = ?",
        (f"{other} {animal} · {code}", f"{other} {animal} {code}".lower(),
         request_id_of(bob_post)),
    )  # fmt: skip
    short = await s.standin.slash(
        s.moderator, s.general, "support block", options={"handle": f"{animal} {code}"}
    )
    answer = (await short.response())["data"]["content"]
    assert "more than one request" in answer and f"/{alice_post['id']}" in answer
    full = await s.standin.slash(
        s.moderator, s.general, "support block", options={"handle": alice_name}
    )
    assert "Done" in (await full.response())["data"]["content"]
    refused = await (await s.standin.slash(s.alice, s.general, "support request")).response()
    assert "aren't available to you" in refused["data"]["content"]
    allowed = await (await s.standin.slash(s.bob, s.general, "support request")).response()
    assert allowed["type"] == 9  # Bob, behind the look-alike, is not blocked
    link = f"https://discord.com/channels/{s.guild.id}/{s.support.id}/{bob_post['id']}"
    by_link = await s.standin.slash(
        s.moderator, s.general, "support block", options={"handle": link}
    )
    assert "Done" in (await by_link.response())["data"]["content"]
    refused = await (await s.standin.slash(s.bob, s.general, "support request")).response()
    assert "aren't available to you" in refused["data"]["content"]
