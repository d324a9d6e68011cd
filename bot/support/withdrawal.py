"""forget-me for support: who asked is gone at once; Kindred's own posts are cleaned later.

When a member forgets themselves, each of their requests loses its seals and lookup token in
the same moment (nothing links it to them any more). What Kindred posted for them stays until
the request's own, independently random withdrawal time, 10 minutes to 6 hours later: then
the request's post is edited to say it was withdrawn (its text removed), the copies of the
requester's answers Kindred posted in the thread are deleted, an open thread is told and
locked, and the row is deleted. Doing it all at the instant of forget-me would edit several
servers' posts in the same second, which would tell their moderators that those requests had
one author.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import datetime, timedelta

import discord

from bot.store.support import SupportRequest
from bot.store.support_schema import pending_lookup
from bot.support.lifecycle import WITHDRAWN_NOTE, SupportBase
from bot.support.names import relay_header

log = logging.getLogger(__name__)

WITHDRAW_EARLIEST = timedelta(minutes=10)
WITHDRAW_LATEST = timedelta(hours=6)
WITHDRAWN_POST = "**{pseudonym}** withdrew this request."
WITHDRAWN_EMBED = (
    "The person who asked withdrew this request and deleted their data, so what they wrote "
    "has been removed. Thank you to everyone who was here for them. 💛"
)
HISTORY_LIMIT = 2000


def withdraw_delay() -> timedelta:
    """A uniformly random delay in [10 min, 6 h], drawn independently for each request."""
    span = int((WITHDRAW_LATEST - WITHDRAW_EARLIEST).total_seconds())
    return WITHDRAW_EARLIEST + timedelta(seconds=secrets.randbelow(span + 1))


class Withdrawals(SupportBase):
    """forget-me's part in support, and the later clean-up of Kindred's posts."""

    async def forget_requester(self, user_id: int) -> int:
        """Unlink every request and waiting DM of ``user_id`` now; schedule the clean-up."""
        store, now = self.bot.store, self.bot.clock()
        forgotten = 0
        for request in await self.requests_of(user_id):
            if request.message_id is None:  # never posted: nothing of theirs is in Discord
                await store.delete_support_request(request.id)
            else:
                await store.withdraw_support_request(request.id, now + withdraw_delay())
            forgotten += 1
        waiting = await store.support_pending_matching(
            lambda pending_id: pending_lookup(self.bot.sealer, pending_id, user_id)
        )
        forgotten += await store.delete_support_pending([p.id for p in waiting])
        return forgotten

    async def run_withdrawals(self, now: datetime) -> int:
        """Clean up the posts of withdrawn requests whose time has come; then delete them."""
        done = 0
        for request in await self.bot.store.support_withdrawals_due(now):
            try:
                await self._clean_posts(request)
            except discord.HTTPException as exc:  # the row goes anyway: it names no one
                log.warning("could not clean up a withdrawn request's posts: %s", exc.code)
            await self.bot.store.delete_support_request(request.id)
            done += 1
        if done:
            await self.bot.store.scrub()  # the deleted rows' pages leave the WAL too
        return done

    async def _clean_posts(self, request: SupportRequest) -> None:
        if request.message_id is not None:
            channel = self.bot.get_partial_messageable(request.channel_id)
            embed = discord.Embed(description=WITHDRAWN_EMBED)
            embed.set_author(name=f"Anonymous · {request.pseudonym}")
            with contextlib.suppress(discord.NotFound):  # the post was deleted already
                await channel.get_partial_message(request.message_id).edit(
                    content=WITHDRAWN_POST.format(pseudonym=request.pseudonym),
                    embed=embed,
                    view=None,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        thread = await self.thread_of(request) if request.thread_id is not None else None
        if thread is None:
            return
        was_open = request.closed_at is None
        if thread.archived:
            await thread.edit(archived=False)  # archived threads refuse edits and deletions
        await self._delete_relays(thread, request.pseudonym)
        if was_open:
            await self.say(thread, WITHDRAWN_NOTE)
        await thread.edit(archived=True, locked=True)

    async def _delete_relays(self, thread: discord.Thread, pseudonym: str) -> None:
        """Delete Kindred's copies of the requester's answers (its own messages, by header)."""
        me, header = self.bot.user, relay_header(pseudonym)
        async for message in thread.history(limit=HISTORY_LIMIT):
            if me is not None and message.author.id == me.id and message.content.startswith(header):
                with contextlib.suppress(discord.NotFound):
                    await message.delete()
