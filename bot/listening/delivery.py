"""Giving active-listening nudges and weekly tips on Discord: the cog's sending half.

Everything here sends; deciding what earns a nudge is :mod:`bot.listening_tracker`'s job, and
what a nudge says is :mod:`bot.listening_nudges`'. Rate limits are claimed in the store before
the Discord call (one statement, so concurrent replies cannot both pass), with ``bot.clock()``.
A nudge is never retried: a member with closed DMs (50007) simply gets none. Logs hold ids and
error codes only, never message text or who shared.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.core.discord_codes import DMS_CLOSED
from bot.listening.nudges import (
    DM_TITLE,
    FOOTER,
    TIP_TITLE,
    Limits,
    NudgeTexts,
    dm_nudge_text,
)
from bot.listening.tracker import Nudge
from bot.schedule.jobs import (
    Delivered,
    DeliveryResult,
    DueJob,
    Failed,
)

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

WEEKLY_TIP_KIND = "listening_tip"
EMBED_COLOUR = discord.Colour.from_rgb(129, 178, 154)
# How far before the due time to look for a weekly tip already posted (after a crash).
_HISTORY_SLACK = timedelta(minutes=5)


def tip_embed(text: str, footer: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=TIP_TITLE, description=text, colour=EMBED_COLOUR)
    if footer:
        embed.set_footer(text=footer)
    return embed


def weekly_tip_footer(job: DueJob) -> str:
    # The visible marker already_delivered looks for: one weekly tip per local date.
    return f"Weekly listening tip · {job.local_date:%a %d %b}"


class NudgeSender:
    """Delivers the nudges the tracker found, in the watched channel's mode."""

    def __init__(self, bot: KindredBot, texts: NudgeTexts) -> None:
        self.bot = bot
        self.texts = texts

    async def deliver(
        self, nudge: Nudge, *, mode: str, place: Any, guild: discord.Guild, limits: Limits
    ) -> bool:
        """Give ``nudge`` (True if something was sent). ``place`` is the channel or thread the
        reply was in."""
        store = self.bot.store
        now = self.bot.clock()
        if await store.use_listening_mute(nudge.replier_id, now):
            return False  # held back: the mute is in use, so it is kept (MUTE_RETENTION)
        if mode == "dm":
            if not await store.claim_member_nudge(
                guild.id, nudge.replier_id, nudge.kind, now, limits.member_gap
            ):
                return False
            return await self._dm(nudge, place, guild)
        if mode == "channel":
            if not await store.claim_channel_nudge(
                guild.id, place.id, nudge.kind, now, limits.channel_gap
            ):
                return False
            return await self._note(place, guild)
        return False

    async def _dm(self, nudge: Nudge, place: Any, guild: discord.Guild) -> bool:
        # A thread's name may be a support requester's pseudonym: name its parent instead.
        where = getattr(place, "parent", None) or place
        embed = discord.Embed(
            title=DM_TITLE,
            description=dm_nudge_text(
                self.texts.nudge(nudge.kind), server=guild.name, channel=where.name
            ),
            colour=EMBED_COLOUR,
        )
        embed.set_footer(text=FOOTER)
        try:
            dm = await self.bot.create_dm(discord.Object(id=nudge.replier_id))
            await dm.send(embed=embed)
        except discord.Forbidden as exc:
            if exc.code == DMS_CLOSED:
                log.info(
                    "listening nudge dropped in server %s: the member's DMs are closed", guild.id
                )
            else:
                log.warning("listening nudge refused in server %s: code %s", guild.id, exc.code)
            return False
        except discord.HTTPException as exc:
            log.warning("listening nudge failed in server %s: code %s", guild.id, exc.code)
            return False
        log.info("listening nudge (%s) sent by DM in server %s", nudge.kind, guild.id)
        return True

    async def _note(self, place: Any, guild: discord.Guild) -> bool:
        try:
            await place.send(self.texts.channel_note())
        except discord.HTTPException as exc:
            log.warning(
                "listening note failed in server %s channel %s: code %s",
                guild.id,
                place.id,
                exc.code,
            )
            return False
        log.info("listening note posted in server %s channel %s", guild.id, place.id)
        return True


class WeeklyTipHandler:
    """The engine's handler for ``listening_tip`` rows: one tip embed a week in a channel."""

    def __init__(self, bot: KindredBot, texts: NudgeTexts) -> None:
        self.bot = bot
        self.texts = texts

    async def _channel(self, job: DueJob) -> Any:
        channel_id = job.schedule.channel_id
        if channel_id is None:
            return None
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden):
                return None
        return channel

    async def deliver(self, job: DueJob) -> DeliveryResult:
        channel = await self._channel(job)
        if channel is None or not hasattr(channel, "send"):
            return Failed("the weekly-tip channel is gone or hidden from Kindred", pause=True)
        embed = tip_embed(self.texts.tip_for_week(job.local_date), weekly_tip_footer(job))
        try:
            message = await channel.send(
                embed=embed, nonce=job.nonce, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.Forbidden as exc:
            return Failed(f"Kindred may not post in that channel (code {exc.code})", pause=True)
        except discord.NotFound:
            return Failed("the weekly-tip channel is gone", pause=True)
        except discord.HTTPException as exc:
            return Failed(f"Discord answered {exc.status} (code {exc.code})")
        return Delivered(message.id)

    async def already_delivered(self, job: DueJob) -> bool:
        # Discord does not echo nonces in history: look for our own tip with this date's footer.
        channel = await self._channel(job)
        if channel is None or not hasattr(channel, "history"):
            return False
        marker = weekly_tip_footer(job)
        me = self.bot.user
        async for message in channel.history(limit=50, after=job.due_at - _HISTORY_SLACK):
            if me is not None and message.author.id == me.id:
                for embed in message.embeds:
                    if embed.footer and embed.footer.text == marker:
                        return True
        return False
