"""The support service's foundations: keys, reaching people, membership, closing, sweeping.

Who asked is only ever held sealed (``requester_sealed``, ``dm_sealed``, bound to the request's
row) or as the request's own lookup token; it is opened here only to send the requester a DM or
to block them, and never logged.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.core.cooldown import Cooldown
from bot.core.discord_codes import THREAD_EXISTS
from bot.core.errors import UserFacingError
from bot.core.sealing import SealingError
from bot.store.support import SupportConfig, SupportRequest
from bot.store.support_schema import SEAL_DM, SEAL_USER, request_binding, request_lookup
from bot.support.crisis import CrisisAlerter
from bot.support.names import IDLE_DAYS
from bot.support.sending import Outcome, send_to

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)


PENDING_TTL = timedelta(days=1)
BLOCK_LASTS = timedelta(days=365)  # a moderator can block again to renew
RATE_WINDOW = timedelta(hours=24)
# Relays a request passes on per direction (and per responder) in RELAY_WINDOW: plenty for a
# conversation, a stop for a flood. Kept in memory only.
RELAY_BURST = 20
RELAY_WINDOW = timedelta(minutes=10)
WITHDRAWN_NOTE = (
    "This request was withdrawn: the person who asked has deleted their data, so messages here "
    "no longer reach them. Thank you to everyone who was here for them. 💛"
)
GONE_NOTE = (
    "This request is no longer open (it was withdrawn or has ended), so messages here don't "
    "reach anyone any more."
)


class NotInServer(UserFacingError):
    """The member left (or was removed from) the server, or Kindred is no longer in it."""

    def __init__(self, message: str, *, bot_left: bool) -> None:
        super().__init__(message)
        self.bot_left = bot_left


class SupportBase:
    """What every part of the support service shares."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        # Threads of vanished requests already told so (one note, not one per message).
        self._gone_noted: set[int] = set()
        self.alerter = CrisisAlerter(bot)
        # Floods are paused per request and direction, and warned about once a window.
        self._relays = Cooldown(RELAY_WINDOW, lambda: bot.clock(), allowed=RELAY_BURST)
        self._warnings = Cooldown(RELAY_WINDOW, lambda: bot.clock())

    # -- keys -----------------------------------------------------------------

    def lookup_of(self, request_id: int, user_id: int) -> str:
        """The lookup token request ``request_id`` carries when ``user_id`` asked."""
        return request_lookup(self.bot.sealer, request_id, user_id)

    def is_requester(self, request: SupportRequest, user_id: int) -> bool:
        return request.lookup is not None and request.lookup == self.lookup_of(request.id, user_id)

    async def requests_of(self, user_id: int, *, open_only: bool = False) -> list[SupportRequest]:
        """A member's requests, found by each request's own lookup token."""
        return await self.bot.store.support_requests_matching(
            lambda request_id: self.lookup_of(request_id, user_id), open_only=open_only
        )

    def requester_id(self, request: SupportRequest) -> int | None:
        """Who asked, opened from the request's seal (for a block, never shown or logged)."""
        try:
            return int(
                self.bot.sealer.open(
                    request.requester_sealed or "",
                    purpose=SEAL_USER,
                    bind=request_binding(request.id, request.guild_id),
                )
            )
        except (SealingError, ValueError):
            return None

    def member_key(self, guild_id: int, user_id: int) -> str:
        return self.bot.sealer.keyed_hash("support-member", guild_id, user_id)

    def reply_token(self, request_id: int) -> str:
        """The keyed token in a request's Reply button id: unguessable without the key."""
        return self.bot.sealer.keyed_hash("support-reply-button", request_id)[:12]

    def rate_key(self, guild_id: int, user_id: int) -> str:
        """The rate-limit marker's key: its own purpose, so markers link to no request."""
        return self.bot.sealer.keyed_hash("support-rate", guild_id, user_id)

    def resources(self, config: SupportConfig | None) -> str:
        return (config.resources if config else None) or self.bot.crisis.resources

    # -- membership -------------------------------------------------------------

    async def check_member(self, guild_id: int, user: discord.abc.User) -> None:
        """Raise :class:`NotInServer` unless Kindred and ``user`` are both in the server.

        Without the members intent the member is fetched; a Discord hiccup other than
        "unknown member" lets the request through rather than turn away someone in need.
        """
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise NotInServer(
                "I'm no longer in that server, so I can't post a support request there. If "
                "you're struggling, please reach out to someone you trust.\n\n"
                f"{self.bot.crisis.resources}",
                bot_left=True,
            )
        if isinstance(user, discord.Member) and user.guild.id == guild_id:
            return  # the interaction came from inside the server: a member right now
        try:
            await guild.fetch_member(user.id)
        except discord.NotFound:
            config = await self.bot.store.support_config(guild_id)
            raise NotInServer(
                f"You're no longer a member of **{guild.name}**, so I can't post a support "
                "request there. If you're struggling, please reach out to someone you trust."
                f"\n\n{self.resources(config)}",
                bot_left=False,
            ) from None
        except discord.HTTPException as exc:
            log.warning("could not check a member of server %s: %s", guild_id, exc.status)

    async def forget_checkin_home(self, user_id: int, guild_id: int) -> bool:
        """Through what check-ins offer, if loaded (features never import each other):
        "I'd like to talk" stops pointing at a server the member (or Kindred) left."""
        homes = self.bot.checkin_homes
        return await homes.forget_home_server(user_id, guild_id) if homes is not None else False

    # -- sending ------------------------------------------------------------------

    async def say(self, place: discord.abc.Messageable, content: str) -> bool:
        """Post in a thread or channel with every mention off; False if Discord refused."""
        return (await send_to(place, content, what="a message in a support thread")).sent

    async def _dm(
        self,
        dm: discord.abc.Messageable | None,
        content: str,
        *,
        view: discord.ui.View | None = None,
    ) -> bool:
        return (await self.dm_outcome(dm, content, view=view)).sent

    async def dm_outcome(
        self,
        dm: discord.abc.Messageable | None,
        content: str,
        *,
        view: discord.ui.View | None = None,
    ) -> Outcome:
        return await send_to(dm, content, view=view, what="a DM to a requester")

    def requester_dm(self, request: SupportRequest) -> discord.abc.Messageable | None:
        """The requester's DM channel, opened from its sealed id (no lookup by user).

        None when the request was sealed with an earlier key (``--accept-new-key``): its
        requester can no longer be reached, which is what a new key is documented to lose.
        """
        try:
            dm_id = int(
                self.bot.sealer.open(
                    request.dm_sealed or "",
                    purpose=SEAL_DM,
                    bind=request_binding(request.id, request.guild_id),
                )
            )
        except (SealingError, ValueError):
            log.warning("request %s was sealed with an earlier key: its requester is unreachable",
                        request.id)  # fmt: skip
            return None
        return self.bot.get_partial_messageable(dm_id, type=discord.ChannelType.private)

    async def start_thread(
        self,
        message: discord.Message | discord.PartialMessage,
        request_id: int,
        pseudonym: str,
    ) -> discord.Thread | None:
        """The request's thread, on its post. None when Discord refused or did not answer (the
        post stands; the next :meth:`thread_of` tries again); 160004 (a thread exists on it:
        an earlier answer was lost) finds that thread."""
        try:
            thread: Any = await message.create_thread(
                name=f"Support · {pseudonym}"[:100], auto_archive_duration=10080
            )
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                log.warning("could not start the thread of request %s: %s", request_id, exc.code)
                return None
            thread = self.bot.get_channel(message.id)  # a thread takes its post's id
            if thread is None:
                try:
                    thread = await self.bot.fetch_channel(message.id)
                except discord.HTTPException:
                    return None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("could not start the thread of request %s: %s", request_id, exc)
            return None
        if not isinstance(thread, discord.Thread):
            return None
        await self.bot.store.set_support_request_posted(
            request_id, message_id=message.id, thread_id=thread.id
        )
        return thread

    async def thread_of(self, request: SupportRequest) -> discord.Thread | None:
        if request.thread_id is None:
            return await self._missing_thread(request)
        found = self.bot.get_channel(request.thread_id)
        if isinstance(found, discord.Thread):
            return found
        try:
            fetched = await self.bot.fetch_channel(request.thread_id)
        except discord.HTTPException as exc:
            log.warning("support thread of request %s unavailable: %s", request.id, exc.code)
            return None
        return fetched if isinstance(fetched, discord.Thread) else None

    async def _missing_thread(self, request: SupportRequest) -> discord.Thread | None:
        """An open request posted without its thread: start it now, on the same post."""
        if not request.is_open or request.message_id is None:
            return None
        channel = self.bot.get_channel(request.channel_id)
        if not isinstance(channel, discord.TextChannel):
            return None
        return await self.start_thread(
            channel.get_partial_message(request.message_id), request.id, request.pseudonym
        )

    # -- closing ------------------------------------------------------------------

    async def close(self, request: SupportRequest, *, reason: str, note: str) -> bool:
        if not await self.bot.store.close_support_request(request.id, self.bot.clock(), reason):
            return False
        thread = await self.thread_of(request)
        if thread is not None:
            await self.say(thread, note)
            try:
                await thread.edit(archived=True, locked=True)
            except discord.HTTPException as exc:
                log.warning("could not lock support thread of %s: %s", request.id, exc.code)
        if request.message_id is not None:
            channel = self.bot.get_partial_messageable(request.channel_id)
            try:
                await channel.get_partial_message(request.message_id).edit(view=None)
            except discord.HTTPException as exc:
                log.warning("could not retire the Reply button of %s: %s", request.id, exc.code)
        log.info("support request %s closed (%s)", request.id, reason)
        return True

    async def note_gone_request(self, message: discord.Message) -> None:
        """A message in a support thread whose request no longer exists: say so, once."""
        thread = message.channel
        me = self.bot.user
        if not isinstance(thread, discord.Thread) or me is None or thread.owner_id != me.id:
            return
        if thread.id in self._gone_noted or message.guild is None:
            return
        config = await self.bot.store.support_config(message.guild.id)
        if config is None or thread.parent_id != config.channel_id:
            return
        self._gone_noted.add(thread.id)
        await self.say(thread, GONE_NOTE)

    async def sweep(self, now: datetime) -> dict[str, int]:
        """Close requests idle for 14 days; delete what retention no longer allows."""
        store = self.bot.store
        closed = 0
        for request in await store.idle_support_requests(now - timedelta(days=IDLE_DAYS)):
            note = (
                f"This request has been quiet for {IDLE_DAYS} days, so Kindred closed it. "
                "Thank you to everyone who was here for them. 💛"
            )
            if await self.close(request, reason="idle", note=note):
                closed += 1
                await self._dm(
                    self.requester_dm(request),
                    f"Your request **{request.pseudonym}** was quiet for {IDLE_DAYS} days, so I "
                    "closed it. You can always start a new one with `/support request`.",
                )
        retention = timedelta(days=self.bot.settings.retention_days)
        deleted = await store.delete_support_closed_before(now - retention)
        expired = await store.delete_support_pending_before(now - PENDING_TTL)
        await store.delete_support_rate_marks_before(now - RATE_WINDOW)
        await store.delete_support_blocks_before(now - BLOCK_LASTS)
        if closed or deleted or expired:
            log.info("support sweep: %d closed, %d deleted, %d expired", closed, deleted, expired)
        return {"closed": closed, "deleted": deleted, "expired": expired}
