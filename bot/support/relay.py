"""Relays both ways: a responder's words to the requester's DM, the requester's into the thread.

Files go as bytes (``carry.py``), never as links: a requester's DM attachment's URL names their
DM channel. Every author in the thread is treated the same way, so nothing Kindred does (or
leaves undone) singles the requester out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.core.sealing import SealingError, new_row_id
from bot.store.support import SupportConfig, SupportRequest
from bot.store.support_schema import SEAL_PENDING, pending_binding, pending_lookup
from bot.support import carry
from bot.support.crisis import crisis_text
from bot.support.names import relay_body, relay_header, relay_message
from bot.support.sending import Outcome, requester_note, send_to, thread_note
from bot.support.views import pick_view, requester_controls
from bot.support.withdrawal import Withdrawals

log = logging.getLogger(__name__)

SLOW_DOWN = (
    "⏳ That's a lot of messages in a short time, so I'm pausing passing them on for a few "
    "minutes. Nothing after this one reaches the thread until then."
)
OWN_POST_WARNING = (
    "You just wrote in the thread of your request **{pseudonym}** from your own account, so "
    "people there can see that message under your name. To stay anonymous, answer here in our "
    "DMs: I pass it on under your pseudonym."
)


class Relays(Withdrawals):
    """Passing messages (and files) between a request's thread and its requester."""

    async def relay_to_requester(
        self,
        request: SupportRequest,
        responder: str,
        text: str,
        files: list[discord.File] | None = None,
        note: str = "",
    ) -> Outcome:
        header = f"💬 **{responder[:80]}** answered your request **{request.pseudonym}**:\n"
        body = relay_message(header, text, [])
        if note and len(body) + len(note) + 1 <= 2000:
            body = f"{body}\n{note}"
        outcome = await send_to(
            self.requester_dm(request),
            body,
            view=requester_controls(request.id),
            files=files,
            what="a DM to a requester",
        )
        if outcome.sent:
            await self.bot.store.touch_support_request(request.id, self.bot.clock())
        return outcome

    async def relay_to_thread(
        self, request: SupportRequest, text: str, files: list[discord.File] | None = None
    ) -> Outcome:
        thread = await self.thread_of(request)
        header = relay_header(request.pseudonym)
        outcome = await send_to(
            thread,
            relay_message(header, text, []),
            files=files,
            what="an answer into a support thread",
        )
        relayed = outcome.sent and thread is not None
        if relayed:
            await self.bot.store.touch_support_request(request.id, self.bot.clock())
        # Whether or not the words reached the thread, a crisis gets its resources at once.
        await self.care_for_requester(request, text, thread if relayed else None)
        return outcome

    async def care_for_requester(
        self, request: SupportRequest, text: str, thread: discord.Thread | None
    ) -> None:
        """If ``text`` from a requester may point to a crisis: the resources to them by DM, and
        a note in ``thread`` (where their words were posted) for the responders."""
        crisis = self.bot.crisis.assess(text)
        if crisis is None:
            return
        config = await self.bot.store.support_config(request.guild_id)
        if thread is not None:
            await self.alerter.alert_in_thread(thread, config)
        own = config.resources if config else None
        resources = self.bot.crisis.resources_for(crisis, own)
        await self._dm(self.requester_dm(request), crisis_text(resources))

    def reply_refusal(
        self,
        request: SupportRequest,
        config: SupportConfig | None,
        interaction: discord.Interaction[Any],
    ) -> str | None:
        """Why ``interaction`` may not answer ``request`` (None: it may). Only from the request's
        server, on its post or in its thread, and by a responder: a Reply button or form that
        turns up anywhere else (a forged id, a DM) reaches nobody."""
        if interaction.guild_id != request.guild_id or not isinstance(
            interaction.user, discord.Member
        ):
            return "You can answer a support request only in its own server."
        if interaction.channel_id not in {request.channel_id, request.thread_id}:
            return "Answer a support request from its post or its thread."
        if not self.is_responder(config, interaction.user):
            role = (
                interaction.guild.get_role(config.responder_role_id or 0)
                if (interaction.guild and config)
                else None
            )
            return (
                "Only responders"
                + (f" (the **{role.name}** role)" if role else "")
                + " can reply to support requests in this server."
            )
        return None

    def is_responder(self, config: SupportConfig | None, member: Any) -> bool:
        if config is None or config.responder_role_id is None:
            return True
        return any(r.id == config.responder_role_id for r in getattr(member, "roles", []))

    async def on_thread_message(self, message: discord.Message) -> None:
        request = await self.bot.store.support_request_by_thread(message.channel.id)
        if request is None or request.status == "withdrawing":
            await self.note_gone_request(message)
            return
        if not request.is_open:
            return
        if not message.content and not message.attachments:
            return  # no message-content intent: the Reply button carries replies instead
        config = await self.bot.store.support_config(request.guild_id)
        if not self.is_responder(config, message.author):
            return
        name = message.author.display_name
        if self.is_requester(request, message.author.id):
            # The requester wrote in their own thread, under their own name. They are warned
            # by DM; and the thread sees exactly what any other post would get, so a missing
            # "couldn't pass that on" note never points at them.
            outcome = await self.dm_outcome(
                self.requester_dm(request), OWN_POST_WARNING.format(pseudonym=request.pseudonym)
            )
        elif not self._relays.take(("to-requester", request.id, message.author.id)):
            if self._warnings.take(("to-requester", request.id, message.author.id)):
                await self.say(
                    message.channel,
                    f"⏳ **{name}**, that's a lot of messages at once: I'll pass more on to them "
                    "in a few minutes.",
                )
            return
        else:
            carried = await carry.from_responder(message.attachments, carry.DM_LIMIT)
            note = carry.requester_side_note(name, carried) if carried.refused else ""
            outcome = await self.relay_to_requester(
                request, name, message.content, carried.files, note
            )
            if outcome.sent and carried.refused:
                await self.say(message.channel, carry.responder_refusal_note(name, carried))
        if not outcome.sent:
            await self.say(message.channel, thread_note(outcome))

    async def on_requester_dm(self, message: discord.Message) -> None:
        open_requests = await self.requests_of(message.author.id, open_only=True)
        if not open_requests or (not message.content and not message.attachments):
            return
        if len(open_requests) == 1:
            await self._deliver_dm(
                message.channel, open_requests[0], message.content, message.attachments
            )
            return
        # Which request? The words wait sealed for a day; files are fetched again from this
        # DM (by its message id) once the member has chosen.
        held = json.dumps(
            {"text": relay_body(message.content, [], limit=1800), "message": message.id}
        )
        pending_id = new_row_id()
        lookup = pending_lookup(self.bot.sealer, pending_id, message.author.id)
        sealed = self.bot.sealer.seal(
            held, purpose=SEAL_PENDING, bind=pending_binding(pending_id, lookup)
        )
        pending = await self.bot.store.add_support_pending(
            pending_id, lookup, sealed, self.bot.clock()
        )
        await self._dm(
            message.channel,
            f"You have {len(open_requests)} open requests. Which one is this message for?",
            view=pick_view(pending, open_requests[:20]),
        )

    async def _deliver_dm(
        self,
        dm: discord.abc.Messageable,
        request: SupportRequest,
        text: str,
        attachments: Sequence[discord.Attachment] = (),
    ) -> bool:
        if not self._relays.take(("to-thread", request.id)):
            if self._warnings.take(("to-thread", request.id)):
                await self._dm(dm, SLOW_DOWN)
            # Paused relays never pause crisis care: the resources still go at once.
            await self.care_for_requester(request, text, None)
            return False
        limit = carry.guild_limit(self.bot, request.guild_id)
        carried = await carry.from_requester(attachments, limit)
        if not text.strip() and not carried.files:
            outcome = Outcome.SENT  # nothing could be passed on; both sides are told below
        else:
            outcome = await self.relay_to_thread(request, text, carried.files)
        if carried.refused and outcome.sent:
            await self.say_in_thread(request, carry.thread_refusal_note(request.pseudonym, carried))
            await self._dm(dm, carry.requester_refusal_note(carried, limit))
        if outcome.sent and (text.strip() or carried.files):
            await self._dm(dm, f"✓ Passed on to the thread of **{request.pseudonym}**.")
            return True
        if not outcome.sent:
            await self._dm(dm, requester_note(outcome))
        return False

    async def say_in_thread(self, request: SupportRequest, content: str) -> None:
        thread = await self.thread_of(request)
        if thread is not None:
            await self.say(thread, content)

    async def deliver_pending(
        self, dm: discord.abc.Messageable, pending_id: int, request: SupportRequest
    ) -> bool:
        pending = await self.bot.store.take_support_pending(pending_id)
        if pending is None:
            return False
        try:
            held = json.loads(
                self.bot.sealer.open(
                    pending.sealed_text,
                    purpose=SEAL_PENDING,
                    bind=pending_binding(pending.id, pending.lookup),
                )
            )
            text, message_id = str(held["text"]), int(held["message"])
        except (SealingError, ValueError, KeyError, TypeError):
            await self._dm(dm, "I couldn't pass that message on; please send it again.")
            return False
        attachments: list[discord.Attachment] = []
        try:
            original = await dm.fetch_message(message_id)
            attachments = original.attachments
        except discord.HTTPException:
            pass  # deleted since: its words still go, as written
        return await self._deliver_dm(dm, request, text, attachments)
