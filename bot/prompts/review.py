"""``/prompt review``: one pending suggestion at a time, with buttons that survive restarts.

Each button's custom id carries the suggestion id and the action
(``prompt:review:<id>:approve-light|approve-medium|approve-deep|edit|reject``), so a click on an
old review message still works after Kindred restarts; permissions are checked again at
click time, and a stale or forged id gets a polite private answer.

The Edit form works the same way: its custom id (``prompt:edit-form:<id>``) carries the
suggestion id, the form is unregistered from discord.py as soon as it is shown, and its
submission is handled by :func:`handle_edit_form` from the prompts cog's interaction listener.
discord.py keeps an open ``Modal`` only in memory, so a form opened before a restart would
otherwise be dropped ("interaction failed") and the moderator's rewording lost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Self

import discord

from bot.core.buttons import KindredButton, make_button
from bot.core.checks import require_manage_server
from bot.core.clock import relative
from bot.core.errors import KindredModal, UserFacingError
from bot.core.forms import submitted_value
from bot.core.library import CATEGORIES, DEPTHS, PROMPT_MAX
from bot.prompts.posting import EMBED_COLOUR, HABITS
from bot.store.prompt_suggestions import Suggestion

if TYPE_CHECKING:
    from bot.app import KindredBot

ACTIONS = ("approve-light", "approve-medium", "approve-deep", "edit", "reject")
SUGGESTION_MIN = 10
CATEGORY_MAX = 10  # the form's limit; the longest habit name, "together", has 8
SQLITE_MAX_INTEGER = 2**63 - 1
EDIT_FORM = "prompt:edit-form:"
# Forms opened before the id above existed were sent as ``prompt:edit:<id>``: still accepted,
# so the restart that brings this change does not drop a form that is open at the time.
_EDIT_FORM_PREFIXES = (EDIT_FORM, "prompt:edit:")
# At most 18 digits: always a valid SQLite integer, so a forged id is simply unknown.
_EDIT_FORM_ID = re.compile(r"prompt:edit(?:-form)?:(?P<sid>[0-9]{1,18})")
GONE = "That suggestion isn't here any more. Run `/prompt review` to see what is waiting."


def review_custom_id(suggestion_id: int, action: str) -> str:
    return f"prompt:review:{suggestion_id}:{action}"


def clean_suggestion(text: str) -> str:
    """One line of text, whitespace collapsed; a UserFacingError if too short or long."""
    cleaned = " ".join(text.split())
    if len(cleaned) < SUGGESTION_MIN:
        raise UserFacingError(
            f"A prompt needs at least {SUGGESTION_MIN} characters — try an open question "
            "like “What made you smile this week?”"
        )
    if len(cleaned) > PROMPT_MAX:
        raise UserFacingError(f"Please keep a prompt under {PROMPT_MAX} characters.")
    return cleaned


async def review_card(bot: KindredBot, guild_id: int, note: str | None = None) -> dict[str, Any]:
    """Keyword arguments for a message showing the oldest pending suggestion (or none)."""
    suggestion, pending = await bot.store.next_pending_suggestion(guild_id)
    lines = [note] if note else []
    if suggestion is None:
        lines.append("No suggestions are waiting for review.")
        return {"content": "\n".join(lines), "embed": None, "view": None}
    embed = discord.Embed(
        title=f"Suggestion 1 of {pending} waiting",
        description=suggestion.text,
        colour=EMBED_COLOUR,
    )
    embed.add_field(name="Habit", value=HABITS.get(suggestion.category, suggestion.category))
    embed.add_field(
        name="Suggested",
        value=f"by <@{suggestion.suggested_by}>, {relative(suggestion.created_at, bot.clock())}",
    )
    embed.set_footer(
        text="Approve at the depth it fits: light, medium or deep. "
        "A suggestion nobody reviews is deleted 90 days after it was made."
    )
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(ReviewButton(suggestion.id, action))
    lines.append("A member suggested this prompt. Approve it at a depth, edit it, or reject it.")
    return {"content": "\n".join(lines), "embed": embed, "view": view}


class ReviewButton(
    KindredButton,
    template=r"prompt:review:(?P<sid>[0-9]{1,20}):(?P<action>[a-z-]{1,20})",
):
    """Approve at a depth, Edit or Reject one suggestion."""

    def __init__(self, suggestion_id: int, action: str) -> None:
        label, style = {
            "approve-light": ("Approve · light", discord.ButtonStyle.success),
            "approve-medium": ("Approve · medium", discord.ButtonStyle.success),
            "approve-deep": ("Approve · deep", discord.ButtonStyle.success),
            "edit": ("Edit", discord.ButtonStyle.secondary),
            "reject": ("Reject", discord.ButtonStyle.danger),
        }.get(action, ("Unknown", discord.ButtonStyle.secondary))
        super().__init__(make_button(review_custom_id(suggestion_id, action), label, style=style))
        self.suggestion_id = suggestion_id
        self.action = action

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        return cls(int(match["sid"]), match["action"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        require_manage_server(interaction)  # the button may be old; check again now
        bot: KindredBot = interaction.client
        # A forged id past SQLite's integer range is simply unknown, like any other stale id.
        known = self.suggestion_id <= SQLITE_MAX_INTEGER
        suggestion = await bot.store.get_suggestion(self.suggestion_id) if known else None
        if (
            self.action not in ACTIONS
            or suggestion is None
            or suggestion.guild_id != interaction.guild_id
        ):
            await interaction.response.send_message(GONE, ephemeral=True)
            return
        assert interaction.guild_id is not None  # require_manage_server refuses DMs
        if suggestion.status != "pending":
            note = f"That suggestion was already {suggestion.status}."
        elif self.action == "edit":
            form = EditSuggestion(suggestion)
            await interaction.response.send_modal(form)
            # Unregistered at once: the cog's listener handles the submission (handle_edit_form),
            # before or after a restart alike, and only once.
            form.stop()
            return
        elif self.action == "reject":
            await bot.store.reject_suggestion(suggestion.id, bot.clock())
            note = f"Rejected: “{suggestion.text}”"
        else:
            depth = self.action.removeprefix("approve-")
            added = await bot.store.approve_suggestion(suggestion.id, depth, bot.clock())
            note = (
                f"Approved at depth **{depth}**: “{suggestion.text}” is now in this server's "
                "prompts."
                if added is not None
                else "That suggestion was already reviewed."
            )
        await interaction.response.edit_message(
            **await review_card(bot, interaction.guild_id, note)
        )


class EditSuggestion(KindredModal):
    """Reword a suggestion or change its habit before approving it.

    Only the form's layout: its submission is handled by :func:`handle_edit_form` from the
    prompts cog's interaction listener, not by this object (see the module docstring).
    """

    def __init__(self, suggestion: Suggestion) -> None:
        super().__init__(title="Edit suggestion", custom_id=f"{EDIT_FORM}{suggestion.id}")
        self.suggestion_id = suggestion.id
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Prompt",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            default=suggestion.text,
            min_length=SUGGESTION_MIN,
            max_length=PROMPT_MAX,
        )
        self.category: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Habit: open, listen, support or together",
            custom_id="category",
            default=suggestion.category,
            max_length=CATEGORY_MAX,
        )
        self.add_item(self.text)
        self.add_item(self.category)


def edit_form_target(custom_id: str) -> int | None:
    """The suggestion id an Edit form's custom id carries, or None if it is malformed."""
    found = _EDIT_FORM_ID.fullmatch(custom_id)
    return int(found["sid"]) if found else None


