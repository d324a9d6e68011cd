"""Attachments as Discord stores and serves them: signed CDN URLs, sizes, limits, downloads.

An attachment's `url` has the shape of Discord's signed CDN links,
`<base>/attachments/<channel id>/<attachment id>/<filename>?ex=<8 hex>&is=<8 hex>&hm=<64 hex>&`
(`ex` the expiry and `is` the issue time in unix seconds, 24 h apart; `hm` an HMAC-SHA256
signature), but on the stand-in's own HTTP host, so discord.py's `Attachment.read()` and
`save()` download them offline. `proxy_url` is the same path under `<base>/media`, as
`media.discordapp.net` mirrors `cdn.discordapp.com`. Attachments of ephemeral messages live
under `/ephemeral-attachments/`, as on Discord.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.standin.entities import Channel

MIB = 1024 * 1024
# discord.py's Guild.filesize_limit: 10 MiB by default (DMs, boost tiers 0 and 1), then more.
DEFAULT_UPLOAD_LIMIT = 10 * MIB
TIER_UPLOAD_LIMITS = {0: DEFAULT_UPLOAD_LIMIT, 1: DEFAULT_UPLOAD_LIMIT, 2: 50 * MIB, 3: 100 * MIB}
# The most files one message carries (Discord's client and API agree).
MAX_FILES = 10
URL_LIFETIME_S = 24 * 60 * 60
GONE = "This content is no longer available."
KINDS = ("attachments", "ephemeral-attachments")
PROXY_PREFIX = "/media"

# Only the built-in table, so content types do not depend on the host's /etc/mime.types.
_MIME = mimetypes.MimeTypes(filenames=())
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class Upload:
    """A file received in a multipart body (or sent by a person through the kit)."""

    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class StoredFile:
    id: int
    channel_id: int
    filename: str
    content_type: str
    data: bytes
    kind: str = "attachments"
    # The message was deleted (or the attachment removed): `url` answers 404 from then on;
    # `proxy_url` keeps serving until it expires (discord.py's `use_cached=True` case).
    deleted: bool = False


def upload_limit(channel: Channel) -> int:
    """The most bytes an upload may have here: 10 MiB in DMs, else by the guild's boost tier.
    Interactions carry it as `attachment_size_limit` (no Nitro is modelled)."""
    if channel.guild is None:
        return DEFAULT_UPLOAD_LIMIT
    return TIER_UPLOAD_LIMITS.get(channel.guild.premium_tier, DEFAULT_UPLOAD_LIMIT)


def oversized(uploads: list[Upload], limit: int) -> str | None:
    """Why these uploads exceed `limit`, or None. Each file must fit, and so must their total
    (Discord documents the limit per file; the stand-in also caps the request's total)."""
    for upload in uploads:
        if len(upload.data) > limit:
            return f"{upload.filename!r} has {len(upload.data)} bytes, the limit is {limit}"
    total = sum(len(u.data) for u in uploads)
    if total > limit:
        return f"the files total {total} bytes, the limit is {limit}"
    return None


def sanitise_filename(name: str) -> str:
    """Discord's cleaning of upload names, simplified: the path is dropped, spaces become
    underscores and anything outside `[A-Za-z0-9._-]` is removed; a name left with no stem
    (e.g. `日本.png` -> `.png`) is called `unknown` (the stand-in's choice)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("", base.replace(" ", "_"))
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        return cleaned or "unknown"
    return f"{stem or 'unknown'}.{extension}"


def content_type_for(filename: str, declared: str | None) -> str:
    """The content type Discord reports: the uploader's, or (for discord.py's blanket
    `application/octet-stream`) one guessed from the extension; text gets `charset=utf-8`."""
    kind = (declared or "").strip()
    if not kind or kind == "application/octet-stream":
        guessed, _ = _MIME.guess_type(filename, strict=False)
        kind = guessed or "application/octet-stream"
    if (kind.startswith("text/") or kind == "application/json") and "charset" not in kind:
        kind += "; charset=utf-8"
    return kind


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG from its header, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    start_of_frame = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xDA)):  # no length
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in start_of_frame and i + 9 <= len(data):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    return None


class Cdn:
    """The stand-in's attachment store and CDN: stores files, signs and checks their URLs.

    `base` is the stand-in's HTTP origin (set when the server starts); `now()` is wall time
    plus `offset`, so `advance(seconds)` lets a test outlive a URL's 24 hours."""

    def __init__(self, base: str = "http://127.0.0.1:0") -> None:
        self.base = base
        self.files: dict[str, StoredFile] = {}
        self.offset = 0.0
        self.clock: Callable[[], float] = time.time
        # (path, status) of every download, oldest first.
        self.downloads: list[tuple[str, int]] = []
        self._key = secrets.token_bytes(32)

    def now(self) -> float:
        return self.clock() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the CDN's clock on (URLs issued before may expire; new ones are issued then)."""
        self.offset += seconds

    # Storing and describing ----------------------------------------------------------

    def store(
        self, attachment_id: int, channel: Channel, upload: Upload, filename: str, kind: str
    ) -> StoredFile:
        stored = StoredFile(
            id=attachment_id,
            channel_id=channel.id,
            filename=sanitise_filename(filename),
            content_type=content_type_for(filename, upload.content_type),
            data=upload.data,
            kind=kind,
        )
        self.files[str(attachment_id)] = stored
        return stored

    def attachment_json(self, stored: StoredFile, description: str | None) -> dict[str, Any]:
        url, proxy_url = self.urls(stored)
        data: dict[str, Any] = {
            "id": str(stored.id),
            "filename": stored.filename,
            "size": len(stored.data),
            "url": url,
            "proxy_url": proxy_url,
            "content_type": stored.content_type,
        }
        size = image_size(stored.data) if stored.content_type.startswith("image/") else None
        if size is not None:
            data["width"], data["height"] = size
        if description is not None:
            data["description"] = description
        if stored.kind == "ephemeral-attachments":
            data["ephemeral"] = True
        return data

    def urls(self, stored: StoredFile) -> tuple[str, str]:
        path = f"/{stored.kind}/{stored.channel_id}/{stored.id}/{stored.filename}"
        query = self._query(path, int(self.now()))
        return f"{self.base}{path}?{query}", f"{self.base}{PROXY_PREFIX}{path}?{query}"

    def refresh(self, attachment: dict[str, Any]) -> dict[str, Any]:
        """The attachment with freshly signed URLs, as every message Discord returns has."""
        stored = self.files.get(str(attachment.get("id")))
        if stored is None:
            return attachment
        url, proxy_url = self.urls(stored)
        return {**attachment, "url": url, "proxy_url": proxy_url}

    def refresh_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """A copy of `message` whose attachments (and its replied-to message's) are re-signed."""
        data = dict(message)
        if message.get("attachments"):
            data["attachments"] = [self.refresh(a) for a in message["attachments"]]
        referenced = message.get("referenced_message")
        if isinstance(referenced, dict) and referenced.get("attachments"):
            data["referenced_message"] = self.refresh_message(referenced)
        return data

    def forget(self, attachments: list[dict[str, Any]]) -> None:
        """The message holding these attachments is gone: their `url` stops working."""
        for attachment in attachments:
            stored = self.files.get(str(attachment.get("id")))
            if stored is not None:
                stored.deleted = True

    # Signing -------------------------------------------------------------------------

    def _signature(self, path: str, expires: str, issued: str) -> str:
        message = f"{path}\n{expires}\n{issued}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _query(self, path: str, issued: int) -> str:
        ex, is_ = f"{issued + URL_LIFETIME_S:08x}", f"{issued:08x}"
        return f"ex={ex}&is={is_}&hm={self._signature(path, ex, is_)}&"

    def valid(self, path: str, query: dict[str, str]) -> bool:
        """Whether `ex`, `is` and `hm` sign `path` and the URL has not expired."""
        ex, is_, hm = query.get("ex", ""), query.get("is", ""), query.get("hm", "")
        try:
            expires = int(ex, 16)
        except ValueError:
            return False
        expected = self._signature(path, ex, is_)
        return hmac.compare_digest(hm, expected) and self.now() < expires

    # Serving -------------------------------------------------------------------------

    async def serve(self, request: web.Request) -> web.Response:
        """GET an attachment: 200 with its bytes and Content-Type; 404 for an unknown file,
        or with Discord's "This content is no longer available." for a URL that is unsigned,
        badly signed, expired, or (not through the proxy) of a deleted message."""
        info = request.match_info
        proxied = request.path.startswith(PROXY_PREFIX + "/")
        path = f"/{info['kind']}/{info['channel_id']}/{info['attachment_id']}/{info['filename']}"
        stored = self.files.get(info["attachment_id"])
        if (
            stored is None
            or stored.kind != info["kind"]
            or str(stored.channel_id) != info["channel_id"]
            or stored.filename != info["filename"]
        ):
            response = web.Response(status=404, text="404: Not Found")
        elif not self.valid(path, dict(request.query)) or (stored.deleted and not proxied):
            response = web.Response(status=404, text=GONE)
        else:
            response = web.Response(body=stored.data, headers={"Content-Type": stored.content_type})
        self.downloads.append((request.path, response.status))
        return response

    def routes(self) -> list[web.RouteDef]:
        tail = "/{channel_id:\\d+}/{attachment_id:\\d+}/{filename}"
        kinds = "{kind:" + "|".join(KINDS) + "}"
        return [
            web.get(f"/{kinds}{tail}", self.serve),
            web.get(f"{PROXY_PREFIX}/{kinds}{tail}", self.serve),
        ]
