"""Modals and persistent buttons of support requests.

Buttons are ``DynamicItem``s whose custom ids carry the request (and waiting relay) id, so
they keep working after a restart; a forged or stale id gets a polite ephemeral answer.
Every click by a requester is checked against the request's keyed hash, never an id.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.core.buttons import KindredButton, make_button
from bot.core.errors import KindredModal, UserFacingError
from bot.store.support import SupportRequest
from bot.store.support_schema import pending_lookup
from bot.support.names import REPLY_MAX, TEXT_MAX, TITLE_MAX

if TYPE_CHECKING:
    from bot.app import KindredBot
    from bot.support.service import SupportService

log = logging.getLogger(__name__)

GONE = "This request is closed or no longer exists, so there's nothing more to do here."
STALE_BUTTON = (
    "This button doesn't work any more. If you were answering or closing a request, use the "
    "buttons on its latest message, or `/support request` to start a new one."
)
NOT_YOURS = "This button belongs to someone else's request."


def service_of(interaction: discord.Interaction[Any]) -> SupportService:
    bot: KindredBot = interaction.client
    cog = bot.get_cog("SupportCog")
    service = getattr(cog, "service", None)
    if service is None:
        raise UserFacingError("Support requests are not available right now.")
    return service


REQUEST_FORM = "support:request-form:"
REPLY_FORM = "support:reply-form:"


async def open_form(interaction: discord.Interaction[Any], form: KindredModal) -> None:
    """Show ``form``; its submission is handled by ``support_forms`` from the cog's
    interaction listener, not by this object: discord.py keeps open forms only in memory, so
    a form opened before a restart would otherwise be dropped (and the text lost)."""
    await interaction.response.send_modal(form)
    form.stop()  # unregistered at once, so a submission is handled once, by the listener


class RequestModal(KindredModal):
    """The request form: a short title and the message (submitted: ``support_forms``)."""

    def __init__(self, guild_id: int, style: str, *, later: bool = False) -> None:
        super().__init__(
            title="Ask for support, anonymously",
            # ":later" (opened from a check-in): posted a few random minutes after it is sent
            custom_id=f"{REQUEST_FORM}{guild_id}:{style}" + (":later" if later else ""),
            timeout=None,
        )
        self.guild_id = guild_id
        self.style = style
        self.request_title: discord.ui.TextInput[RequestModal] = discord.ui.TextInput(
            label="A short title",
            custom_id="title",
            placeholder="e.g. A rough week at work",
            max_length=TITLE_MAX,
            required=True,
        )
        self.message: discord.ui.TextInput[RequestModal] = discord.ui.TextInput(
            label="What's on your mind?",
            custom_id="message",
            style=discord.TextStyle.paragraph,
            placeholder="Only the text is shared. Nobody sees your name, not even the admins.",
            min_length=2,
            max_length=TEXT_MAX,
            required=True,
        )
        self.add_item(self.request_title)
        self.add_item(self.message)


class ReplyModal(KindredModal):
    """A responder's answer, relayed by DM: works without the message-content intent
    (submitted: ``support_forms``)."""

    def __init__(self, request_id: int) -> None:
        super().__init__(
            title="Reply to this request",
            custom_id=f"{REPLY_FORM}{request_id}",
            timeout=None,
        )
        self.request_id = request_id
        self.reply: discord.ui.TextInput[ReplyModal] = discord.ui.TextInput(
            label="Your reply (they'll see your name)",
            custom_id="reply",
            style=discord.TextStyle.paragraph,
            max_length=REPLY_MAX,
            required=True,
        )
        self.add_item(self.reply)


class _RequestButton(KindredButton, template=r"$^"):
    """Shared parts: parse the request id, answer stale ids politely."""

    # Each button sets its action (the id's middle part) and looks; the id carries the request.
    ACTION: ClassVar[str]
    LABEL: ClassVar[str]
    STYLE: ClassVar[discord.ButtonStyle]
    EMOJI: ClassVar[str | None] = None

    def __init__(self, request_id: int, token: str | None = None) -> None:
        suffix = f":{token}" if token else ""
        super().__init__(
            make_button(
                f"support:{self.ACTION}:{request_id}{suffix}",
                self.LABEL,
                style=self.STYLE,
                emoji=self.EMOJI,
            )
        )
        self.request_id = request_id
        self.token = token

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls(int(match["id"]))

    async def _request(self, interaction: discord.Interaction[Any]) -> SupportRequest | None:
        request = await service_of(interaction).bot.store.support_request(self.request_id)
        if request is None or not request.is_open:
            await interaction.response.send_message(GONE, ephemeral=True)
            return None
        return request

    async def _own_request(self, interaction: discord.Interaction[Any]) -> SupportRequest | None:
        request = await self._request(interaction)
        if request is None:
            return None
        if not service_of(interaction).is_requester(request, interaction.user.id):
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return None
        return request


class ReplyButton(
    _RequestButton, template=r"support:reply:(?P<id>[0-9]{1,18})(?::(?P<token>[0-9a-f]{12}))?"
):
    """A request's Reply button. New ones carry a keyed token beside the request id, so nobody
    can make a working Reply id for a request by counting; ids posted before tokens existed
    still work, under the same server, channel and responder checks."""

    ACTION = "reply"
    LABEL = "Reply"
    STYLE = discord.ButtonStyle.primary
    EMOJI = "💬"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls(int(match["id"]), match["token"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        if self.token is not None and self.token != service.reply_token(self.request_id):
            await interaction.response.send_message(STALE_BUTTON, ephemeral=True)
            return
        request = await self._request(interaction)
        if request is None:
            return
        config = await service.bot.store.support_config(request.guild_id)
        refusal = service.reply_refusal(request, config, interaction)
        if refusal is not None:
            raise UserFacingError(refusal)
        await open_form(interaction, ReplyModal(request.id))


class CloseButton(_RequestButton, template=r"support:close:(?P<id>[0-9]{1,18})"):
    ACTION = "close"
    LABEL = "I feel heard — close"
    STYLE = discord.ButtonStyle.success

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        request = await self._own_request(interaction)
        if request is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = (
            f"**{request.pseudonym}** feels heard and closed this request. Thank you, "
            "everyone who was here for them. 💛"
        )
        await service_of(interaction).close(request, reason="requester", note=note)
        await interaction.followup.send(
            "Closed. I'm glad you reached out — you can always open a new request with "
            "`/support request`. Take care. 💛",
            ephemeral=True,
        )


class KeepOpenButton(_RequestButton, template=r"support:keep:(?P<id>[0-9]{1,18})"):
    ACTION = "keep"
    LABEL = "Keep open"
    STYLE = discord.ButtonStyle.secondary

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        request = await self._own_request(interaction)
        if request is None:
            return
        service = service_of(interaction)
        await service.bot.store.touch_support_request(request.id, service.bot.clock())
        await interaction.response.send_message(
            f"**{request.pseudonym}** stays open. Write to me here whenever you like.",
            ephemeral=True,
        )


class PickButton(
    KindredButton,
    template=r"support:pick:(?P<pending>[0-9]{1,18}):(?P<id>[0-9]{1,18})",
):
    """ "Which request is this for?": sends a waiting DM to the chosen request's thread."""

    def __init__(self, pending_id: int, request_id: int, label: str = "This one") -> None:
        super().__init__(
            make_button(
                f"support:pick:{pending_id}:{request_id}", label, style=discord.ButtonStyle.primary
            )
        )
        self.pending_id = pending_id
        self.request_id = request_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls(int(match["pending"]), int(match["id"]))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        store = service.bot.store
        pending = await store.support_pending(self.pending_id)
        request = await store.support_request(self.request_id)
        if pending is None or request is None or not request.is_open:
            await interaction.response.send_message(
                "That message was already passed on, or it's too old now — send it again "
                "if you like.",
                ephemeral=True,
            )
            return
        if pending.lookup != pending_lookup(
            service.bot.sealer, pending.id, interaction.user.id
        ) or not service.is_requester(request, interaction.user.id):
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        await interaction.response.edit_message(
            content=f"Sending it to **{request.pseudonym}**…", view=None
        )
        await service.deliver_pending(interaction.channel, self.pending_id, request)  # type: ignore[arg-type]


class UnknownSupportButton(
    KindredButton,
    template=(
        r"support:(?!reply:[0-9]{1,18}(?::[0-9a-f]{12})?$|(?:close|keep):[0-9]{1,18}$|"
        r"pick:[0-9]{1,18}:[0-9]{1,18}$)"
        r"(?P<rest>.{0,100})"
    ),
):
    """Any other ``support:`` id (tampered, or from a future version): a polite answer, never
    silence."""

    def __init__(self, rest: str) -> None:
        super().__init__(make_button(f"support:{rest}", "?"))

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls(match["rest"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(STALE_BUTTON, ephemeral=True)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ReplyButton,
    CloseButton,
    KeepOpenButton,
    PickButton,
    UnknownSupportButton,
)


def request_view(request_id: int, token: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyButton(request_id, token))
    return view


def requester_controls(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CloseButton(request_id))
    view.add_item(KeepOpenButton(request_id))
    return view


def pick_view(pending_id: int, requests: list[SupportRequest]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for request in requests:
        view.add_item(PickButton(pending_id, request.id, request.pseudonym))
    return view
