"""The prompt review's Edit form, opened before a restart and submitted after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import EPHEMERAL, KEY, refused, text_of

from bot.demo.harness import SampleServer, running_kindred
from bot.prompts.review import edit_form_target
from bot.standin import StandIn

IDEA = "What song calms you?"
REWORDED = "What song calms you down, and why?"


async def open_edit_form(s: SampleServer) -> tuple[int, dict[str, Any], str]:
    """Bob suggests a prompt; the admin opens its review card and clicks Edit.

    Returns the suggestion id, the (ephemeral) review card and the form's custom id.
    """
    it = await s.standin.slash(s.bob, s.general, "prompt suggest", options={"text": IDEA})
    await it.response()
    review = await s.standin.slash(s.admin, s.general, "prompt review")
    await review.response()
    card = review.original()
    assert card is not None
    (sid,) = {c["custom_id"].split(":")[2] for r in card["components"] for c in r["components"]}
    opened = await s.standin.click(s.admin, card, f"prompt:review:{sid}:edit")
    form = await opened.response()
    assert form["type"] == 9  # a modal
    return int(sid), card, str(form["data"]["custom_id"])


async def test_an_edit_form_opened_before_a_restart_is_applied_after_it(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    async with running_kindred(standin, data_dir, key=KEY):
        sid, card, form_id = await open_edit_form(s)

    async with running_kindred(standin, data_dir, key=KEY) as bot:
        # Manage Server is checked again when the form is sent, not only when it was opened.
        denied = await standin.submit_modal(
            s.alice, s.general, form_id, {"text": "Hijacked prompt text?", "category": "open"}
        )
        assert "Manage Server" in await refused(denied)
        unchanged = await bot.store.get_suggestion(sid)
        assert unchanged is not None and unchanged.text == IDEA

        submitted = await standin.submit_modal(
            s.admin,
            s.general,
            form_id,
            {"text": f"  {REWORDED}  ", "category": " Support"},
            message=card,
        )
        update = await submitted.response()
        assert update["type"] == 7  # the private review card is updated in place, as before
        shown = text_of(update)
        assert "Edited. Approve it at a depth" in shown
        assert REWORDED in shown and "Supporting each other" in shown
        edited = await bot.store.get_suggestion(sid)
        assert edited is not None
        assert (edited.text, edited.category, edited.status) == (REWORDED, "support", "pending")

        # The updated card's buttons still act on the edited suggestion.
        message = submitted.original() or card
        done = await standin.click(s.admin, message, f"prompt:review:{sid}:approve-light")
        assert f"Approved at depth **light**: “{REWORDED}”" in text_of(await done.response())
    assert form_id == f"prompt:edit-form:{sid}"  # the id that carries the suggestion


async def test_after_a_restart_the_form_is_validated_and_a_stale_one_is_answered(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    async with running_kindred(standin, data_dir, key=KEY):
        sid, _, form_id = await open_edit_form(s)

    async with running_kindred(standin, data_dir, key=KEY) as bot:
        bad_habit = await standin.submit_modal(
            s.admin, s.general, form_id, {"text": REWORDED, "category": "feelings"}
        )
        assert "“feelings” isn't a habit" in await refused(bad_habit)
        # Long enough for the form, too short once its spaces are collapsed.
        too_short = await standin.submit_modal(
            s.admin, s.general, form_id, {"text": "a    b    c", "category": "open"}
        )
        assert "at least 10 characters" in await refused(too_short)
        kept = await bot.store.get_suggestion(sid)
        assert kept is not None and (kept.text, kept.category) == (IDEA, "open")

        # Bob asks to be forgotten: his suggestion goes, and the open form is now stale.
        forget = await standin.slash(s.bob, s.general, "kindred forget-me")
        await forget.response()
        assert "Done — deleted" in (await forget.followup())["content"]
        assert await bot.store.get_suggestion(sid) is None
        stale = await standin.submit_modal(
            s.admin, s.general, form_id, {"text": REWORDED, "category": "open"}
        )
        answer = await stale.response()
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "isn't here any more" in answer["data"]["content"]
        assert "/prompt review" in answer["data"]["content"]


@pytest.mark.parametrize(
    ("custom_id", "target"),
    [
        ("prompt:edit-form:12", 12),
        ("prompt:edit:7", 7),  # the id forms had before: one open across the upgrade still saves
        ("prompt:edit-form:", None),
        ("prompt:edit-form:12:extra", None),
        ("prompt:edit-form:-3", None),
        ("prompt:edit-form:" + "9" * 19, None),  # past SQLite's integers
        ("prompt:edit-form:" + "9" * 18, 999_999_999_999_999_999),
        ("prompt:review:12:edit", None),
    ],
)
def test_the_form_id_names_its_suggestion(custom_id: str, target: int | None) -> None:
    assert edit_form_target(custom_id) == target
