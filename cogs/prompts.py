"""/prompt: the daily conversation prompt, its schedule, depth ladder and suggestions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import guild_only, manage_messages_only, manage_server_only
from bot.core.clock import relative
from bot.core.cooldown import Cooldown
from bot.core.errors import UserFacingError, reporting_errors
from bot.core.library import CATEGORIES, DEPTHS, PROMPT_MAX
from bot.core.privacy import DataArea
from bot.core.timezones import timezone_autocomplete
from bot.prompts.posting import days_label, local_when, missing_permissions
from bot.prompts.review import (
    SUGGESTION_MIN,
    ReviewButton,
    clean_suggestion,
    handle_edit_form,
    is_edit_form,
    review_card,
)
from bot.prompts.selection import LadderRule
from bot.prompts.service import (
    KIND,
    REPLIER_PURPOSE,
    PostFailed,
    PromptDelivery,
    PromptService,
)
from bot.prompts.status import status_embed, status_fields
from bot.schedule.rules import (
    Rule,
    parse_days,
    parse_time,
    parse_timezone,
)

if TYPE_CHECKING:
    from bot.app import KindredBot
    from bot.store.schedule import Schedule

log = logging.getLogger(__name__)

SUGGEST_LIMIT = 3  # suggestions per member per server per 24 hours
# Reply markers are kept for a post's first day only: pruning hourly deletes them within
# the hour after it ends.
PRUNE_EVERY = timedelta(hours=1)
CATEGORY_CHOICES = [app_commands.Choice(name=c, value=c) for c in CATEGORIES]
DEPTH_CHOICES = [app_commands.Choice(name=d, value=d) for d in DEPTHS]


def _checked_channel(
    channel: discord.abc.GuildChannel | discord.Thread | Any, me: discord.Member
) -> discord.TextChannel:
    """A text channel Kindred may post prompts and threads in, or a UserFacingError."""
    if not isinstance(channel, discord.TextChannel):
        raise UserFacingError(
            "Prompts go in a text channel (not a thread, forum or voice channel)."
        )
    missing = missing_permissions(channel.permissions_for(me))
    if missing:
        raise UserFacingError(
            f"I can't post prompts in {channel.mention}: I'm missing "
            f"**{', '.join(missing)}** there. Give Kindred's role those permissions in the "
            "channel's settings, then try again."
        )
    return channel


class PromptsCog(commands.GroupCog, group_name="prompt"):
    """Daily conversation prompts that deepen as the group does."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        self.service = PromptService(bot)
        self._pruner: asyncio.Task[None] | None = None
        # The daily limit counts suggestions in the store, and here too, in memory: forget-me
        # deletes the stored ones, which must not reset the limit.
        self._suggestions = Cooldown(timedelta(days=1), lambda: bot.clock(), allowed=SUGGEST_LIMIT)
        super().__init__()

    # -- wiring -----------------------------------------------------------------------

    async def cog_load(self) -> None:
        self.bot.message_handlers.append(self.on_message)
        self.bot.interaction_handlers.append(self.on_interaction)
        bot = self.bot
        bot.engine.register(KIND, PromptDelivery(self.service))
        bot.add_dynamic_items(ReviewButton)
        bot.status_sources.append(self._status_fields)
        bot.setup_hints.append(
            "`/prompt schedule channel time timezone` — a daily conversation prompt with a "
            "thread for replies"
        )
        bot.privacy.register(
            DataArea("prompts", self._export_member, self._forget_member, self._forget_guild)
        )
        await self.service.load_tracked()
        self._pruner = asyncio.create_task(self._prune_loop())

    async def cog_unload(self) -> None:
        with contextlib.suppress(ValueError):
            self.bot.message_handlers.remove(self.on_message)
        with contextlib.suppress(ValueError):
            self.bot.interaction_handlers.remove(self.on_interaction)
        if self._pruner is not None:
            self._pruner.cancel()
        self.bot.remove_dynamic_items(ReviewButton)
        self.bot.privacy.unregister("prompts")

    async def _prune_loop(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            try:
                await self.service.prune()
            except Exception:
                log.exception("pruning prompt data failed; will try again")
            await asyncio.sleep(PRUNE_EVERY.total_seconds())

    async def _export_member(self, user_id: int) -> Any:
        member_hash = self.bot.sealer.keyed_hash(REPLIER_PURPOSE, user_id)
        return {
            "suggestions": [
                s.describe() for s in await self.bot.store.suggestions_by_member(user_id)
            ],
            # Kept for a prompt thread's first day, to count distinct repliers (no text).
            "prompt_threads_with_your_reply_marker": await self.bot.store.prompt_replies_by(
                member_hash
            ),
        }

    async def _forget_member(self, user_id: int) -> int:
        member_hash = self.bot.sealer.keyed_hash(REPLIER_PURPOSE, user_id)
        return await self.bot.store.forget_prompt_member(user_id, member_hash)

    async def _forget_guild(self, guild_id: int) -> int:
        self.service.forget_guild(guild_id)  # its threads count toward nothing any more
        return await self.bot.store.forget_prompt_guild(guild_id)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # The review's Edit form is handled here by its custom id, not by an in-memory Modal,
        # so a form opened before a restart still submits (bot/prompts/review.py).
        if is_edit_form(interaction):
            async with reporting_errors(interaction, where="prompt edit form"):
                await handle_edit_form(interaction)

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot:
            return
        try:
            await self.service.note_message(message)
        except Exception:
            log.exception("counting a prompt-thread reply failed")

    # -- schedule -----------------------------------------------------------------------

    @app_commands.command(name="schedule", description="Set or change the daily prompt (admins)")
    @app_commands.describe(
        channel="Where the prompt is posted (each gets a thread for replies)",
        time="Local time, like 09:00, 9am or 9:30pm",
        timezone="Your server's timezone, like Europe/Berlin",
        days="daily, weekdays, weekends or a list like mon,wed,fri",
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @manage_server_only()
    async def schedule(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        days: str = "daily",
    ) -> None:
        """Set or change the daily prompt (Manage Server)."""
        guild = interaction.guild
        assert guild is not None  # manage_server_only refuses DMs
        try:
            rule = Rule(parse_time(time), parse_timezone(timezone), parse_days(days))
        except ValueError as exc:
            raise UserFacingError(str(exc)) from None
        target = _checked_channel(guild.get_channel(channel.id) or channel, guild.me)
        await self.service.settings(guild.id)
        saved = await self.bot.engine.save_schedule(
            kind=KIND, rule=rule, guild_id=guild.id, channel_id=target.id
        )
        await self.bot.store.set_prompt_pause_reason(guild.id, None, self.bot.clock())
        assert saved.next_due_at is not None  # saved unpaused
        await interaction.response.send_message(
            f"Daily prompt set: {target.mention} at **{rule.hhmm}** {days_label(rule.days)} "
            f"({rule.timezone}). The next one is {local_when(saved.next_due_at, rule.timezone)}, "
            f"{relative(saved.next_due_at, self.bot.clock())}.",
            ephemeral=True,
        )

    async def _schedule_or_refuse(self, guild_id: int) -> Schedule:
        schedule = await self.bot.store.find_schedule(KIND, guild_id=guild_id)
        if schedule is None:
            raise UserFacingError(
                "There is no daily prompt here yet. Set one with `/prompt schedule`."
            )
        return schedule

    @app_commands.command(name="pause", description="Pause the daily prompt (admins)")
    @manage_server_only()
    async def pause(self, interaction: discord.Interaction[Any]) -> None:
        """Pause the daily prompt (Manage Server)."""
        assert interaction.guild_id is not None
        schedule = await self._schedule_or_refuse(interaction.guild_id)
        if schedule.paused:
            raise UserFacingError(
                "The daily prompt is already paused. `/prompt resume` restarts it."
            )
        await self.bot.engine.pause(schedule.id)
        await interaction.response.send_message(
            "The daily prompt is paused. `/prompt resume` starts it again.", ephemeral=True
        )

    @app_commands.command(name="resume", description="Restart the paused daily prompt (admins)")
    @manage_server_only()
    async def resume(self, interaction: discord.Interaction[Any]) -> None:
        """Restart the paused daily prompt (Manage Server)."""
        guild = interaction.guild
        assert guild is not None
        schedule = await self._schedule_or_refuse(guild.id)
        if not schedule.paused:
            raise UserFacingError("The daily prompt isn't paused.")
        channel = guild.get_channel(schedule.channel_id or 0)
        if channel is None:
            raise UserFacingError(
                "The prompt channel no longer exists. Pick another with `/prompt schedule`."
            )
        _checked_channel(channel, guild.me)
        resumed = await self.bot.engine.resume(schedule.id)
        await self.bot.store.set_prompt_pause_reason(guild.id, None, self.bot.clock())
        assert resumed is not None and resumed.next_due_at is not None
        await interaction.response.send_message(
            "The daily prompt is back on. The next one is "
            f"{local_when(resumed.next_due_at, resumed.rule.timezone)}, "
            f"{relative(resumed.next_due_at, self.bot.clock())}.",
            ephemeral=True,
        )

    # -- status -------------------------------------------------------------------------

    @app_commands.command(name="status", description="When the next prompt comes, and how deep")
    @guild_only()
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """When the next prompt comes, how deep prompts are, and the last post."""
        assert interaction.guild_id is not None
        embed = await status_embed(
            self.service, interaction.guild, interaction.guild_id, interaction.user
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _status_fields(self, guild_id: int) -> list[tuple[str, str]]:
        return await status_fields(self.bot, guild_id)

    # -- posting now ----------------------------------------------------------------------

    @app_commands.command(name="now", description="Post a prompt here, now (moderators)")
    @app_commands.describe(
        category="Which habit: open, listen, support or together",
        depth="How personal: light, medium or deep",
    )
    @app_commands.choices(category=CATEGORY_CHOICES, depth=DEPTH_CHOICES)
    @manage_messages_only()
    async def now(
        self,
        interaction: discord.Interaction[Any],
        category: app_commands.Choice[str] | None = None,
        depth: app_commands.Choice[str] | None = None,
    ) -> None:
        """Post a prompt with its thread in this channel (Manage Messages)."""
        guild = interaction.guild
        assert guild is not None
        channel = _checked_channel(interaction.channel, guild.me)
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = await self.service.settings(guild.id)
        try:
            prompt, message = await self.service.post_now(
                channel,
                depth=depth.value if depth else settings.depth,
                category=category.value if category else None,
            )
        except PostFailed as exc:
            await self.service.fail(guild.id, str(exc))
            raise UserFacingError(f"I couldn't post the prompt: {exc}") from None
        await interaction.followup.send(
            f"Posted in {channel.mention}: “{prompt.text}” ({prompt.category}, {prompt.depth}). "
            f"{message.jump_url}",
            ephemeral=True,
        )

    # -- suggestions ----------------------------------------------------------------------

    @app_commands.command(name="suggest", description="Suggest a prompt for this server")
    @app_commands.describe(
        text="Your prompt: an open question anyone could answer",
        category="Which habit it fits (moderators can change it)",
    )
    @app_commands.choices(category=CATEGORY_CHOICES)
    @guild_only()
    async def suggest(
        self,
        interaction: discord.Interaction[Any],
        text: app_commands.Range[str, SUGGESTION_MIN, PROMPT_MAX],
        category: app_commands.Choice[str] | None = None,
    ) -> None:
        """Suggest a prompt; moderators review it with /prompt review."""
        assert interaction.guild_id is not None
        now = self.bot.clock()
        cleaned = clean_suggestion(text)
        recent = await self.bot.store.count_suggestions_since(
            interaction.guild_id, interaction.user.id, now - timedelta(days=1)
        )
        if recent >= SUGGEST_LIMIT or not self._suggestions.take(
            (interaction.guild_id, interaction.user.id)
        ):
            raise UserFacingError(
                f"You've made {SUGGEST_LIMIT} suggestions in the last day — thank you! "
                "Please wait a little before suggesting more."
            )
        await self.bot.store.add_suggestion(
            guild_id=interaction.guild_id,
            member_id=interaction.user.id,
            text=cleaned,
            category=category.value if category else "open",
            now=now,
        )
        await interaction.response.send_message(
            f"Thank you! Your suggestion “{cleaned}” is waiting for the moderators' review "
            "(if nobody reviews it within 90 days, it is deleted).",
            ephemeral=True,
        )

    @app_commands.command(name="review", description="Review members' prompt suggestions (admins)")
    @manage_server_only()
    async def review(self, interaction: discord.Interaction[Any]) -> None:
        """Approve, edit or reject suggested prompts, one at a time (Manage Server)."""
        assert interaction.guild_id is not None
        card = await review_card(self.bot, interaction.guild_id)
        present = {k: v for k, v in card.items() if v is not None}
        await interaction.response.send_message(ephemeral=True, **present)

    # -- the ladder -------------------------------------------------------------------------

    @app_commands.command(name="depth", description="How prompts deepen with the group (admins)")
    @app_commands.describe(
        max_depth="The deepest prompts this server gets",
        step_up_after="Lively posts in a row before going one level deeper",
        step_down_after="Quiet posts in a row before going one level lighter",
        engaged_repliers="A lively post has at least this many people replying…",
        engaged_replies="…and at least this many replies in its first day",
        quiet_replies="A quiet post has at most this many replies in its first day",
    )
    @app_commands.choices(max_depth=DEPTH_CHOICES)
    @manage_server_only()
    async def depth(
        self,
        interaction: discord.Interaction[Any],
        max_depth: app_commands.Choice[str] | None = None,
        step_up_after: app_commands.Range[int, 1, 30] | None = None,
        step_down_after: app_commands.Range[int, 1, 30] | None = None,
        engaged_repliers: app_commands.Range[int, 1, 100] | None = None,
        engaged_replies: app_commands.Range[int, 1, 500] | None = None,
        quiet_replies: app_commands.Range[int, 0, 100] | None = None,
    ) -> None:
        """Show or change the depth ladder (Manage Server)."""
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        settings = await self.service.settings(guild_id)
        changes: dict[str, int | str] = {
            name: value
            for name, value in (
                ("max_depth", max_depth.value if max_depth else None),
                ("step_up_after", step_up_after),
                ("step_down_after", step_down_after),
                ("engaged_repliers", engaged_repliers),
                ("engaged_replies", engaged_replies),
                ("quiet_replies", quiet_replies),
            )
            if value is not None
        }
        try:
            rule = LadderRule(**{**settings.ladder(), **changes})
        except ValueError as exc:
            raise UserFacingError(f"That ladder can't work: {exc}.") from None
        now = self.bot.clock()
        await self.bot.store.update_prompt_ladder(guild_id, now, **changes)
        if DEPTHS.index(settings.depth) > DEPTHS.index(rule.max_depth):
            await self.bot.store.set_prompt_depth(guild_id, rule.max_depth, now)
        current = await self.service.settings(guild_id)
        await interaction.response.send_message(
            ("Saved. " if changes else "")
            + f"Prompts are **{current.depth}** now and go no deeper than **{rule.max_depth}**. "
            f"After {rule.step_up_after} lively posts in a row (at least {rule.engaged_repliers} "
            f"people and {rule.engaged_replies} replies in the thread's first day) they go one "
            f"level deeper; after {rule.step_down_after} quiet ones (at most "
            f"{rule.quiet_replies} replies) one level lighter.",
            ephemeral=True,
        )


async def setup(bot: KindredBot) -> None:
    await bot.add_cog(PromptsCog(bot))
