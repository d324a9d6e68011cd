"""/support: anonymous support requests, answered by people, relayed both ways by DM."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import guild_only, manage_messages_server_wide, manage_server_only
from bot.core.errors import UserFacingError, reporting_errors
from bot.core.privacy import DataArea
from bot.core.sealing import SealingError
from bot.store.support import PendingRelay, SupportRequest
from bot.store.support_schema import SEAL_PENDING, pending_binding, pending_lookup
from bot.support.crisis import crisis_care_line
from bot.support.forms import handle_support_form, is_support_form
from bot.support.lifecycle import RATE_WINDOW, NotInServer
from bot.support.names import STYLES, handle_of, request_link_id
from bot.support.service import SupportService
from bot.support.views import DYNAMIC_ITEMS, RequestModal, open_form

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 3600
WITHDRAW_POLL_SECONDS = 60
RESOURCES_MAX = 1500
STYLE_CHOICES = [
    app_commands.Choice(name="Just listen, please", value="listen"),
    app_commands.Choice(name="Advice welcome", value="advice"),
    app_commands.Choice(name="Either is fine", value="either"),
]


class SupportCog(commands.GroupCog, group_name="support"):
    """Anonymous support requests."""

    def __init__(self, bot: KindredBot) -> None:
        self.bot = bot
        self.service = SupportService(bot)
        self._sweeper: asyncio.Task[None] | None = None
        self._withdrawer: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.message_handlers.append(self.on_message)
        self.bot.interaction_handlers.append(self.on_interaction)
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.privacy.register(
            DataArea("support", self._export_member, self._forget_member, self._forget_guild)
        )
        self.bot.status_sources.append(self._status)
        self.bot.setup_hints.append(
            "`/support setup channel [responder_role]` — let members ask for support anonymously"
        )
        self._sweeper = asyncio.create_task(self._sweep_loop())
        self._withdrawer = asyncio.create_task(self._withdraw_loop())

    async def cog_unload(self) -> None:
        with contextlib.suppress(ValueError):
            self.bot.message_handlers.remove(self.on_message)
        with contextlib.suppress(ValueError):
            self.bot.interaction_handlers.remove(self.on_interaction)
        for task in (self._sweeper, self._withdrawer):
            if task is not None:
                task.cancel()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.privacy.unregister("support")
        if self._status in self.bot.status_sources:
            self.bot.status_sources.remove(self._status)

    # -- APIs other features call --------------------------------------------------

    async def open_request_modal(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        *,
        style: str = "either",
        from_checkin: bool = False,
    ) -> None:
        """Answer ``interaction`` with the request form for ``guild_id``, or say why not.

        A member who left the server (or Kindred having left it) is told kindly; their
        check-in "I'd like to talk" then stops pointing at that server.
        """
        style = style if style in STYLES else "either"
        try:
            await self.service.check_member(guild_id, interaction.user)
            await self.service.check_can_request(guild_id, interaction.user.id)
        except NotInServer as gone:
            message = gone.message
            if await self.service.forget_checkin_home(interaction.user.id, guild_id):
                message += (
                    "\n\n**I'd like to talk** on your check-ins no longer points there: run "
                    "`/checkin start` in a server you're in to choose another."
                )
            await interaction.response.send_message(message[:2000], ephemeral=True)
            return
        except UserFacingError as refusal:
            await interaction.response.send_message(refusal.message, ephemeral=True)
            return
        await open_form(interaction, RequestModal(guild_id, style, later=from_checkin))

    async def crisis_scan_enabled(self, guild_id: int) -> bool:
        config = await self.bot.store.support_config(guild_id)
        return config is not None and config.crisis_scan

    async def server_resources(self, guild_id: int) -> str | None:
        config = await self.bot.store.support_config(guild_id)
        return config.resources if config is not None else None

    async def alert_public_crisis(self, message: discord.Message, *, reached_writer: bool) -> bool:
        return await self.service.alerter.alert_public_crisis(
            message, reached_writer=reached_writer
        )

    async def style_for_thread(self, thread_id: int) -> str | None:
        """ "listen", "advice" or "either" for a support request's thread; None otherwise."""
        request = await self.bot.store.support_request_by_thread(thread_id)
        return request.style if request is not None else None

    async def sweep(self, now: datetime) -> dict[str, int]:
        """Close requests idle 14 days, delete closed ones past retention (tests call it)."""
        return await self.service.sweep(now)

    # -- commands --------------------------------------------------------------------

    @app_commands.command(name="setup", description="Set the support channel (Manage Server)")
    @app_commands.describe(
        channel="Where anonymous requests are posted, each with its own thread",
        responder_role="Who is pinged for new requests and may answer them (optional)",
        resources="This server's crisis-resources text (default: Kindred's)",
        crisis_alerts="Ping the responder role when a request or a watched message may be a crisis",
        crisis_scan="Check messages in channels active listening watches for crisis language",
    )
    @manage_server_only()
    @guild_only()
    async def setup(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel,
        responder_role: discord.Role | None = None,
        resources: app_commands.Range[str, 20, RESOURCES_MAX] | None = None,
        crisis_alerts: bool | None = None,
        crisis_scan: bool | None = None,
    ) -> None:
        """Set where anonymous requests go, who answers them, and the crisis resources."""
        guild = interaction.guild
        assert guild is not None  # guild_only
        perms = channel.permissions_for(guild.me)
        missing = [
            label
            for label, ok in (
                ("View Channel", perms.view_channel),
                ("Send Messages", perms.send_messages),
                ("Embed Links", perms.embed_links),
                ("Create Public Threads", perms.create_public_threads),
                ("Send Messages in Threads", perms.send_messages_in_threads),
                ("Manage Threads (to close requests)", perms.manage_threads),
            )
            if not ok
        ]
        if missing:
            raise UserFacingError(
                f"I can't run support requests in {channel.mention}: I'm missing "
                + ", ".join(f"**{m}**" for m in missing)
                + ". Give my role those permissions there and run this again."
            )
        if responder_role is not None and not (
            responder_role.mentionable or perms.mention_everyone
        ):
            raise UserFacingError(
                f"I can't mention **{responder_role.name}** in {channel.mention}. Make the role "
                "mentionable (Server Settings → Roles) or give me **Mention @everyone, @here "
                "and All Roles** there, then run this again."
            )
        before = await self.bot.store.support_config(guild.id)
        # Options left out keep what the server chose before.
        alerts = (
            crisis_alerts if crisis_alerts is not None else bool(before and before.crisis_alerts)
        )
        scan = crisis_scan if crisis_scan is not None else bool(before and before.crisis_scan)
        await self.bot.store.save_support_config(
            guild.id,
            channel_id=channel.id,
            responder_role_id=responder_role.id if responder_role else None,
            resources=resources.strip() if resources else None,
            now=self.bot.clock(),
            crisis_alerts=alerts,
            crisis_scan=scan,
        )
        who = (
            f"**{responder_role.name}** is pinged and answers"
            if responder_role
            else ("anyone can answer")
        )
        await interaction.response.send_message(
            f"Support requests are on: they're posted anonymously in {channel.mention}, each "
            f"with its own thread; {who}. Members start one with `/support request`. "
            + (
                "Your crisis resources are saved."
                if resources
                else "Crisis resources: Kindred's default."
            )
            + "\n"
            + crisis_care_line(
                alerts,
                scan,
                has_role=responder_role is not None,
                content_intent=self.bot.message_content_enabled,
            ),
            ephemeral=True,
        )

    @app_commands.command(name="request", description="Ask for support anonymously")
    @app_commands.describe(style="What would help most: being listened to, advice, or either")
    @app_commands.choices(style=STYLE_CHOICES)
    @guild_only()
    async def request(
        self,
        interaction: discord.Interaction[Any],
        style: app_commands.Choice[str] | None = None,
    ) -> None:
        """Ask for support without your name: people answer, and replies reach you by DM."""
        assert interaction.guild_id is not None  # guild_only
        await self.open_request_modal(
            interaction, interaction.guild_id, style=style.value if style else "either"
        )

    @app_commands.command(
        name="block", description="Stop the member behind a pseudonym from new requests"
    )
    @app_commands.describe(handle="The request's pseudonym, e.g. Gentle Otter · 4f2")
    @manage_messages_server_wide()
    @guild_only()
    async def block(self, interaction: discord.Interaction[Any], handle: str) -> None:
        """Block whoever is behind a request's pseudonym, without learning who (Manage Messages)."""
        assert interaction.guild_id is not None
        request = await self._one_request_named(interaction.guild_id, handle)
        requester = self.service.requester_id(request)
        if requester is None:
            raise UserFacingError(
                f"I can't block the member behind **{request.pseudonym}**: that request no "
                "longer holds who asked (it was withdrawn, or sealed with an earlier key). "
                "Close it with `/support close` instead."
            )
        added = await self.bot.store.block_support_member(
            interaction.guild_id,
            self.service.member_key(interaction.guild_id, requester),
            self.bot.clock(),
        )
        still_open = await self.bot.store.support_requests_matching(
            lambda request_id: self.service.lookup_of(request_id, requester),
            open_only=True,
            guild_id=interaction.guild_id,
        )
        ended = (
            f" Their {len(still_open)} open request{'s' if len(still_open) != 1 else ''} here "
            "will be closed, so nothing more is relayed."
            if still_open
            else ""
        )
        await interaction.response.send_message(
            (
                f"Done: whoever is behind **{request.pseudonym}** can't open new support "
                "requests in this server for a year (block again to renew it). Kindred "
                "doesn't know who it is and won't tell anyone."
                if added
                else f"The member behind **{request.pseudonym}** was already blocked here."
            )
            + ended,
            ephemeral=True,
        )
        # A block also ends what that member has open here, so relays stop too (after the
        # answer: closing takes a few calls per request, past Discord's 3 seconds).
        for open_request in still_open:
            await self.service.close(
                open_request,
                reason="blocked",
                note="A moderator closed this request. Thank you, everyone who was here.",
            )

    async def _one_request_named(self, guild_id: int, handle: str) -> SupportRequest:
        """The one request a moderator means, or a clear refusal (none, or several fit)."""
        matches = await self._requests_named(guild_id, handle)
        if not matches:
            raise UserFacingError(
                f"I can't find a request called “{handle[:100]}” in this server. Copy the "
                "pseudonym from the request, e.g. `Gentle Otter · 4f2`, or paste a link to "
                "the request's post."
            )
        if len(matches) > 1:
            listed = "\n".join(
                f"• **{r.pseudonym}**, {discord.utils.format_dt(r.created_at, 'R')}"
                + (
                    f": https://discord.com/channels/{r.guild_id}/{r.channel_id}/{r.message_id}"
                    if r.message_id
                    else ""
                )
                for r in matches[:10]
            )
            raise UserFacingError(
                f"“{handle[:100]}” fits more than one request here:\n{listed}\n"
                "Run it again with the full pseudonym, or paste the link of the one you mean."
            )
        return matches[0]

    @app_commands.command(name="close", description="Close the request behind a pseudonym")
    @app_commands.describe(handle="The request's pseudonym, or a link to its post")
    @manage_messages_server_wide()
    @guild_only()
    async def close(self, interaction: discord.Interaction[Any], handle: str) -> None:
        """Close a request (Manage Messages): its thread is locked and nothing more is relayed."""
        assert interaction.guild_id is not None
        request = await self._one_request_named(interaction.guild_id, handle)
        if not request.is_open:
            raise UserFacingError(f"**{request.pseudonym}** is already closed.")
        await interaction.response.send_message(
            f"Closing **{request.pseudonym}**: its thread is locked and nothing more is relayed.",
            ephemeral=True,
        )
        await self.service.close(
            request,
            reason="moderator",
            note="A moderator closed this request. Thank you, everyone who was here.",
        )

    async def _requests_named(self, guild_id: int, typed: str) -> list[SupportRequest]:
        """The requests a moderator means: by a link to the post, or by pseudonym."""
        message_id = request_link_id(typed)
        if message_id is not None:
            found = await self.bot.store.support_request_by_message(guild_id, message_id)
            return [found] if found is not None else []
        wanted = handle_of(typed)
        if " " not in wanted:
            return []
        return await self.bot.store.support_requests_by_handle(guild_id, wanted)

    # -- events ------------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if is_support_form(interaction):
            async with reporting_errors(interaction, where="support form"):
                await handle_support_form(interaction)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        if message.guild is None and isinstance(message.channel, discord.DMChannel):
            await self.service.on_requester_dm(message)
        elif isinstance(message.channel, discord.Thread):
            await self.service.on_thread_message(message)

    async def _sweep_loop(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            try:
                await self.sweep(self.bot.clock())
            except Exception:
                log.exception("support sweep failed; will try again")
            await asyncio.sleep(SWEEP_INTERVAL_SECONDS)

    async def _withdraw_loop(self) -> None:
        """Requests held from a check-in are posted, and withdrawn requests' posts cleaned,
        at their own random times: checked each minute, so two rarely share even a minute."""
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            try:
                await self.service.later.post_due(self.bot.clock())
                await self.service.run_withdrawals(self.bot.clock())
            except Exception:
                log.exception("cleaning up withdrawn support requests failed; will try again")
            await asyncio.sleep(WITHDRAW_POLL_SECONDS)

    # -- privacy and status ------------------------------------------------------------

    async def _export_member(self, user_id: int) -> Any:
        service = self.service
        requests = await service.requests_of(user_id)
        # Every server with blocks or markers, also those Kindred has left.
        servers = await self.bot.store.support_guilds_with_blocks_or_marks()
        blocked = await self.bot.store.support_blocked_in(
            {g: service.member_key(g, user_id) for g in servers}
        )
        marks = await self.bot.store.support_rate_marks_in(
            {g: service.rate_key(g, user_id) for g in servers},
            self.bot.clock() - RATE_WINDOW,
        )
        waiting = await self.bot.store.support_pending_matching(
            lambda pending_id: pending_lookup(self.bot.sealer, pending_id, user_id)
        )
        return {
            "requests": [
                {
                    "server_id": str(r.guild_id),
                    "pseudonym": r.pseudonym,
                    "style": r.style,
                    "status": r.status,
                    "created_at": r.created_at.isoformat(),
                    "last_activity_at": r.last_activity_at.isoformat(),
                    "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                    "thread_id": str(r.thread_id) if r.thread_id else None,
                    "stored": "your id and DM channel id, sealed; the request text is not stored",
                }
                for r in requests
            ],
            "blocked_in_servers": [str(g) for g in blocked],
            # DMs to Kindred waiting for you to choose which request they belong to (1 day).
            "waiting_messages": [
                {"created_at": p.created_at.isoformat(), "text": self._open_pending(p)}
                for p in waiting
            ],
            # Requests from a check-in waiting (sealed, at most 15 minutes) to be posted.
            "requests_to_be_posted": await service.later.export(user_id),
            # Rate-limit markers: a keyed hash and a time each, kept 24 hours.
            "requests_opened_in_last_24_hours": {str(g): n for g, n in marks.items()},
        }

    def _open_pending(self, pending: PendingRelay) -> str:
        try:
            held = self.bot.sealer.open(
                pending.sealed_text,
                purpose=SEAL_PENDING,
                bind=pending_binding(pending.id, pending.lookup),
            )
            return str(json.loads(held)["text"])
        except (SealingError, ValueError, KeyError, TypeError):
            return "(sealed with an earlier key; it can no longer be read)"

    async def _forget_member(self, user_id: int) -> int:
        # Unlinked from the member at once; the posts are cleaned up later (withdrawal.py).
        held = await self.service.later.forget(user_id)
        return held + await self.service.forget_requester(user_id)

    async def _forget_guild(self, guild_id: int) -> int:
        return await self.bot.store.forget_support_guild(guild_id)

    async def _status(self, guild_id: int) -> list[tuple[str, str]]:
        config = await self.bot.store.support_config(guild_id)
        if config is None:
            return [("Support requests", "Not set up (`/support setup`).")]
        open_count = await self.bot.store.count_open_support_requests(guild_id)
        role = f" · responders <@&{config.responder_role_id}>" if config.responder_role_id else ""
        return [
            (
                "Support requests",
                f"<#{config.channel_id}>{role} · {open_count} open",
            ),
            (
                "Crisis care",
                crisis_care_line(
                    config.crisis_alerts,
                    config.crisis_scan,
                    has_role=config.responder_role_id is not None,
                    content_intent=self.bot.message_content_enabled,
                ).removeprefix("Crisis care: "),
            ),
        ]


async def setup(bot: KindredBot) -> None:
    await bot.add_cog(SupportCog(bot))
