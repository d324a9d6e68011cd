"""Crisis care in the support feature: what the writer is offered, and the moderators' alerts.

A crisis in an anonymous request (its form or a later DM from the requester) gets the writer
the resources that fit (bot.crisis.resources_for) and a note in the request's thread; with
``crisis_alerts`` on, that note pings the responder role. The note names only the pseudonym.

A crisis in a public channel that active listening watches (``crisis_scan`` on) reaches support
through :meth:`CrisisAlerter.alert_public_crisis`: a note in the support channel with a jump link
to the message (which moderators can already read), when alerts are on or when the writer could
not be reached by DM, so a crisis never goes unanswered. Alerts are rate-limited per member in
memory; nothing about the message, the verdict or the member is stored or logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.core.cooldown import Cooldown
from bot.store.support import SupportConfig

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

ALERT_GAP = timedelta(minutes=30)

THREAD_NOTE = (
    "🕊️ **A note for responders:** something in this request may point to a crisis. Kindred "
    "has privately sent them crisis resources. Please answer gently, don't argue or lecture, "
    "and if you think someone is in immediate danger, tell a moderator."
)


def crisis_text(resources: str) -> str:
    """What the writer is sent, privately."""
    return (
        "💛 It sounds like things may be really hard right now. You matter, and you don't have "
        f"to face this alone.\n\n{resources}"
    )[:2000]


def thread_note(config: SupportConfig | None, role: discord.Role | None) -> tuple[str, bool]:
    """The note for a request's thread, and whether it pings the responder role."""
    if config is not None and config.crisis_alerts and role is not None:
        return f"{role.mention} {THREAD_NOTE}", True
    return THREAD_NOTE, False


class CrisisAlerter:
    """Notes for moderators, at most one per member per ``ALERT_GAP``."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        # (server, member) -> when they last caused an alert: in memory only, never stored.
        self._cooldown = Cooldown(ALERT_GAP, lambda: bot.clock())

    async def alert_in_thread(
        self, thread: discord.Thread | discord.TextChannel | None, config: SupportConfig | None
    ) -> bool:
        """The thread note for a crisis in an anonymous request (the pseudonym is the thread's
        own name; nobody's identity is in the note)."""
        if thread is None:
            return False
        role = thread.guild.get_role(config.responder_role_id or 0) if config else None
        text, ping = thread_note(config, role)
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=[role])
            if ping and role is not None
            else discord.AllowedMentions.none()
        )
        try:
            await thread.send(text, allowed_mentions=mentions)
        except discord.HTTPException as exc:
            log.warning("could not post a crisis note in a support thread: %s", exc.code)
            return False
        return True

    async def alert_public_crisis(self, message: discord.Message, *, reached_writer: bool) -> bool:
        """A note in the support channel for a crisis in a watched public channel, if alerts
        are on or the writer could not be reached privately. True if a note was posted."""
        guild = message.guild
        if guild is None:
            return False
        config = await self.bot.store.support_config(guild.id)
        if config is None or not config.crisis_scan:
            return False
        if reached_writer and not config.crisis_alerts:
            return False
        if not self._cooldown.take((guild.id, message.author.id)):
            return False
        channel = guild.get_channel(config.channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        role = guild.get_role(config.responder_role_id or 0)
        where = getattr(message.channel, "mention", "a channel")
        reached = (
            "Kindred has sent them crisis resources by DM; please reach out gently too."
            if reached_writer
            else "Kindred could **not** reach them by DM (their DMs are closed): please check "
            "on them gently."
        )
        text = (
            f"🕊️ **Crisis care:** a message in {where} may point to someone in danger. {reached} "
            f"If someone is in immediate danger, contact local emergency services.\n"
            f"{message.jump_url}"
        )
        ping = config.crisis_alerts and role is not None
        if ping and role is not None:
            text = f"{role.mention} {text}"
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=[role])
            if ping and role is not None
            else discord.AllowedMentions.none()
        )
        try:
            await channel.send(text[:2000], allowed_mentions=mentions)
        except discord.HTTPException as exc:
            log.warning("could not post a crisis alert in server %s: %s", guild.id, exc.code)
            return False
        return True


def crisis_care_line(alerts: bool, scan: bool, *, has_role: bool, content_intent: bool) -> str:
    """What /support setup says about crisis care, as set."""
    if alerts and has_role:
        first = "a possible crisis in a request pings the responder role in its thread"
    elif alerts:
        first = "alerts are on, but with no responder role nobody is pinged: notes are quiet"
    else:
        first = (
            "a possible crisis in a request gets a quiet note in its thread (`crisis_alerts:True`"
            " pings the responder role)"
        )
    if scan and content_intent:
        second = (
            "messages in the channels active listening watches are checked: the writer is "
            "offered resources by DM, and the support channel gets a note with a link when "
            "alerts are on or their DMs are closed"
        )
    elif scan:
        second = (
            "⚠ checking watched channels is unavailable: it needs the message-content intent "
            "(Developer Portal → Bot → Privileged Gateway Intents)"
        )
    else:
        second = "watched channels are not checked (`crisis_scan:True` turns it on)"
    return f"Crisis care: {first}; {second}."
