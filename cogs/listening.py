"""/listening: gentle active-listening reminders where a server turned them on.

The cog watches the channels a server chose (and threads under them, which covers Kindred's
prompt and support threads), feeds each message to the in-memory tracker, and hands the
nudges it finds to :class:`bot.listening_cog_delivery.NudgeSender`. It needs the privileged
message-content intent; without it, it stays quiet and /kindred status says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import manage_server_only
from bot.core.errors import UserFacingError
from bot.core.privacy import DataArea
from bot.core.timezones import timezone_autocomplete
from bot.listening.crisis import CrisisWatch
from bot.listening.delivery import (
    WEEKLY_TIP_KIND,
    NudgeSender,
    WeeklyTipHandler,
    tip_embed,
)
from bot.listening.detector import DetectionConfig
from bot.listening.handoff import SUPPORT_SHARER, SupportThreads
from bot.listening.nudges import Limits, NudgeTexts, missing_post_permissions
from bot.listening.threads import read_thread_post
from bot.listening.tracker import ListeningTracker
from bot.schedule.rules import (
    DAY_FULL_NAMES,
    Rule,
    parse_days,
    parse_time,
    parse_timezone,
)
from bot.store.listening import MARKER_RETENTION, MUTE_RETENTION

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

PAUSED = "paused — needs the message-content intent"
MODE_WORDS = {"dm": "a private DM to the replier", "channel": "a generic note in the channel"}
PRUNE_EVERY = timedelta(hours=6)
# Kindred's latest own posts this cog has finished with (tests wait on it instead of sleeping)
_OWN_HANDLED_MAX = 64


class ListeningCog(commands.GroupCog, group_name="listening"):
    """Active-listening reminders: notice when a share is met with fixing, nudge gently."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        self.texts = NudgeTexts(bot.library.listening.nudges, bot.library.listening.tips)
        self.tracker = ListeningTracker(DetectionConfig.from_library(bot.library))
        self.sender = NudgeSender(bot, self.texts)
        # channel id -> (guild id, mode); the watched channels, loaded at start
        self._watched: dict[int, tuple[int, str]] = {}
        self._limits: dict[int, Limits] = {}
        self.threads = SupportThreads(bot, self.tracker)
        self.crisis = CrisisWatch(bot)
        self._pruner: asyncio.Task[None] | None = None
        # members' messages this cog has finished with (tests wait on it instead of sleeping)
        self.handled = 0
        self.handled_own: deque[int] = deque(maxlen=_OWN_HANDLED_MAX)
        super().__init__()

    # -- lifecycle -------------------------------------------------------------------------

    async def cog_load(self) -> None:
        self.bot.message_handlers.append(self.on_message)
        self.bot.interaction_handlers.append(self.on_interaction)
        for row in await self.bot.store.listening_channels():
            self._watched[row.channel_id] = (row.guild_id, row.mode)
        self.bot.engine.register(WEEKLY_TIP_KIND, WeeklyTipHandler(self.bot, self.texts))
        self.bot.status_sources.append(self.status_fields)
        self.bot.privacy.register(
            DataArea(
                "listening",
                self.bot.store.export_listening_member,
                self.bot.store.forget_listening_member,
                self._forget_guild,
            )
        )
        self.bot.setup_hints.append(
            "`/listening setup mode [channel]` — gentle reminders to listen before fixing"
        )
        self._pruner = asyncio.create_task(self._prune_loop())

    async def cog_unload(self) -> None:
        with contextlib.suppress(ValueError):
            self.bot.message_handlers.remove(self.on_message)
        with contextlib.suppress(ValueError):
            self.bot.interaction_handlers.remove(self.on_interaction)
        if self._pruner is not None:
            self._pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruner
        with contextlib.suppress(ValueError):
            self.bot.status_sources.remove(self.status_fields)
        self.bot.privacy.unregister("listening")

    async def _prune_loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                await self.prune()
            except Exception:
                log.exception("pruning listening markers failed; will try again")
            await asyncio.sleep(PRUNE_EVERY.total_seconds())

    async def prune(self) -> int:
        """Delete nudge markers older than 7 days and mutes unused for a year (DESIGN.md's
        retention table)."""
        now = self.bot.clock()
        pruned: int = await self.bot.store.prune_listening_markers(now - MARKER_RETENTION)
        if pruned:
            log.info("pruned %d listening markers", pruned)
        mutes: int = await self.bot.store.prune_listening_mutes(now - MUTE_RETENTION)
        if mutes:
            log.info("deleted %d listening mutes unused for %s", mutes, MUTE_RETENTION)
        return pruned + mutes

    async def _forget_guild(self, guild_id: int) -> int:
        for channel_id in [c for c, (g, _) in self._watched.items() if g == guild_id]:
            del self._watched[channel_id]
        self._limits.pop(guild_id, None)
        count: int = await self.bot.store.forget_listening_guild(guild_id)
        return count

    async def status_fields(self, guild_id: int) -> list[tuple[str, str]]:
        if not self.bot.message_content_enabled:
            return [("Active listening", PAUSED)]
        watched = sorted((c, m) for c, (g, m) in self._watched.items() if g == guild_id)
        if not watched:
            return [("Active listening", "off (`/listening setup mode [channel]` turns it on)")]
        limits = await self._limits_for(guild_id)
        since = self.bot.clock() - MARKER_RETENTION
        given = len(await self.bot.store.listening_markers_since(guild_id, since))
        lines = [f"<#{c}>: {MODE_WORDS[m]}" for c, m in watched]
        lines.append(f"Limits: {limits.describe()}.")
        lines.append(f"Nudges in the last 7 days: {given}.")
        return [("Active listening", "\n".join(lines))]

    async def _limits_for(self, guild_id: int) -> Limits:
        limits = self._limits.get(guild_id)
        if limits is None:
            limits = Limits.of(await self.bot.store.listening_limits(guild_id))
            self._limits[guild_id] = limits
        return limits

    # -- listening -------------------------------------------------------------------------

    def _watch_for(self, channel: Any) -> tuple[int, str] | None:
        found = self._watched.get(channel.id)
        if found is None and isinstance(channel, discord.Thread) and channel.parent_id:
            found = self._watched.get(channel.parent_id)
        return found

    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        try:
            await self._on_message(message)
        finally:
            if me is None or message.author.id != me.id:
                self.handled += 1
            else:
                self.handled_own.append(message.id)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # A Reply-button answer's echo in the thread names the responder but holds no id: the
        # form's submit does, so remember it until the echo arrives.
        if self.bot.message_content_enabled:
            self.threads.expect_answer(interaction)

    async def _on_message(self, message: discord.Message) -> None:
        if not self.bot.message_content_enabled or message.guild is None:
            return
        if message.webhook_id is not None:
            return
        watch = self._watch_for(message.channel)
        if watch is None:
            return
        me = self.bot.user
        own = me is not None and message.author.id == me.id
        if message.author.bot and not own:
            return
        if not own:
            await self.crisis.check(message)
        style = await self.threads.style_of(message.channel)
        if own:
            # Only Kindred's posts in a support thread can carry someone's words.
            if style is not None:
                await self._on_own_post(message, style, mode=watch[1])
            return
        if style is not None:
            await self.threads.prime(message.channel, style, seen_at=message.created_at)
        reference = message.reference
        await self._judge(
            message.channel,
            message.guild,
            message_id=message.id,
            author_id=message.author.id,
            text=message.content,
            reply_to=reference.message_id if reference is not None else None,
            advice_welcome=style == "advice",
            mode=watch[1],
        )

    async def _on_own_post(self, message: discord.Message, style: str, *, mode: str) -> None:
        post = read_thread_post(message.content or "")
        if post is None:
            return  # Kindred's own note (crisis note, relay failure, close…): nobody's words
        thread, guild = message.channel, message.guild
        assert guild is not None
        # the request itself (the thread's starter) comes first, then what follows it
        await self.threads.prime(thread, style, seen_at=message.created_at)
        if post.kind == "requester":
            self.tracker.observe(
                channel_id=thread.id,
                message_id=message.id,
                author_id=SUPPORT_SHARER,
                text=post.text,
                at=self.bot.clock(),
                reply_to=None,
                advice_welcome=style == "advice",
            )
            return
        answer = self.threads.answer_in(thread.id, post)
        if answer is None:
            return  # a responder we cannot name: skipped, never read as the requester
        await self._judge(
            thread,
            guild,
            message_id=message.id,
            author_id=answer.author_id,
            text=answer.text,
            reply_to=None,
            advice_welcome=style == "advice",
            mode=mode,
        )

    async def observe_reply(
        self, thread_id: int, author_id: int, text: str, *, message_id: int | None = None
    ) -> None:
        """Judge a responder's Reply-button answer in a support thread as ``author_id``'s reply.

        The support feature calls this after posting the answer in the thread (``message_id``:
        that post, if it has it). Each answer is judged once, whether this call or the post's
        arrival comes first; outside watched support threads it does nothing.
        """
        if not self.bot.message_content_enabled or not text.strip():
            return
        thread = await self.threads.thread(thread_id)
        if thread is None or thread.guild is None:
            return
        watch = self._watch_for(thread)
        style = await self.threads.style_of(thread) if watch is not None else None
        if watch is None or style is None:
            return
        if not self.threads.first_judgement(thread_id, author_id, text):
            return
        seen_at = discord.utils.snowflake_time(message_id) if message_id else discord.utils.utcnow()
        await self.threads.prime(thread, style, seen_at=seen_at)
        await self._judge(
            thread,
            thread.guild,
            message_id=message_id or self.threads.synthetic_id(),
            author_id=author_id,
            text=text.strip(),
            reply_to=None,
            advice_welcome=style == "advice",
            mode=watch[1],
        )

    async def _judge(
        self,
        place: Any,
        guild: discord.Guild,
        *,
        message_id: int,
        author_id: int,
        text: str,
        reply_to: int | None,
        advice_welcome: bool,
        mode: str,
    ) -> None:
        """Feed one reply to the tracker and deliver the nudges it earns."""
        if not text:
            return
        nudges = self.tracker.observe(
            channel_id=place.id,
            message_id=message_id,
            author_id=author_id,
            text=text,
            at=self.bot.clock(),
            reply_to=reply_to,
            advice_welcome=advice_welcome,
        )
        if not nudges:
            return
        limits = await self._limits_for(guild.id)
        for nudge in nudges:
            try:
                await self.sender.deliver(nudge, mode=mode, place=place, guild=guild, limits=limits)
            except Exception:
                log.exception("giving a listening nudge failed in server %s", guild.id)

    # -- commands --------------------------------------------------------------------------

    @app_commands.command(name="setup", description="Turn listening reminders on or off here")
    @app_commands.describe(
        mode="dm: a private note to the replier; channel: a note here naming no one; off",
        channel="The channel to watch (threads under it too); default: this one",
        member_limit_hours="At most one DM nudge per member every this many hours (default 24)",
        channel_limit_minutes="At most one note per channel every this many minutes (default 60)",
    )
    @manage_server_only()
    async def setup_(
        self,
        interaction: discord.Interaction[Any],
        mode: Literal["dm", "channel", "off"],
        channel: discord.TextChannel | None = None,
        member_limit_hours: app_commands.Range[int, 1, 168] | None = None,
        channel_limit_minutes: app_commands.Range[int, 10, 1440] | None = None,
    ) -> None:
        """Turn listening reminders on (dm or channel) or off for a channel (Manage Server)."""
        guild = interaction.guild
        assert guild is not None  # manage_server_only refuses DMs
        target: Any = channel or interaction.channel
        if isinstance(target, discord.Thread):
            raise UserFacingError(
                "Run this in the channel itself (or pick it with `channel`): threads under a "
                "watched channel are watched too."
            )
        if target is None or not isinstance(target, discord.TextChannel):
            raise UserFacingError("Pick a text channel with the `channel` option.")
        store, now = self.bot.store, self.bot.clock()
        limits = await self._limits_for(guild.id)
        if member_limit_hours is not None or channel_limit_minutes is not None:
            stored = await store.set_listening_limits(
                guild.id,
                now,
                member_gap=None
                if member_limit_hours is None
                else timedelta(hours=member_limit_hours),
                channel_gap=None
                if channel_limit_minutes is None
                else timedelta(minutes=channel_limit_minutes),
            )
            limits = self._limits[guild.id] = Limits.of(stored)
        if mode == "off":
            removed = await store.remove_listening_channel(target.id)
            self._watched.pop(target.id, None)
            text = (
                f"Listening reminders are off in {target.mention}."
                if removed
                else f"Listening reminders were not on in {target.mention}; nothing changed."
            )
        else:
            await store.set_listening_channel(guild.id, target.id, mode, now)
            self._watched[target.id] = (guild.id, mode)
            text = (
                f"Listening reminders are on in {target.mention} and its threads: when someone "
                f"shares something personal and a reply rushes to fix, shrink it or change the "
                f"subject, Kindred sends {MODE_WORDS[mode]}.\nLimits: {limits.describe()}."
            )
            perms = target.permissions_for(guild.me)
            if mode == "channel" and not (perms.send_messages and perms.send_messages_in_threads):
                text += "\n⚠ Kindred cannot post in that channel yet: give it Send Messages there."
        if not self.bot.message_content_enabled:
            text += (
                "\n⚠ The message-content intent is off, so Kindred cannot read messages and stays "
                "quiet. Enable it under Developer Portal → Bot → Privileged Gateway Intents."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="mute", description="Turn listening nudges to you off, or back on")
    async def mute(self, interaction: discord.Interaction[Any]) -> None:
        """Turn listening nudges to you off, or back on, in every server."""
        store, member = self.bot.store, interaction.user.id
        muted = not await store.listening_muted(member)
        await store.set_listening_muted(member, muted, self.bot.clock())
        text = (
            "Muted: Kindred won't send you listening nudges, in any server. "
            "Run `/listening mute` again to turn them back on. The mute lasts until then or "
            "`/kindred forget-me`; if it holds back no nudge for a whole year, Kindred forgets it."
            if muted
            else "Unmuted: Kindred may send you an occasional listening nudge again."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="tip", description="A tip for listening well")
    async def tip(self, interaction: discord.Interaction[Any]) -> None:
        """Show a tip for listening well (only you see it)."""
        await interaction.response.send_message(embed=tip_embed(self.texts.tip()), ephemeral=True)

    @app_commands.command(
        name="weekly-tip", description="Post a listening tip every week in a channel, or stop"
    )
    @app_commands.describe(
        day="The day of the week, or off to stop the weekly tip",
        channel="Where to post; default: this channel",
        time="Local time, HH:MM (24 h) or like 9am; default 10:00",
        timezone="IANA timezone, like Europe/Berlin; default UTC",
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @manage_server_only()
    async def weekly_tip(
        self,
        interaction: discord.Interaction[Any],
        day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "off"],
        channel: discord.TextChannel | None = None,
        time: str = "10:00",
        timezone: str = "UTC",
    ) -> None:
        """Post a listening tip every week in a channel, or stop (Manage Server)."""
        guild = interaction.guild
        assert guild is not None
        engine, store = self.bot.engine, self.bot.store
        existing = await store.find_schedule(WEEKLY_TIP_KIND, guild_id=guild.id)
        if day == "off":
            if existing is not None:
                await engine.delete(existing.id)
            text = "The weekly listening tip is off." if existing else "There was no weekly tip."
            await interaction.response.send_message(text, ephemeral=True)
            return
        target: Any = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise UserFacingError("Pick a text channel with the `channel` option.")
        # Refuse now rather than save a schedule whose first delivery fails and pauses.
        missing = missing_post_permissions(target.permissions_for(guild.me))
        if missing:
            raise UserFacingError(
                f"Kindred can't post the tip in {target.mention}: give it "
                f"{' and '.join(missing)} there, then run this again."
            )
        try:
            rule = Rule(parse_time(time), parse_timezone(timezone), parse_days(day))
        except ValueError as exc:
            raise UserFacingError(str(exc)) from None
        schedule = await engine.save_schedule(
            kind=WEEKLY_TIP_KIND, rule=rule, guild_id=guild.id, channel_id=target.id
        )
        assert schedule.next_due_at is not None
        await interaction.response.send_message(
            f"A listening tip will be posted in {target.mention} every {DAY_FULL_NAMES[day]} at "
            f"{rule.hhmm} "
            f"({rule.timezone}); the first "
            f"{discord.utils.format_dt(schedule.next_due_at, 'R')}.",
            ephemeral=True,
        )


async def setup(bot: KindredBot) -> None:
    await bot.add_cog(ListeningCog(bot))
