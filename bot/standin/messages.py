"""Message objects as Discord builds them: mentions, replies, attachments, edits."""

from __future__ import annotations

import re
from typing import Any

from bot.standin.attachments import Upload
from bot.standin.world import Channel, Member, User, World, now_iso

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")

DEFAULT = 0
REPLY = 19
CHAT_INPUT_COMMAND = 20
THREAD_CREATED = 18
THREAD_STARTER = 21

EPHEMERAL = 1 << 6
LOADING = 1 << 7
HAS_THREAD = 1 << 5
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
# Flags a client may set on a message it sends; Discord ignores the rest.
SETTABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | EPHEMERAL | (1 << 15)
# Application flags: the message-content intent is enabled (or "limited", under 100 servers).
MESSAGE_CONTENT_FLAG = 1 << 18
MESSAGE_CONTENT_LIMITED_FLAG = 1 << 19


def attachment_json(
    world: World,
    channel: Channel,
    upload: Upload,
    *,
    filename: str | None = None,
    description: str | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """Store an uploaded file and describe it as Discord does (see `attachments.Cdn`)."""
    kind = "ephemeral-attachments" if ephemeral else "attachments"
    stored = world.cdn.store(world.ids.next(), channel, upload, filename or upload.filename, kind)
    return world.cdn.attachment_json(stored, description)


def attachments_from(
    world: World,
    channel: Channel,
    payload: dict[str, Any],
    uploads: list[Upload],
    *,
    ephemeral: bool = False,
) -> list[dict[str, Any]]:
    """Attachments for new files: `files[n]` fields matched with `attachments[].id == n`
    (whose `filename`, when given, names the file, and `description` is its alt text)."""
    described = {str(a.get("id")): a for a in payload.get("attachments") or []}
    result = []
    for upload in uploads:
        index = upload.field.removeprefix("files[").removesuffix("]")
        meta = described.get(index, {})
        result.append(
            attachment_json(
                world,
                channel,
                upload,
                filename=meta.get("filename") or None,
                description=meta.get("description"),
                ephemeral=ephemeral,
            )
        )
    return result


def resolve_mentions(
    world: World, channel: Channel, content: str, allowed: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], list[str], bool]:
    """The users, roles and @everyone a message really pings, honouring allowed_mentions."""
    parse = None if allowed is None else set(allowed.get("parse") or [])
    allowed_users = {str(u) for u in (allowed or {}).get("users") or []}
    allowed_roles = {str(r) for r in (allowed or {}).get("roles") or []}
    users: list[dict[str, Any]] = []
    seen: set[int] = set()
    for match in USER_MENTION.finditer(content):
        user_id = int(match.group(1))
        user = world.users.get(user_id)
        if user is None or user_id in seen:
            continue
        if parse is not None and "users" not in parse and str(user_id) not in allowed_users:
            continue
        seen.add(user_id)
        entry = user.json()
        if channel.guild is not None and user_id in channel.guild.members:
            entry["member"] = channel.guild.members[user_id].json(with_user=False)
        users.append(entry)
    roles: list[str] = []
    if channel.guild is not None:
        for match in ROLE_MENTION.finditer(content):
            role_id = match.group(1)
            if int(role_id) not in channel.guild.roles or role_id in roles:
                continue
            if parse is not None and "roles" not in parse and role_id not in allowed_roles:
                continue
            roles.append(role_id)
    everyone = ("@everyone" in content or "@here" in content) and (
        parse is None or "everyone" in parse
    )
    return users, roles, everyone


def build_message(
    world: World,
    channel: Channel,
    author: User,
    payload: dict[str, Any],
    *,
    attachments: list[dict[str, Any]] | None = None,
    message_type: int = DEFAULT,
    webhook_id: int | None = None,
    interaction_metadata: dict[str, Any] | None = None,
    extra_flags: int = 0,
    message_id: int | None = None,
) -> dict[str, Any]:
    content = str(payload.get("content") or "")
    allowed = payload.get("allowed_mentions")
    users, roles, everyone = resolve_mentions(world, channel, content, allowed)
    message: dict[str, Any] = {
        "id": str(message_id if message_id is not None else world.ids.next()),
        "channel_id": str(channel.id),
        "author": author.json(),
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": bool(payload.get("tts", False)),
        "mention_everyone": everyone,
        "mentions": users,
        "mention_roles": roles,
        "mention_channels": [],
        "attachments": attachments or [],
        "embeds": [_embed(e) for e in payload.get("embeds") or []],
        "reactions": [],
        "pinned": False,
        "type": message_type,
        "flags": (int(payload.get("flags") or 0) & SETTABLE_FLAGS) | extra_flags,
        "components": list(payload.get("components") or []),
    }
    if payload.get("nonce") is not None:
        message["nonce"] = payload["nonce"]
    if webhook_id is not None:
        message["webhook_id"] = str(webhook_id)
        message["application_id"] = str(webhook_id)
    if interaction_metadata is not None:
        message["interaction_metadata"] = interaction_metadata
    if payload.get("sticker_ids"):
        message["sticker_items"] = []
    if channel.is_thread:
        message["position"] = channel.total_sent
    reference = payload.get("message_reference")
    if reference:
        target = world.find_message(channel, int(reference["message_id"]))
        message["message_reference"] = {
            "type": 0,
            "message_id": str(reference["message_id"]),
            "channel_id": str(channel.id),
            "guild_id": str(channel.guild.id) if channel.guild else None,
        }
        message["type"] = REPLY if message_type == DEFAULT else message_type
        message["referenced_message"] = _without_nested_reference(target)
        replied = allowed is None or bool((allowed or {}).get("replied_user", True))
        if target is not None and replied and all(u["id"] != target["author"]["id"] for u in users):
            message["mentions"].append(target["author"])
    return message


