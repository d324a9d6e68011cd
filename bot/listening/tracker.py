"""Per-channel conversation state for active listening: which message is an open share, which
later messages answer it, and which of those answers earn a nudge.

Pure state: time is passed in, nothing is sent or stored, and no text is kept beyond the open
share's own (needed to judge whether a reply stays on its topic). The cog feeds every message
of a channel (or thread) it watches to :meth:`ListeningTracker.observe` and delivers the
:class:`Nudge` values it returns.

Rules, in the order they apply to a message:

1. Expired windows (older than ``window``) are forgotten first.
2. A message that answers a tracked share (a Discord reply to it or to one of its replies, or a
   plain message in the channel while its window is the latest one open) belongs to that share.
   - From the sharer: a follow-up. It never nudges; if it asks for ideas ("any advice?"),
     fixing is off for that share from then on.
   - From anyone else: one of the share's next ``max_replies`` replies (8 by default),
     classified. At most one nudge per replier per share. ``pile_on_after`` advice replies in
     a row (sharer follow-ups do not break the run) earn one pile-on nudge per share, to the
     replier who tipped it over, instead of a fixing nudge. When the sharer welcomed advice, neither
     fixing nor pile-on is nudged: answering a request for ideas is not piling on.
3. Otherwise a message that is a share opens a new window.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.core.text import split_clauses
from bot.listening.detector import (
    DetectionConfig,
    asks_for_advice,
    classify_reply,
    continues_advice,
    detect_share,
    is_good_news,
)

__all__ = ["ListeningTracker", "Nudge", "NudgeKind"]

log = logging.getLogger(__name__)

NudgeKind = Literal["fixing", "minimizing", "hijacking", "pile_on"]

# Memory bounds: the channels with recent activity, and open shares per channel. A busy
# server has a handful of shares open at once; more than this is a flood, not a conversation.
MAX_CHANNELS = 5000
MAX_SHARES_PER_CHANNEL = 8


@dataclass(frozen=True)
class Nudge:
    kind: NudgeKind
    replier_id: int
    share_message_id: int
    channel_id: int


@dataclass
class _Share:
    message_id: int
    author_id: int
    text: str
    at: datetime
    advice_welcome: bool
    # a milestone ("we closed on our house!!"): only a turn away from it is nudged
    good_news: bool = False
    # the share, the sharer's follow-ups and the replies: a Discord reply to any of them
    # belongs to this conversation
    message_ids: set[int] = field(default_factory=set)
    replies: int = 0
    advice_run: int = 0
    pile_on_reported: bool = False
    nudged: set[int] = field(default_factory=set)
    # someone asked "do you want ideas, or just to vent?": a "yes" from the sharer welcomes advice
    offered_ideas: bool = False


# The sharer saying yes to "do you want ideas?": an affirmative at the start of their answer.
_ACCEPTS = re.compile(
    r"^(?:(?:oh|ok|okay|honestly|um|hmm|tbh)\s+)*"
    r"(?:yes|yeah|yea|yep|yup|ya|sure|please|pls|plz|ideas|advice|id love|i would love|"
    r"go ahead|that would help|thatd help|any ideas|some ideas|both)\b"
)


class ListeningTracker:
    """Watches channels for shares and judges the replies that follow them."""

    def __init__(
        self,
        config: DetectionConfig,
        *,
        window: timedelta = timedelta(minutes=30),
        max_replies: int = 8,
        pile_on_after: int = 3,
    ) -> None:
        if window <= timedelta(0):
            raise ValueError("window must be positive")
        if max_replies < 1 or pile_on_after < 2:
            raise ValueError("max_replies must be >= 1 and pile_on_after >= 2")
        self.config = config
        self.window = window
        self.max_replies = max_replies
        self.pile_on_after = pile_on_after
        # channel id -> open shares by message id, oldest first; channels in LRU order
        self._channels: OrderedDict[int, OrderedDict[int, _Share]] = OrderedDict()

    def open_shares(self, channel_id: int) -> int:
        """How many share windows are open in a channel (for status and tests)."""
        return len(self._channels.get(channel_id, ()))

    @property
    def channel_count(self) -> int:
        return len(self._channels)

    def observe(
        self,
        *,
        channel_id: int,
        message_id: int,
        author_id: int,
        text: str,
        at: datetime,
        reply_to: int | None = None,
        advice_welcome: bool = False,
    ) -> list[Nudge]:
        """Take one message, in channel order; the nudges it earns (usually none).

        ``reply_to`` is the message a Discord reply points at (None for a plain message).
        ``advice_welcome`` says the author welcomed advice (a support request with style
        "advice"); it matters when this message opens a share.
        """
        shares = self._live_shares(channel_id, at)
        share = self._share_for(shares, reply_to)
        signal = detect_share(text, self.config)
        nudges: list[Nudge] = []
        if share is not None:
            if author_id == share.author_id:
                self._follow_up(share, message_id, text)
                return []
            if share.replies < self.max_replies:
                nudges = self._reply(channel_id, share, message_id, author_id, text)
                # advice told as one's own story ("that's how i got out of the 3am spiral")
                # reads like a disclosure, but it is aimed at the share: it stays a reply
                # (unless it asks for ideas itself: a new share of its own in a busy channel)
                gives_advice = share.advice_run > 0 and not signal.advice_wanted
                if not signal.is_share or reply_to is not None or gives_advice:
                    return nudges
                # Someone else discloses something of their own while a share is open. A
                # disclosure is never advice or minimizing. Unless it answers the open share
                # (solidarity: "so sorry, I went through this too"), it opens its own window,
                # so the replies that follow are judged against it.
                nudges = [n for n in nudges if n.kind == "hijacking"]
                if not nudges and self._acknowledges(share, text):
                    return []
            # else: the share's conversation has run its course; this may start a new one
        if signal.is_share:
            self._open(
                channel_id,
                shares,
                _Share(
                    message_id=message_id,
                    author_id=author_id,
                    text=text,
                    at=at,
                    advice_welcome=advice_welcome or signal.advice_wanted,
                    good_news=is_good_news(text, self.config),
                    message_ids={message_id},
                ),
            )
        return nudges

    # -- internals -------------------------------------------------------------------------

    def _live_shares(self, channel_id: int, now: datetime) -> OrderedDict[int, _Share]:
        shares = self._channels.get(channel_id)
        if shares is None:
            return OrderedDict()
        for message_id in [m for m, s in shares.items() if now - s.at > self.window]:
            del shares[message_id]
        if not shares:
            del self._channels[channel_id]
            return OrderedDict()
        self._channels.move_to_end(channel_id)
        return shares

    @staticmethod
    def _share_for(shares: OrderedDict[int, _Share], reply_to: int | None) -> _Share | None:
        if not shares:
            return None
        if reply_to is None:
            # a plain message answers the most recent share still open
            return next(reversed(shares.values()))
        for share in reversed(shares.values()):
            if reply_to in share.message_ids:
                return share
        # a Discord reply to something else is another conversation
        return None

    def _acknowledges(self, share: _Share, text: str) -> bool:
        verdict = classify_reply(share.text, text, self.config, advice_welcome=share.advice_welcome)
        return verdict.acknowledges

    def _follow_up(self, share: _Share, message_id: int, text: str) -> None:
        share.message_ids.add(message_id)
        # a question from the sharer right after advice takes the advice up ("wait, is
        # withholding rent even legal?"): more of it is answering, not piling on
        engaged = share.advice_run > 0 and split_clauses(text).question
        accepted = share.offered_ideas and _ACCEPTS.match(split_clauses(text).joined) is not None
        if not share.advice_welcome and (engaged or accepted or asks_for_advice(text, self.config)):
            share.advice_welcome = True

    def _reply(
        self, channel_id: int, share: _Share, message_id: int, author_id: int, text: str
    ) -> list[Nudge]:
        share.replies += 1
        share.message_ids.add(message_id)
        verdict = classify_reply(share.text, text, self.config, advice_welcome=share.advice_welcome)
        clauses = split_clauses(text)
        if clauses.question and self.config.phrases("permission").any(clauses.clauses):
            share.offered_ideas = True  # asked before advising: the sharer's answer decides
        kind: NudgeKind | None = verdict.kind
        is_advice = verdict.is_advice
        # "or agency work", "and cc his boss" right after advice: one more piece of it
        if (
            not is_advice
            and kind is None
            and share.advice_run > 0
            and not verdict.acknowledges
            and continues_advice(text, self.config)
        ):
            is_advice = True
            kind = None if share.advice_welcome else "fixing"
        share.advice_run = share.advice_run + 1 if is_advice else 0
        if author_id in share.nudged:
            return []
        if share.good_news and kind != "hijacking":
            kind = None  # advice or "at least" after good news is not what this is about
        if (
            is_advice
            and not share.good_news
            and not share.advice_welcome
            and not share.pile_on_reported
            and share.advice_run >= self.pile_on_after
        ):
            share.pile_on_reported = True
            kind = "pile_on"
        if kind is None:
            return []
        share.nudged.add(author_id)
        log.debug("listening nudge %s in channel %d", kind, channel_id)
        return [
            Nudge(
                kind=kind,
                replier_id=author_id,
                share_message_id=share.message_id,
                channel_id=channel_id,
            )
        ]

    def _open(self, channel_id: int, shares: OrderedDict[int, _Share], share: _Share) -> None:
        shares[share.message_id] = share
        while len(shares) > MAX_SHARES_PER_CHANNEL:
            shares.popitem(last=False)
        self._channels[channel_id] = shares
        self._channels.move_to_end(channel_id)
        while len(self._channels) > MAX_CHANNELS:
            self._channels.popitem(last=False)
