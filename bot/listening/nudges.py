"""What an active-listening nudge says and how often one may be given: pure, no Discord.

Texts come from ``listening.nudges`` and ``listening.tips`` in prompts.yaml and rotate, so a
member who is nudged again (a day later at the earliest) reads a different line. A DM nudge
names the server and the channel (for a thread: its parent, since a support thread's name is
the requester's pseudonym) and never the sharer or any message text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from bot.store.listening import ListeningLimits

if TYPE_CHECKING:
    import discord

__all__ = [
    "CHANNEL_GAP",
    "DM_TITLE",
    "FOOTER",
    "MEMBER_GAP",
    "TIP_TITLE",
    "Limits",
    "Mode",
    "NudgeTexts",
    "dm_nudge_text",
    "missing_post_permissions",
    "parse_mode",
]

Mode = Literal["dm", "channel", "off"]
MODES: tuple[Mode, ...] = ("dm", "channel", "off")
# Defaults from the issue: a member hears from Kindred at most once a day, a channel at most
# once an hour. A false nudge costs more than a missed one, so the defaults are sparing.
MEMBER_GAP = timedelta(days=1)
CHANNEL_GAP = timedelta(hours=1)
DM_TITLE = "A gentle note about listening"
FOOTER = "Only you got this note. /listening mute turns these notes off."
TIP_TITLE = "Listening tip"


def parse_mode(text: str) -> Mode:
    folded = text.strip().lower()
    for mode in MODES:
        if folded == mode:
            return mode
    raise ValueError(f"`mode` is one of {', '.join(MODES)}, not {text!r}.")


# What Kindred needs in a channel to post a weekly tip (an embed) there.
POST_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)


def missing_post_permissions(perms: discord.Permissions) -> list[str]:
    """Names of the permissions Kindred lacks to post a tip with ``perms`` (empty: all good)."""
    if perms.administrator:
        return []
    return [label for attr, label in POST_PERMISSIONS if not getattr(perms, attr)]


@dataclass(frozen=True)
class Limits:
    """The rate limits in force in one server."""

    member_gap: timedelta = MEMBER_GAP
    channel_gap: timedelta = CHANNEL_GAP

    @classmethod
    def of(cls, stored: ListeningLimits) -> Limits:
        return cls(
            member_gap=stored.member_gap or MEMBER_GAP,
            channel_gap=stored.channel_gap or CHANNEL_GAP,
        )

    def describe(self) -> str:
        return (
            f"a member gets at most one DM nudge every {_span(self.member_gap)}; "
            f"a channel gets at most one note every {_span(self.channel_gap)}"
        )


def _span(gap: timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return "day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


class NudgeTexts:
    """Rotating nudge, note and tip texts. Rotation is per kind and in memory: after a
    restart it starts again at the first line, which is harmless."""

    def __init__(self, nudges: Mapping[str, Sequence[str]], tips: Sequence[str]) -> None:
        if not tips or any(not lines for lines in nudges.values()):
            raise ValueError("every nudge kind and the tips need at least one line")
        self._nudges = {kind: tuple(lines) for kind, lines in nudges.items()}
        self._tips = tuple(tips)
        self._turns: dict[str, int] = {}

    def _next(self, key: str, lines: Sequence[str]) -> str:
        turn = self._turns.get(key, 0)
        self._turns[key] = turn + 1
        return lines[turn % len(lines)]

    def nudge(self, kind: str) -> str:
        """The next line for a DM nudge of ``kind`` (fixing, minimizing, hijacking, pile_on)."""
        return self._next(kind, self._nudges[kind])

    def channel_note(self) -> str:
        """The next generic reminder for a channel; it names no one."""
        return self._next("channel", self._nudges["channel"])

    def tip(self) -> str:
        """The next tip for /listening tip."""
        return self._next("tip", self._tips)

    def tip_for_week(self, day: date) -> str:
        """The weekly tip for the week holding ``day``: a retry on the same day posts the
        same tip, and consecutive weeks rotate through the list."""
        week = (day.toordinal() - 1) // 7  # weeks run Monday to Sunday
        return self._tips[week % len(self._tips)]

    def is_own_note(self, text: str) -> bool:
        """Whether ``text`` is one of Kindred's channel notes (never fed to the detector:
        "would you like advice?" in a note must not read as the sharer asking for advice)."""
        stripped = text.strip()
        return any(stripped == note or stripped.endswith(note) for note in self._nudges["channel"])

    @property
    def tips(self) -> tuple[str, ...]:
        return self._tips


def dm_nudge_text(line: str, *, server: str, channel: str) -> str:
    """The body of a DM nudge: where it was, then the line. No sharer, no quote."""
    return f"About a reply of yours in **{server}** (#{channel}):\n\n{line}"
