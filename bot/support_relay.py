"""The support feature's work: posting requests, relaying both ways, closing, sweeping.

Who asked is only ever held sealed (``requester_sealed``, ``dm_sealed``) or as keyed hashes
(``requester_key`` across servers, ``member_key`` per server); it is opened here only to send
the requester a DM, and never logged. Request and relay text is never stored or logged.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from .errors import UserFacingError
from .sealing import SealingError
from .store.support import SupportConfig, SupportRequest
from .support_names import IDLE_DAYS, handle_of, make_pseudonym, quote, relay_body, style_label

if TYPE_CHECKING:
    from .app import KindredBot

log = logging.getLogger(__name__)

COLOUR = discord.Colour.from_rgb(129, 178, 154)
SEAL_USER = "support-requester-id"
SEAL_DM = "support-requester-dm"
SEAL_PENDING = "support-pending-text"
PENDING_TTL = timedelta(days=1)
DMS_CLOSED = 50007

CRISIS_NOTE = (
    "🕊️ **A note for responders:** something in this request may point to a crisis. Kindred "
    "has privately sent them this server's crisis resources. Please answer gently, don't "
    "argue or lecture, and if you think someone is in immediate danger, tell a moderator."
)


def crisis_text(resources: str) -> str:
    return (
        "💛 It sounds like things may be really hard right now. You matter, and you don't have "
        f"to face this alone.\n\n{resources}"
    )


class SupportService:
    """Everything the /support cog and its buttons do, with the bot's core services."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot

    # -- keys -----------------------------------------------------------------

    def requester_key(self, user_id: int) -> str:
        return self.bot.sealer.keyed_hash("support-requester", user_id)

    def member_key(self, guild_id: int, user_id: int) -> str:
        return self.bot.sealer.keyed_hash("support-member", guild_id, user_id)

    def resources(self, config: SupportConfig | None) -> str:
        return (config.resources if config else None) or self.bot.crisis.resources

    # -- who may ask ------------------------------------------------------------

    async def check_can_request(self, guild_id: int, user_id: int) -> SupportConfig:
        """The server's config if ``user_id`` may open a request there; else a kind refusal."""
        store = self.bot.store
        config = await store.support_config(guild_id)
        if config is None:
            raise UserFacingError(
                "Support requests aren't set up in this server yet. A server admin can turn "
                "them on with `/support setup`."
            )
        key = self.member_key(guild_id, user_id)
        if await store.is_support_blocked(guild_id, key):
            raise UserFacingError(
                "I'm sorry — new support requests aren't available to you in this server right "
                "now; a moderator has paused them. If you're struggling, please reach out to "
                f"someone you trust.\n\n{self.resources(config)}"
            )
        limit = self.bot.settings.support_limit
        since = self.bot.clock() - timedelta(hours=24)
        if await store.count_support_requests_since(guild_id, key, since) >= limit:
            raise UserFacingError(
                f"You've opened {limit} support request{'s' if limit != 1 else ''} here in the "
                "last 24 hours, the most this server allows. You can keep talking in an open "
                "request by writing to me in DMs, or try again tomorrow."
            )
        return config

    # -- a new request ------------------------------------------------------------

    async def submit(
        self,
        interaction: discord.Interaction[Any],
        *,
        guild_id: int,
        style: str,
        title: str,
        text: str,
    ) -> None:
        """Post a request from the modal: anonymous embed, thread, role ping, DM."""
        title, text = title.strip(), text.strip()
        if len(text) < 2:
            raise UserFacingError("Your message is empty — write a few words and try again.")
        config = await self.check_can_request(guild_id, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot, user_id = self.bot, interaction.user.id
        channel = bot.get_channel(config.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError(
                "This server's support channel is gone. Ask an admin to run `/support setup`."
            )
        now = bot.clock()
        uid = secrets.token_hex(8)
        pseudonym = make_pseudonym(bot.sealer.keyed_hash, uid)
        dm = await bot.create_dm(discord.Object(id=user_id))
        request_id = await bot.store.add_support_request(
            guild_id=guild_id,
            channel_id=channel.id,
            style=style,
            pseudonym=pseudonym,
            handle=handle_of(pseudonym),
            requester_sealed=bot.sealer.seal(str(user_id), purpose=SEAL_USER),
            dm_sealed=bot.sealer.seal(str(dm.id), purpose=SEAL_DM),
            requester_key=self.requester_key(user_id),
            member_key=self.member_key(guild_id, user_id),
            now=now,
        )
        try:
            thread = await self._post(channel, config, request_id, pseudonym, style, title, text)
        except discord.HTTPException as exc:
            await bot.store.delete_support_request(request_id)
            log.warning("could not post a support request in server %s: %s", guild_id, exc.code)
            raise UserFacingError(
                "I couldn't post your request in the support channel (I may have lost my "
                "permissions there). Nothing was shared. Please tell a server admin."
            ) from None
        crisis = bot.crisis.is_crisis(f"{title}\n{text}")
        if crisis:
            await self.say(thread, CRISIS_NOTE)
        from .support_views import requester_controls

        guild = bot.get_guild(guild_id)
        welcome = (
            f"🌱 Your request is posted anonymously in **{guild.name if guild else 'the server'}**"
            f" as **{pseudonym}**.\n"
            "• When someone replies, I'll bring it here with their name (people who answer "
            "aren't anonymous).\n"
            "• To answer, just write to me here: I pass it on under your pseudonym. Edits and "
            "deletions aren't passed on.\n"
            "• When you feel heard, press **I feel heard — close**. A request that's quiet for "
            f"{IDLE_DAYS} days closes by itself."
        )
        dms_open = await self._dm(dm, welcome, view=requester_controls(request_id))
        resources = self.resources(config)
        if crisis and dms_open:
            await self._dm(dm, crisis_text(resources))
        lines = [f"Your request is posted anonymously as **{pseudonym}**, in {channel.mention}."]
        if dms_open:
            lines.append("I've sent you a DM: replies arrive there, and you can answer there.")
        else:
            lines.append(
                "⚠ Your DMs are closed, so replies can't reach you yet. Open them (right-click "
                "the server → Privacy Settings → Direct Messages) and replies will reach you "
                "from then on; you can then write to me to answer."
            )
        await interaction.followup.send("\n".join(lines), ephemeral=True)
        if crisis:
            await interaction.followup.send(crisis_text(resources), ephemeral=True)
        log.info("support request %s posted in server %s", request_id, guild_id)

    async def _post(
        self,
        channel: discord.TextChannel,
        config: SupportConfig,
        request_id: int,
        pseudonym: str,
        style: str,
        title: str,
        text: str,
    ) -> discord.Thread:
        from .support_views import request_view

        embed = discord.Embed(title=title[:256] or None, description=text[:4096], colour=COLOUR)
        embed.set_author(name=f"Anonymous · {pseudonym}")
        embed.add_field(name="They'd like", value=style_label(style), inline=False)
        embed.set_footer(
            text="Answer in the thread or with the Reply button: it reaches them by DM, "
            "with your display name. They stay anonymous."
        )
        role = channel.guild.get_role(config.responder_role_id or 0)
        content = f"**Anonymous · {pseudonym}** would like support."
        mentions = discord.AllowedMentions.none()
        if role is not None:
            # The one ping Kindred opts into; the member's text is in the embed, which never
            # pings, and parse=[] keeps any @everyone or <@id> in it inert.
            content = f"{role.mention} — {content}"
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[role])
        message = await channel.send(
            content, embed=embed, view=request_view(request_id), allowed_mentions=mentions
        )
        thread = await message.create_thread(
            name=f"Support · {pseudonym}"[:100], auto_archive_duration=10080
        )
        await self.bot.store.set_support_request_posted(
            request_id, message_id=message.id, thread_id=thread.id
        )
        return thread

    # -- sending ------------------------------------------------------------------

    async def say(self, place: discord.abc.Messageable, content: str) -> bool:
        """Post in a thread or channel with every mention off; False if Discord refused."""
        try:
            await place.send(content, allowed_mentions=discord.AllowedMentions.none())
            return True
        except discord.HTTPException as exc:
            log.warning("could not post in a support thread: %s", exc.code)
            return False

    async def _dm(
        self,
        dm: discord.abc.Messageable | None,
        content: str,
        *,
        view: discord.ui.View | None = None,
    ) -> bool:
        if dm is None:
            return False
        try:
            if view is None:
                await dm.send(content, allowed_mentions=discord.AllowedMentions.none())
            else:
                await dm.send(content, view=view, allowed_mentions=discord.AllowedMentions.none())
            return True
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                log.warning("a DM to a requester was refused: %s", exc.code)
            return False
        except discord.HTTPException as exc:
            log.warning("a DM to a requester failed: %s", exc.code)
            return False

    def requester_dm(self, request: SupportRequest) -> discord.abc.Messageable | None:
        """The requester's DM channel, opened from its sealed id (no lookup by user).

        None when the request was sealed with an earlier key (``--accept-new-key``): its
        requester can no longer be reached, which is what a new key is documented to lose.
        """
        try:
            dm_id = int(self.bot.sealer.open(request.dm_sealed or "", purpose=SEAL_DM))
        except (SealingError, ValueError):
            log.warning("request %s was sealed with an earlier key: its requester is unreachable",
                        request.id)  # fmt: skip
            return None
        return self.bot.get_partial_messageable(dm_id, type=discord.ChannelType.private)

    async def thread_of(self, request: SupportRequest) -> discord.Thread | None:
        if request.thread_id is None:
            return None
        found = self.bot.get_channel(request.thread_id)
        if isinstance(found, discord.Thread):
            return found
        try:
            fetched = await self.bot.fetch_channel(request.thread_id)
        except discord.HTTPException as exc:
            log.warning("support thread of request %s unavailable: %s", request.id, exc.code)
            return None
        return fetched if isinstance(fetched, discord.Thread) else None

    # -- relays -------------------------------------------------------------------

    async def relay_to_requester(
        self, request: SupportRequest, responder: str, text: str, urls: list[str]
    ) -> bool:
        from .support_views import requester_controls

        body = relay_body(text, urls, limit=1700)
        content = f"💬 **{responder[:80]}** answered your request **{request.pseudonym}**:\n" + (
            quote(body)
        )
        sent = await self._dm(
            self.requester_dm(request), content, view=requester_controls(request.id)
        )
        if sent:
            await self.bot.store.touch_support_request(request.id, self.bot.clock())
        return sent

    async def relay_to_thread(self, request: SupportRequest, text: str, urls: list[str]) -> bool:
        thread = await self.thread_of(request)
        if thread is None:
            return False
        body = relay_body(text, urls, limit=1800)
        sent = await self.say(thread, f"**{request.pseudonym}** (who asked):\n{quote(body)}")
        if sent:
            await self.bot.store.touch_support_request(request.id, self.bot.clock())
            if self.bot.crisis.is_crisis(text):
                await self.say(thread, CRISIS_NOTE)
                config = await self.bot.store.support_config(request.guild_id)
                await self._dm(self.requester_dm(request), crisis_text(self.resources(config)))
        return sent

    def is_responder(self, config: SupportConfig | None, member: Any) -> bool:
        if config is None or config.responder_role_id is None:
            return True
        return any(r.id == config.responder_role_id for r in getattr(member, "roles", []))

    async def on_thread_message(self, message: discord.Message) -> None:
        request = await self.bot.store.support_request_by_thread(message.channel.id)
        if request is None or not request.is_open:
            return
        urls = [a.url for a in message.attachments]
        if not message.content and not urls:
            return  # no message-content intent: the Reply button carries replies instead
        if self.requester_key(message.author.id) == request.requester_key:
            return  # the requester wrote in their own thread; nothing to send them
        config = await self.bot.store.support_config(request.guild_id)
        if not self.is_responder(config, message.author):
            return
        delivered = await self.relay_to_requester(
            request, message.author.display_name, message.content, urls
        )
        if not delivered:
            await self.say(
                message.channel,
                "I couldn't pass that on: their DMs are closed, or this request can no "
                "longer reach them. It stays here in the thread if they come back.",
            )

    async def on_requester_dm(self, message: discord.Message) -> None:
        from .support_views import pick_view

        key = self.requester_key(message.author.id)
        open_requests = await self.bot.store.open_support_requests_of(key)
        urls = [a.url for a in message.attachments]
        if not open_requests or (not message.content and not urls):
            return
        if len(open_requests) == 1:
            await self._deliver_dm(message.channel, open_requests[0], message.content, urls)
            return
        text = relay_body(message.content, urls, limit=1800)
        pending = await self.bot.store.add_support_pending(
            key, self.bot.sealer.seal(text, purpose=SEAL_PENDING), self.bot.clock()
        )
        await self._dm(
            message.channel,
            f"You have {len(open_requests)} open requests. Which one is this message for?",
            view=pick_view(pending, open_requests[:20]),
        )

    async def _deliver_dm(
        self, dm: discord.abc.Messageable, request: SupportRequest, text: str, urls: list[str]
    ) -> bool:
        if await self.relay_to_thread(request, text, urls):
            await self._dm(dm, f"✓ Passed on to the thread of **{request.pseudonym}**.")
            return True
        await self._dm(dm, "I couldn't reach that request's thread; it may have been removed.")
        return False

    async def deliver_pending(
        self, dm: discord.abc.Messageable, pending_id: int, request: SupportRequest
    ) -> bool:
        pending = await self.bot.store.take_support_pending(pending_id)
        if pending is None:
            return False
        try:
            text = self.bot.sealer.open(pending.sealed_text, purpose=SEAL_PENDING)
        except SealingError:  # sealed before a key change: the text is lost, say so
            await self._dm(dm, "I couldn't pass that message on; please send it again.")
            return False
        return await self._deliver_dm(dm, request, text, [])

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
        if closed or deleted or expired:
            log.info("support sweep: %d closed, %d deleted, %d expired", closed, deleted, expired)
        return {"closed": closed, "deleted": deleted, "expired": expired}
