"""Interactions the stand-in sends: their INTERACTION_CREATE payloads and what the bot answered."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.standin.access import channel_permissions
from bot.standin.attachments import upload_limit
from bot.standin.world import Channel, Member, User, World

PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types.
MESSAGE = 4
DEFERRED_MESSAGE = 5
DEFERRED_UPDATE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

# Which callbacks Discord accepts for which interaction type.
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}

LOADING = 1 << 7
FOLLOWUP_WINDOW_S = 15 * 60


@dataclass(eq=False)
class Interaction:
    """One interaction sent to the bot and everything the bot did with its token."""

    id: int
    token: str
    type: int
    channel: Channel
    user: User
    member: Member | None
    payload: dict[str, Any]
    created: float
    deadline: float
    message: dict[str, Any] | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[int, int]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    original_message: dict[str, Any] | None = None
    original_deleted: bool = False
    _first: asyncio.Future[dict[str, Any]] = field(init=False)
    _changed: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    _followups: asyncio.Queue[dict[str, Any]] = field(init=False, default_factory=asyncio.Queue)

    def __post_init__(self) -> None:
        self._first = asyncio.get_running_loop().create_future()

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def ephemeral(self) -> bool:
        """Whether the first message response (or deferral) was ephemeral (flags & 64)."""
        for callback in self.callbacks:
            if callback.get("type") in (MESSAGE, DEFERRED_MESSAGE):
                return bool(int((callback.get("data") or {}).get("flags") or 0) & 64)
        return False

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (callback 9 data), if it did."""
        for callback in self.callbacks:
            if callback.get("type") == MODAL:
                return dict(callback.get("data") or {})
        return None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        for callback in self.callbacks:
            if callback.get("type") == AUTOCOMPLETE_RESULT:
                return list((callback.get("data") or {}).get("choices") or [])
        return None

    def touched(self) -> None:
        """Something about this interaction's messages changed (wakes `answer`)."""
        self._changed.set()

    def record_callback(self, payload: dict[str, Any]) -> None:
        self.callbacks.append(payload)
        self.touched()
        if not self._first.done():
            self._first.set_result(payload)

    def record_followup(self, message: dict[str, Any]) -> None:
        self.followups.append(message)
        self._followups.put_nowait(message)
        self.touched()

    async def response(self, timeout: float = 5) -> dict[str, Any]:
        """The first callback the bot sent, e.g. `{"type": 4, "data": {...}}`."""
        return await asyncio.wait_for(asyncio.shield(self._first), timeout)

    async def followup(self, timeout: float = 15) -> dict[str, Any]:
        """The next followup message not yet returned by this method."""
        return await asyncio.wait_for(self._followups.get(), timeout)

    async def answer(self, timeout: float = 15) -> dict[str, Any]:
        """The message the user ends up seeing as the reply: the @original once it is no longer
        "thinking" (a deferral resolved by editing @original or by the first followup)."""

        async def settled() -> dict[str, Any]:
            while True:
                self._changed.clear()
                message = self.original()
                if message is not None and not int(message["flags"]) & LOADING:
                    return message
                await self._changed.wait()

        return await asyncio.wait_for(settled(), timeout)

    def original(self) -> dict[str, Any] | None:
        """The current @original message, or None (not sent yet, or deleted)."""
        return None if self.original_deleted else self.original_message


def new_token() -> str:
    return "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)


def interaction_payload(
    world: World,
    it: Interaction,
    data: dict[str, Any],
) -> dict[str, Any]:
    """INTERACTION_CREATE's `d`, with everything discord.py reads from it."""
    channel = it.channel
    payload: dict[str, Any] = {
        "id": str(it.id),
        "application_id": str(world.application_id),
        "type": it.type,
        "data": data,
        "token": it.token,
        "version": 1,
        "locale": it.user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        # The upload limit where the interaction happened (Discord takes the larger of this and
        # the user's Nitro limit; the stand-in models no Nitro).
        "attachment_size_limit": upload_limit(channel),
        "channel_id": str(channel.id),
    }
    if channel.guild is not None and it.member is not None:
        guild = channel.guild
        bot_perms = channel_permissions(guild.me, channel)
        payload.update(
            guild_id=str(guild.id),
            guild_locale=guild.locale,
            guild={"id": str(guild.id), "locale": guild.locale, "features": []},
            member={
                **it.member.json(),
                "permissions": str(channel_permissions(it.member, channel)),
            },
            app_permissions=str(bot_perms),
            channel={**channel.json(), "permissions": str(channel_permissions(it.member, channel))},
            context=0,
            authorizing_integration_owners={"0": str(guild.id)},
        )
    else:
        payload.update(
            user=it.user.json(),
            app_permissions=str((1 << 53) - 1 & ~(1 << 3)),
            channel=channel.json(),
            context=1,
            authorizing_integration_owners={"0": str(it.user.id), "1": str(it.user.id)},
        )
    if it.message is not None:
        payload["message"] = it.message
    return payload
