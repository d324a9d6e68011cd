"""Discord's JSON error codes that Kindred acts on (``discord.HTTPException.code``)."""

from __future__ import annotations

DMS_CLOSED = 50007  # "Cannot send messages to this user": the member's DMs are closed
THREAD_EXISTS = 160004  # a thread was already created for this message (its id is the message's)
