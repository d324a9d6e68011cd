"""Who may do what where: the world's members and channels fed to `permissions.py`."""

from __future__ import annotations

import logging

from bot.standin import permissions as perms
from bot.standin.rest_base import MISSING_ACCESS, MISSING_PERMISSIONS, forbidden
from bot.standin.world import Channel, Guild, Member

log = logging.getLogger(__name__)


def guild_permissions(member: Member) -> int:
    guild = member.guild
    return perms.base_permissions(
        guild_id=guild.id,
        guild_owner_id=guild.owner.id,
        member_id=member.id,
        member_role_ids=[r.id for r in member.roles],
        roles={r.id: r.permissions for r in guild.roles.values()},
    )


def channel_permissions(member: Member, channel: Channel) -> int:
    """A member's effective permissions in a channel; threads follow their parent's rules."""
    guild: Guild = member.guild
    source = channel.permission_source
    value = perms.compute_permissions(
        guild_id=guild.id,
        guild_owner_id=guild.owner.id,
        member_id=member.id,
        member_role_ids=[r.id for r in member.roles],
        roles={r.id: r.permissions for r in guild.roles.values()},
        overwrites=list(source.overwrites),
    )
    if channel.is_thread:
        value = perms.thread_permissions(value)
        # A private thread is visible only to its members and to those who manage threads.
        if (
            channel.type == 12
            and member.id not in channel.thread_member_ids
            and not value & perms.MANAGE_THREADS
        ):
            value = 0
    return value


def require(member: Member, channel: Channel, needed: int, what: str) -> int:
    """The member's permissions in the channel, or Discord's 403 when a needed bit is missing.

    Without VIEW_CHANNEL Discord answers 50001 "Missing Access"; otherwise 50013.
    """
    value = channel_permissions(member, channel)
    if not value & perms.VIEW_CHANNEL:
        log.info("stand-in refused %s in #%s: no VIEW_CHANNEL", what, channel.name)
        raise forbidden(MISSING_ACCESS)
    if not perms.has(value, needed):
        missing = perms.missing_names(value, needed)
        if channel.is_thread:
            # In threads, "may send" is SEND_MESSAGES_IN_THREADS (mirrored onto SEND_MESSAGES).
            missing = [m.replace("SEND_MESSAGES", "SEND_MESSAGES_IN_THREADS") for m in missing]
        log.info("stand-in refused %s in #%s: missing %s", what, channel.name, ", ".join(missing))
        raise forbidden(MISSING_PERMISSIONS)
    return value
