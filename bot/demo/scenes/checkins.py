"""The /checkin scene: a member opts in, gets a check-in by DM, answers, sees their trend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.demo.run import Demo

ORDER = 40


def _button(message: dict[str, Any], label_start: str) -> dict[str, Any]:
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if str(component.get("label", "")).startswith(label_start):
                return dict(component)
    raise LookupError(f"no button starting {label_start!r}")


async def play(demo: Demo) -> None:
    s, t, standin = demo.server, demo.t, demo.standin
    t.scene("Private check-ins: how are you, really?")
    await demo.slash(
        s.alice,
        s.general,
        "checkin start",
        frequency="daily",
        time="19:00",
        timezone="Europe/Berlin",
    )
    schedule = await demo.bot.store.find_schedule("checkin", member_id=s.alice.id)
    assert schedule is not None and schedule.next_due_at is not None
    t.note("The clock moves on to 19:00 in Berlin; the scheduler finds Alice's check-in due.")
    await demo.advance_to(schedule.next_due_at)
    message = standin.dms(s.alice)[-1]
    t.message("Kindred", "Alice (DM)", message)

    good = _button(message, "4 ·")
    t.said(s.alice.name, "DM", f"taps [{good['label']}]")
    tap = await standin.click(s.alice, message, good["custom_id"])
    update = await tap.response()
    t.message("Kindred", "Alice (DM, the check-in updates)", update["data"])

    note = _button(update["data"], "Add a private note")
    t.said(s.alice.name, "DM", f"taps [{note['label']}]")
    form = await (await standin.click(s.alice, message, note["custom_id"])).response()
    t.note(f"Alice sees a form: “{form['data']['title']}” and writes a line for herself.")
    it = await standin.submit_modal(
        s.alice, None, form["data"]["custom_id"], {"note": "Long walk by the river helped."}
    )
    t.message("Kindred", s.alice.name, (await it.response())["data"], private=True)
    t.note("The note is sealed (encrypted) at rest and never logged; the server sees nothing.")
    await demo.slash(s.alice, s.general, "checkin history")

    t.scene("Check-ins when DMs are closed")
    await demo.slash(s.closed_dms, s.general, "checkin start", frequency="daily", time="19:00")
    casey = await demo.bot.store.find_schedule("checkin", member_id=s.closed_dms.id)
    assert casey is not None and casey.next_due_at is not None
    await demo.advance_to(casey.next_due_at)
    t.note(
        "Discord refuses the DM (50007): Casey's check-ins pause at once, with no retries, "
        "and Casey is told after their next command."
    )
    it = await demo.slash(s.closed_dms, s.general, "checkin history")
    notice = await it.followup()
    t.message("Kindred", s.closed_dms.name, notice, private=True)
