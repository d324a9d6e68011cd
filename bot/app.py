"""KindredBot: the discord.py bot that ties the core services and the cogs together."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

from bot.core import log_privacy
from bot.core.bridges import (
    CheckinHomes,
    CrisisAlerts,
    ReplyListener,
    RequestOpener,
    ThreadStyles,
)
from bot.core.clock import Clock, utc_now
from bot.core.crisis import CrisisDetector
from bot.core.errors import KindredTree
from bot.core.library import Library
from bot.core.pacing import CallBudget
from bot.core.privacy import DataArea, PrivacyRegistry
from bot.core.sealing import KeyCheck, Sealer
from bot.core.settings import Settings
from bot.schedule.engine import Engine
from bot.store import Store
from bot.store.schedule import ShardSlice

log = logging.getLogger(__name__)


def discover_cogs() -> tuple[str, ...]:
    """Every module in ``cogs/`` is one feature's cog (pure logic lives in ``bot/``)."""
    import cogs

    names = sorted(
        m.name for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_")
    )
    return tuple(f"cogs.{name}" for name in names)


COGS: tuple[str, ...] = discover_cogs()
# The cogs that offer something to other features (their class names, as discord.py keys them).
SUPPORT_COG = "SupportCog"
CHECKINS_COG = "CheckinsCog"
LISTENING_COG = "ListeningCog"
COMMAND_HASH_KEY = "command_set_hash"
StatusSource = Callable[[int], Awaitable[list[tuple[str, str]]]]
MemberNotice = Callable[[int], Awaitable[str | None]]
MessageHandler = Callable[[discord.Message], Awaitable[None]]
InteractionHandler = Callable[[discord.Interaction[Any]], Awaitable[None]]
LEFT_SERVER_RETENTION = timedelta(days=30)
MAINTENANCE_INTERVAL = timedelta(hours=6)
CLOSE_WAIT_SECONDS = 10.0  # how long close() waits for on_ready's writes


def quiet_voice_warnings() -> None:
    """Kindred has no voice features; discord.py's missing-voice-library warnings are noise."""
    logging.getLogger("discord.client").setLevel(logging.ERROR)


