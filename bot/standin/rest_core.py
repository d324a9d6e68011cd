"""REST routes for login, the gateway, application commands, guilds, channels and DMs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.standin import limits
from bot.standin.access import channel_permissions, require
from bot.standin.gateway import recommended_shards
from bot.standin.rest_base import (
    BODY,
    INVALID_FORM_BODY,
    MISSING_ACCESS,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_USER,
    ApiError,
    forbidden,
    int_or_404,
    json_response,
    not_found,
)
from bot.standin.world import (
    MANAGE_THREADS,
    VIEW_CHANNEL,
    Channel,
    Guild,
    now_iso,
)

if TYPE_CHECKING:
    from bot.standin.server import StandInServer

log = logging.getLogger(__name__)

MANAGE_CHANNELS = 1 << 4


def invalid(errors: list[limits.FieldError]) -> ApiError:
    body = limits.invalid_form_body(errors)
    return ApiError(400, INVALID_FORM_BODY, "Invalid Form Body", body)


def guild_or_404(server: StandInServer, raw: str) -> Guild:
    guild = server.world.guilds.get(int_or_404(raw, UNKNOWN_GUILD, "Guild"))
    if guild is None:
        raise not_found(UNKNOWN_GUILD, "Guild")
    if not guild.joined:
        raise forbidden(MISSING_ACCESS)
    return guild


def channel_or_404(server: StandInServer, raw: str) -> Channel:
    channel = server.world.channel(int_or_404(raw, UNKNOWN_CHANNEL, "Channel"))
    if channel is None:
        raise not_found(UNKNOWN_CHANNEL, "Channel")
    if channel.guild is not None and not channel.guild.joined:
        raise forbidden(MISSING_ACCESS)
    return channel


def visible_channel(server: StandInServer, raw: str) -> Channel:
    """A channel the bot can see (guild channels need VIEW_CHANNEL: 50001 otherwise)."""
    channel = channel_or_404(server, raw)
    if channel.guild is not None:
        require(channel.guild.me, channel, VIEW_CHANNEL, "view channel")
    return channel


def routes(server: StandInServer) -> list[web.RouteDef]:
    world = server.world

    async def me(request: web.Request) -> web.Response:
        return json_response(
            {**world.bot.json(), "verified": True, "mfa_enabled": False, "email": None, "bio": ""}
        )

    async def get_user(request: web.Request) -> web.Response:
        user = world.users.get(int_or_404(request.match_info["user_id"], UNKNOWN_USER, "User"))
        if user is None:
            raise not_found(UNKNOWN_USER, "User")
        return json_response(user.json())

    async def application(request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(world.application_id),
                "name": world.bot.name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": world.app_owner.json(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": world.application_flags,
                "bot": world.bot.json(),
                "hook": True,
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
                "approximate_guild_count": len(world.joined_guilds),
                "integration_types_config": {"0": {}},
            }
        )

    async def gateway(request: web.Request) -> web.Response:
        return json_response({"url": server.gateway_url})

    async def gateway_bot(request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        shards = recommended_shards(len(server.world.joined_guilds))
        return json_response(
            {"url": server.gateway_url, "shards": shards, "session_start_limit": limit}
        )

    async def put_commands(request: web.Request) -> web.Response:
        guild_id = _scope(server, request)
        payload = request[BODY].json
        errors = limits.check_commands(payload, global_=guild_id is None)
        if errors:
            raise invalid(errors)
        saved = save_commands(server, guild_id, payload)
        return json_response(saved)

    async def get_commands(request: web.Request) -> web.Response:
        return json_response(server.command_sets.get(_scope(server, request), []))

    async def get_guild(request: web.Request) -> web.Response:
        guild = guild_or_404(server, request.match_info["guild_id"])
        data = guild.json()
        if request.query.get("with_counts") in ("true", "1", "True"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return json_response(data)

    async def guild_channels(request: web.Request) -> web.Response:
        guild = guild_or_404(server, request.match_info["guild_id"])
        return json_response([c.json() for c in guild.channels.values() if not c.is_thread])

    async def guild_roles(request: web.Request) -> web.Response:
        guild = guild_or_404(server, request.match_info["guild_id"])
        return json_response([r.json() for r in guild.roles.values()])

    async def guild_member(request: web.Request) -> web.Response:
        guild = guild_or_404(server, request.match_info["guild_id"])
        user_id = int_or_404(request.match_info["user_id"], UNKNOWN_MEMBER, "Member")
        member = guild.members.get(user_id)
        if member is None:
            raise not_found(UNKNOWN_MEMBER, "Member")
        return json_response(member.json())

    async def active_threads(request: web.Request) -> web.Response:
        guild = guild_or_404(server, request.match_info["guild_id"])
        threads = [
            t.json()
            for t in guild.threads
            if not t.archived and channel_permissions(guild.me, t) & VIEW_CHANNEL
        ]
        return json_response({"threads": threads, "members": []})

    async def get_channel(request: web.Request) -> web.Response:
        return json_response(visible_channel(server, request.match_info["channel_id"]).json())

    async def patch_channel(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        payload = request[BODY].json or {}
        if channel.guild is None:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if channel.is_thread:
            errors = limits.check_thread(payload, partial=True)
            if errors:
                raise invalid(errors)
            is_owner = channel.owner_id == world.bot.id
            needs_manage = "locked" in payload or not is_owner
            if needs_manage:
                require(channel.guild.me, channel, MANAGE_THREADS, "edit thread")
            if "name" in payload:
                channel.name = str(payload["name"])
            if "archived" in payload:
                channel.archived = bool(payload["archived"])
                channel.archive_timestamp = now_iso()
            if "locked" in payload:
                channel.locked = bool(payload["locked"])
            if "auto_archive_duration" in payload:
                channel.auto_archive_duration = int(payload["auto_archive_duration"])
            if "invitable" in payload:
                channel.invitable = bool(payload["invitable"])
            server.dispatch("THREAD_UPDATE", channel.json())
        else:
            require(channel.guild.me, channel, MANAGE_CHANNELS, "edit channel")
            if "name" in payload:
                channel.name = str(payload["name"])
            if "topic" in payload:
                channel.topic = payload["topic"]
            server.dispatch("CHANNEL_UPDATE", channel.json())
        return json_response(channel.json())

    async def open_dm(request: web.Request) -> web.Response:
        payload = request[BODY].json or {}
        try:
            user = world.users.get(int(str(payload.get("recipient_id"))))
        except (TypeError, ValueError):
            user = None
        if user is None:
            raise not_found(UNKNOWN_USER, "User")
        return json_response(world.dm_channel(user).json())

    return [
        web.get("/users/@me", me),
        web.get("/users/{user_id:\\d+}", get_user),
        web.post("/users/@me/channels", open_dm),
        web.get("/oauth2/applications/@me", application),
        web.get("/applications/@me", application),
        web.get("/gateway", gateway),
        web.get("/gateway/bot", gateway_bot),
        web.put("/applications/{app_id}/commands", put_commands),
        web.get("/applications/{app_id}/commands", get_commands),
        web.put("/applications/{app_id}/guilds/{guild_id}/commands", put_commands),
        web.get("/applications/{app_id}/guilds/{guild_id}/commands", get_commands),
        web.get("/guilds/{guild_id}", get_guild),
        web.get("/guilds/{guild_id}/channels", guild_channels),
        web.get("/guilds/{guild_id}/roles", guild_roles),
        web.get("/guilds/{guild_id}/members/{user_id}", guild_member),
        web.get("/guilds/{guild_id}/threads/active", active_threads),
        web.get("/channels/{channel_id}", get_channel),
        web.patch("/channels/{channel_id}", patch_channel),
    ]


def _scope(server: StandInServer, request: web.Request) -> int | None:
    """None for global commands, else the guild id; the application id must be ours."""
    if request.match_info["app_id"] != str(server.application_id):
        raise ApiError(403, 50001, "Missing Access")
    raw = request.match_info.get("guild_id")
    if raw is None:
        return None
    return guild_or_404(server, raw).id


def command_json(
    server: StandInServer,
    guild_id: int | None,
    data: dict[str, Any],
    existing: dict[str, Any] | None,
) -> dict[str, Any]:
    """A command as Discord stores it: id kept across overwrites of the same name and type."""
    command: dict[str, Any] = {
        "id": existing["id"] if existing else str(server.world.ids.next()),
        "application_id": str(server.application_id),
        "version": str(server.world.ids.next()),
        "type": int(data.get("type", 1)),
        "name": data["name"],
        "name_localizations": data.get("name_localizations"),
        "description": data.get("description", ""),
        "description_localizations": data.get("description_localizations"),
        "options": data.get("options") or [],
        "default_member_permissions": data.get("default_member_permissions"),
        "dm_permission": data.get("dm_permission", True),
        "nsfw": bool(data.get("nsfw", False)),
        "contexts": data.get("contexts"),
        "integration_types": data.get("integration_types") or [0],
    }
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    return command


def save_commands(
    server: StandInServer, guild_id: int | None, payload: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A bulk overwrite: the new set replaces the old; each sync is counted."""
    old = {(c["name"], c["type"]): c for c in server.command_sets.get(guild_id, [])}
    saved = [
        command_json(server, guild_id, data, old.get((data["name"], int(data.get("type", 1)))))
        for data in payload
    ]
    server.command_sets[guild_id] = saved
    server.sync_count += 1
    log.info("stand-in: %d commands synced (%s)", len(saved), guild_id or "global")
    return saved
