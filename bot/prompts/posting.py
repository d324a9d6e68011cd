"""What a prompt post looks like, and what Kindred needs to be allowed to post one.

Small pure helpers used by the prompts cog and its scheduled delivery.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import discord

from bot.core.library import Prompt

EMBED_COLOUR = discord.Colour.from_rgb(214, 140, 92)
SCHEDULED_MARK = "Daily prompt"
NOW_MARK = "Prompt"
# A day: the thread's counting window, after which it tidies itself away.
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440

HABITS = {
    "open": "Being open and honest",
    "listen": "Listening",
    "support": "Supporting each other",
    "together": "Mindful time together",
}

# What Kindred must be allowed in a prompt channel: to see it, post the embed, start the
# thread and write in it, and read recent history (to find its own post after a restart).
REQUIRED_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("create_public_threads", "Create Public Threads"),
    ("send_messages_in_threads", "Send Messages in Threads"),
    ("read_message_history", "Read Message History"),
)


def missing_permissions(perms: discord.Permissions) -> list[str]:
    """Names of the permissions a prompt channel lacks for Kindred (empty: all good)."""
    if perms.administrator:
        return []
    return [label for attr, label in REQUIRED_PERMISSIONS if not getattr(perms, attr)]


def day_label(day: date) -> str:
    """``Thu 26 Nov``: the local date as the footer shows it."""
    return f"{day:%a} {day.day} {day:%b}"


def scheduled_footer(day: date) -> str:
    """The visible marker of a scheduled post; found again in history after a restart."""
    return f"{SCHEDULED_MARK} · {day_label(day)}"


def build_embed(prompt: Prompt, *, framing: str | None, footer: str) -> discord.Embed:
    """The post: the question, its optional follow-up and one framing line."""
    lines = [f"**{prompt.text}**"]
    if prompt.follow_up:
        lines += ["", prompt.follow_up]
    if framing:
        lines += ["", f"*{framing}*"]
    embed = discord.Embed(
        title="Today's prompt" if footer.startswith(SCHEDULED_MARK) else "A prompt for you all",
        description="\n".join(lines),
        colour=EMBED_COLOUR,
    )
    embed.set_footer(
        text=f"{footer} · {HABITS.get(prompt.category, prompt.category)} · {prompt.depth}"
    )
    return embed


def local_when(moment: datetime, timezone: str) -> str:
    """``Thu 26 Nov, 09:00 (Europe/Berlin)``: a moment in the server's schedule time."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{day_label(local.date())}, {local:%H:%M} ({timezone})"


def days_label(days: str) -> str:
    return {"*": "every day", "mon-fri": "weekdays", "sat,sun": "weekends"}.get(days, days)
