"""The things in the stand-in's world and their Discord JSON: users, roles, members, channels.

Objects are plain mutable dataclasses; the `json` methods produce exactly the shapes Discord
sends (ids as strings, ISO timestamps, every key discord.py reads).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.standin.world import Guild

DISCORD_EPOCH_MS = 1420070400000

TEXT = 0
DM = 1
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12

# Permission bits the stand-in checks (Discord's values).
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
PIN_MESSAGES = 1 << 51

# What @everyone gets in a new guild, roughly Discord's default.
DEFAULT_EVERYONE = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | ADD_REACTIONS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
    | (1 << 0)  # CREATE_INSTANT_INVITE
    | (1 << 26)  # CHANGE_NICKNAME
    | (1 << 31)  # USE_APPLICATION_COMMANDS
)
ALL_PERMISSIONS = (1 << 53) - 1


def iso(when: dt.datetime) -> str:
    return when.isoformat()


def now_iso() -> str:
    return iso(dt.datetime.now(dt.UTC))


class Snowflakes:
    """Increasing snowflake ids: the current millisecond plus a counter that never repeats."""

    def __init__(self) -> None:
        self._last = 0
        self._counter = itertools.count()
        self._past_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS

    def past(self) -> int:
        """An id from a millisecond of its own, before every id `next` gives: for guilds, made
        long before the bot joined them on Discord. Ids made in one millisecond share
        `id >> 22`, hence one shard; a burst of guilds made for a test must spread over shards
        as real ones do."""
        self._past_ms -= 1
        return (self._past_ms << 22) | (next(self._counter) & 0xFFF)

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | (next(self._counter) & 0xFFF)
        self._last = max(candidate, self._last + 1)
        return self._last


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False
    dms_open: bool = True
    global_name: str | None = None
    locale: str = "en-US"

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    hoist: bool = False
    color: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def dms_open(self) -> bool:
        return self.user.dms_open

    @dms_open.setter
    def dms_open(self, value: bool) -> None:
        self.user.dms_open = value

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    def json(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r.id) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.json()
        return data


@dataclass(eq=False)
class Channel:
    """A text channel, a thread (public 11 / private 12) or a DM channel (1)."""

    id: int
    type: int
    name: str = ""
    guild: Guild | None = None
    parent: Channel | None = None
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    topic: str | None = None
    # Threads.
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    invitable: bool = True
    created_at: str = field(default_factory=now_iso)
    archive_timestamp: str = field(default_factory=now_iso)
    thread_member_ids: set[int] = field(default_factory=set)
    # DMs.
    recipient: User | None = None
    # Messages, oldest first.
    messages: list[dict[str, Any]] = field(default_factory=list)
    pins: list[tuple[str, int]] = field(default_factory=list)
    total_sent: int = 0

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def permission_source(self) -> Channel:
        """The channel whose overwrites apply: threads take their parent's."""
        return self.parent if self.is_thread and self.parent is not None else self

    @property
    def last_message_id(self) -> str | None:
        return self.messages[-1]["id"] if self.messages else None

    def json(self) -> dict[str, Any]:
        if self.is_dm:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": self.last_message_id,
                "recipients": [self.recipient.json()],
                "flags": 0,
            }
        assert self.guild is not None
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "last_message_id": self.last_message_id,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.is_thread:
            assert self.parent is not None
            metadata: dict[str, Any] = {
                "archived": self.archived,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": self.archive_timestamp,
                "locked": self.locked,
                "create_timestamp": self.created_at,
            }
            if self.type == PRIVATE_THREAD:
                metadata["invitable"] = self.invitable
            data.update(
                parent_id=str(self.parent.id),
                owner_id=str(self.owner_id),
                message_count=len(self.messages),
                member_count=min(len(self.thread_member_ids), 50),
                total_message_sent=self.total_sent,
                thread_metadata=metadata,
            )
        else:
            data.update(
                position=self.position,
                permission_overwrites=[dict(o) for o in self.overwrites],
                topic=self.topic,
                nsfw=False,
                parent_id=None,
                default_auto_archive_duration=1440,
                default_thread_rate_limit_per_user=0,
            )
        return data


def normalise_overwrite(overwrite: dict[str, Any]) -> dict[str, Any]:
    """Discord's wire form of an overwrite: string id and bit fields, int type."""
    return {
        "id": str(overwrite["id"]),
        "type": int(overwrite.get("type", 0)),
        "allow": str(int(overwrite.get("allow", 0))),
        "deny": str(int(overwrite.get("deny", 0))),
    }