def base_intents() -> discord.Intents:
    """Guilds and messages only: no members or presence intent (DESIGN.md, "Intents")."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


class KindredBot(commands.Bot):
    """The bot. Resources are opened by the entry point and handed in; nothing global."""

    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        sealer: Sealer,
        library: Library,
        key_check: KeyCheck | None = None,
        clock: Clock = utc_now,
        cogs: tuple[str, ...] = COGS,
    ) -> None:
        # Libraries log payloads at DEBUG; keep identities and private text out of every line.
        log_privacy.install()
        # One budget for every REST call, interactive ones first (bot/core/pacing.py).
        self.rest_budget = CallBudget(settings.rest_rate)
        shards: dict[str, Any] = {}
        if isinstance(self, commands.AutoShardedBot) and settings.sharding is not None:
            ids = settings.sharding.ids
            shards = {
                "shard_count": settings.sharding.count,
                "shard_ids": list(ids) if ids is not None else None,
            }
        super().__init__(
            **shards,
            http_trace=self.rest_budget.trace_config(),
            command_prefix=commands.when_mentioned,
            intents=base_intents(),
            help_command=None,
            tree_cls=KindredTree,
            # Nothing Kindred posts pings anyone unless a call opts in deliberately.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.store = store
        self.settings = settings
        self.sealer = sealer
        self.library = library
        self.key_check = key_check
        self.clock = clock
        self.crisis = CrisisDetector.from_library(library)
        self.engine = Engine(
            store,
            grace=timedelta(minutes=settings.grace_minutes),
            clock=clock,
            owner=shard_slice(settings),
        )
        self.privacy = PrivacyRegistry()
        self.message_content_enabled = False
        self.commands_synced_this_start = False
        self.setup_hints: list[str] = []
        # Each feature adds what /kindred status shows for a server: (guild_id) -> fields.
        self.status_sources: list[StatusSource] = []
        # Each feature may have something to tell a member after any command they run
        # (e.g. "your DMs are closed, check-ins are paused"): (user_id) -> text or None.
        self.member_notices: list[MemberNotice] = []
        # Each feature's handler of every message and every interaction, awaited in turn in
        # one task (a cog listener each would cost a task per feature per event).
        self.message_handlers: list[MessageHandler] = []
        self.interaction_handlers: list[InteractionHandler] = []
        self._cog_names = cogs
        self._background: set[asyncio.Task[None]] = set()
        self._maintenance_task: asyncio.Task[None] | None = None
        self._recording_servers: asyncio.Task[Any] | None = None

    # -- start-up -------------------------------------------------------------

    async def setup_hook(self) -> None:
        flags = self.application.flags if self.application is not None else None
        self.message_content_enabled = bool(
            flags and (flags.gateway_message_content or flags.gateway_message_content_limited)
        )
        if self.message_content_enabled:
            # Asking for the privileged intent without it being enabled makes Discord close
            # the gateway with 4014, so it is only requested once the application says yes.
            self._connection._intents.message_content = True
        else:
            log.warning(
                "the message-content intent is not enabled for this application: "
                "thread relays use the Reply button and active listening stays off"
            )
        self._register_core_data()
        for name in self._cog_names:
            await self.load_extension(name)
        await self.sync_commands_if_changed()
        self._spawn(self._start_engine_when_ready())
        self._maintenance_task = asyncio.create_task(self._maintenance_loop())

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _start_engine_when_ready(self) -> None:
        # Scheduled work posts to Discord, so it starts once the gateway is ready.
        await self.wait_until_ready()
        await self.engine.start()

    def command_set_hash(self) -> str:
        payload = sorted(
            (cmd.to_dict(self.tree) for cmd in self.tree.get_commands()),
            key=lambda c: str(c.get("name")),
        )
        blob = json.dumps({"application": self.application_id, "commands": payload}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands_if_changed(self) -> bool:
        """Bulk-overwrite the global commands only when the command set changed."""
        digest = self.command_set_hash()
        if await self.store.get_meta(COMMAND_HASH_KEY) == digest:
            log.info("command set unchanged; not syncing")
            return False
        try:
            synced = await self.tree.sync()
        except discord.HTTPException as exc:
            # Not fatal: the commands registered before keep working; the next start retries.
            log.error("could not sync commands (%s, code %s); will retry next start",
                      exc.status, exc.code)  # fmt: skip
            return False
        await self.store.set_meta(COMMAND_HASH_KEY, digest)
        self.commands_synced_this_start = True
        log.info("synced %d commands", len(synced))
        return True

    def _register_core_data(self) -> None:
        store = self.store

        async def export_member(user_id: int) -> Any:
            # Each schedule as stored (rule, payload, state) with every delivery in its ledger.
            ledger = await store.ledger_rows_of_member(user_id)
            return [
                {
                    **s.describe(),
                    "deliveries": [e.describe() for e in ledger if e.schedule_id == s.id],
                }
                for s in await store.schedules_for_member(user_id)
            ]

        async def forget_member(user_id: int) -> int:
            return await store.delete_schedules_for_member(user_id)

        async def forget_guild(guild_id: int) -> int:
            return await store.delete_schedules_for_guild(guild_id)

        self.privacy.register(DataArea("schedules", export_member, forget_member, forget_guild))

    # -- what features offer each other (bot/core/bridges.py) ---------------------

    @property
    def request_opener(self) -> RequestOpener | None:
        cog = self.get_cog(SUPPORT_COG)
        return cog if isinstance(cog, RequestOpener) else None

    @property
    def thread_styles(self) -> ThreadStyles | None:
        cog = self.get_cog(SUPPORT_COG)
        return cog if isinstance(cog, ThreadStyles) else None

    @property
    def crisis_alerts(self) -> CrisisAlerts | None:
        cog = self.get_cog(SUPPORT_COG)
        return cog if isinstance(cog, CrisisAlerts) else None

    @property
    def checkin_homes(self) -> CheckinHomes | None:
        cog = self.get_cog(CHECKINS_COG)
        return cog if isinstance(cog, CheckinHomes) else None

    @property
    def reply_listener(self) -> ReplyListener | None:
        cog = self.get_cog(LISTENING_COG)
        return cog if isinstance(cog, ReplyListener) else None

    # -- status ---------------------------------------------------------------

    def degraded_features(self) -> list[str]:
        """Features that run in a reduced form, for /kindred status."""
        if self.message_content_enabled:
            return []
        return [
            "The message-content intent is off: active-listening reminders and crisis checks in "
            "watched channels are paused, and support-thread replies reach requesters only "
            "through the Reply button. "
            "Enable it under Developer Portal → Bot → Privileged Gateway Intents."
        ]

    async def on_message(self, message: discord.Message) -> None:
        """Every feature's message handler, in one task. Kindred has no prefix commands, so
        unlike ``commands.Bot`` it does not parse every message for one."""
        for handler in self.message_handlers:
            try:
                await handler(message)
            except Exception:
                log.exception("a feature failed to handle a message")

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every feature's interaction handler (forms submitted after a restart), in one task;
        slash commands and buttons go through the command tree and dynamic items as usual."""
        for handler in self.interaction_handlers:
            try:
                await handler(interaction)
            except Exception:
                log.exception("a feature failed to handle an interaction")

    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: Any
    ) -> None:
        """After any command, tell the member what a feature needs them to know, privately."""
        if self.is_closed():
            return  # shutting down: the store may already be closing
        for notice in self.member_notices:
            try:
                text = await notice(interaction.user.id)
                if text:
                    await interaction.followup.send(text, ephemeral=True)
            except discord.HTTPException as exc:
                log.warning("could not send a member notice: %s", exc.code)
            except Exception:
                log.exception("a member notice failed")

    # -- servers --------------------------------------------------------------

    async def on_ready(self) -> None:
        # close() waits for this: stopping right after start must not cut it off mid-write
        # (the store closes after the bot), nor log "Cannot operate on a closed database".
        self._recording_servers = asyncio.current_task()
        now = self.clock()
        present = [guild.id for guild in self.guilds]  # unavailable (outage) guilds included
        await self.store.guilds_present(present, now)
        # Removed while Kindred was offline: no GUILD_DELETE ever came, READY just omits it.
        gone = await self.store.mark_guilds_left_unless(present, now, owner=self.engine.owner)
        if gone:
            log.info("%d servers removed Kindred while it was offline", gone)
        log.info("ready in %d servers", len(present))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.store.guild_joined(guild.id, self.clock())
        await self.post_welcome(guild)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Data is kept 30 days in case Kindred is re-added, then deleted (DESIGN.md).
        await self.store.guild_left(guild.id, self.clock())

    async def post_welcome(self, guild: discord.Guild) -> None:
        channel = guild.system_channel
        if channel is None or not channel.permissions_for(guild.me).send_messages:
            return
        lines = [
            "Hi, I'm **Kindred**. I help this community talk a little more deeply and kindly.",
            "",
            "To set me up (Manage Server):",
            *(f"• {hint}" for hint in self.setup_hints),
            "",
            "`/kindred help` shows everything; `/kindred privacy` says what I store and why.",
        ]
        try:
            await channel.send("\n".join(lines))
        except discord.HTTPException as exc:
            log.warning("could not post the welcome in server %s: %s", guild.id, exc.code)

    async def forget_server(self, guild_id: int) -> dict[str, int]:
        counts = await self.privacy.forget_guild(guild_id)
        await self.store.delete_guild_row(guild_id)
        await self.store.scrub()
        return counts

    async def run_maintenance(self) -> None:
        """Delete data of servers Kindred left more than 30 days ago."""
        cutoff = self.clock() - LEFT_SERVER_RETENTION
        for guild_id in await self.store.guilds_left_before(cutoff):
            await self.forget_server(guild_id)

    async def _maintenance_loop(self) -> None:
        await self.wait_until_ready()
        while not self.is_closed():
            try:
                await self.run_maintenance()
            except Exception:
                log.exception("maintenance failed; will try again")
            await asyncio.sleep(MAINTENANCE_INTERVAL.total_seconds())

    # -- shutdown -------------------------------------------------------------

    async def close(self) -> None:
        recording = self._recording_servers
        if recording is not None and recording is not asyncio.current_task():
            await asyncio.wait({recording}, timeout=CLOSE_WAIT_SECONDS)
        if self._maintenance_task is not None:
            self._maintenance_task.cancel()
        for task in list(self._background):
            task.cancel()
        await self.engine.shutdown()
        await super().close()


class ShardedKindredBot(KindredBot, commands.AutoShardedBot):
    """KindredBot running several shards (KINDRED_SHARD_COUNT, KINDRED_SHARD_IDS): one gateway
    connection per shard, each receiving its own guilds' events (DESIGN.md, "Scale path")."""


def kindred_class(settings: Settings) -> type[KindredBot]:
    """A plain Bot unless the settings ask for shards: no code edits to shard (issue #14)."""
    return KindredBot if settings.sharding is None else ShardedKindredBot


def shard_slice(settings: Settings) -> ShardSlice | None:
    """The rows this process owns when it runs some shards of several processes' (None: it
    runs every shard, or is unsharded, and owns every row)."""
    sharding = settings.sharding
    if sharding is None or sharding.count is None or sharding.ids is None:
        return None
    if len(sharding.ids) == sharding.count:
        return None
    return ShardSlice(count=sharding.count, ids=sharding.ids)
