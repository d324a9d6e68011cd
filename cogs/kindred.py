"""/kindred: help, privacy, my data, forgetting, and the health of the bot in a server."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.buttons import KindredButton, make_button
from bot.core.checks import guild_only, manage_server_only, require_manage_server
from bot.core.clock import relative
from bot.core.cooldown import Cooldown
from bot.core.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

COMMAND_GAP = timedelta(minutes=10)
COMMAND_BURST = 3

EMBED_COLOUR = discord.Colour.from_rgb(120, 144, 156)
# What each scheduler row kind is called in /kindred status.
KIND_LABELS = {
    "prompt": "Daily prompt",
    "listening_tip": "Weekly listening tip",
    "checkin": "Check-in",
}


def privacy_text(retention_days: int) -> str:
    return (
        "**What Kindred stores, why, and for how long**\n"
        "• **Support requests** and the sealed (encrypted) id of who asked — so replies can reach "
        f"them — kept until {retention_days} days after the request closes; a request idle for "
        "14 days closes itself. Who asked is never stored in plain text or logged, and each "
        "request has its own lookup token, so not even a copy of the database shows which "
        "requests one member made. `/kindred forget-me` removes who asked at once; each "
        "request's post is then edited to remove your words at its own random time within 6 "
        "hours, so the edits don't tie your requests together. What can still link your "
        "requests: how you write, a request appearing soon after you were online, and "
        "rate-limit markers (below).\n"
        "• **Support blocks** (a keyed hash of server and member) — a year.\n"
        "• **Check-in answers and notes** — so you can see your own trend; notes are sealed, "
        "answers kept by date (not time) under a keyed hash of you, not your id. Kept until you "
        "use `/kindred forget-me`, or 365 days.\n"
        "• **Prompt suggestions** — 90 days after a moderator reviews them; one nobody reviews "
        "is deleted 90 days after it was made.\n"
        "• **Listening markers** (who was nudged when, never message text) — 7 days.\n"
        "• **Listening mutes** — until you unmute or forget yourself; a mute that holds back no "
        "nudge for a year is forgotten.\n"
        "• **Schedules** — a server's stay until an admin changes them or the server's data is "
        "deleted; your check-in schedule, paused because your DMs are closed, is deleted after "
        "90 days paused.\n"
        "• **Support rate-limit markers** (a keyed hash and a time rounded to the hour, nothing "
        "readable) — 24 to 25 hours, even after forget-me, so the daily limit holds. Request "
        "times are kept to the hour too.\n"
        "• **Delivery ledger** (which scheduled post went out when, so nothing is posted twice) "
        "— 90 days, and deleted with its schedule.\n"
        "• **A server's data after Kindred leaves it** — 30 days, then deleted "
        "(`/kindred forget-server` deletes it at once).\n\n"
        "**Crisis care.** When something you write to Kindred (a support request, a DM to a "
        "request, a check-in note) may point to a crisis, Kindred offers you resources "
        "privately. If a server turns on crisis checks, messages in the channels active "
        "listening watches are checked too: the writer gets a DM, never a public reply; if "
        "their DMs are closed (or the server turned on alerts), moderators get a note in the "
        "support channel with a link to the message. An anonymous request's alert names only "
        "its pseudonym. Nothing about the message or the check is stored; the one-alert-per-"
        "half-hour limit lives only in memory.\n\n"
        "`/kindred my-data` gives you a file of everything stored about you (including your "
        "check-in schedule and every delivery of it); "
        "`/kindred forget-me` deletes it."
    )


def _stored_items(value: Any) -> int:
    """How many stored values ``value`` holds: empty lists and dicts, None, False, "" and a
    count of 0 hold none."""
    if isinstance(value, dict):
        return sum(_stored_items(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(_stored_items(v) for v in value)
    return 0 if value is None or value is False or value == "" or value == 0 else 1


class ForgetServerButton(
    KindredButton,
    template=r"kindred:forget-server:(?P<guild_id>[0-9]{1,20})",
):
    """The confirm button of /kindred forget-server; works after a restart too."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            make_button(
                f"kindred:forget-server:{guild_id}",
                "Delete all of this server's Kindred data",
                style=discord.ButtonStyle.danger,
            )
        )
        self.guild_id = guild_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls(int(match["guild_id"]))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id != self.guild_id:
            await interaction.response.send_message(
                "This button belongs to another server.", ephemeral=True
            )
            return
        # Permissions are checked again at click time: the button may be old.
        require_manage_server(interaction)
        # Deleting a big server's data can take longer than Discord's 3-second deadline.
        await interaction.response.defer()
        bot: KindredBot = interaction.client
        counts = await bot.forget_server(self.guild_id)
        await bot.store.guild_joined(self.guild_id, bot.clock())
        total = sum(counts.values())
        await interaction.edit_original_response(
            content=f"Done. Deleted all of this server's Kindred data ({total} records). "
            "Kindred stays in the server with nothing configured.",
            view=None,
        )


