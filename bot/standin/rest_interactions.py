"""REST routes for interaction callbacks and the interaction webhook (followups, @original)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.standin import limits
from bot.standin.interactions import (
    ALLOWED_CALLBACKS,
    APPLICATION_COMMAND,
    AUTOCOMPLETE_RESULT,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    FOLLOWUP_WINDOW_S,
    MESSAGE,
    MODAL,
    UPDATE_MESSAGE,
    Interaction,
)
from bot.standin.messages import (
    CHAT_INPUT_COMMAND,
    DEFAULT,
    EPHEMERAL,
    LOADING,
    apply_edit,
    attachments_from,
    build_message,
    rest_message,
)
from bot.standin.rest_base import (
    ALREADY_ACKNOWLEDGED,
    BODY,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
    Body,
    json_response,
    no_content,
    not_found,
)
from bot.standin.rest_core import invalid
from bot.standin.rest_messages import check_upload_size, validate_edit, validate_new_message

if TYPE_CHECKING:
    from bot.standin.server import StandInServer

log = logging.getLogger(__name__)


def _metadata(it: Interaction) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(it.id),
        "type": it.type,
        "user": it.user.json(),
        "authorizing_integration_owners": it.payload.get("authorizing_integration_owners", {}),
    }
    if it.type == APPLICATION_COMMAND:
        data["name"] = it.payload["data"].get("name", "")
        data["command_type"] = 1
    elif it.message is not None:
        data["interacted_message_id"] = it.message["id"]
    return data


def _new_message(
    server: StandInServer,
    it: Interaction,
    payload: dict[str, Any],
    body: Body,
    extra_flags: int = 0,
) -> dict[str, Any]:
    """A message sent through the interaction: a webhook message, stored unless ephemeral."""
    message = build_message(
        server.world,
        it.channel,
        server.world.bot,
        payload,
        attachments=attachments_from(
            server.world,
            it.channel,
            payload,
            body.uploads,
            ephemeral=bool(int(payload.get("flags") or 0) & EPHEMERAL),
        ),
        message_type=CHAT_INPUT_COMMAND if it.type == APPLICATION_COMMAND else DEFAULT,
        webhook_id=server.application_id,
        interaction_metadata=_metadata(it),
        extra_flags=extra_flags,
    )
    if not message["flags"] & EPHEMERAL:
        server.add_message(it.channel, message)
    return message


def _edit(
    server: StandInServer,
    it: Interaction,
    message: dict[str, Any],
    payload: dict[str, Any],
    body: Body,
) -> None:
    check_upload_size(it.channel, body.uploads)
    apply_edit(server.world, it.channel, message, payload, body.uploads)
    it.touched()
    if not message["flags"] & EPHEMERAL:
        server.update_message(it.channel, message)


def routes(server: StandInServer) -> list[web.RouteDef]:
    def interaction_for_callback(request: web.Request) -> Interaction:
        try:
            it = server.interactions.get(int(request.match_info["interaction_id"]))
        except ValueError:
            it = None
        if it is None or it.token != request.match_info["token"]:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        return it

    async def callback(request: web.Request) -> web.Response:
        it = interaction_for_callback(request)
        body: Body = request[BODY]
        payload = body.json if isinstance(body.json, dict) else {}
        now = asyncio.get_running_loop().time()
        if it.acknowledged:
            it.refused.append((400, ALREADY_ACKNOWLEDGED))
            raise ApiError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        if now > it.created + it.deadline:
            log.info(
                "stand-in: interaction %s answered %.2fs late",
                it.id,
                now - it.created - it.deadline,
            )
            it.refused.append((404, UNKNOWN_INTERACTION))
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        errors = limits.check_interaction_response(payload)
        if errors:
            raise invalid(errors)
        kind = int(payload["type"])
        data = payload.get("data") or {}
        allowed = ALLOWED_CALLBACKS.get(it.type, set())
        if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and it.message is None:
            allowed = allowed - {DEFERRED_UPDATE, UPDATE_MESSAGE}
        if kind not in allowed:
            error = limits.FieldError(
                ("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
            )
            raise invalid([error])
        resource: dict[str, Any] | None = {"type": kind}
        if kind == MESSAGE:
            check_upload_size(it.channel, body.uploads)
            validate_new_message(data, body.uploads)
            it.original_message = _new_message(server, it, data, body)
        elif kind == DEFERRED_MESSAGE:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            it.original_message = _new_message(
                server, it, {"flags": flags}, Body(), extra_flags=LOADING
            )
        elif kind == UPDATE_MESSAGE:
            assert it.message is not None
            validate_edit(data)
            current = server.find_message(it.message) or it.message
            _edit(server, it, current, data, body)
            it.original_message = current
        elif kind == DEFERRED_UPDATE:
            # For a component, @original is the message the component is on.
            assert it.message is not None
            it.original_message = server.find_message(it.message) or it.message
        elif kind == MODAL:
            server.modals[str(data.get("custom_id"))] = data
        elif kind == AUTOCOMPLETE_RESULT:
            resource = None
        it.record_callback(payload)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        message = (
            it.original_message if kind in (MESSAGE, DEFERRED_MESSAGE, UPDATE_MESSAGE) else None
        )
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(it.id),
                "type": it.type,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == DEFERRED_MESSAGE,
                "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
            }
        }
        if resource is not None:
            if message is not None:
                resource["message"] = rest_message(message, server.world)
            answer["resource"] = resource
        return json_response(answer)

    def interaction_for_webhook(request: web.Request) -> Interaction:
        it = server.interactions_by_token.get(request.match_info["token"])
        if it is None or request.match_info["app_id"] != str(server.application_id):
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        too_late = asyncio.get_running_loop().time() > it.created + FOLLOWUP_WINDOW_S
        if not it.acknowledged or too_late:
            # Discord only opens the webhook once the interaction has been answered.
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        return it

    def message_of(it: Interaction, raw: str) -> dict[str, Any]:
        if raw == "@original":
            message = it.original()
        else:
            candidates = [*it.followups, *([it.original_message] if it.original_message else [])]
            message = next((m for m in candidates if m["id"] == raw), None)
            if message is it.original_message and it.original_deleted:
                message = None
        if message is None:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return message

    async def followup(request: web.Request) -> web.Response:
        it = interaction_for_webhook(request)
        body: Body = request[BODY]
        payload = body.json if isinstance(body.json, dict) else {}
        check_upload_size(it.channel, body.uploads)
        validate_new_message(payload, body.uploads)
        original = it.original()
        if original is not None and original["flags"] & LOADING and not it.followups:
            # After a deferral, Discord turns the first followup into the deferred message.
            _edit(server, it, original, payload, body)
            message = original
        else:
            message = _new_message(server, it, payload, body)
        it.record_followup(message)
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(rest_message(message, server.world))
        return no_content()

    async def get_message(request: web.Request) -> web.Response:
        it = interaction_for_webhook(request)
        return json_response(
            rest_message(message_of(it, request.match_info["message_id"]), server.world)
        )

    async def edit_message(request: web.Request) -> web.Response:
        it = interaction_for_webhook(request)
        message = message_of(it, request.match_info["message_id"])
        body: Body = request[BODY]
        payload = body.json if isinstance(body.json, dict) else {}
        validate_edit(payload)
        _edit(server, it, message, payload, body)
        return json_response(rest_message(message, server.world))

    async def delete_message(request: web.Request) -> web.Response:
        it = interaction_for_webhook(request)
        message = message_of(it, request.match_info["message_id"])
        if message is it.original_message:
            it.original_deleted = True
            it.touched()
        server.world.cdn.forget(message["attachments"])
        if message in it.channel.messages:
            it.channel.messages.remove(message)
            event: dict[str, Any] = {"id": message["id"], "channel_id": str(it.channel.id)}
            if it.channel.guild is not None:
                event["guild_id"] = str(it.channel.guild.id)
            server.dispatch("MESSAGE_DELETE", event)
        return no_content()

    hook = "/webhooks/{app_id}/{token}"
    return [
        web.post("/interactions/{interaction_id}/{token}/callback", callback),
        web.post(hook, followup),
        web.get(hook + "/messages/{message_id}", get_message),
        web.patch(hook + "/messages/{message_id}", edit_message),
        web.delete(hook + "/messages/{message_id}", delete_message),
    ]
