"""REST routes for channel messages: create, edit, delete, fetch, history, replies, nonces."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.standin import limits
from bot.standin.access import require
from bot.standin.attachments import Upload, oversized, upload_limit
from bot.standin.messages import (
    apply_edit,
    attachments_from,
    build_message,
    rest_message,
    rest_view,
)
from bot.standin.rest_base import (
    BODY,
    CANNOT_DM,
    CANNOT_EDIT_OTHERS,
    ENTITY_TOO_LARGE,
    THREAD_LOCKED,
    UNKNOWN_MESSAGE,
    ApiError,
    Body,
    forbidden,
    int_or_404,
    json_response,
    no_content,
    not_found,
)
from bot.standin.rest_core import channel_or_404, invalid, visible_channel
from bot.standin.world import (
    ATTACH_FILES,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    Channel,
)

if TYPE_CHECKING:
    from bot.standin.server import StandInServer

log = logging.getLogger(__name__)

NONCE_WINDOW_S = 120.0
EMPTY_MESSAGE = 50006


def validate_new_message(payload: dict[str, Any], uploads: list[Upload]) -> None:
    """Discord's checks on a message body: 50006 when empty, 50035 for broken limits."""
    if not isinstance(payload, dict):
        raise invalid(limits.check_message(payload))
    if limits.is_empty_message(payload) and not uploads:
        raise ApiError(400, EMPTY_MESSAGE, "Cannot send an empty message")
    errors = limits.check_message(payload)
    if errors:
        raise invalid(errors)


def check_upload_size(channel: Channel, uploads: list[Upload]) -> None:
    """413, code 40005, for files over the channel's limit (10 MiB in DMs and at boost tiers 0
    and 1, 50 MiB at tier 2, 100 MiB at tier 3), one by one and in total."""
    reason = oversized(uploads, upload_limit(channel))
    if reason is not None:
        log.info("stand-in refused an upload to %s: %s", channel.id, reason)
        raise ApiError(413, ENTITY_TOO_LARGE, "Request entity too large")


def validate_edit(payload: dict[str, Any]) -> None:
    errors = limits.check_message(payload)
    if errors:
        raise invalid(errors)


def check_can_post(
    server: StandInServer, channel: Channel, payload: dict[str, Any], uploads: list[Upload]
) -> None:
    """The bot may post here: DMs open, permissions held, thread not locked shut."""
    if channel.is_dm:
        assert channel.recipient is not None
        if not channel.recipient.dms_open or channel.recipient.bot:
            log.info("stand-in refused a DM to %s: DMs closed", channel.recipient.name)
            raise forbidden(CANNOT_DM)
        return
    assert channel.guild is not None
    needed = SEND_MESSAGES
    if uploads:
        needed |= ATTACH_FILES
    if payload.get("message_reference"):
        needed |= READ_MESSAGE_HISTORY
    value = require(channel.guild.me, channel, needed, "send message")
    if channel.is_thread and channel.archived and channel.locked and not value & MANAGE_THREADS:
        raise ApiError(400, THREAD_LOCKED, "Thread is locked")


def message_or_404(server: StandInServer, channel: Channel, raw: str) -> dict[str, Any]:
    message = server.world.find_message(channel, int_or_404(raw, UNKNOWN_MESSAGE, "Message"))
    if message is None:
        raise not_found(UNKNOWN_MESSAGE, "Message")
    return message


