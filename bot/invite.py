"""The invite link and why each permission is needed."""

from __future__ import annotations

from urllib.parse import urlencode

import discord

# (permission attribute, why Kindred needs it) — exactly what the features use, nothing more.
PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "see the channels it is set up in"),
    ("send_messages", "post daily prompts, support requests and the welcome message"),
    ("send_messages_in_threads", "post in prompt and support threads (relayed replies, reminders)"),
    ("create_public_threads", "open a thread on each prompt and support request"),
    ("manage_threads", "lock and archive a support thread when the requester closes it"),
    ("embed_links", "show prompts and requests as embeds"),
    ("attach_files", "send your my-data file and your check-in chart"),
    ("read_message_history", "find its own earlier post after a restart, so nothing posts twice"),
)

SCOPES = ("bot", "applications.commands")


def permission_value() -> int:
    perms = discord.Permissions.none()
    for name, _ in PERMISSIONS:
        setattr(perms, name, True)
    return perms.value


def invite_url(application_id: int) -> str:
    query = urlencode(
        {
            "client_id": str(application_id),
            "scope": " ".join(SCOPES),
            "permissions": str(permission_value()),
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"


def explain() -> str:
    lines = [f"permissions integer {permission_value()}:"]
    lines += [f"  {name.replace('_', ' ')}: {why}" for name, why in PERMISSIONS]
    return "\n".join(lines)
