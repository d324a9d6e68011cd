"""Sending check-in DMs: the engine's handler for kind ``checkin`` and ``/checkin now``.

A check-in row is written before the DM (its id goes into the buttons) and dropped
again only if Discord definitely refused the DM (a 4xx). On anything else (a 5xx, a
timeout, a cancellation) the DM may have arrived, so the row stays with no message id:
``already_delivered`` links it to the DM it finds, and its buttons keep working. Discord's
50007 (DMs closed) pauses the schedule and marks the member unreachable, so no retries
follow.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import discord

from bot.checkins import texts as text
from bot.checkins.views import checkin_view
from bot.core.discord_codes import DMS_CLOSED as DMS_CLOSED_CODE
from bot.schedule.jobs import (
    Delivered,
    DeliveryResult,
    DueJob,
    Failed,
)
from bot.store.checkins_schema import member_hash

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

KIND = "checkin"
# already_delivered looks at the DM history from a little before the due time.
_HISTORY_SLACK = timedelta(minutes=5)


class DmsClosed(Exception):
    """Discord answered 50007: the member does not accept DMs from the bot."""


@dataclass(frozen=True)
class Sent:
    delivery_id: int
    message: discord.Message


async def send_checkin(
    bot: KindredBot,
    member_id: int,
    local_date: date,
    *,
    requested: bool,
    nonce: str | None = None,
    posted: Callable[[int], Awaitable[None]] | None = None,
) -> Sent:
    """DM one check-in; :class:`DmsClosed` on 50007, other HTTP errors propagate."""
    now = bot.clock()
    source = "now" if requested else "scheduled"
    delivery_id = await bot.store.start_checkin_delivery(
        member_hash(bot.sealer, member_id), source, None if requested else local_date, now
    )
    section = bot.library.checkins
    embed = text.checkin_embed(
        text.question_for(section.questions, delivery_id), local_date, requested=requested
    )
    try:
        channel = await bot.create_dm(discord.Object(id=member_id))
        view = checkin_view(delivery_id, list(section.moods))
        if nonce is None:
            message = await channel.send(embed=embed, view=view)
        else:
            message = await channel.send(embed=embed, view=view, nonce=nonce)
    except discord.HTTPException as exc:
        if 400 <= exc.status < 500:  # refused: nothing was sent, the row would point nowhere
            await bot.store.discard_checkin_delivery(delivery_id)
            if exc.code == DMS_CLOSED_CODE:
                raise DmsClosed() from None
        raise
    if posted is not None:  # the engine's ledger first: a restart then never asks history
        await posted(message.id)
    await bot.store.set_checkin_message(delivery_id, message.id)
    return Sent(delivery_id, message)


class CheckinHandler:
    """What the engine calls for due ``checkin`` schedules."""

    def __init__(
        self, bot: KindredBot, on_unreachable: Callable[[int], None] | None = None
    ) -> None:
        self.bot = bot
        self.on_unreachable = on_unreachable

    async def deliver(self, job: DueJob) -> DeliveryResult:
        member_id = job.schedule.member_id
        if member_id is None:
            return Failed("a check-in schedule without a member", pause=True)
        try:
            sent = await send_checkin(
                self.bot,
                member_id,
                job.local_date,
                requested=False,
                nonce=job.nonce,
                posted=job.posted,
            )
        except DmsClosed:
            await self.bot.store.mark_checkin_unreachable(member_id, self.bot.clock())
            if self.on_unreachable is not None:
                self.on_unreachable(member_id)
            # Paused: a member with closed DMs gets no retries, only a notice next time they
            # use a command, and /checkin start to restart.
            return Failed("the member's DMs are closed (50007)", pause=True)
        except discord.HTTPException as exc:
            return Failed(f"Discord answered {exc.status} (code {exc.code})")
        return Delivered(sent.message.id)

    async def finish(self, job: DueJob, message_id: int) -> DeliveryResult:
        """The DM ``message_id`` is out (the process stopped before its row knew): link them."""
        member_id = job.schedule.member_id
        if member_id is not None:
            unsent = await self.bot.store.unsent_checkin(
                member_hash(self.bot.sealer, member_id), job.local_date
            )
            if unsent is not None:
                await self.bot.store.set_checkin_message(unsent.id, message_id)
        return Delivered(message_id)

    async def already_delivered(self, job: DueJob) -> bool:
        """Discord does not return nonces in history: look for our footer for that date."""
        member_id = job.schedule.member_id
        if member_id is None or self.bot.user is None:
            return False
        marker = text.footer_for(job.local_date, requested=False)
        channel = await self.bot.create_dm(discord.Object(id=member_id))
        after = job.due_at - _HISTORY_SLACK
        async for message in channel.history(limit=50, after=after):
            if message.author.id != self.bot.user.id:
                continue
            if any(e.footer.text == marker for e in message.embeds):
                unsent = await self.bot.store.unsent_checkin(
                    member_hash(self.bot.sealer, member_id), job.local_date
                )
                if unsent is not None:
                    await self.bot.store.set_checkin_message(unsent.id, message.id)
                return True
        return False
