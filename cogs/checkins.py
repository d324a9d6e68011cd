"""/checkin: private "how are you, really?" DMs at each member's own time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checkins import texts as text
from bot.checkins.delivery import (
    KIND,
    CheckinHandler,
    DmsClosed,
    send_checkin,
)
from bot.checkins.views import DYNAMIC_ITEMS, handle_note_submit, is_note_submit
from bot.core.cooldown import Cooldown
from bot.core.errors import UserFacingError, reporting_errors
from bot.core.privacy import DataArea
from bot.core.sealing import SealingError
from bot.core.timezones import timezone_autocomplete
from bot.schedule.rules import (
    Rule,
    local_date_for,
    parse_days,
    parse_time,
    parse_timezone,
)
from bot.store.checkins_schema import SEAL_NOTE, member_hash, note_binding

if TYPE_CHECKING:
    from bot.app import KindredBot
    from bot.store.schedule import Schedule

log = logging.getLogger(__name__)

COMMAND_GAP = timedelta(minutes=10)
COMMAND_BURST = 3

RETENTION = timedelta(days=365)
SWEEP_EVERY = timedelta(hours=6)
DEFAULT_TIME = "18:00"
DEFAULT_DAY = "sun"
Frequency = Literal["daily", "weekly"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class CheckinsCog(commands.GroupCog, group_name="checkin"):
    """Private check-ins by DM, for members who opt in."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        self._sweeper: asyncio.Task[None] | None = None
        # Members to tell about closed DMs, mirrored in memory so that the notice hook, which
        # runs after every command of every member, costs no database query.
        self._notice_due: set[int] = set()
        # /checkin now sends a DM each time: a few in a row, then a pause (in memory only).
        self._now_cooldown = Cooldown(COMMAND_GAP, lambda: bot.clock(), allowed=COMMAND_BURST)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.interaction_handlers.append(self.on_interaction)
        bot = self.bot
        self._notice_due = set(await bot.store.checkin_notices_due())
        bot.engine.register(KIND, CheckinHandler(bot, self._notice_due.add))
        bot.add_dynamic_items(*DYNAMIC_ITEMS)
        bot.privacy.register(
            DataArea("checkins", self.export_member, self.forget_member, self.forget_guild)
        )
        bot.member_notices.append(self.closed_dms_notice)
        bot.status_sources.append(self.status_fields)
        self._sweeper = asyncio.create_task(self._sweep_loop())

    async def cog_unload(self) -> None:
        with contextlib.suppress(ValueError):
            self.bot.interaction_handlers.remove(self.on_interaction)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.privacy.unregister("checkins")
        with contextlib.suppress(ValueError):
            self.bot.member_notices.remove(self.closed_dms_notice)
        with contextlib.suppress(ValueError):
            self.bot.status_sources.remove(self.status_fields)
        if self._sweeper is not None:
            self._sweeper.cancel()

    async def status_fields(self, guild_id: int) -> list[tuple[str, str]]:
        """For /kindred status: how many members check in from here (counts only)."""
        members, paused = await self.bot.store.checkin_counts_for_guild(guild_id)
        if not members:
            return [("Check-ins", "No one has started check-ins from this server.")]
        text = f"{members} member{'s' if members != 1 else ''} check in privately from here"
        if paused:
            text += f"; {paused} paused because their DMs are closed"
        return [("Check-ins", text + ".")]

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if is_note_submit(interaction):
            async with reporting_errors(interaction, where="check-in note"):
                await handle_note_submit(interaction)

    # -- commands ----------------------------------------------------------------

    @app_commands.command(name="start", description="Get a private check-in by DM, daily or weekly")
    @app_commands.describe(
        frequency="daily or weekly (default weekly)",
        time="Your local time, HH:MM or like 6pm (default 18:00)",
        timezone="Your timezone (default: this server's prompt timezone, else UTC)",
        day="For weekly check-ins: the day (default sun)",
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction[Any],
        frequency: Frequency | None = None,
        time: str | None = None,
        timezone: str | None = None,
        day: Day | None = None,
    ) -> None:
        """Get a private check-in by DM at your own time; run again to change it."""
        bot = self.bot
        member_id = interaction.user.id
        existing = await self._schedule(member_id)
        rule = await self._rule(interaction, existing, frequency, time, timezone, day)
        member = await bot.store.save_checkin_member(member_id, interaction.guild_id, bot.clock())
        self._notice_due.discard(member_id)
        schedule = await bot.engine.save_schedule(
            kind=KIND,
            rule=rule,
            guild_id=None,  # a member's own: /kindred forget-server leaves it alone
            member_id=member_id,
            # The home server lives only in the member row, which forget-server clears; a copy
            # in the schedule's payload would outlive it (and was never read).
        )
        verb = "updated" if existing is not None else "on"
        lines = [
            f"Check-ins {verb}: {text.describe_rule(rule.days, rule.hhmm, rule.timezone)}.",
            f"The next one arrives {text.next_line(schedule.next_due_at)} by DM — only you see "
            "it and your answers.",
        ]
        if interaction.guild_id is not None:
            lines.append('"I\'d like to talk" opens an anonymous support request in this server.')
        elif member.home_guild_id is None:
            lines.append('Run this once in a server so "I\'d like to talk" knows where to ask.')
        lines.append("`/checkin stop` ends them at any time.")
        await interaction.response.send_message(" ".join(lines), ephemeral=True)

    @app_commands.command(name="stop", description="Stop your check-ins at once")
    async def stop(self, interaction: discord.Interaction[Any]) -> None:
        """Stop your check-ins at once (your past answers stay until you ask to forget them)."""
        schedule = await self._schedule(interaction.user.id)
        if schedule is None:
            await interaction.response.send_message(text.NOT_SUBSCRIBED, ephemeral=True)
            return
        await self.bot.engine.delete(schedule.id)
        await self.bot.store.delete_checkin_member(interaction.user.id)
        self._notice_due.discard(interaction.user.id)
        await interaction.response.send_message(
            "Check-ins stopped — no more DMs from me about them. Your past answers stay for "
            "`/checkin history` until you use `/kindred forget-me` (or for 365 days).",
            ephemeral=True,
        )

    @app_commands.command(name="now", description="Send me a check-in right now")
    async def now(self, interaction: discord.Interaction[Any]) -> None:
        """Send me a check-in by DM right now."""
        bot = self.bot
        if not self._now_cooldown.take(interaction.user.id):
            raise UserFacingError(
                "You've asked for a few check-ins just now. Take a breath: you can ask again in "
                "a few minutes."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        schedule = await self._schedule(interaction.user.id)
        zone_rule = schedule.rule if schedule is not None else Rule(parse_time("00:00"), "UTC")
        local_date = local_date_for(zone_rule, bot.clock())
        try:
            await send_checkin(bot, interaction.user.id, local_date, requested=True)
        except DmsClosed:
            # Told here and now, so the after-command notice need not repeat it.
            self._notice_due.discard(interaction.user.id)
            await bot.store.take_checkin_notice(interaction.user.id)
            raise UserFacingError(text.DMS_CLOSED.format(command="/checkin now")) from None
        more = (
            "" if schedule is not None else " `/checkin start` sends them regularly, if you like."
        )
        await interaction.followup.send(f"Sent — check your DMs from me.{more}", ephemeral=True)

    @app_commands.command(name="history", description="Your own recent moods, privately")
    async def history(self, interaction: discord.Interaction[Any]) -> None:
        """Your own recent check-in answers, trend and streaks — only you see this."""
        bot = self.bot
        member_id = interaction.user.id
        schedule = await self._schedule(member_id)
        member = await bot.store.checkin_member(member_id)
        deliveries = await bot.store.checkin_deliveries_for(
            member_hash(bot.sealer, member_id), limit=120
        )
        zone = schedule.rule.zone if schedule is not None else Rule(parse_time("00:00"), "UTC").zone
        embed = text.history_embed(
            deliveries,
            bot.library.checkins.moods,
            zone,
            bot.clock(),
            self._subscription_line(schedule, member is not None and member.unreachable_at),
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # -- helpers -------------------------------------------------------------------

    async def _schedule(self, member_id: int) -> Schedule | None:
        return await self.bot.store.find_schedule(KIND, guild_id=None, member_id=member_id)

    async def _rule(
        self,
        interaction: discord.Interaction[Any],
        existing: Schedule | None,
        frequency: str | None,
        time: str | None,
        timezone: str | None,
        day: str | None,
    ) -> Rule:
        """Options given win; otherwise the member's current subscription; then defaults."""
        old = existing.rule if existing is not None else None
        try:
            local_time = parse_time(time) if time else (old.local_time if old else None)
            if local_time is None:
                local_time = parse_time(DEFAULT_TIME)
            if timezone:
                zone_name = parse_timezone(timezone)
            elif old is not None:
                zone_name = old.timezone
            else:
                zone_name = await self._server_timezone(interaction.guild_id)
            if frequency is None:
                daily_before = old is not None and old.days == "*"
                frequency = "daily" if daily_before and day is None else "weekly"
            if frequency == "daily":
                days = "*"
            else:
                fallback = old.days if old is not None and old.days != "*" else DEFAULT_DAY
                days = parse_days(day or fallback)
        except ValueError as exc:
            raise UserFacingError(str(exc)) from None
        return Rule(local_time, zone_name, days, quiet_hours=True)

    async def _server_timezone(self, guild_id: int | None) -> str:
        if guild_id is not None:
            prompt = await self.bot.store.find_schedule("prompt", guild_id=guild_id)
            if prompt is not None:
                return prompt.rule.timezone
        return "UTC"

    def _subscription_line(self, schedule: Schedule | None, unreachable: object) -> str:
        if schedule is None:
            return "Off — `/checkin start` turns them on."
        rule = schedule.rule
        described = text.describe_rule(rule.days, rule.hhmm, rule.timezone)
        if unreachable:
            return (
                f"{described} — paused: your DMs are closed to me. "
                "Allow them, then `/checkin start`."
            )
        return f"{described}; next {text.next_line(schedule.next_due_at)}"

    # -- core hooks ----------------------------------------------------------------

    async def closed_dms_notice(self, user_id: int) -> str | None:
        if user_id not in self._notice_due:
            return None
        self._notice_due.discard(user_id)
        if await self.bot.store.take_checkin_notice(user_id):
            return "Your check-ins are paused. " + text.DMS_CLOSED.format(command="/checkin start")
        return None

    async def export_member(self, user_id: int) -> Any:
        bot = self.bot
        member = await bot.store.checkin_member(user_id)
        answers = []
        for d in await bot.store.checkin_deliveries_for(member_hash(bot.sealer, user_id)):
            note: str | None = None
            if d.note_sealed is not None:
                try:
                    note = bot.sealer.open(
                        d.note_sealed, purpose=SEAL_NOTE, bind=note_binding(d.id, d.member)
                    )
                except SealingError:
                    note = "(sealed with an earlier key; it can no longer be opened)"
            answers.append(
                {
                    "date": d.day.isoformat(),
                    "sent_on": d.sent_on.isoformat(),
                    "kind": d.source,
                    "mood": d.mood,
                    "skipped": d.skipped,
                    "answered_on": None if d.answered_on is None else d.answered_on.isoformat(),
                    "note": note,
                }
            )
        return {
            "subscription": None
            if member is None
            else {
                "home_server_id": member.home_guild_id,
                "dms_closed_since": None
                if member.unreachable_at is None
                else member.unreachable_at.isoformat(),
            },
            "check_ins": answers,
        }

    async def forget_member(self, user_id: int) -> int:
        # The schedule row itself is the core "schedules" area's; deleting it here too keeps
        # forget-me complete whatever order the areas run in.
        deleted = 0
        schedule = await self._schedule(user_id)
        if schedule is not None and await self.bot.engine.delete(schedule.id):
            deleted += 1
        self._notice_due.discard(user_id)
        return deleted + await self.bot.store.forget_checkins(
            user_id, member_hash(self.bot.sealer, user_id)
        )

    async def forget_home_server(self, member_id: int, guild_id: int) -> bool:
        """API for the support cog: the member left ``guild_id`` (or Kindred did), so "I'd like
        to talk" stops opening requests there. True if it was their home server."""
        return await self.bot.store.clear_checkin_home_of(member_id, guild_id)

    async def forget_guild(self, guild_id: int) -> int:
        # Check-ins belong to members, not servers: only the link to this server goes.
        return await self.bot.store.clear_checkin_home_guild(guild_id)

    async def sweep(self) -> int:
        await self.bot.store.delete_checkin_members_without_schedule()
        deleted = await self.bot.store.delete_checkins_before(self.bot.clock() - RETENTION)
        if deleted:
            log.info("deleted %d check-in answers older than 365 days", deleted)
        return deleted

    async def _sweep_loop(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("check-in retention sweep failed; will try again")
            await asyncio.sleep(SWEEP_EVERY.total_seconds())


async def setup(bot: KindredBot) -> None:
    await bot.add_cog(CheckinsCog(bot))