def _without_nested_reference(message: dict[str, Any] | None) -> dict[str, Any] | None:
    if message is None:
        return None
    return {k: v for k, v in message.items() if k != "referenced_message"}


def _embed(embed: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich", **embed}


def apply_edit(
    world: World,
    channel: Channel,
    message: dict[str, Any],
    payload: dict[str, Any],
    uploads: list[Upload],
) -> None:
    """Change a stored message in place the way PATCH does: only the keys sent."""
    if "content" in payload:
        content = str(payload.get("content") or "")
        message["content"] = content
        users, roles, everyone = resolve_mentions(
            world, channel, content, payload.get("allowed_mentions")
        )
        message.update(mentions=users, mention_roles=roles, mention_everyone=everyone)
    if "embeds" in payload:
        message["embeds"] = [_embed(e) for e in payload.get("embeds") or []]
    if "components" in payload:
        message["components"] = list(payload.get("components") or [])
    if "flags" in payload and payload["flags"] is not None:
        # Ephemerality is fixed when a message is created; an edit cannot change it.
        kept = message["flags"] & (~SETTABLE_FLAGS | EPHEMERAL)
        message["flags"] = kept | (int(payload["flags"]) & SETTABLE_FLAGS & ~EPHEMERAL)
    if "attachments" in payload:
        keep = {str(a.get("id")) for a in payload.get("attachments") or []}
        world.cdn.forget([a for a in message["attachments"] if a["id"] not in keep])
        message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
    if uploads:
        ephemeral = bool(message["flags"] & EPHEMERAL)
        added = attachments_from(world, channel, payload, uploads, ephemeral=ephemeral)
        message["attachments"] = message["attachments"] + added
    message["flags"] &= ~LOADING
    message["edited_timestamp"] = now_iso()


def gateway_message(message: dict[str, Any], channel: Channel, world: World) -> dict[str, Any]:
    """A message as MESSAGE_CREATE carries it: plus guild_id and the author's member, with
    freshly signed attachment URLs."""
    data = world.cdn.refresh_message(message)
    if channel.guild is not None:
        data["guild_id"] = str(channel.guild.id)
        author_id = int(message["author"]["id"])
        member: Member | None = channel.guild.members.get(author_id)
        if member is not None and "webhook_id" not in message:
            data["member"] = member.json(with_user=False)
    return data


def rest_message(message: dict[str, Any], world: World) -> dict[str, Any]:
    """A message as REST returns it: attachment URLs signed afresh (Discord refreshes them in
    every payload), and the nonce only echoed on create, never in history."""
    data = world.cdn.refresh_message(message)
    data.pop("nonce", None)
    return data


def keeps_content(message: dict[str, Any], bot_id: int) -> bool:
    """Whether a bot without the message-content intent still sees this message's content:
    its own messages and messages mentioning it (DMs are kept by the callers)."""
    author = message.get("author") or {}
    if author.get("id") == str(bot_id):
        return True
    return any(user.get("id") == str(bot_id) for user in message.get("mentions") or [])


def blank_content(message: dict[str, Any]) -> dict[str, Any]:
    """What a bot without the message-content intent sees of someone else's guild message:
    no content, embeds, attachments, components or poll."""
    data = dict(message)
    data.update(content="", embeds=[], attachments=[], components=[])
    data.pop("poll", None)
    return data


def rest_view(message: dict[str, Any], channel: Channel, world: World) -> dict[str, Any]:
    """A message as a REST fetch (one, history, pins) returns it: blanked like the gateway does
    when the application lacks the message-content intent (flag 1<<18 or 1<<19), which on
    Discord governs REST reads too; DMs keep their content."""
    data = rest_message(message, world)
    has_intent = world.application_flags & (MESSAGE_CONTENT_FLAG | MESSAGE_CONTENT_LIMITED_FLAG)
    if channel.guild is not None and not has_intent and not keeps_content(data, world.bot.id):
        return blank_content(data)
    return data


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every interactive component in a message or modal, rows and containers flattened."""
    found: list[dict[str, Any]] = []
    for component in components:
        nested = list(component.get("components") or [])
        nested += [component[key] for key in ("component", "accessory") if key in component]
        if nested:
            found.extend(iter_components(nested))
        else:
            found.append(component)
    return found
