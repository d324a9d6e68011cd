"""Shared pieces of the stand-in's REST API: errors, JSON responses, request bodies, calls."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from bot.standin.attachments import Upload

JSON_HEADERS = {"Content-Type": "application/json"}

# Discord's JSON error codes used by the stand-in.
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS = 50005
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
ALREADY_ACKNOWLEDGED = 40060
THREAD_LOCKED = 50083
ENTITY_TOO_LARGE = 40005


class ApiError(Exception):
    """An error answer in Discord's shape: `{"code": ..., "message": ...}` (+ `errors`)."""

    def __init__(self, status: int, code: int, message: str, body: dict[str, Any] | None = None):
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body = body if body is not None else {"message": message, "code": code}

    def response(self) -> web.Response:
        return json_response(self.body, status=self.status)


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


def forbidden(code: int = MISSING_PERMISSIONS) -> ApiError:
    messages = {
        MISSING_PERMISSIONS: "Missing Permissions",
        MISSING_ACCESS: "Missing Access",
        CANNOT_DM: "Cannot send messages to this user",
        CANNOT_EDIT_OTHERS: "Cannot edit a message authored by another user",
    }
    return ApiError(403, code, messages.get(code, "Forbidden"))


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON answer whose Content-Type is exactly `application/json`, as discord.py requires."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={**JSON_HEADERS, **(headers or {})}
    )


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class Body:
    """A request body: JSON (direct or `payload_json` of a multipart body) and any files."""

    json: Any = None
    uploads: list[Upload] = field(default_factory=list)
    multipart: bool = False


BODY = web.RequestKey("body", Body)


async def read_body(request: web.Request) -> Body:
    if request.content_type.startswith("multipart/"):
        body = Body(multipart=True)
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            data = await part.read(decode=True)
            if name == "payload_json":
                body.json = json.loads(data.decode())
            elif part.filename is not None:
                body.uploads.append(
                    Upload(
                        field=name,
                        filename=part.filename,
                        data=bytes(data),
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                    )
                )
        return body
    raw = await request.read()
    if not raw:
        return Body()
    try:
        return Body(json=json.loads(raw))
    except ValueError as exc:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from exc


@dataclass
class Call:
    """One REST request the bot made: route path without the `/api/v10` prefix."""

    method: str
    path: str
    json: Any
    status: int
    at: float
    query: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def int_or_404(value: str, code: int, what: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise not_found(code, what) from exc
