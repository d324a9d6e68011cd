"""The check-in DM's persistent buttons and the private-note form.

Every button's custom id carries the delivery (``checkin:mood:<delivery id>:<1-5>``,
``checkin:talk:<id>``, ``checkin:skip:<id>``, ``checkin:note:<id>``) and is checked
against the store and the clicking user, so buttons work after a restart and a
forged, stale or someone else's id gets a polite private answer. The templates are
deliberately loose (and one catches every other ``checkin:`` id): discord.py ignores
an id no template matches, which would leave the member with "interaction failed".
"""

from __future__ import annotations

import abc
import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.checkins import texts as text
from bot.checkins.trend import MOOD_MAX, MOOD_MIN, two_low_in_a_row
from bot.core.buttons import KindredButton, make_button
from bot.core.errors import KindredModal
from bot.core.forms import submitted_value
from bot.store.checkins import CheckinDelivery
from bot.store.checkins_schema import SEAL_NOTE, member_hash, note_binding

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

NOTE_MAX = 1000
_ID = re.compile(r"[1-9][0-9]{0,17}")


def parse_id(raw: str) -> int | None:
    return int(raw) if _ID.fullmatch(raw) else None


def parse_mood(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and MOOD_MIN <= int(raw) <= MOOD_MAX else None


async def polite(interaction: discord.Interaction[Any], message: str) -> None:
    await interaction.response.send_message(message, ephemeral=True)


async def own_delivery(
    interaction: discord.Interaction[Any], raw_id: str
) -> CheckinDelivery | None:
    """The delivery the id names, if it exists and belongs to whoever clicked."""
    delivery_id = parse_id(raw_id)
    if delivery_id is None:
        return None
    bot: KindredBot = interaction.client
    delivery = await bot.store.checkin_delivery(delivery_id)
    if delivery is None or delivery.member != member_hash(bot.sealer, interaction.user.id):
        return None
    return delivery


def checkin_view(delivery_id: int, labels: tuple[str, ...] | list[str]) -> discord.ui.View:
    """Five mood buttons, then "I'd like to talk" and "Skip"."""
    view = discord.ui.View(timeout=None)
    for mood, label in enumerate(labels, start=MOOD_MIN):
        view.add_item(MoodButton(delivery_id, mood, label))
    view.add_item(TalkButton(delivery_id))
    view.add_item(SkipButton(delivery_id))
    return view


def answered_view(delivery_id: int, *, with_note: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if with_note:
        view.add_item(NoteButton(delivery_id))
    view.add_item(TalkButton(delivery_id))
    return view


def _first_embed(interaction: discord.Interaction[Any]) -> discord.Embed | None:
    """The check-in's embed, to keep in the answered message (None if it had none)."""
    message = interaction.message
    return message.embeds[0] if message and message.embeds else None


class _CheckinItem(KindredButton, template=r"$^"):
    """A check-in button: its template has a ``rest`` group, the id after ``checkin:<action>``."""

    def __init__(self, button: discord.ui.Button[Any], rest: str) -> None:
        super().__init__(button)
        self.rest = rest

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls.from_rest(match["rest"])

    @classmethod
    @abc.abstractmethod
    def from_rest(cls, rest: str) -> Self:
        """The item for the part of the custom id after its prefix (each subclass parses it)."""


class _DeliveryButton(_CheckinItem, template=r"$^"):
    """A button whose id carries only its delivery: ``checkin:<ACTION>:<delivery id>``."""

    ACTION: ClassVar[str]
    LABEL: ClassVar[str]
    STYLE: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, delivery_id: int | str) -> None:
        super().__init__(
            make_button(f"checkin:{self.ACTION}:{delivery_id}", self.LABEL, style=self.STYLE),
            str(delivery_id),
        )

    @classmethod
    def from_rest(cls, rest: str) -> Self:
        return cls(rest)


class MoodButton(_CheckinItem, template=r"checkin:mood:(?P<rest>.*)"):
    def __init__(self, delivery_id: int | str, mood: int | str, label: str = "") -> None:
        super().__init__(
            make_button(
                f"checkin:mood:{delivery_id}:{mood}", f"{mood} · {label}" if label else str(mood)
            ),
            f"{delivery_id}:{mood}",
        )

    @classmethod
    def from_rest(cls, rest: str) -> Self:
        delivery, _, mood = rest.partition(":")
        return cls(delivery, mood)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raw_delivery, _, raw_mood = self.rest.partition(":")
        mood = parse_mood(raw_mood)
        delivery = await own_delivery(interaction, raw_delivery)
        if delivery is None or mood is None:
            await polite(interaction, text.STALE)
            return
        bot: KindredBot = interaction.client
        labels = bot.library.checkins.moods
        if not await bot.store.answer_checkin(delivery.id, delivery.member, mood, bot.clock()):
            await polite(interaction, text.ALREADY_ANSWERED)
            return
        previous = await bot.store.previous_checkin_mood(delivery.member, delivery.id)
        offer = None
        if two_low_in_a_row(previous, mood):
            offer = text.low_offer(bot.library.checkins.low_offer, bot.crisis.resources)
        original = _first_embed(interaction)
        await interaction.response.edit_message(
            content=text.acknowledgement(mood, labels, offer=offer),
            embed=text.answered_embed(original, text.mood_answer(mood, labels)),
            view=answered_view(delivery.id, with_note=True),
        )


class SkipButton(_DeliveryButton, template=r"checkin:skip:(?P<rest>.*)"):
    ACTION = "skip"
    LABEL = "Skip"

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        delivery = await own_delivery(interaction, self.rest)
        if delivery is None:
            await polite(interaction, text.STALE)
            return
        bot: KindredBot = interaction.client
        if not await bot.store.skip_checkin(delivery.id, delivery.member, bot.clock()):
            await polite(interaction, text.ALREADY_ANSWERED)
            return
        original = _first_embed(interaction)
        await interaction.response.edit_message(
            content="Skipped — that's completely fine. I'll check in again next time.",
            embed=text.answered_embed(original, "skipped"),
            view=answered_view(delivery.id, with_note=False),
        )


class TalkButton(_DeliveryButton, template=r"checkin:talk:(?P<rest>.*)"):
    ACTION = "talk"
    LABEL = "I'd like to talk"
    STYLE = discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        delivery = await own_delivery(interaction, self.rest)
        if delivery is None:
            await polite(interaction, text.STALE)
            return
        bot: KindredBot = interaction.client
        member = await bot.store.checkin_member(interaction.user.id)
        guild_id = member.home_guild_id if member is not None else None
        support = bot.request_opener
        if guild_id is None or support is None:
            await polite(
                interaction,
                text.talk_unavailable(bot.crisis.resources, has_server=guild_id is not None),
            )
            return
        await support.open_request_modal(interaction, guild_id, style="either", from_checkin=True)


class NoteButton(_DeliveryButton, template=r"checkin:note:(?P<rest>.*)"):
    ACTION = "note"
    LABEL = "Add a private note"

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        delivery = await own_delivery(interaction, self.rest)
        if delivery is None:
            await polite(interaction, text.STALE)
            return
        form = NoteModal(delivery.id)
        await interaction.response.send_modal(form)
        # Unregistered at once: the cog's listener handles the submission, before or after a
        # restart alike (see NoteModal).
        form.stop()


class UnknownCheckinButton(
    _CheckinItem, template=r"checkin:(?!(?:mood|skip|talk|note):)(?P<rest>.*)"
):
    """Any other ``checkin:`` id (forged or from a future version): a polite answer."""

    def __init__(self, rest: str) -> None:
        super().__init__(make_button(f"checkin:{rest}", "?"), rest)

    @classmethod
    def from_rest(cls, rest: str) -> Self:
        return cls(rest)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await polite(interaction, text.STALE)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MoodButton,
    SkipButton,
    TalkButton,
    NoteButton,
    UnknownCheckinButton,
)


