"""Files carried between a requester and a request's thread, as bytes, never as links.

On Discord an attachment's URL is ``…/attachments/<channel id>/<attachment id>/<filename>``
with signed, expiring parameters. A requester's file sits in their DM channel with Kindred,
so its URL names that channel (one id for all their requests, and dated by its snowflake),
and its filename can name them too. So a requester's file is downloaded, cleaned of its
metadata (``files.py``: JPEG, PNG, GIF and WebP only) and uploaded under a neutral name;
anything else is not passed on, and both sides are told. A responder is not anonymous: their
files keep their names and are uploaded to the DM as they are (a link would expire in a day).
A file larger than the destination accepts is not passed on, and both sides are told.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
import discord

from bot.support.files import ACCEPTED_KINDS, clean_attachment

log = logging.getLogger(__name__)

MAX_FILES = 10  # attachments per Discord message
DM_LIMIT = discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES

NOT_A_PICTURE = "not a picture I can pass on"
TOO_LARGE = "too large"
UNREADABLE = "couldn't be fetched from Discord"


@dataclass
class Carried:
    """The files to upload, and why any others were not passed on."""

    files: list[discord.File] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """ "2 files (too large; not a picture I can pass on)" — no filenames, which could
        name someone."""
        count = len(self.refused)
        reasons = "; ".join(dict.fromkeys(self.refused))
        return f"{count} file{'s' if count != 1 else ''} ({reasons})"


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


async def _read(attachment: discord.Attachment) -> bytes | None:
    try:
        return await attachment.read()
    except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.warning("could not fetch an attachment to pass on: %s", type(exc).__name__)
        return None


async def from_requester(attachments: Sequence[discord.Attachment], limit: int) -> Carried:
    """The requester's pictures, cleaned and renamed, fitting ``limit`` bytes in all."""
    carried, total = Carried(), 0
    for attachment in attachments[:MAX_FILES]:
        if attachment.size > limit:
            carried.refused.append(TOO_LARGE)
            continue
        data = await _read(attachment)
        if data is None:
            carried.refused.append(UNREADABLE)
            continue
        clean = await asyncio.to_thread(clean_attachment, data, len(carried.files) + 1)
        if clean is None:
            carried.refused.append(NOT_A_PICTURE)
            continue
        if total + len(clean.data) > limit:
            carried.refused.append(TOO_LARGE)
            continue
        total += len(clean.data)
        carried.files.append(discord.File(io.BytesIO(clean.data), filename=clean.filename))
    carried.refused += [TOO_LARGE] * max(0, len(attachments) - MAX_FILES)
    return carried


async def from_responder(attachments: Sequence[discord.Attachment], limit: int) -> Carried:
    """A responder's files as they are (their names too), fitting ``limit`` bytes in all."""
    carried, total = Carried(), 0
    for attachment in attachments[:MAX_FILES]:
        if attachment.size > limit or total + attachment.size > limit:
            carried.refused.append(TOO_LARGE)
            continue
        data = await _read(attachment)
        if data is None:
            carried.refused.append(UNREADABLE)
            continue
        total += len(data)
        carried.files.append(
            discord.File(
                io.BytesIO(data), filename=attachment.filename, spoiler=attachment.is_spoiler()
            )
        )
    return carried


def requester_refusal_note(carried: Carried, limit: int) -> str:
    """What the requester is told about their files that were not passed on."""
    lines = [f"📎 I didn't pass on {carried.summary()}."]
    if NOT_A_PICTURE in carried.refused:
        lines.append(
            f"I pass on only {ACCEPTED_KINDS}, with their hidden details (camera, place, time) "
            "removed: other files can carry your name inside them."
        )
    if TOO_LARGE in carried.refused:
        lines.append(f"That server accepts up to {_megabytes(limit)} per message.")
    return "\n".join(lines)


def thread_refusal_note(pseudonym: str, carried: Carried) -> str:
    return f"-# 📎 **{pseudonym}** sent {carried.summary()} that couldn't be passed on."


def responder_refusal_note(name: str, carried: Carried) -> str:
    """For the thread, when a responder's files could not go by DM."""
    return (
        f"-# 📎 {name}: {carried.summary()} couldn't be passed on by DM (up to "
        f"{_megabytes(DM_LIMIT)} a message)."
    )


def requester_side_note(name: str, carried: Carried) -> str:
    return f"-# 📎 {name} also sent {carried.summary()} that couldn't be passed on to you."


def guild_limit(bot: discord.Client, guild_id: int) -> int:
    guild = bot.get_guild(guild_id)
    return guild.filesize_limit if guild is not None else DM_LIMIT