def post_as_bot(
    server: StandInServer, channel: Channel, body: Body, **build: Any
) -> dict[str, Any]:
    """Create a message from the bot in `channel` after every check (or return the nonce twin)."""
    payload = body.json if body.json is not None else {}
    check_upload_size(channel, body.uploads)
    validate_new_message(payload, body.uploads)
    check_can_post(server, channel, payload, body.uploads)
    reference = payload.get("message_reference")
    if reference and server.world.find_message(channel, int(reference["message_id"])) is None:
        if reference.get("fail_if_not_exists", True):
            error = limits.FieldError(
                ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
            )
            raise invalid([error])
        payload = {k: v for k, v in payload.items() if k != "message_reference"}
    nonce = payload.get("nonce")
    key = (channel.id, str(nonce))
    now = time.monotonic()
    if nonce is not None and payload.get("enforce_nonce"):
        earlier = server.nonces.get(key)
        if earlier is not None and now - earlier[0] < NONCE_WINDOW_S:
            log.info(
                "stand-in: nonce %s already used in %s, returning the earlier message",
                nonce,
                channel.id,
            )
            return earlier[1]
    attachments = attachments_from(server.world, channel, payload, body.uploads)
    message = build_message(
        server.world, channel, server.world.bot, payload, attachments=attachments, **build
    )
    server.add_message(channel, message)
    if nonce is not None:
        server.nonces[key] = (now, message)
    return message


def routes(server: StandInServer) -> list[web.RouteDef]:
    world = server.world

    async def create(request: web.Request) -> web.Response:
        channel = channel_or_404(server, request.match_info["channel_id"])
        message = post_as_bot(server, channel, request[BODY])
        return json_response(message)

    async def edit(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        message = message_or_404(server, channel, request.match_info["message_id"])
        body: Body = request[BODY]
        payload = body.json or {}
        if message["author"]["id"] != str(world.bot.id):
            # Others' messages: only flags (suppress embeds) may change, with Manage Messages.
            raise forbidden(CANNOT_EDIT_OTHERS)
        check_upload_size(channel, body.uploads)
        validate_edit(payload)
        apply_edit(world, channel, message, payload, body.uploads)
        server.update_message(channel, message)
        return json_response(rest_message(message, world))

    async def delete(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        message = message_or_404(server, channel, request.match_info["message_id"])
        if message["author"]["id"] != str(world.bot.id):
            if channel.guild is None:
                raise forbidden(CANNOT_EDIT_OTHERS)
            require(channel.guild.me, channel, MANAGE_MESSAGES, "delete message")
        channel.messages.remove(message)
        world.cdn.forget(message["attachments"])
        event: dict[str, Any] = {"id": message["id"], "channel_id": str(channel.id)}
        if channel.guild is not None:
            event["guild_id"] = str(channel.guild.id)
        server.dispatch("MESSAGE_DELETE", event)
        return no_content()

    async def get_one(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        if channel.guild is not None:
            require(channel.guild.me, channel, READ_MESSAGE_HISTORY, "read history")
        message = message_or_404(server, channel, request.match_info["message_id"])
        return json_response(rest_view(message, channel, world))

    async def history(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        if channel.guild is not None:
            require(channel.guild.me, channel, READ_MESSAGE_HISTORY, "read history")
        try:
            limit = int(request.query.get("limit", "50"))
        except ValueError:
            limit = -1
        if not 1 <= limit <= 100:
            error = limits.FieldError(
                ("limit",), "NUMBER_TYPE_MAX", "Int value should be between 1 and 100."
            )
            raise invalid([error])
        ordered = sorted(channel.messages, key=lambda m: int(m["id"]))
        if "after" in request.query:
            after = int(request.query["after"])
            chosen = [m for m in ordered if int(m["id"]) > after][:limit]
        elif "around" in request.query:
            around = int(request.query["around"])
            older = [m for m in ordered if int(m["id"]) <= around]
            newer = [m for m in ordered if int(m["id"]) > around]
            half = limit // 2
            chosen = older[-(limit - half) :] + newer[:half]
        else:
            before = int(request.query.get("before", str(2**63)))
            chosen = [m for m in ordered if int(m["id"]) < before][-limit:]
        return json_response([rest_view(m, channel, world) for m in reversed(chosen)])

    return [
        web.post("/channels/{channel_id}/messages", create),
        web.get("/channels/{channel_id}/messages", history),
        web.get("/channels/{channel_id}/messages/{message_id:\\d+}", get_one),
        web.patch("/channels/{channel_id}/messages/{message_id:\\d+}", edit),
        web.delete("/channels/{channel_id}/messages/{message_id:\\d+}", delete),
    ]
