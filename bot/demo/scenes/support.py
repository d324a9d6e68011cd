"""The /support scene: an anonymous request, a reply that reaches the requester, an answer
that reaches the thread, and the close."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.demo.run import Demo

ORDER = 30


def _by_bot(demo: Demo, needle: str) -> Any:
    bot_id = str(demo.standin.world.bot.id)
    return lambda m: m["author"]["id"] == bot_id and needle in (m.get("content") or "")


async def play(demo: Demo) -> None:
    s, t, standin = demo.server, demo.t, demo.standin
    t.scene("Anonymous support: asking for help without a name")
    # Demo.slash's own ``channel`` parameter hides an option of that name: drive it directly.
    t.said(s.admin.name, "#general", "/support setup channel:support responder_role:Helpers")
    setup = await standin.slash(
        s.admin,
        s.general,
        "support setup",
        options={"channel": s.support, "responder_role": s.helpers},
    )
    await demo.show_response(s.admin, "#general", setup)
    it = await demo.slash(s.alice, s.general, "support request", style="listen")
    form = (await it.response())["data"]
    title, text = "Struggling lately", "Work has been a lot and I feel like I'm failing everyone."
    t.said(s.alice.name, "the form", f"“{title}” — “{text}”")
    submit = await standin.submit_modal(
        s.alice, s.general, form["custom_id"], {"title": title, "message": text}
    )
    await submit.response()
    t.message("Kindred", s.alice.name, await submit.followup(), private=True)
    post = standin.messages(s.support)[-1]
    t.message("Kindred", "#support", post)
    pseudonym = post["embeds"][0]["author"]["name"].removeprefix("Anonymous · ")
    t.note(f"Only the Helpers role is pinged; nobody, not even admins, can see who {pseudonym} is.")
    welcome = await standin.wait_for_message(
        standin.dm_channel(s.alice), _by_bot(demo, "posted anonymously")
    )
    t.message("Kindred", "Alice (DM)", welcome)

    (thread,) = standin.threads_of(s.support)
    reply = "That sounds exhausting. You're not failing — you're carrying a lot. I'm listening."
    t.said(s.bob.name, f"the thread “{thread.name}”", reply)
    await standin.post(s.bob, thread, reply)
    relayed = await standin.wait_for_message(standin.dm_channel(s.alice), _by_bot(demo, reply))
    t.message("Kindred", "Alice (DM)", relayed)

    answer = "Thank you. It helps just to have said it out loud."
    t.said(s.alice.name, "DM to Kindred", answer)
    await standin.dm(s.alice, answer)
    back = await standin.wait_for_message(thread, _by_bot(demo, answer))
    t.message("Kindred", f"the thread “{thread.name}”", back)

    close_id = welcome["components"][0]["components"][0]["custom_id"]
    t.said(s.alice.name, "DM", "taps [I feel heard — close]")
    click = await standin.click(s.alice, welcome, close_id)
    await click.response()
    t.message("Kindred", s.alice.name, await click.followup(), private=True)
    note = await standin.wait_for_message(thread, _by_bot(demo, "feels heard"))
    t.message("Kindred", f"the thread “{thread.name}”", note)
    await standin.wait_until(lambda: bool(thread.archived and thread.locked), 5)
    t.note("The thread is locked and archived. Who asked was sealed the whole time and is")
    t.note(f"deleted {demo.bot.settings.retention_days} days after the close.")
