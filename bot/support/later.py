"""Requests opened from a check-in, posted a few random minutes later.

A check-in's "I'd like to talk" leads to the request form. Posted at once, the request's time
(public in Discord: every message id holds it) would sit a minute after the member tapped a
low mood in their check-in, which Discord, or anyone who saw both, could line up. So such a
request waits, sealed (who asked, its title and text, bound to its row) with its own lookup
token, until a uniformly random moment 2 to 15 minutes later, and is then posted exactly as
any other request; the member is told so, and is DMed when it is up. A request whose words
point to a crisis is never held: it is posted, alerted and answered with resources at once.

The rate-limit marker is taken when the form is sent, as for any request.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.core.errors import UserFacingError
from bot.core.sealing import SealingError, new_row_id
from bot.store.support import DelayedRequest
from bot.store.support_schema import SEAL_DELAYED, delayed_binding, delayed_lookup

if TYPE_CHECKING:
    from bot.support.service import SupportService

log = logging.getLogger(__name__)

HOLD_EARLIEST = timedelta(minutes=2)
HOLD_LATEST = timedelta(minutes=15)


def hold_delay() -> timedelta:
    """A uniformly random wait in [2 min, 15 min], drawn afresh for each request."""
    span = int((HOLD_LATEST - HOLD_EARLIEST).total_seconds())
    return HOLD_EARLIEST + timedelta(seconds=secrets.randbelow(span + 1))


class DelayedRequests:
    """Holding requests from check-ins and posting them when their time comes."""

    def __init__(self, service: SupportService) -> None:
        self.service = service
        self.bot = service.bot

    async def hold(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        style: str,
        title: str,
        text: str,
    ) -> None:
        bot, user_id = self.bot, interaction.user.id
        delayed_id = new_row_id()
        sealed = bot.sealer.seal(
            json.dumps({"user": user_id, "title": title, "text": text}),
            purpose=SEAL_DELAYED,
            bind=delayed_binding(delayed_id, guild_id),
        )
        await bot.store.add_support_delayed(
            delayed_id,
            guild_id=guild_id,
            style=style,
            sealed_request=sealed,
            lookup=delayed_lookup(bot.sealer, delayed_id, user_id),
            due=bot.clock() + hold_delay(),
        )
        guild = bot.get_guild(guild_id)
        await interaction.response.send_message(
            "Thank you for reaching out. 🌱 I'll post your request anonymously in "
            f"**{guild.name if guild else 'the server'}** within the next 15 minutes, at a "
            "random moment, so its time doesn't point back to your check-in. I'll DM you as "
            "soon as it's up; replies will reach you there.\n"
            "-# If you change your mind before then, `/kindred forget-me` removes it.",
            ephemeral=True,
        )

    async def post_due(self, now: datetime) -> int:
        """Post every held request whose time has come; return how many were posted."""
        posted = 0
        # Only this process's servers' (with several shard processes): see the store.
        for held in await self.bot.store.take_support_delayed_due(now, self.bot.engine.owner):
            try:
                posted += await self._post(held)
            except Exception:  # one request's failure must not hold back the others
                log.exception("could not post a held support request")
        return posted

    async def _post(self, held: DelayedRequest) -> int:
        bot, service = self.bot, self.service
        try:
            request = json.loads(
                bot.sealer.open(
                    held.sealed_request,
                    purpose=SEAL_DELAYED,
                    bind=delayed_binding(held.id, held.guild_id),
                )
            )
            user_id, title, text = int(request["user"]), str(request["title"]), request["text"]
        except (SealingError, ValueError, KeyError, TypeError):
            log.warning("a held support request cannot be opened (an earlier key?); dropped")
            return 0
        dm = await bot.create_dm(discord.Object(id=user_id))
        try:
            user = await bot.fetch_user(user_id)
            await service.check_member(held.guild_id, user)
            config = await service.check_can_request(held.guild_id, user_id)
            await service.publish(config, held.guild_id, user_id, held.style, title, str(text))
        except UserFacingError as refusal:
            await service.dm_outcome(
                dm, f"I couldn't post the support request you wrote: {refusal.message}"[:2000]
            )
            return 0
        except discord.HTTPException as exc:
            log.warning("could not post a held support request: %s", exc.code)
            await service.dm_outcome(
                dm,
                "Discord had a problem and I couldn't post the support request you wrote, so "
                "nothing was shared. Please try `/support request` again in a moment.",
            )
            return 0
        return 1

    async def export(self, user_id: int) -> list[dict[str, Any]]:
        """A member's held requests, opened for my-data."""
        held = await self.bot.store.support_delayed_matching(
            lambda delayed_id: delayed_lookup(self.bot.sealer, delayed_id, user_id)
        )
        shown = []
        for item in held:
            try:
                request = json.loads(
                    self.bot.sealer.open(
                        item.sealed_request,
                        purpose=SEAL_DELAYED,
                        bind=delayed_binding(item.id, item.guild_id),
                    )
                )
                words: Any = {"title": request["title"], "text": request["text"]}
            except (SealingError, ValueError, KeyError):
                words = "(sealed with an earlier key; it can no longer be read)"
            shown.append(
                {
                    "server_id": str(item.guild_id),
                    "style": item.style,
                    "to_be_posted_at": item.due_at.isoformat(),
                    "request": words,
                }
            )
        return shown

    async def forget(self, user_id: int) -> int:
        held = await self.bot.store.support_delayed_matching(
            lambda delayed_id: delayed_lookup(self.bot.sealer, delayed_id, user_id)
        )
        return await self.bot.store.delete_support_delayed([h.id for h in held])
