"""What ``/prompt status`` and ``/kindred status`` say about a server's daily prompt.

``/prompt status`` is open to every member, so it never names a channel in plain text
(failures use ``<#id>`` mentions, which Discord renders for each viewer, so a private
channel stays unnamed to those who cannot see it) and shows the last post's text and
link only to members who can see the channel it went to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.core.clock import relative
from bot.prompts.posting import EMBED_COLOUR, days_label, local_when
from bot.prompts.selection import LadderRule, trailing_streak
from bot.prompts.service import KIND, PromptService
from bot.store.prompts import PromptSettings

if TYPE_CHECKING:
    from bot.app import KindredBot


def can_see(channel: Any, member: Any) -> bool:
    """Whether ``member`` may read ``channel``; False when either is unknown."""
    if not isinstance(member, discord.Member) or channel is None:
        return False
    permissions_for = getattr(channel, "permissions_for", None)
    if permissions_for is None:
        return False
    perms = permissions_for(member)
    return bool(perms.view_channel and perms.read_message_history)


async def depth_line(service: PromptService, settings: PromptSettings) -> str:
    rule = LadderRule(**settings.ladder())
    kind, length = trailing_streak(await service.ladder_history(settings), rule)
    line = f"**{settings.depth}** (deepest allowed: {settings.max_depth})"
    if kind == "engaged" and settings.depth != settings.max_depth:
        line += f" · {length} of {rule.step_up_after} lively posts in a row toward going deeper"
    elif kind == "quiet" and settings.depth != "light":
        line += f" · {length} of {rule.step_down_after} quiet posts in a row toward lighter ones"
    return line


async def last_post_line(service: PromptService, guild: discord.Guild | None, viewer: Any) -> str:
    """The last post; its question and link only if ``viewer`` can see its channel."""
    bot = service.bot
    guild_id = guild.id if guild is not None else 0
    post = await bot.store.last_prompt_post(guild_id)
    if post is None or post.posted_at is None:
        return "Nothing posted yet."
    now = bot.clock()
    when = "just now" if post.posted_at >= now else relative(post.posted_at, now)
    line = f"{when} in <#{post.channel_id}>"
    channel = guild.get_channel(post.channel_id) if guild is not None else None
    if can_see(channel, viewer):
        prompt = await service.find_prompt(guild_id, post.prompt_id)
        if prompt is not None:
            line += f" — “{prompt.text}”"
    line += f" ({post.replies} replies from {post.repliers} people)"
    if can_see(channel, viewer):
        line += (
            f" [open](https://discord.com/channels/{guild_id}/{post.channel_id}/{post.message_id})"
        )
    return line[:1024]


async def status_embed(
    service: PromptService, guild: discord.Guild | None, guild_id: int, viewer: Any
) -> discord.Embed:
    """The ``/prompt status`` answer for ``viewer``."""
    bot = service.bot
    now = bot.clock()
    schedule = await bot.store.find_schedule(KIND, guild_id=guild_id)
    settings = await service.settings(guild_id)
    embed = discord.Embed(title="Daily prompts", colour=EMBED_COLOUR)
    if schedule is None:
        embed.add_field(
            name="Schedule",
            value="Not scheduled. A member with Manage Server can set one with `/prompt schedule`.",
            inline=False,
        )
    else:
        rule = schedule.rule
        embed.add_field(
            name="Schedule",
            value=f"<#{schedule.channel_id}> at {rule.hhmm} {days_label(rule.days)} "
            f"({rule.timezone})",
            inline=False,
        )
        if schedule.paused or schedule.next_due_at is None:
            next_line = "Paused." + (f" {settings.pause_reason}" if settings.pause_reason else "")
            next_line += " `/prompt resume` restarts it."
        else:
            next_line = (
                f"{local_when(schedule.next_due_at, rule.timezone)} · "
                f"{relative(schedule.next_due_at, now)}"
            )
        embed.add_field(name="Next post", value=next_line, inline=False)
    embed.add_field(name="Depth", value=await depth_line(service, settings), inline=False)
    embed.add_field(
        name="Last post", value=await last_post_line(service, guild, viewer), inline=False
    )
    failure = (
        f"{relative(settings.last_failure_at, now)}: {settings.last_failure}"
        if settings.last_failure and settings.last_failure_at
        else "None."
    )
    embed.add_field(name="Last failure", value=failure[:1024], inline=False)
    return embed


async def status_fields(bot: KindredBot, guild_id: int) -> list[tuple[str, str]]:
    """The daily prompt's line in ``/kindred status``."""
    schedule = await bot.store.find_schedule(KIND, guild_id=guild_id)
    settings = await bot.store.get_prompt_settings(guild_id)
    if schedule is None and settings is None:
        return [("Daily prompts", "Not scheduled yet: `/prompt schedule` sets one up.")]
    parts: list[str] = []
    if schedule is None:
        parts.append("not scheduled")
    else:
        parts.append(
            f"<#{schedule.channel_id}> at {schedule.rule.hhmm} ({schedule.rule.timezone})"
            + (" — paused" if schedule.paused else "")
        )
    if settings is not None:
        parts.append(f"depth {settings.depth}")
        if settings.pause_reason and schedule is not None and schedule.paused:
            parts.append(settings.pause_reason)
        if settings.last_failure and settings.last_failure_at:
            parts.append(
                f"last failure {relative(settings.last_failure_at, bot.clock())}: "
                f"{settings.last_failure}"
            )
    return [("Daily prompts", " · ".join(parts))]
