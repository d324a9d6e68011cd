"""/prompt now, suggestions and review, the depth ladder and failures, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import EPHEMERAL, KEY, footer, prompt_posts, refused, schedule_prompt, text_of

from bot.app import KindredBot
from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.prompts.review import GONE
from bot.standin import StandIn


async def test_prompt_now_posts_with_a_thread_for_moderators_only(
    kindred: object, standin: StandIn, server: SampleServer
) -> None:
    it = await standin.slash(server.alice, server.general, "prompt now")
    assert "Manage Messages" in await refused(it)
    assert prompt_posts(standin, server.general) == []

    it = await standin.slash(
        server.moderator,
        server.general,
        "prompt now",
        options={"category": "listen", "depth": "deep"},
    )
    assert "Posted in" in await refused(it)
    (post,) = prompt_posts(standin, server.general)
    assert footer(post).endswith("Listening · deep")
    (thread,) = standin.threads_of(server.general)
    assert thread.id == int(post["id"])


async def test_suggestion_review_approve_and_post_survives_a_restart(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    idea = "What is a small kindness someone showed you that you still remember?"
    async with running_kindred(standin, data_dir, key=KEY):
        it = await standin.slash(
            server.alice,
            server.general,
            "prompt suggest",
            options={"text": f"{idea}  ", "category": "together"},
        )
        assert "waiting for the moderators" in await refused(it)
        for n in range(2):
            it = await standin.slash(
                server.alice, server.general, "prompt suggest", options={"text": f"Idea {n} ok?"}
            )
            await it.response()
        it = await standin.slash(
            server.alice, server.general, "prompt suggest", options={"text": "One more idea?"}
        )
        assert "last day" in await refused(it)  # three a day

        it = await standin.slash(server.alice, server.general, "prompt review")
        assert "Manage Server" in await refused(it)
        review = await standin.slash(server.admin, server.general, "prompt review")
        card = await review.response()
        assert card["data"]["flags"] & 64 and idea in text_of(card)
        assert "1 of 3" in text_of(card)
        message = review.original()
        assert message is not None

    # After a restart the buttons still work.
    async with running_kindred(standin, data_dir, key=KEY):
        (sid,) = {
            c["custom_id"].split(":")[2] for r in message["components"] for c in r["components"]
        }
        denied = await standin.click(server.alice, message, f"prompt:review:{sid}:approve-deep")
        assert "Manage Server" in await refused(denied)
        done = await standin.click(server.admin, message, f"prompt:review:{sid}:approve-deep")
        update = await done.response()
        assert update["type"] == 7
        assert "Approved at depth **deep**" in text_of(update)
        assert "1 of 2" in text_of(update)  # the next one is shown

        # The approved prompt is in the server's library: posted before any repeat.
        texts = []
        for _ in range(17):
            it = await standin.slash(
                server.moderator,
                server.general,
                "prompt now",
                options={"category": "together", "depth": "deep"},
            )
            await it.response()
            await it.followup()
        texts = [p["embeds"][0]["description"] for p in prompt_posts(standin, server.general)]
        assert len(texts) == 17 and len(set(texts)) == 17
        assert any(idea in t for t in texts)


async def test_edit_and_reject(kindred: object, standin: StandIn, server: SampleServer) -> None:
    it = await standin.slash(
        server.bob, server.general, "prompt suggest", options={"text": "What song calms you?"}
    )
    await it.response()
    review = await standin.slash(server.admin, server.general, "prompt review")
    await review.response()
    message = review.original()
    assert message is not None
    (sid,) = {c["custom_id"].split(":")[2] for r in message["components"] for c in r["components"]}
    opened = await standin.click(server.admin, message, f"prompt:review:{sid}:edit")
    form = await opened.response()
    assert form["type"] == 9 and form["data"]["custom_id"] == f"prompt:edit-form:{sid}"
    submitted = await standin.submit_modal(
        server.admin,
        server.general,
        f"prompt:edit-form:{sid}",
        {"text": "What song calms you down, and why?", "category": "support"},
        message=message,
    )
    edited = text_of(await submitted.response())
    assert "What song calms you down, and why?" in edited and "Supporting each other" in edited
    message = submitted.original() or message
    gone = await standin.click(server.admin, message, f"prompt:review:{sid}:reject")
    assert "No suggestions are waiting" in text_of(await gone.response())

    # A tampered client sends ids the bot never made: a polite private answer, nothing changes.
    stored = standin.find_message(message)
    assert stored is not None
    for forged in (f"prompt:review:{'9' * 20}:approve-light", "prompt:review:424242:approve-deep"):
        button = {"type": 2, "style": 1, "label": "Approve", "custom_id": forged}
        stored["components"] = [{"type": 1, "components": [button]}]
        answer = await (await standin.click(server.admin, stored, forged)).response()
        assert answer["data"]["flags"] & EPHEMERAL
        assert answer["data"]["content"] == GONE


async def test_lively_threads_move_the_depth_and_quiet_ones_bring_it_back(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 5, 4, 6, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await schedule_prompt(server, server.admin, server.general, time="08:00")
        people = [server.alice, server.bob, server.moderator]
        depths = []
        for day in range(6):
            clock.now = datetime(2026, 5, 4 + day, 8, 0, tzinfo=UTC)
            await bot.engine.run_due(clock.now)
            post = prompt_posts(standin, server.general)[-1]
            depths.append(footer(post).rsplit(" · ", 1)[1])
            thread = standin.threads_of(server.general)[-1]
            if day < 3:  # three lively days: 3 people, 6 replies
                clock.now += timedelta(hours=2)
                for who in people * 2:
                    await standin.post(who, thread, "a reply")
        assert depths[:4] == ["light", "light", "light", "medium"]
        # Reply markers (a keyed hash per thread, no text) are part of a member's data.
        mine = await bot.privacy.export_member(server.alice.id)
        assert mine["prompts"]["prompt_threads_with_your_reply_marker"] == 3
        outsider = await bot.privacy.export_member(server.closed_dms.id)
        assert outsider["prompts"]["prompt_threads_with_your_reply_marker"] == 0
        # Days 4 and 5 were quiet: day 6 (index 5) would step back after two quiet posts.
        clock.now = datetime(2026, 5, 10, 8, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        last = footer(prompt_posts(standin, server.general)[-1])
        assert last.endswith("light")
        it = await standin.slash(server.alice, server.general, "prompt status")
        assert "**light**" in text_of(await it.response())


async def test_failures_are_recorded_retried_sensibly_and_a_deleted_channel_pauses(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 7, 1, 6, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        bot.get_cog("PromptsCog").service.retry_delays = (0.0, 0.0)  # type: ignore[union-attr]
        await schedule_prompt(server, server.admin, server.support, time="08:00")
        # A Discord hiccup (503) is retried and the post goes out once.
        standin.fail_next("POST", r"/channels/\d+/messages$", status=503)
        clock.now = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        assert len(prompt_posts(standin, server.support)) == 1

        # Permission removed: recorded, not retried, shown in both status commands.
        server.guild.edit_channel(
            server.support,
            overwrites=[{"id": server.guild.bot_role.id, "type": 0, "allow": 0, "deny": 1 << 11}],
        )
        await standin.wait_until(
            lambda: (
                not bot.get_channel(server.support.id)
                .permissions_for(  # type: ignore[union-attr]
                    bot.get_guild(server.guild.id).me  # type: ignore[union-attr]
                )
                .send_messages
            ),
            2,
        )
        before = len(standin.calls)
        clock.now = datetime(2026, 7, 2, 8, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        posts = [c for c in standin.calls[before:] if c.method == "POST"]
        assert posts == []
        it = await standin.slash(server.alice, server.general, "prompt status")
        assert "missing Send Messages" in text_of(await it.response())
        it = await standin.slash(server.admin, server.general, "kindred status")
        assert "missing Send Messages" in text_of(await it.response())

        # The channel is deleted: the schedule pauses and says so.
        del server.guild.channels[server.support.id]
        standin.world.changed("CHANNEL_DELETE", server.guild, server.support.json())
        clock.now = datetime(2026, 7, 3, 8, 0, tzinfo=UTC)
        await standin.wait_until(lambda: bot.get_channel(server.support.id) is None, 2)
        await bot.engine.run_due(clock.now)
        schedule = await bot.store.find_schedule("prompt", guild_id=server.guild.id)
        assert schedule is not None and schedule.paused
        it = await standin.slash(server.alice, server.general, "prompt status")
        assert "was deleted" in text_of(await it.response())
        notice = standin.messages(server.general)[-1]
        assert "was deleted" in notice["content"]
        it = await standin.slash(server.admin, server.general, "prompt resume")
        assert "no longer exists" in await refused(it)


async def test_forget_me_does_not_reset_the_suggestions_limit(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 9: forget-me deleted the suggestions the daily limit counted
    s = server.standin
    for n in range(3):
        it = await s.slash(
            server.alice, server.general, "prompt suggest", options={"text": f"Idea {n} ok?"}
        )
        await it.response()
    forget = await s.slash(server.alice, server.general, "kindred forget-me")
    await forget.response()
    await forget.followup()
    it = await s.slash(
        server.alice, server.general, "prompt suggest", options={"text": "Idea 4 ok?"}
    )
    assert "last day" in await refused(it)