def is_edit_form(interaction: discord.Interaction[Any]) -> bool:
    """Whether ``interaction`` is a submitted Edit form (of any age)."""
    data: Any = interaction.data or {}
    return interaction.type == discord.InteractionType.modal_submit and str(
        data.get("custom_id", "")
    ).startswith(_EDIT_FORM_PREFIXES)


async def handle_edit_form(interaction: discord.Interaction[Any]) -> None:
    """Apply a submitted Edit form and show the review card again, privately.

    Everything is checked now, not when the form was opened: the moderator's Manage Server
    permission, that the suggestion still exists in this server, and the text and habit
    (the payload is not trusted to respect the form's length limits).
    """
    require_manage_server(interaction)  # the form may have been opened long ago
    bot: KindredBot = interaction.client
    data: Any = interaction.data or {}
    target = edit_form_target(str(data.get("custom_id", "")))
    suggestion = None if target is None else await bot.store.get_suggestion(target)
    if suggestion is None or suggestion.guild_id != interaction.guild_id:
        await interaction.response.send_message(GONE, ephemeral=True)
        return
    components = data.get("components")
    typed_category = (submitted_value(components, "category") or "")[:CATEGORY_MAX]
    category = typed_category.strip().lower()
    if category not in CATEGORIES:
        raise UserFacingError(
            f"“{typed_category}” isn't a habit. Use one of: {', '.join(CATEGORIES)}."
        )
    text = clean_suggestion(submitted_value(components, "text") or "")
    edited = await bot.store.edit_suggestion(suggestion.id, text=text, category=category)
    assert interaction.guild_id is not None  # require_manage_server refuses DMs
    note = (
        "Edited. Approve it at a depth when it reads right."
        if edited
        else "That suggestion was already reviewed."
    )
    card = await review_card(bot, interaction.guild_id, note)
    if interaction.message is not None:
        await interaction.response.edit_message(**card)
    else:
        present = {k: v for k, v in card.items() if v is not None}
        await interaction.response.send_message(ephemeral=True, **present)


__all__ = [
    "ACTIONS",
    "DEPTHS",
    "EDIT_FORM",
    "EditSuggestion",
    "ReviewButton",
    "clean_suggestion",
    "edit_form_target",
    "handle_edit_form",
    "is_edit_form",
    "review_card",
]
