"""REST routes around messages: threads, thread members, reactions and pins."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from bot.standin import limits
from bot.standin.access import require
from bot.standin.messages import HAS_THREAD, THREAD_CREATED, build_message, rest_view
from bot.standin.rest_base import BODY, ApiError, forbidden, json_response, no_content
from bot.standin.rest_core import channel_or_404, invalid, visible_channel
from bot.standin.rest_messages import message_or_404
from bot.standin.world import (
    ADD_REACTIONS,
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    MANAGE_MESSAGES,
    PIN_MESSAGES,
    PRIVATE_THREAD,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    TEXT,
    Channel,
    now_iso,
)

if TYPE_CHECKING:
    from bot.standin.server import StandInServer

log = logging.getLogger(__name__)

THREAD_ALREADY_CREATED = 160004


def emoji_of(raw: str) -> dict[str, Any]:
    """`name:id` for custom emoji, the character itself for Unicode emoji."""
    text = unquote(raw)
    if ":" in text:
        name, emoji_id = text.rsplit(":", 1)
        return {"id": emoji_id, "name": name}
    return {"id": None, "name": text}


def emoji_key(emoji: dict[str, Any]) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])


def refresh_reactions(server: StandInServer, message: dict[str, Any]) -> None:
    """Rebuild `message.reactions` from who reacted with what."""
    reactions = []
    for (message_id, key), users in server.reactions.items():
        if message_id != message["id"] or not users:
            continue
        reactions.append(
            {
                "count": len(users),
                "count_details": {"burst": 0, "normal": len(users)},
                "me": server.world.bot.id in users,
                "me_burst": False,
                "burst_colors": [],
                "emoji": emoji_of(key),
            }
        )
    message["reactions"] = reactions


def react(
    server: StandInServer,
    channel: Channel,
    message: dict[str, Any],
    user_id: int,
    raw: str,
    add: bool,
) -> None:
    """Add or remove one user's reaction and dispatch the gateway event."""
    emoji = emoji_of(raw)
    users = server.reactions.setdefault((message["id"], emoji_key(emoji)), [])
    if add == (user_id in users):
        return
    if add:
        users.append(user_id)
    else:
        users.remove(user_id)
    refresh_reactions(server, message)
    event: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": str(channel.id),
        "message_id": message["id"],
        "emoji": emoji,
        "burst": False,
        "type": 0,
    }
    if channel.guild is not None:
        event["guild_id"] = str(channel.guild.id)
        member = channel.guild.members.get(user_id)
        if add and member is not None:
            event["member"] = member.json()
    if add:
        event["message_author_id"] = message["author"]["id"]
    server.dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", event)


def new_thread(
    server: StandInServer,
    parent: Channel,
    payload: dict[str, Any],
    *,
    from_message: dict[str, Any] | None,
) -> Channel:
    """Create a thread the way Discord does and dispatch THREAD_CREATE (and the side effects)."""
    if parent.type != TEXT or parent.guild is None:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    errors = limits.check_thread(payload)
    if errors:
        raise invalid(errors)
    private = from_message is None and int(payload.get("type", PRIVATE_THREAD)) == PRIVATE_THREAD
    needed = CREATE_PRIVATE_THREADS if private else CREATE_PUBLIC_THREADS
    if from_message is not None:
        needed |= READ_MESSAGE_HISTORY
    require(parent.guild.me, parent, needed, "create thread")
    world = server.world
    if from_message is not None and "thread" in from_message:
        raise ApiError(
            400, THREAD_ALREADY_CREATED, "A thread has already been created for this message"
        )
    thread = world.new_thread(
        parent,
        str(payload["name"]),
        private=private,
        owner_id=world.bot.id,
        # A thread started from a message takes the message's id, as on Discord.
        thread_id=int(from_message["id"]) if from_message is not None else None,
    )
    thread.auto_archive_duration = int(payload.get("auto_archive_duration") or 1440)
    thread.invitable = bool(payload.get("invitable", True))
    server.dispatch("THREAD_CREATE", {**thread.json(), "newly_created": True})
    if from_message is not None:
        from_message["thread"] = thread.json()
        from_message["flags"] |= HAS_THREAD
        server.update_message(parent, from_message)
    elif not private:
        notice = build_message(
            world, parent, world.bot, {"content": thread.name}, message_type=THREAD_CREATED
        )
        notice["message_reference"] = {
            "type": 0,
            "channel_id": str(thread.id),
            "guild_id": str(parent.guild.id),
        }
        server.add_message(parent, notice)
    return thread