class KindredCog(commands.GroupCog, group_name="kindred"):
    """Help, privacy and health."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        # my-data reads every table for every server: a few in a row, then a pause.
        self._my_data_cooldown = Cooldown(COMMAND_GAP, lambda: bot.clock(), allowed=COMMAND_BURST)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ForgetServerButton)
        self.bot.setup_hints.append("`/kindred status` — check that everything is working")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ForgetServerButton)

    @app_commands.command(name="help", description="How to use Kindred")
    async def help_(self, interaction: discord.Interaction[Any]) -> None:
        """How to use Kindred."""
        lines: list[str] = []
        for group in self.bot.tree.get_commands():
            if isinstance(group, app_commands.Group):
                for cmd in group.walk_commands():
                    if isinstance(cmd, app_commands.Command):
                        lines.append(f"`/{cmd.qualified_name}` — {cmd.description}")
            elif isinstance(group, app_commands.Command):
                lines.append(f"`/{group.qualified_name}` — {group.description}")
        embed = discord.Embed(
            title="Kindred",
            description=(
                "Kindred helps this community talk a little more deeply and kindly: "
                "open and honest sharing, good listening, support, time together.\n\n"
                + "\n".join(sorted(lines))
            )[:4096],
            colour=EMBED_COLOUR,
        )
        embed.set_footer(text="Commands for admins check your permissions when you run them.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="privacy", description="What Kindred stores, why and for how long")
    async def privacy(self, interaction: discord.Interaction[Any]) -> None:
        """What Kindred stores, why and for how long."""
        embed = discord.Embed(
            description=privacy_text(self.bot.settings.retention_days), colour=EMBED_COLOUR
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="my-data", description="A file of everything Kindred stores about you"
    )
    async def my_data(self, interaction: discord.Interaction[Any]) -> None:
        """A file of everything Kindred stores about you, only for you."""
        if not self._my_data_cooldown.take(interaction.user.id):
            raise UserFacingError(
                "You've asked for your data a few times just now; the file would be the same. "
                "Try again in a few minutes."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.bot.privacy.export_member(interaction.user.id)
        document = {
            "about": "Everything Kindred stores about you, across every server.",
            "user_id": str(interaction.user.id),
            "generated_at": self.bot.clock().isoformat(),
            "data": data,
        }
        blob = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
        stored = _stored_items(data)
        summary = (
            "Here is everything Kindred stores about you."
            if stored
            else "Kindred stores nothing about you right now. The file shows that."
        )
        await interaction.followup.send(
            summary,
            file=discord.File(io.BytesIO(blob), filename="kindred-my-data.json"),
            ephemeral=True,
        )

    @app_commands.command(
        name="forget-me", description="Delete everything Kindred stores about you"
    )
    async def forget_me(self, interaction: discord.Interaction[Any]) -> None:
        """Delete everything Kindred stores about you, in every server."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        counts = await self.bot.privacy.forget_member(interaction.user.id)
        await self.bot.store.scrub()
        total = sum(counts.values())
        await interaction.followup.send(
            f"Done — deleted {total} record{'s' if total != 1 else ''} about you, in every server. "
            "Check-ins stop, and nothing new is stored unless you use Kindred again. If you had "
            "muted listening nudges, that setting is gone too: `/listening mute` turns them off.",
            ephemeral=True,
        )

    @app_commands.command(name="status", description="Health of Kindred in this server (admins)")
    @manage_server_only()
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """Health of Kindred in this server (Manage Server)."""
        assert interaction.guild is not None  # manage_server_only refuses DMs
        bot = self.bot
        now = bot.clock()
        health = bot.engine.health()
        schedules = await bot.store.schedules_for_guild(interaction.guild.id)
        failures = await bot.store.recent_failures(interaction.guild.id, limit=5)
        size = await bot.store.size_bytes()

        engine_line = (
            f"running; last checked {relative(health.last_tick_at, now)}"
            if health.running and health.last_tick_at
            else ("running" if health.running else "**not running**")
        )
        embed = discord.Embed(title="Kindred status", colour=EMBED_COLOUR)
        embed.add_field(name="Scheduler", value=engine_line, inline=False)
        due_lines = [
            f"{KIND_LABELS.get(s.kind, s.kind)}: {discord.utils.format_dt(s.next_due_at, 'f')} "
            f"({relative(s.next_due_at, now)})"
            for s in schedules
            if s.next_due_at is not None
        ]
        paused = [KIND_LABELS.get(s.kind, s.kind) for s in schedules if s.next_due_at is None]
        if paused:
            due_lines.append("paused: " + ", ".join(paused))
        embed.add_field(
            name="Next scheduled here",
            value="\n".join(due_lines[:10]) or "Nothing scheduled in this server yet.",
            inline=False,
        )
        embed.add_field(
            name="Recent failures",
            value="\n".join(f"{f.kind} · {relative(f.at, now)}: {f.error[:150]}" for f in failures)
            or "None.",
            inline=False,
        )
        degraded = bot.degraded_features()
        embed.add_field(
            name="Features",
            value="\n".join(f"⚠ {d}" for d in degraded) if degraded else "All features available.",
            inline=False,
        )
        for source in bot.status_sources:
            for name, value in await source(interaction.guild.id):
                embed.add_field(name=name, value=value[:1024] or "—", inline=False)
        calls = bot.rest_budget.stats
        embed.add_field(
            name="Discord calls (whole bot, since start)",
            value=(
                f"{calls.calls:,} paced at {bot.rest_budget.rate:g}/s at most "
                f"({calls.scheduled:,} scheduled, which wait behind members' own); "
                f"global rate limits hit: {calls.global_429s}; refused calls "
                f"(401/403/429) in the last 10 min: {calls.invalid_recent}"
            ),
            inline=False,
        )
        embed.add_field(name="Database", value=f"{size / 1024:.0f} KiB", inline=True)
        embed.add_field(name="Servers", value=str(len(bot.guilds)), inline=True)
        if bot.settings.sharding is not None:
            embed.add_field(
                name="Shard",
                value=f"this server: {interaction.guild.shard_id} of {bot.shard_count}; "
                f"this process: {bot.settings.sharding.describe()}",
                inline=True,
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="forget-server", description="Delete all of this server's Kindred data (admins)"
    )
    @manage_server_only()
    @guild_only()
    async def forget_server(self, interaction: discord.Interaction[Any]) -> None:
        """Delete all of this server's Kindred data, after you confirm (Manage Server)."""
        if interaction.guild_id is None:
            raise UserFacingError("This command works in a server, not in DMs.")
        view = discord.ui.View(timeout=None)
        view.add_item(ForgetServerButton(interaction.guild_id))
        await interaction.response.send_message(
            "This deletes **all** of this server's Kindred data at once: schedules, prompt "
            "history, support requests, listening settings and markers. It cannot be undone. "
            "Members' own check-ins are theirs and stay.",
            view=view,
            ephemeral=True,
        )


async def setup(bot: KindredBot) -> None:
    await bot.add_cog(KindredCog(bot))
