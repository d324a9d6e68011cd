"""Whose words Kindred's own posts in a support thread carry (pure: no Discord, time passed in).

In a support thread Kindred posts for other people and for itself, and only some of it is
anyone's words to judge:

- ``**{pseudonym}** (who asked):`` then the quoted text relays the requester's DM: the sharer's
  follow-up (the format of ``bot.support_relay``; the pseudonym is checked against the words
  ``bot.support_names`` builds pseudonyms from, so no display name can pass for one).
- ``**{name}** replied with the Reply button:`` then the quoted text echoes a responder's answer
  given through the Reply button's form: a reply, but the post holds no user id. The form's
  submit does, so :class:`ReplyAttributions` pairs the two (same name, same text, same request,
  within two minutes); an echo nothing pairs with is skipped, never read as the requester.
- Everything else (the crisis note, "I couldn't pass that on…", close notes, listening notes)
  is nobody's words and is never fed to the tracker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.core.forms import submitted_value
from bot.core.pseudonyms import ADJECTIVES, ANIMALS

__all__ = [
    "REPLY_FORM_ID",
    "REPLY_INPUT",
    "Answer",
    "ReplyAttributions",
    "ThreadPost",
    "form_value",
    "read_thread_post",
]

# The support feature's persistent Reply form: ``support:reply-form:<request id>``, one text
# input ``reply``. Persistent custom ids outlive restarts, so they are a stable contract.
REPLY_FORM_ID = re.compile(r"support:reply-form:[0-9]{1,20}")
REPLY_INPUT = "reply"

_PSEUDONYM = re.compile(
    "(?:Anonymous · )?(?:{}) (?:{}) · [0-9a-f]{{3}}".format(
        "|".join(map(re.escape, ADJECTIVES)), "|".join(map(re.escape, ANIMALS))
    )
)
_RELAY = re.compile(r"\*\*(?P<name>[^\n]{1,120}?)\*\* \(who asked\):\n(?P<body>.*)", re.DOTALL)
_ECHO = re.compile(
    r"\*\*(?P<name>[^\n]{1,120}?)\*\* replied with the Reply button:\n(?P<body>.*)", re.DOTALL
)
_ATTACHMENT = "📎 "
_ELLIPSIS = "…"


@dataclass(frozen=True)
class ThreadPost:
    """One of Kindred's posts in a support thread that carries someone's words."""

    kind: Literal["requester", "reply_button"]
    name: str  # the pseudonym for the requester, the responder's display name for an answer
    text: str


def _unquote(body: str) -> str:
    while body.startswith("-# "):  # Kindred's own small print (a note about links): not words
        body = body.partition("\n")[2]
    block = body.startswith(">>> ")  # a long relay is one block quote, not "> " per line
    if block:
        body = body[4:]
    lines = []
    for line in body.splitlines():
        if not block and line.startswith("> "):
            line = line[2:]
        elif not block and line == ">":
            line = ""
        if line.startswith(_ATTACHMENT):
            continue  # an attachment link is not words
        lines.append(line)
    return "\n".join(lines).strip()


def read_thread_post(content: str) -> ThreadPost | None:
    """The words a Kindred post in a support thread carries, and whose; None for Kindred's own
    notes, which are nobody's words."""
    relay = _RELAY.fullmatch(content.strip())
    if relay is not None and _PSEUDONYM.fullmatch(relay["name"]):
        text = _unquote(relay["body"])
        return ThreadPost("requester", relay["name"], text) if text else None
    echo = _ECHO.fullmatch(content.strip())
    if echo is not None:
        text = _unquote(echo["body"])
        return ThreadPost("reply_button", echo["name"], text) if text else None
    return None


def form_value(data: Mapping[str, Any], custom_id: str) -> str | None:
    """A modal submit's text-input value by custom id, in classic action rows or labels."""
    return submitted_value(data.get("components"), custom_id)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same_text(echoed: str, submitted: str) -> bool:
    """Whether an echo shows ``submitted`` (an echo cut to fit a message ends with …)."""
    shown, full = _key(echoed), _key(submitted)
    if shown == full:
        return True
    cut = shown.removesuffix(_ELLIPSIS).rstrip()
    return shown.endswith(_ELLIPSIS) and len(cut) >= 20 and full.startswith(cut)


@dataclass(frozen=True)
class Answer:
    """A Reply-button answer waiting for its echo in the thread."""

    author_id: int
    name: str
    text: str
    post_id: int | None  # the request post the form was opened from = its thread's id
    at: datetime


class ReplyAttributions:
    """Pairs Reply-button echoes with the form submits that carried them, and makes sure each
    answer is judged once whichever way it arrives (the echo, or support's explicit call).

    Held in memory only, each answer for at most ``ttl``: text waits here just until its echo
    is read.
    """

    def __init__(self, *, ttl: timedelta = timedelta(minutes=2), max_pending: int = 256) -> None:
        self.ttl = ttl
        self.max_pending = max_pending
        self._pending: list[Answer] = []
        # (thread id, author id, text key) -> when it was judged
        self._judged: dict[tuple[int, int, str], datetime] = {}

    def _expire(self, now: datetime) -> None:
        self._pending = [a for a in self._pending if now - a.at <= self.ttl]
        for key in [k for k, at in self._judged.items() if now - at > self.ttl]:
            del self._judged[key]

    def expect(self, answer: Answer) -> None:
        """A responder submitted the Reply form; its echo will follow in the thread."""
        self._expire(answer.at)
        self._pending.append(answer)
        del self._pending[: max(len(self._pending) - self.max_pending, 0)]

    def claim(self, *, thread_id: int, name: str, text: str, now: datetime) -> Answer | None:
        """The answer an echo in ``thread_id`` shows, if exactly one responder can have
        written it; taken out of the pending list. None when nothing or several fit."""
        self._expire(now)
        fits = [
            a
            for a in self._pending
            if a.name == name
            and (a.post_id is None or a.post_id == thread_id)
            and _same_text(text, a.text)
        ]
        if not fits or len({a.author_id for a in fits}) > 1:
            return None
        self._pending.remove(fits[0])
        return fits[0]

    def first_judgement(self, *, thread_id: int, author_id: int, text: str, now: datetime) -> bool:
        """True the first time this answer is to be judged, False after (within ``ttl``)."""
        self._expire(now)
        key = (thread_id, author_id, _key(text))
        if key in self._judged:
            return False
        self._judged[key] = now
        while len(self._judged) > self.max_pending:
            del self._judged[next(iter(self._judged))]
        return True

    @property
    def pending(self) -> int:
        return len(self._pending)
