"""The support feature's work: posting requests and relaying both ways.

Who asked is only ever held sealed (``requester_sealed``, ``dm_sealed``, bound to the row) or
as the request's own lookup token (a keyed hash of the row and the member, different for each
request); it is opened here only to send the requester a DM, and never logged. Request and
relay text is never stored or logged. Closing and sweeping are in ``lifecycle.py``.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.core.errors import UserFacingError
from bot.core.sealing import new_row_id
from bot.store.support import SupportConfig
from bot.store.support_schema import (
    SEAL_DM,
    SEAL_USER,
    request_binding,
)
from bot.support.crisis import crisis_text
from bot.support.later import DelayedRequests
from bot.support.lifecycle import RATE_WINDOW
from bot.support.names import (
    IDLE_DAYS,
    handle_of,
    make_pseudonym,
    style_label,
)
from bot.support.relay import Relays
from bot.support.views import request_view, requester_controls

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

COLOUR = discord.Colour.from_rgb(129, 178, 154)
PSEUDONYM_TRIES = 8


@dataclass(frozen=True)
class Published:
    """What posting a request did, for the answer to whoever sent the form."""

    pseudonym: str
    channel: discord.TextChannel
    dms_open: bool
    crisis: bool
    resources: str


class SupportService(Relays):
    """Everything the /support cog and its buttons do, with the bot's core services."""

    def __init__(self, bot: KindredBot) -> None:
        super().__init__(bot)
        self.later = DelayedRequests(self)

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
        since = self.bot.clock() - RATE_WINDOW
        # Markers of their own, not request rows: /kindred forget-me deletes the requests
        # but must not reset the limit.
        if (
            await store.count_support_rate_marks_since(
                guild_id, self.rate_key(guild_id, user_id), since
            )
            >= limit
        ):
            raise UserFacingError(self._limit_reached(limit))
        return config

    def _limit_reached(self, limit: int) -> str:
        return (
            f"You've opened {limit} support request{'s' if limit != 1 else ''} here in the "
            "last 24 hours, the most this server allows. You can keep talking in an open "
            "request by writing to me in DMs, or try again tomorrow."
        )

    # -- a new request ------------------------------------------------------------

    async def submit(
        self,
        interaction: discord.Interaction[Any],
        *,
        guild_id: int,
        style: str,
        title: str,
        text: str,
        later: bool = False,
    ) -> None:
        """Post a request from the modal: anonymous embed, thread, role ping, DM.

        ``later`` (a form opened from a check-in): posted a few random minutes from now
        (``later.py``), so its time does not point back to the check-in; never for a crisis,
        which is posted, alerted and answered with resources at once.
        """
        title, text = title.strip(), text.strip()
        if len(text) < 2:
            raise UserFacingError("Your message is empty — write a few words and try again.")
        await self.check_member(guild_id, interaction.user)
        config = await self.check_can_request(guild_id, interaction.user.id)
        bot, user_id = self.bot, interaction.user.id
        # The limit's marker is claimed before any network call, atomically, so several forms
        # sent at once cannot all slip under the limit; it is given back if posting fails.
        limit = bot.settings.support_limit
        mark = await bot.store.claim_support_rate_mark(
            guild_id,
            self.rate_key(guild_id, user_id),
            bot.clock(),
            since=bot.clock() - RATE_WINDOW,
            limit=limit,
        )
        if mark is None:
            raise UserFacingError(self._limit_reached(limit))
        try:
            if later and not bot.crisis.assess(f"{title}\n{text}"):
                await self.later.hold(interaction, guild_id, style, title, text)
                return
            else:
                await self._submit(interaction, config, guild_id, style, title, text)
        except UserFacingError:
            # Refused before anything was posted (channel gone, posting failed): not counted.
            await bot.store.release_support_rate_mark(mark)
            raise

    async def _submit(
        self,
        interaction: discord.Interaction[Any],
        config: SupportConfig,
        guild_id: int,
        style: str,
        title: str,
        text: str,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        published = await self.publish(config, guild_id, interaction.user.id, style, title, text)
        lines = [
            f"Your request is posted anonymously as **{published.pseudonym}**, in "
            f"{published.channel.mention}."
        ]
        if published.dms_open:
            lines.append("I've sent you a DM: replies arrive there, and you can answer there.")
        else:
            lines.append(
                "⚠ Your DMs are closed, so replies can't reach you yet. Open them (right-click "
                "the server → Privacy Settings → Direct Messages) and replies will reach you "
                "from then on; you can then write to me to answer."
            )
        await interaction.followup.send("\n".join(lines), ephemeral=True)
        if published.crisis:
            await interaction.followup.send(crisis_text(published.resources), ephemeral=True)

    async def publish(
        self,
        config: SupportConfig,
        guild_id: int,
        user_id: int,
        style: str,
        title: str,
        text: str,
    ) -> Published:
        """Post the request (its row, post, thread, crisis alert) and DM its requester; a
        :class:`UserFacingError` when nothing could be posted."""
        bot = self.bot
        channel = bot.get_channel(config.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError(
                "This server's support channel is gone. Ask an admin to run `/support setup`."
            )
        now = bot.clock()
        pseudonym = await self._fresh_pseudonym(guild_id)
        dm = await bot.create_dm(discord.Object(id=user_id))
        # A random id, so the seals are bound to the row from its first write and nothing
        # (a button id, the order of rows) counts or orders requests.
        request_id = new_row_id()
        bind = request_binding(request_id, guild_id)
        await bot.store.add_support_request(
            request_id=request_id,
            guild_id=guild_id,
            channel_id=channel.id,
            style=style,
            pseudonym=pseudonym,
            handle=handle_of(pseudonym),
            requester_sealed=bot.sealer.seal(str(user_id), purpose=SEAL_USER, bind=bind),
            dm_sealed=bot.sealer.seal(str(dm.id), purpose=SEAL_DM, bind=bind),
            lookup=self.lookup_of(request_id, user_id),
            now=now,
        )
        try:
            # The post is all of the request; its thread, if Discord refused it just now, is
            # started on that post when it is next needed (never by posting again).
            thread = await self._post(channel, config, request_id, pseudonym, style, title, text)
        except discord.HTTPException as exc:
            await bot.store.delete_support_request(request_id)
            log.warning("could not post a support request in server %s: %s", guild_id, exc.code)
            raise UserFacingError(
                "I couldn't post your request in the support channel (I may have lost my "
                "permissions there). Nothing was shared. Please tell a server admin."
            ) from None
        crisis = bot.crisis.assess(f"{title}\n{text}")
        if crisis:  # on the post's channel when its thread could not be started
            await self.alerter.alert_in_thread(thread or channel, config)

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
        resources = bot.crisis.resources_for(crisis, config.resources)
        if crisis and dms_open:
            await self._dm(dm, crisis_text(resources))
        log.info("support request %s posted in server %s", request_id, guild_id)
        return Published(pseudonym, channel, dms_open, crisis is not None, resources)

    async def _fresh_pseudonym(self, guild_id: int) -> str:
        """A pseudonym no other request in the server has, so `/support block` finds one."""
        pseudonym = ""
        for _ in range(PSEUDONYM_TRIES):
            pseudonym = make_pseudonym(self.bot.sealer.keyed_hash, secrets.token_hex(8))
            if not await self.bot.store.support_requests_by_handle(guild_id, handle_of(pseudonym)):
                break
        return pseudonym

    async def _post(
        self,
        channel: discord.TextChannel,
        config: SupportConfig,
        request_id: int,
        pseudonym: str,
        style: str,
        title: str,
        text: str,
    ) -> discord.Thread | None:
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
            content,
            embed=embed,
            view=request_view(request_id, self.reply_token(request_id)),
            allowed_mentions=mentions,
        )
        await self.bot.store.set_support_request_posted(
            request_id, message_id=message.id, thread_id=None
        )
        return await self.start_thread(message, request_id, pseudonym)
