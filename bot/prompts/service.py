"""Choosing, posting and measuring prompts; the scheduler's handler for kind ``"prompt"``.

The cog's commands and the scheduled delivery share this service, so ``/prompt now`` and
the daily post look and behave the same. Selection and the depth ladder are the pure
functions in :mod:`bot.prompt_selection`; this module feeds them from the store.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.core.discord_codes import THREAD_EXISTS
from bot.core.library import Prompt
from bot.prompts.posting import (
    NOW_MARK,
    THREAD_ARCHIVE_MINUTES,
    build_embed,
    missing_permissions,
    scheduled_footer,
)
from bot.prompts.selection import (
    Engagement,
    LadderRule,
    initial_depth,
    next_depth,
    pick_prompt,
)
from bot.prompts.selection import thread_name as make_thread_name
from bot.schedule.jobs import (
    Delivered,
    DeliveryResult,
    DueJob,
    Failed,
    Unfinished,
)
from bot.store.prompt_suggestions import SUGGESTION_RETENTION
from bot.store.prompts import PromptPost, PromptSettings

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

KIND = "prompt"
COUNTING_WINDOW = timedelta(days=1)  # replies count toward the ladder during a post's first day
CHANNEL_GONE = "The prompt channel was deleted, so the daily prompt is paused."
REPLIER_PURPOSE = "prompt-replier"
# History is searched from a little before the due time: a post is never made before it.
HISTORY_SLACK = timedelta(minutes=10)
UNFINISHED = "posted; its thread could not be started yet (Kindred tries again)"


def new_nonce() -> str:
    """A random message nonce (24 characters; Discord allows 25) for a one-off post."""
    return secrets.token_hex(12)


class PostFailed(Exception):
    """Posting did not work; ``permanent`` failures (403/404) are not retried."""

    def __init__(self, message: str, *, permanent: bool, gone: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.gone = gone


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, discord.HTTPException):
        return exc.status >= 500 or exc.status == 429
    return isinstance(exc, aiohttp.ClientError | TimeoutError | OSError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"Discord answered {exc.status} (code {exc.code}): {exc.text or exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


class PromptService:
    """Everything the prompts feature does with the store and Discord."""

    # Waits before the 2nd and 3rd attempt of a post Discord failed with a 5xx or a network
    # error. 403/404 are never retried (Discord bans IPs that repeat invalid requests).
    retry_delays: tuple[float, ...] = (2.0, 10.0)

    def __init__(self, bot: KindredBot, *, rng: random.Random | None = None) -> None:
        self.bot = bot
        self.rng = rng or random.Random()
        # Threads still inside their counting day: thread id -> (server id, posted at). Keyed
        # by thread id (a snowflake, never reused), so a reply reaches only its own post.
        self.tracked: dict[int, tuple[int, datetime]] = {}

    # -- settings and the ladder ------------------------------------------------

    async def settings(self, guild_id: int) -> PromptSettings:
        return await self.bot.store.ensure_prompt_settings(
            guild_id, initial_depth(LadderRule()), self.bot.clock()
        )

    @staticmethod
    def ladder_rule(settings: PromptSettings) -> LadderRule:
        return LadderRule(**settings.ladder())

    async def ladder_history(self, settings: PromptSettings) -> list[Engagement]:
        posts = await self.bot.store.ladder_posts(
            settings.guild_id, settings.depth, settings.depth_since
        )
        return [Engagement(repliers=p.repliers, replies=p.replies) for p in posts]

    async def climb(self, guild_id: int) -> PromptSettings:
        """Apply the depth ladder before a scheduled pick; a move starts a new history."""
        settings = await self.settings(guild_id)
        depth = next_depth(
            settings.depth, await self.ladder_history(settings), self.ladder_rule(settings)
        )
        if depth != settings.depth:
            log.info("server %s moves from %s to %s prompts", guild_id, settings.depth, depth)
            await self.bot.store.set_prompt_depth(guild_id, depth, self.bot.clock())
            settings = await self.settings(guild_id)
        return settings

    # -- the library --------------------------------------------------------------

    async def library_for(self, guild_id: int) -> list[Prompt]:
        """The shipped prompts plus the server's approved suggestions."""
        custom = await self.bot.store.custom_prompts(guild_id)
        return [
            *self.bot.library.prompts,
            *(Prompt(c.prompt_id, c.text, c.category, c.depth, None) for c in custom),
        ]

    async def find_prompt(self, guild_id: int, prompt_id: str) -> Prompt | None:
        found = self.bot.library.prompt(prompt_id)
        if found is not None:
            return found
        return next((p for p in await self.library_for(guild_id) if p.id == prompt_id), None)

    async def choose(self, guild_id: int, *, depth: str, category: str | None) -> Prompt:
        history = await self.bot.store.prompt_history(guild_id)
        return pick_prompt(
            await self.library_for(guild_id),
            history,
            depth=depth,
            category=category,
            rng=self.rng,
        )

    def framing(self) -> str | None:
        lines = self.bot.library.framing
        return self.rng.choice(lines) if lines else None

    # -- posting --------------------------------------------------------------------

    async def publish(
        self,
        channel: discord.TextChannel,
        prompt: Prompt,
        post: PromptPost,
        *,
        footer: str,
        nonce: str | None = None,
        posted: Callable[[int], Awaitable[None]] | None = None,
    ) -> tuple[discord.Message, int | None]:
        """Post the embed (retrying transient errors) and start its thread; the message and
        the thread's id (None: the thread could not be started, the post stands).
        ``posted`` hears of the message before the thread is asked for."""
        embed = build_embed(prompt, framing=self.framing(), footer=footer)
        message = await self._send(channel, embed, nonce)
        if posted is not None:
            await posted(message.id)
        await self.bot.store.mark_prompt_posted(
            post.id, message_id=message.id, channel_id=channel.id, now=self.bot.clock()
        )
        thread_id = await self.start_thread(message, prompt.text, post.id, channel.guild.id)
        return message, thread_id

    async def _send(
        self, channel: discord.TextChannel, embed: discord.Embed, nonce: str | None
    ) -> discord.Message:
        # With a nonce Discord answers a retry (ours, or discord.py's own on a 5xx) with
        # the message it already has instead of posting it twice.
        nonce = nonce or new_nonce()
        attempt = 0
        while True:
            try:
                return await channel.send(embed=embed, nonce=nonce)
            except discord.NotFound as exc:
                raise PostFailed(
                    f"{channel.mention} no longer exists ({_describe(exc)})",
                    permanent=True,
                    gone=True,
                ) from exc
            except discord.Forbidden as exc:
                raise PostFailed(
                    f"Kindred may not post in {channel.mention} ({_describe(exc)})", permanent=True
                ) from exc
            except Exception as exc:
                if not _is_transient(exc) or attempt >= len(self.retry_delays):
                    raise PostFailed(_describe(exc), permanent=not _is_transient(exc)) from exc
                log.warning("posting a prompt in channel %s failed (%s); retrying", channel.id, exc)
                await asyncio.sleep(self.retry_delays[attempt])
                attempt += 1

    async def start_thread(
        self,
        message: discord.Message | discord.PartialMessage,
        text: str,
        post_id: int,
        guild_id: int,
    ) -> int | None:
        """The post's public thread; a failure is recorded but the post stands. 160004 (a
        thread exists on it: an earlier answer was lost) counts as started."""
        try:
            thread = await message.create_thread(
                name=make_thread_name(text), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
            thread_id = thread.id
        except Exception as exc:
            already = isinstance(exc, discord.HTTPException) and exc.code == THREAD_EXISTS
            if not already:
                if not isinstance(exc, discord.HTTPException) and not _is_transient(exc):
                    raise
                # The message is out: the post stands whatever happened to its thread.
                log.warning("could not start the thread of prompt post %s: %s", post_id, exc)
                await self.bot.store.record_prompt_failure(
                    guild_id,
                    f"The prompt was posted but its thread could not be started: {_describe(exc)}",
                    self.bot.clock(),
                )
                return None
            thread_id = message.id  # a thread's id is its starter message's id
        await self.bot.store.set_prompt_thread(post_id, thread_id)
        self.tracked[thread_id] = (guild_id, self.bot.clock())
        return thread_id

    async def post_now(
        self, channel: discord.TextChannel, *, depth: str, category: str | None
    ) -> tuple[Prompt, discord.Message]:
        """``/prompt now``: choose and post here; not part of the ladder."""
        guild_id = channel.guild.id
        prompt = await self.choose(guild_id, depth=depth, category=category)
        nonce = new_nonce()
        post = await self.bot.store.add_prompt_post(
            guild_id=guild_id,
            channel_id=channel.id,
            prompt_id=prompt.id,
            category=prompt.category,
            depth=prompt.depth,
            source="now",
            now=self.bot.clock(),
            nonce=nonce,
        )
        message, _ = await self.publish(channel, prompt, post, footer=NOW_MARK, nonce=nonce)
        return prompt, message

    # -- engagement -----------------------------------------------------------------

    async def load_tracked(self) -> None:
        since = self.bot.clock() - COUNTING_WINDOW
        self.tracked = await self.bot.store.prompt_threads_since(since)

    async def note_message(self, message: discord.Message) -> None:
        """Count a reply in a prompt thread (no content is read or stored)."""
        thread_id = message.channel.id
        entry = self.tracked.get(thread_id)
        if entry is None or message.author.bot or message.webhook_id is not None:
            return
        if self.bot.clock() - entry[1] > COUNTING_WINDOW:
            self.tracked.pop(thread_id, None)
            return
        member_hash = self.bot.sealer.keyed_hash(REPLIER_PURPOSE, message.author.id)
        await self.bot.store.record_prompt_reply(thread_id, member_hash)

    def forget_guild(self, guild_id: int) -> None:
        """Stop counting replies in a server's threads (``/kindred forget-server``)."""
        self.tracked = {k: v for k, v in self.tracked.items() if v[0] != guild_id}

    async def prune(self) -> None:
        now = self.bot.clock()
        self.tracked = {k: v for k, v in self.tracked.items() if now - v[1] <= COUNTING_WINDOW}
        await self.bot.store.prune_prompt_repliers(now - COUNTING_WINDOW)
        # 90 days after review; one nobody reviewed, 90 days after it was made.
        await self.bot.store.prune_suggestions(now - SUGGESTION_RETENTION)
        await self.bot.store.prune_pending_suggestions(now - SUGGESTION_RETENTION)

    # -- failures -------------------------------------------------------------------

    async def fail(self, guild_id: int, error: str) -> None:
        await self.bot.store.record_prompt_failure(guild_id, error, self.bot.clock())

    async def channel_gone(self, guild_id: int) -> None:
        """The schedule's channel was deleted: say so where admins will see it."""
        await self.bot.store.set_prompt_pause_reason(guild_id, CHANNEL_GONE, self.bot.clock())
        guild = self.bot.get_guild(guild_id)
        channel = guild.system_channel if guild is not None else None
        if channel is None or guild is None or not channel.permissions_for(guild.me).send_messages:
            return
        try:
            await channel.send(
                f"{CHANNEL_GONE} A member with Manage Server can pick another channel with "
                "`/prompt schedule`."
            )
        except discord.HTTPException as exc:
            log.warning("could not tell server %s its prompt channel is gone: %s", guild_id, exc)


class PromptDelivery:
    """The engine's handler for scheduled prompts (kind ``"prompt"``)."""

    def __init__(self, service: PromptService) -> None:
        self.service = service
        self.bot = service.bot

    async def _channel(self, channel_id: int | None) -> discord.TextChannel:
        if channel_id is None:
            raise PostFailed("the schedule has no channel", permanent=True, gone=True)
        channel: Any = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.NotFound as exc:
                raise PostFailed("the channel was deleted", permanent=True, gone=True) from exc
            except discord.HTTPException as exc:
                raise PostFailed(
                    f"Kindred cannot see the channel ({_describe(exc)})",
                    permanent=not _is_transient(exc),
                ) from exc
        if not isinstance(channel, discord.TextChannel):
            raise PostFailed("the channel is not a text channel", permanent=True, gone=True)
        return channel

    async def deliver(self, job: DueJob) -> DeliveryResult:
        guild_id = job.schedule.guild_id
        assert guild_id is not None  # prompt schedules belong to a server
        service = self.service
        try:
            channel = await self._channel(job.schedule.channel_id)
            missing = missing_permissions(channel.permissions_for(channel.guild.me))
            if missing:
                raise PostFailed(
                    f"Kindred is missing {', '.join(missing)} in {channel.mention}",
                    permanent=True,
                )
            post = await self.bot.store.prompt_post_by_nonce(job.nonce)
            prompt = None if post is None else await service.find_prompt(guild_id, post.prompt_id)
            if post is None or prompt is None:
                settings = await service.climb(guild_id)
                prompt = await service.choose(guild_id, depth=settings.depth, category=None)
                post = await self.bot.store.add_prompt_post(
                    guild_id=guild_id,
                    channel_id=channel.id,
                    prompt_id=prompt.id,
                    category=prompt.category,
                    depth=settings.depth,
                    source="schedule",
                    now=self.bot.clock(),
                    nonce=job.nonce,
                )
            message, thread_id = await service.publish(
                channel,
                prompt,
                post,
                footer=scheduled_footer(job.local_date),
                nonce=job.nonce,
                posted=job.posted,
            )
        except PostFailed as exc:
            if exc.gone:
                await service.channel_gone(guild_id)
            await service.fail(guild_id, str(exc))
            return Failed(str(exc), pause=exc.gone)
        await self.bot.store.set_prompt_pause_reason(guild_id, None, self.bot.clock())
        if thread_id is None:
            return Unfinished(message.id, UNFINISHED)
        return Delivered(message.id)

    async def finish(self, job: DueJob, message_id: int) -> DeliveryResult:
        """The post ``message_id`` is out: start its thread if it has none yet (on that very
        post: never a second post)."""
        try:
            channel = await self._channel(job.schedule.channel_id)
        except PostFailed as exc:
            return Failed(f"posted, but {exc}", pause=exc.gone)
        post = await self.bot.store.prompt_post_by_nonce(job.nonce)
        if post is None:
            return Delivered(message_id)  # forgotten meanwhile (forget-server): nothing to add
        if post.message_id != message_id:
            await self.bot.store.mark_prompt_posted(
                post.id, message_id=message_id, channel_id=channel.id, now=self.bot.clock()
            )
        if post.thread_id is not None:
            return Delivered(message_id)
        prompt = await self.service.find_prompt(channel.guild.id, post.prompt_id)
        started = await self.service.start_thread(
            channel.get_partial_message(message_id),
            prompt.text if prompt is not None else "",
            post.id,
            channel.guild.id,
        )
        return Unfinished(message_id, UNFINISHED) if started is None else Delivered(message_id)

    async def already_delivered(self, job: DueJob) -> int | bool:
        """After a crash: is Kindred's post for this local date in the channel already? Its
        id if so (the engine then finishes it: its thread), False if surely not.

        Raises when that cannot be known (history unreadable, Discord or the network
        failing): the engine then keeps the claim and asks again later, rather than
        posting a second time.
        """
        try:
            channel = await self._channel(job.schedule.channel_id)
        except PostFailed as exc:
            if exc.gone:  # no channel, so surely no post; the redo fails and pauses
                return False
            raise
        if self.bot.user is None:
            raise RuntimeError("not logged in yet")
        found = await self._find_post(channel, job.local_date, job.due_at)
        return False if found is None else found.id

    async def _find_post(
        self, channel: discord.TextChannel, day: date, due_at: datetime
    ) -> discord.Message | None:
        marker = scheduled_footer(day)
        assert self.bot.user is not None
        async for message in channel.history(after=due_at - HISTORY_SLACK, limit=200):
            if message.author.id != self.bot.user.id:
                continue
            if any((e.footer.text or "").startswith(marker) for e in message.embeds):
                return message
        return None
