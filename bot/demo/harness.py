"""A sample server with the real KindredBot logged into the local stand-in.

Used by ``python -m bot demo`` and by the end-to-end tests, so both drive the bot
exactly the same way Discord would.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord

from bot.app import COGS, KindredBot, kindred_class
from bot.core.clock import Clock, utc_now
from bot.core.library import load_library
from bot.core.sealing import Sealer, verify_key
from bot.core.settings import Settings, load_settings
from bot.standin import StandIn
from bot.store import Store

ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True, manage_messages=True).value
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    manage_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
).value


class ManualClock:
    """A clock the demo and tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class SampleServer:
    """Handles on the stand-in world the scenes and tests act in."""

    standin: StandIn
    guild: Any
    general: Any
    support: Any
    admin: Any
    moderator: Any
    alice: Any
    bob: Any
    closed_dms: Any
    helpers: Any
    extra: dict[str, Any] = field(default_factory=dict)


def build_sample_server(standin: StandIn) -> SampleServer:
    guild = standin.add_guild(
        "Willow Commons", bot_permissions=BOT_PERMISSIONS, owner_name="Ada (owner)"
    )
    helpers = guild.add_role("Helpers", permissions=0, mentionable=True)
    mods = guild.add_role("Moderators", permissions=ADMIN_PERMISSIONS)
    return SampleServer(
        standin=standin,
        guild=guild,
        general=guild.add_text_channel("general"),
        support=guild.add_text_channel("support"),
        admin=guild.owner,
        moderator=guild.add_member("Mo (moderator)", roles=[mods]),
        alice=guild.add_member("Alice"),
        bob=guild.add_member("Bob", roles=[helpers]),
        closed_dms=guild.add_member("Casey", dms_open=False),
        helpers=helpers,
    )


def harness_settings(data_dir: Path, standin: StandIn, **overrides: Any) -> Settings:
    base = load_settings(environ={}, env_file=None, require_token=False)
    return replace(
        base,
        discord_token=standin.token,
        application_id=int(standin.application_id),
        data_dir=data_dir,
        api_base=standin.api_base,
        gateway_url=standin.gateway_url,
        **overrides,
    )


async def make_kindred(
    store: Store,
    settings: Settings,
    *,
    key: bytes,
    clock: Clock = utc_now,
    cogs: tuple[str, ...] = COGS,
) -> KindredBot:
    """KindredBot on an open ``store``, sealing with ``key`` (a new key is accepted)."""
    sealer = Sealer(key)
    key_check = await verify_key(store, sealer, accept_new_key=True)
    return kindred_class(settings)(
        store=store,
        settings=settings,
        sealer=sealer,
        library=load_library(settings.prompts_path),
        key_check=key_check,
        clock=clock,
        cogs=cogs,
    )


@contextlib.asynccontextmanager
async def running_kindred(
    standin: StandIn,
    data_dir: Path,
    *,
    clock: Clock = utc_now,
    key: bytes | None = None,
    cogs: tuple[str, ...] = COGS,
    **settings_overrides: Any,
) -> AsyncIterator[KindredBot]:
    """Open a store in ``data_dir``, start KindredBot against ``standin``, stop both after."""
    settings = harness_settings(data_dir, standin, **settings_overrides)
    store = await Store.open(settings.db_path)
    try:
        bot = await make_kindred(
            store, settings, key=key if key is not None else os.urandom(32), clock=clock, cogs=cogs
        )
        with standin.patch_discord():
            async with standin.running(bot):
                yield bot
    finally:
        await store.close()
