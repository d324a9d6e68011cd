"""Active listening in support threads: the cog's Discord-facing half for them.

A support thread starts on Kindred's anonymous post of the request, and everything the
requester or a Reply-button responder says reaches it as Kindred's posts. This module feeds the
request to the tracker as the share (once per thread, dated by the post's age on Discord, so a
thread that has been quiet for days is not judged as if the request were new), reads Kindred's
own posts with :func:`bot.listening_threads.read_thread_post`, and attributes Reply-button
answers to the responder who sent them.
"""

from __future__ import annotations

import itertools
import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.listening.threads import (
    REPLY_FORM_ID,
    REPLY_INPUT,
    Answer,
    ReplyAttributions,
    ThreadPost,
    form_value,
)
from bot.listening.tracker import ListeningTracker

if TYPE_CHECKING:
    from bot.app import KindredBot

log = logging.getLogger(__name__)

# Support threads: the request is Kindred's own post, so the sharer is this stand-in id.
SUPPORT_SHARER = 0
_PRIMED_MAX = 4096


class SupportThreads:
    """Support-thread state for the listening cog: which threads' requests were fed to the
    tracker, and the Reply-button answers waiting for their echo."""

    def __init__(self, bot: KindredBot, tracker: ListeningTracker) -> None:
        self.bot = bot
        self.tracker = tracker
        self.answers = ReplyAttributions()
        # support threads whose request post has already been fed to the tracker
        self._primed: OrderedDict[int, None] = OrderedDict()
        # message ids for answers judged without their post (support's explicit call): below
        # zero, so they can never collide with a Discord message a reply points at
        self._synthetic = itertools.count(-1, -1)

    async def style_of(self, channel: Any) -> str | None:
        """The support request's style ("listen", "advice", "either") if ``channel`` is a
        support thread; None for anything else."""
        if not isinstance(channel, discord.Thread):
            return None
        support = self.bot.thread_styles
        if support is None:
            return None
        try:
            style = await support.style_for_thread(channel.id)
        except Exception:
            log.exception("could not read the support style of thread %s", channel.id)
            return None
        return style

    async def prime(self, thread: Any, style: str, *, seen_at: datetime) -> None:
        """Feed the request post (the thread's starter) to the tracker once, as the share,
        before the first message judged against it. ``seen_at`` is the Discord time of the
        message that prompted this (its ``created_at``)."""
        if thread.id in self._primed or self.tracker.open_shares(thread.id):
            return
        self._primed[thread.id] = None
        while len(self._primed) > _PRIMED_MAX:
            self._primed.popitem(last=False)
        parent = thread.parent
        if parent is None:
            return
        try:
            starter = await parent.fetch_message(thread.id)
        except discord.HTTPException:
            return  # not started on a message, or gone: nothing to judge against
        me = self.bot.user
        if me is None or starter.author.id != me.id:
            return
        # The request is as old as its post. Its age is measured on Discord's timeline and
        # applied to Kindred's clock, which tests (and a skewed host) may run apart from it.
        age = max(seen_at - starter.created_at, timedelta(0))
        self.tracker.observe(
            channel_id=thread.id,
            message_id=starter.id,
            author_id=SUPPORT_SHARER,
            text=visible_text(starter),
            at=self.bot.clock() - age,
            advice_welcome=style == "advice",
        )

    def expect_answer(self, interaction: discord.Interaction[Any]) -> None:
        """Remember who submitted a Reply-button form, so its echo can be attributed."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Any = interaction.data or {}
        if interaction.guild is None or not REPLY_FORM_ID.fullmatch(str(data.get("custom_id"))):
            return
        text = (form_value(data, REPLY_INPUT) or "").strip()
        if not text:
            return
        user = interaction.user
        self.answers.expect(
            Answer(
                author_id=user.id,
                # the name support shows in the echo (support_views.ReplyModal)
                name=getattr(user, "display_name", user.name),
                text=text,
                post_id=interaction.message.id if interaction.message is not None else None,
                at=self.bot.clock(),
            )
        )

    def answer_in(self, thread_id: int, post: ThreadPost) -> Answer | None:
        """The answer a Reply-button echo shows, if its responder is known and it was not
        judged already; None means: skip the echo."""
        now = self.bot.clock()
        answer = self.answers.claim(thread_id=thread_id, name=post.name, text=post.text, now=now)
        if answer is None:
            log.debug("a Reply-button answer in thread %s has no known author; skipped", thread_id)
            return None
        if not self.answers.first_judgement(
            thread_id=thread_id, author_id=answer.author_id, text=answer.text, now=now
        ):
            return None
        return answer

    def first_judgement(self, thread_id: int, author_id: int, text: str) -> bool:
        return self.answers.first_judgement(
            thread_id=thread_id, author_id=author_id, text=text, now=self.bot.clock()
        )

    def synthetic_id(self) -> int:
        return next(self._synthetic)

    async def thread(self, thread_id: int) -> discord.Thread | None:
        found = self.bot.get_channel(thread_id)
        if found is None:
            try:
                found = await self.bot.fetch_channel(thread_id)
            except discord.HTTPException:
                return None
        return found if isinstance(found, discord.Thread) else None


def visible_text(message: discord.Message) -> str:
    """A Kindred post's words as a reader sees them: content, embed titles and descriptions
    (a support request's title and text; never its fields, which are Kindred's labels)."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
    return "\n".join(p for p in parts if p).strip()
