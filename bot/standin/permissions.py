"""Discord's permission bits and the channel-permission algorithm, for the stand-in.

Pure functions: the stand-in calls them to decide whether the bot may do what it asks, so a
missing permission gives the same 403 (50013 "Missing Permissions") that Discord would give.
The algorithm follows Discord's "Permission Overwrites" pseudo-code and discord.py's
``GuildChannel.permissions_for`` / ``Thread.permissions_for``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
PRIORITY_SPEAKER = 1 << 8
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
VIEW_GUILD_INSIGHTS = 1 << 19
CONNECT = 1 << 20
SPEAK = 1 << 21
MUTE_MEMBERS = 1 << 22
DEAFEN_MEMBERS = 1 << 23
MOVE_MEMBERS = 1 << 24
USE_VAD = 1 << 25
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
MANAGE_GUILD_EXPRESSIONS = 1 << 30
USE_APPLICATION_COMMANDS = 1 << 31
REQUEST_TO_SPEAK = 1 << 32
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
USE_EXTERNAL_STICKERS = 1 << 37
SEND_MESSAGES_IN_THREADS = 1 << 38
USE_EMBEDDED_ACTIVITIES = 1 << 39
MODERATE_MEMBERS = 1 << 40
VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
USE_SOUNDBOARD = 1 << 42
CREATE_GUILD_EXPRESSIONS = 1 << 43
CREATE_EVENTS = 1 << 44
USE_EXTERNAL_SOUNDS = 1 << 45
SEND_VOICE_MESSAGES = 1 << 46
# 1 << 47 is not assigned by Discord.
SET_VOICE_CHANNEL_STATUS = 1 << 48
SEND_POLLS = 1 << 49
USE_EXTERNAL_APPS = 1 << 50
PIN_MESSAGES = 1 << 51
BYPASS_SLOWMODE = 1 << 52

ALL_PERMISSIONS: int = 0
for _bit in (*range(47), *range(48, 53)):
    ALL_PERMISSIONS |= 1 << _bit
del _bit

# Bits a message needs SEND_MESSAGES for: without it Discord treats them as denied too
# ("Implicit Permissions" in Discord's permissions documentation).
SEND_DEPENDENT = SEND_TTS_MESSAGES | MENTION_EVERYONE | EMBED_LINKS | ATTACH_FILES

OVERWRITE_ROLE = 0
OVERWRITE_MEMBER = 1


def _as_int(value: Any) -> int:
    """Discord sends permission values as strings (API v8+); older payloads and tests use ints."""
    if value is None or value == "":
        return 0
    return int(value)


def _overwrite_bits(overwrite: Mapping[str, Any]) -> tuple[int, int]:
    return _as_int(overwrite.get("allow")), _as_int(overwrite.get("deny"))


def base_permissions(
    *,
    guild_id: int,
    guild_owner_id: int,
    member_id: int,
    member_role_ids: Iterable[int],
    roles: Mapping[int, int],
) -> int:
    """Guild-level permissions: the @everyone role (id == guild id) OR'd with the member's roles.

    The owner and anyone holding ADMINISTRATOR get every permission.
    """
    if member_id == guild_owner_id:
        return ALL_PERMISSIONS
    perms = roles.get(guild_id, 0)
    for role_id in member_role_ids:
        # A role the guild no longer has grants nothing (Discord drops deleted roles).
        perms |= roles.get(role_id, 0)
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def compute_permissions(
    *,
    guild_id: int,
    guild_owner_id: int,
    member_id: int,
    member_role_ids: list[int],
    roles: dict[int, int],
    overwrites: list[dict[str, Any]],
) -> int:
    """A member's permissions in a channel, as Discord computes them.

    ``roles`` maps role id to its permission bits (the @everyone role has the guild's id).
    ``overwrites`` are the channel's ``permission_overwrites``: ``{"id", "type", "allow",
    "deny"}`` with type 0 (role) or 1 (member) and allow/deny as str or int.
    """
    base = base_permissions(
        guild_id=guild_id,
        guild_owner_id=guild_owner_id,
        member_id=member_id,
        member_role_ids=member_role_ids,
        roles=roles,
    )
    if base == ALL_PERMISSIONS:
        # Owner and administrators bypass every overwrite.
        return ALL_PERMISSIONS
    perms = base
    member_roles = set(member_role_ids)
    everyone: dict[str, Any] | None = None
    role_allow = role_deny = 0
    member_overwrite: dict[str, Any] | None = None
    for overwrite in overwrites:
        target = _as_int(overwrite.get("id"))
        kind = _as_int(overwrite.get("type"))
        if kind == OVERWRITE_ROLE and target == guild_id:
            everyone = overwrite
        elif kind == OVERWRITE_ROLE and target in member_roles:
            allow, deny = _overwrite_bits(overwrite)
            role_allow |= allow
            role_deny |= deny
        elif kind == OVERWRITE_MEMBER and target == member_id:
            member_overwrite = overwrite
    # Order matters: @everyone first, then all the member's roles together (an allow on any
    # role beats a deny on another), then the member's own overwrite wins over everything.
    if everyone is not None:
        allow, deny = _overwrite_bits(everyone)
        perms = (perms & ~deny) | allow
    perms = (perms & ~role_deny) | role_allow
    if member_overwrite is not None:
        allow, deny = _overwrite_bits(member_overwrite)
        perms = (perms & ~deny) | allow
    return apply_implicit(perms)


def apply_implicit(perms: int) -> int:
    """Discord's implicit denies: no VIEW_CHANNEL means nothing in the channel; no
    SEND_MESSAGES means no TTS, @everyone mentions, embeds or attachments either.

    Thread creation and SEND_MESSAGES_IN_THREADS are left alone: Discord lets a channel
    allow talking only in threads (no SEND_MESSAGES, but SEND_MESSAGES_IN_THREADS).
    """
    if not perms & VIEW_CHANNEL:
        return 0
    if not perms & SEND_MESSAGES:
        perms &= ~SEND_DEPENDENT
    return perms


def thread_permissions(parent_permissions: int) -> int:
    """Permissions in a thread: the parent channel's, with sending governed by
    SEND_MESSAGES_IN_THREADS instead of SEND_MESSAGES.

    SEND_MESSAGES in the result mirrors SEND_MESSAGES_IN_THREADS, so the stand-in checks one
    bit for "may post here" whatever the channel kind.
    """
    if parent_permissions == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    perms = parent_permissions
    if not perms & VIEW_CHANNEL:
        return 0
    if perms & SEND_MESSAGES_IN_THREADS:
        perms |= SEND_MESSAGES
    else:
        perms &= ~(SEND_MESSAGES | SEND_DEPENDENT)
    return perms


def has(perms: int, needed: int) -> bool:
    """True when every bit of ``needed`` is in ``perms``."""
    return perms & needed == needed


def missing_names(perms: int, needed: int) -> list[str]:
    """Names of the bits of ``needed`` absent from ``perms`` (for stand-in error logs)."""
    return [name for name, bit in _NAMES.items() if needed & bit and not perms & bit]


# Every single-bit constant above, by name; OVERWRITE_MEMBER (== 1) is a type, not a bit.
_NAMES: dict[str, int] = {
    name: value
    for name, value in list(globals().items())
    if name.isupper()
    and name != "OVERWRITE_MEMBER"
    and isinstance(value, int)
    and value > 0
    and value & (value - 1) == 0
}
