"""Submissions of the request form and the Reply form, from the cog's interaction listener.

discord.py keeps an open ``Modal`` only in memory: a form opened before a restart and sent
after it would be dropped, and the member's text lost. So the forms are unregistered as soon as
they are shown (``support_views.open_form``) and every submission is handled here from its
custom id and values, before or after a restart alike.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.core.errors import UserFacingError
from bot.core.forms import submitted_value
from bot.support.lifecycle import NotInServer
from bot.support.names import (
    REPLY_MAX,
    STYLES,
    TEXT_MAX,
    TITLE_MAX,
    relay_message,
)
from bot.support.sending import Outcome, send_to, why_not_to_requester
from bot.support.service import SupportService
from bot.support.views import (
    GONE,
    REPLY_FORM,
    REQUEST_FORM,
    service_of,
)

log = logging.getLogger(__name__)

_REQUEST = re.compile(
    re.escape(REQUEST_FORM) + r"(?P<guild>[0-9]{1,20}):(?P<style>[a-z]{1,12})(?P<later>:later)?"
)
_REPLY = re.compile(re.escape(REPLY_FORM) + r"(?P<id>[0-9]{1,18})")
STALE_FORM = "This form is out of date. Please start again."


def is_support_form(interaction: discord.Interaction[Any]) -> bool:
    data: Any = interaction.data or {}
    return interaction.type == discord.InteractionType.modal_submit and str(
        data.get("custom_id", "")
    ).startswith((REQUEST_FORM, REPLY_FORM))


async def handle_support_form(interaction: discord.Interaction[Any]) -> None:
    """Post a request or relay a reply; a malformed id gets a polite private answer."""
    data: Any = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    components = data.get("components")
    service = service_of(interaction)
    if found := _REQUEST.fullmatch(custom_id):
        style = found["style"] if found["style"] in STYLES else "either"
        title = submitted_value(components, "title") or ""
        text = submitted_value(components, "message") or ""
        if len(title) > TITLE_MAX or len(text) > TEXT_MAX:
            raise UserFacingError(
                f"That's a little too long: titles up to {TITLE_MAX} characters, messages up "
                f"to {TEXT_MAX}. Shorten it and try again; you can add more later by DM."
            )
        guild_id = int(found["guild"])
        try:
            await service.submit(
                interaction,
                guild_id=guild_id,
                style=style,
                title=title,
                text=text,
                later=found["later"] is not None,
            )
        except NotInServer:
            await service.forget_checkin_home(interaction.user.id, guild_id)
            raise
    elif found := _REPLY.fullmatch(custom_id):
        text = (submitted_value(components, "reply") or "").strip()[:REPLY_MAX]
        await submit_reply(service, interaction, int(found["id"]), text)
    else:
        raise UserFacingError(STALE_FORM)


async def submit_reply(
    service: SupportService, interaction: discord.Interaction[Any], request_id: int, text: str
) -> None:
    """A responder's Reply-form answer: by DM to the requester, and a copy in the thread.

    What the responder is told rests on both results, so nobody hears "it's in the thread"
    when it is not, or "their DMs are closed" when Discord refused the message itself.
    """
    request = await service.bot.store.support_request(request_id)
    if request is None or not request.is_open:
        raise UserFacingError(GONE)
    if not text:
        raise UserFacingError("Your reply is empty — write something and send it again.")
    config = await service.bot.store.support_config(request.guild_id)
    refusal = service.reply_refusal(request, config, interaction)
    if refusal is not None:
        raise UserFacingError(refusal)
    name = getattr(interaction.user, "display_name", interaction.user.name)
    await interaction.response.defer(ephemeral=True, thinking=True)
    by_dm = await service.relay_to_requester(request, name, text)
    thread = await service.thread_of(request)
    header = f"**{name}** replied with the Reply button:\n"
    copied = await send_to(
        thread, relay_message(header, text, []), what="a Reply-button copy into a thread"
    )
    # Active listening judges the answer as the responder's reply (bot/core/bridges.py).
    listener = service.bot.reply_listener
    if copied.sent and thread is not None and listener is not None:
        await listener.observe_reply(thread.id, interaction.user.id, text)
    await interaction.followup.send(reply_result(request.pseudonym, by_dm, copied), ephemeral=True)


def reply_result(pseudonym: str, by_dm: Outcome, copied: Outcome) -> str:
    """What the responder is told after the Reply form, from both deliveries."""
    if by_dm.sent and copied.sent:
        return f"Sent to **{pseudonym}** by DM, and copied into the thread."
    if by_dm.sent:
        return (
            f"Sent to **{pseudonym}** by DM. I couldn't copy it into the thread "
            "(it may have been removed, or I can't post there any more)."
        )
    why = why_not_to_requester(by_dm)
    if copied.sent:
        return f"Your reply is in the thread, but it couldn't reach them by DM: {why}."
    return f"I couldn't deliver your reply, by DM or in the thread: {why}. Nothing was sent."