NOTE_MODAL_PREFIX = "checkin:note-modal:"


class NoteModal(KindredModal):
    """The private-note form. Its submission is handled by :func:`handle_note_submit` from the
    cog's interaction listener, not by this object: discord.py keeps open forms only in memory,
    so a form opened before a restart would otherwise be dropped."""

    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your note (only you can read it)",
        style=discord.TextStyle.paragraph,
        max_length=NOTE_MAX,
        custom_id="note",
        placeholder="Anything you'd like to remember about today.",
    )

    def __init__(self, delivery_id: int) -> None:
        super().__init__(title="A private note", custom_id=f"{NOTE_MODAL_PREFIX}{delivery_id}")


def is_note_submit(interaction: discord.Interaction[Any]) -> bool:
    data: Any = interaction.data or {}
    return interaction.type == discord.InteractionType.modal_submit and str(
        data.get("custom_id", "")
    ).startswith(NOTE_MODAL_PREFIX)


async def handle_note_submit(interaction: discord.Interaction[Any]) -> None:
    """Seal and keep the note; a note with crisis language gets the resources at once."""
    data: Any = interaction.data or {}
    bot: KindredBot = interaction.client
    raw_id = str(data.get("custom_id", ""))[len(NOTE_MODAL_PREFIX) :]
    delivery = await own_delivery(interaction, raw_id)
    if delivery is None:
        await polite(interaction, text.STALE)
        return
    note = (submitted_value(data.get("components"), "note") or "").strip()[:NOTE_MAX]
    if not note:
        await polite(interaction, "Nothing to save — the note was empty.")
        return
    sealed = bot.sealer.seal(
        note, purpose=SEAL_NOTE, bind=note_binding(delivery.id, delivery.member)
    )
    await bot.store.save_checkin_note(delivery.id, delivery.member, sealed, bot.clock())
    verdict = bot.crisis.assess(note)
    if verdict is not None:
        resources = bot.crisis.resources_for(verdict, limit=1700)
        await polite(
            interaction,
            (
                "Your note is saved, only for you. What you wrote sounds really heavy, and "
                "you deserve support right now.\n\n" + resources + "\n\n"
                "**I'd like to talk** on the check-in reaches people in your server "
                "anonymously."
            )[:2000],
        )
        return
    await polite(interaction, "Saved — sealed, and only you can read it (`/kindred my-data`).")
