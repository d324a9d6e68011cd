"""Crisis care in the channels active listening watches, where a server opts in.

A message there that may point to a crisis gets its writer a private DM with resources — never a
public reply, which would single them out in front of everyone. If the DM cannot be delivered
(closed DMs) or the server turned alerts on, the support feature posts a note for moderators in
the support channel with a link to the message (``bot.crisis_alerts``, bot/core/bridges.py), so
a crisis is never left unanswered. One DM per member per ``GAP``, kept in memory only; nothing
about the message, its verdict or its writer is stored or logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.core.cooldown import Cooldown
from bot.core.discord_codes import DMS_CLOSED

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

GAP = timedelta(minutes=30)


def writer_text(resources: str, where: str, server: str) -> str:
    return (
        f"💛 Hi, it's Kindred from **{server}**. Something you wrote in {where} made me want to "
        "check in. If things are really hard right now, you matter and you don't have to face "
        "this alone. Nobody else sees this message.\n\n" + resources
    )[:2000]


class CrisisWatch:
    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        self._cooldown = Cooldown(GAP, lambda: bot.clock())

    async def check(self, message: discord.Message) -> bool:
        """Care for ``message`` if it may point to a crisis; True if it did."""
        alerts = self.bot.crisis_alerts
        guild = message.guild
        if alerts is None or guild is None or not message.content:
            return False
        if not await alerts.crisis_scan_enabled(guild.id):
            return False
        verdict = self.bot.crisis.assess(message.content, surface="public")
        if verdict is None or not self._cooldown.take((guild.id, message.author.id)):
            return False
        resources = self.bot.crisis.resources_for(verdict, await alerts.server_resources(guild.id))
        name = getattr(message.channel, "name", None)
        where = f"#{name}" if name else "a channel"
        reached = True
        try:
            await message.author.send(
                writer_text(resources, where, guild.name),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            reached = False
            if exc.code != DMS_CLOSED:
                log.warning("could not DM crisis resources in server %s: %s", guild.id, exc.code)
        await alerts.alert_public_crisis(message, reached_writer=reached)
        return True