def routes(server: StandInServer) -> list[web.RouteDef]:
    world = server.world

    async def thread_from_message(request: web.Request) -> web.Response:
        parent = visible_channel(server, request.match_info["channel_id"])
        message = message_or_404(server, parent, request.match_info["message_id"])
        thread = new_thread(server, parent, request[BODY].json or {}, from_message=message)
        return json_response(thread.json(), status=201)

    async def thread_without_message(request: web.Request) -> web.Response:
        parent = visible_channel(server, request.match_info["channel_id"])
        payload = request[BODY].json or {}
        thread = new_thread(server, parent, payload, from_message=None)
        return json_response(thread.json(), status=201)

    async def add_thread_member(request: web.Request) -> web.Response:
        thread = visible_channel(server, request.match_info["channel_id"])
        if not thread.is_thread or thread.guild is None:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        raw = request.match_info["user_id"]
        user_id = world.bot.id if raw == "@me" else int(raw)
        if raw != "@me":
            require(thread.guild.me, thread, SEND_MESSAGES, "add thread member")
        member = thread.guild.members.get(user_id)
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        if user_id not in thread.thread_member_ids:
            thread.thread_member_ids.add(user_id)
            added = {
                "id": str(thread.id),
                "user_id": str(user_id),
                "join_timestamp": now_iso(),
                "flags": 0,
                "member": member.json(),
            }
            server.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(thread.guild.id),
                    "member_count": len(thread.thread_member_ids),
                    "added_members": [added],
                },
            )
        return no_content()

    async def remove_thread_member(request: web.Request) -> web.Response:
        thread = channel_or_404(server, request.match_info["channel_id"])
        raw = request.match_info["user_id"]
        user_id = world.bot.id if raw == "@me" else int(raw)
        if thread.guild is not None and user_id in thread.thread_member_ids:
            thread.thread_member_ids.discard(user_id)
            server.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(thread.guild.id),
                    "member_count": len(thread.thread_member_ids),
                    "removed_member_ids": [str(user_id)],
                },
            )
        return no_content()

    async def thread_members(request: web.Request) -> web.Response:
        thread = visible_channel(server, request.match_info["channel_id"])
        return json_response(
            [
                {
                    "id": str(thread.id),
                    "user_id": str(u),
                    "join_timestamp": thread.created_at,
                    "flags": 0,
                }
                for u in sorted(thread.thread_member_ids)
            ]
        )

    async def add_reaction(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        if channel.guild is not None:
            require(channel.guild.me, channel, ADD_REACTIONS | READ_MESSAGE_HISTORY, "react")
        message = message_or_404(server, channel, request.match_info["message_id"])
        react(server, channel, message, world.bot.id, request.match_info["emoji"], add=True)
        return no_content()

    async def remove_reaction(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        message = message_or_404(server, channel, request.match_info["message_id"])
        raw_user = request.match_info.get("user_id", "@me")
        user_id = world.bot.id if raw_user == "@me" else int(raw_user)
        if user_id != world.bot.id and channel.guild is not None:
            require(channel.guild.me, channel, MANAGE_MESSAGES, "remove reaction")
        react(server, channel, message, user_id, request.match_info["emoji"], add=False)
        return no_content()

    async def reaction_users(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        message = message_or_404(server, channel, request.match_info["message_id"])
        key = emoji_key(emoji_of(request.match_info["emoji"]))
        users = server.reactions.get((message["id"], key), [])
        return json_response([world.users[u].json() for u in users if u in world.users])

    async def pin(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        if channel.guild is not None:
            # Either bit allows pinning (PIN_MESSAGES split from MANAGE_MESSAGES in 2025).
            value = require(channel.guild.me, channel, READ_MESSAGE_HISTORY, "pin")
            if not value & (PIN_MESSAGES | MANAGE_MESSAGES):
                raise forbidden()
        message = message_or_404(server, channel, request.match_info["message_id"])
        pinning = request.method == "PUT"
        if message["pinned"] != pinning:
            message["pinned"] = pinning
            if pinning:
                channel.pins.insert(0, (now_iso(), int(message["id"])))
            else:
                channel.pins = [p for p in channel.pins if p[1] != int(message["id"])]
            server.update_message(channel, message)
            event: dict[str, Any] = {
                "channel_id": str(channel.id),
                "last_pin_timestamp": channel.pins[0][0] if channel.pins else None,
            }
            if channel.guild is not None:
                event["guild_id"] = str(channel.guild.id)
            server.dispatch("CHANNEL_PINS_UPDATE", event)
        return no_content()

    def pinned(channel: Channel) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for when, message_id in channel.pins:
            message = world.find_message(channel, message_id)
            if message is not None:
                found.append((when, rest_view(message, channel, world)))
        return found

    async def pins(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        items = [{"pinned_at": when, "message": m} for when, m in pinned(channel)]
        return json_response({"items": items, "has_more": False})

    async def old_pins(request: web.Request) -> web.Response:
        channel = visible_channel(server, request.match_info["channel_id"])
        return json_response([m for _, m in pinned(channel)])

    base = "/channels/{channel_id}/messages/{message_id:\\d+}/reactions/{emoji}"
    return [
        web.post("/channels/{channel_id}/messages/{message_id:\\d+}/threads", thread_from_message),
        web.post("/channels/{channel_id}/threads", thread_without_message),
        web.get("/channels/{channel_id}/thread-members", thread_members),
        web.put("/channels/{channel_id}/thread-members/{user_id}", add_thread_member),
        web.delete("/channels/{channel_id}/thread-members/{user_id}", remove_thread_member),
        web.put(base + "/@me", add_reaction),
        web.delete(base + "/@me", remove_reaction),
        web.delete(base + "/{user_id:\\d+}", remove_reaction),
        web.get(base, reaction_users),
        web.put("/channels/{channel_id}/messages/pins/{message_id:\\d+}", pin),
        web.delete("/channels/{channel_id}/messages/pins/{message_id:\\d+}", pin),
        web.get("/channels/{channel_id}/messages/pins", pins),
        web.put("/channels/{channel_id}/pins/{message_id:\\d+}", pin),
        web.delete("/channels/{channel_id}/pins/{message_id:\\d+}", pin),
        web.get("/channels/{channel_id}/pins", old_pins),
    ]
