"""Choosing what a server sees next: the depth ladder, prompt selection, thread names.

Pure functions of their arguments: no I/O, no SQL, no Discord, no clock. The caller (the
prompts cog and the scheduler) reads the server's settings and history from the store, calls
these, and stores the result.

The depth ladder
================

Closeness grows when self-disclosure deepens gradually (Aron et al., 1997), so each server
climbs through the depths ``light`` → ``medium`` → ``deep`` as its members take part, and
steps back when the threads go quiet.

**Measuring a post.** Each posted prompt's thread is measured over its first day: how many
distinct members other than Kindred replied (``repliers``) and how many replies there were
(``replies``). Counting messages needs no message content, so the ladder works without the
message-content intent. :func:`classify` turns that into one of three words:

- *engaged*: at least ``engaged_repliers`` distinct repliers **and** at least
  ``engaged_replies`` replies (defaults 3 and 5): several people took part, not one person
  talking to themself;
- *quiet*: at most ``quiet_replies`` replies (default 1);
- *neutral*: anything in between.

**Moving.** :func:`next_depth` looks at the posts made at the current depth since the last
depth change, oldest first, and counts the streak at the end of that list:

- ``step_up_after`` engaged posts in a row (default 3) move one level deeper;
- ``step_down_after`` quiet posts in a row (default 2) move one level back;
- otherwise the depth stays.

Only the streak at the end counts. Any post of another kind breaks it: a neutral or a quiet
post ends an engaged streak, and a neutral or an engaged post ends a quiet streak, so
"engaged, engaged, neutral, engaged" is a streak of one. After a move the caller starts a
new, empty history for the new depth, so the next move needs a whole new streak (a move is
never followed at once by another on the strength of the same posts).

**Limits.** The ladder never goes deeper than the server's ``max_depth`` (default ``deep``)
and never shallower than ``light``. If a server lowers its maximum below its current depth,
the next call returns the new maximum whatever the history says. A new server starts at
``start_depth`` (default ``light``), or at its maximum if that is shallower
(:func:`initial_depth`).

Every number above is a field of :class:`LadderRule`, configurable per server.

Choosing a prompt
=================

:func:`pick_prompt` chooses from a server's library (the shipped prompts plus its approved
suggestions) given when each prompt was last posted in that server:

- *Eligible* prompts have the requested depth, and the requested category when one is given.
- Prompts never posted in the server come first, chosen at random, so nothing repeats until
  every eligible prompt has been posted once.
- When every eligible prompt has been posted, the least recently posted is reused (ties
  broken at random), so repeats come back in the order they were first seen.
- Without a category, the four habits take turns: among the categories that still have
  never-posted prompts at this depth, the one whose last post at this depth is oldest (or
  that was never posted at this depth) is chosen, ties at random; then a never-posted prompt
  of that category. So while every habit still has unposted prompts at a depth, each of the
  four comes up once in every four posts at that depth; once prompts come round again, the
  least-recently-posted rule replays that same order.
- If no prompt has the requested depth (and category), the nearest shallower depth is used,
  then the nearest deeper one (``deep`` falls back to ``medium`` then ``light``; ``medium``
  to ``light`` then ``deep``; ``light`` to ``medium`` then ``deep``). If the category has no
  prompts at any depth, the category is dropped and the same depth order is tried. Only an
  empty library (or a depth that is not one of the three) raises :class:`ValueError`.

Randomness comes only from the ``rng`` argument and candidates are ordered by id before any
choice, so a seeded :class:`random.Random` gives the same pick whatever order the library
lists its prompts in.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.library import Prompt

__all__ = [
    "DEPTH_ORDER",
    "FALLBACK_THREAD_NAME",
    "THREAD_NAME_MAX",
    "Classification",
    "Engagement",
    "LadderRule",
    "classify",
    "fallback_depths",
    "initial_depth",
    "next_depth",
    "pick_prompt",
    "thread_name",
    "trailing_streak",
]

DEPTH_ORDER = ("light", "medium", "deep")

Classification = Literal["engaged", "quiet", "neutral"]


def _level(depth: str, what: str = "depth") -> int:
    try:
        return DEPTH_ORDER.index(depth)
    except ValueError:
        raise ValueError(f"{what} must be one of {', '.join(DEPTH_ORDER)}, not {depth!r}") from None


@dataclass(frozen=True)
class Engagement:
    """One past post's thread, measured over its first day."""

    repliers: int  # distinct members other than Kindred
    replies: int

    def __post_init__(self) -> None:
        if self.repliers < 0 or self.replies < 0:
            raise ValueError("repliers and replies cannot be negative")


@dataclass(frozen=True)
class LadderRule:
    """A server's depth-ladder settings; the defaults are the documented ones.

    See the module docstring for how the fields are used.
    """

    engaged_repliers: int = 3  # a post is "engaged" with >= this many distinct repliers ...
    engaged_replies: int = 5  # ... and >= this many replies
    quiet_replies: int = 1  # a post is "quiet" with <= this many replies
    step_up_after: int = 3  # engaged posts in a row to go one level deeper
    step_down_after: int = 2  # quiet posts in a row to go one level back
    max_depth: str = "deep"
    start_depth: str = "light"

    def __post_init__(self) -> None:
        _level(self.max_depth, "max_depth")
        _level(self.start_depth, "start_depth")
        if self.engaged_repliers < 1 or self.engaged_replies < 1:
            raise ValueError("engaged_repliers and engaged_replies must be at least 1")
        if self.quiet_replies < 0:
            raise ValueError("quiet_replies cannot be negative")
        # A post must never be both engaged and quiet, or the ladder could move both ways.
        if self.engaged_replies <= self.quiet_replies:
            raise ValueError("engaged_replies must be greater than quiet_replies")
        if self.step_up_after < 1 or self.step_down_after < 1:
            raise ValueError("step_up_after and step_down_after must be at least 1")


def classify(e: Engagement, rule: LadderRule) -> Classification:
    """Whether one post's thread was engaged, quiet or neither (module docstring)."""
    if e.repliers >= rule.engaged_repliers and e.replies >= rule.engaged_replies:
        return "engaged"
    if e.replies <= rule.quiet_replies:
        return "quiet"
    return "neutral"


def trailing_streak(
    history: Sequence[Engagement], rule: LadderRule
) -> tuple[Classification | None, int]:
    """The kind and length of the run of same-kind posts at the end of ``history``.

    ``(None, 0)`` for an empty history. ``/prompt status`` can show it as progress ("2 of 3
    engaged posts toward going deeper").
    """
    if not history:
        return None, 0
    kinds = [classify(e, rule) for e in history]
    last = kinds[-1]
    length = 0
    for kind in reversed(kinds):
        if kind != last:
            break
        length += 1
    return last, length


def initial_depth(rule: LadderRule) -> str:
    """The depth a server starts at: ``start_depth``, or ``max_depth`` if that is shallower."""
    return DEPTH_ORDER[min(_level(rule.start_depth), _level(rule.max_depth))]


def next_depth(current: str, history: Sequence[Engagement], rule: LadderRule) -> str:
    """The depth for the next post.

    ``history`` holds the engagement of the posts made at ``current`` since the last depth
    change, oldest first. When the result differs from ``current`` the caller must start a
    new, empty history. Raises :class:`ValueError` for an unknown ``current``.
    """
    level = _level(current, "current")
    ceiling = _level(rule.max_depth)
    if level > ceiling:
        # The server lowered its maximum: go there at once, whatever the threads did.
        return rule.max_depth
    kind, length = trailing_streak(history, rule)
    if kind == "engaged" and length >= rule.step_up_after:
        level = min(level + 1, ceiling)
    elif kind == "quiet" and length >= rule.step_down_after:
        level = max(level - 1, 0)
    return DEPTH_ORDER[level]


def fallback_depths(depth: str) -> tuple[str, ...]:
    """``depth``, then the shallower depths nearest first, then the deeper ones nearest first."""
    level = _level(depth)
    shallower = DEPTH_ORDER[:level][::-1]
    deeper = DEPTH_ORDER[level + 1 :]
    return (depth, *shallower, *deeper)


def _by_id(prompts: Sequence[Prompt]) -> list[Prompt]:
    # Choices are made from id order, so a seeded rng gives the same pick whatever order
    # the library (or the store's suggestions) happen to come in.
    return sorted(prompts, key=lambda p: (p.id, p.category, p.depth, p.text))


def _eligible(candidates: Sequence[Prompt], depth: str, category: str | None) -> list[Prompt]:
    categories: list[str | None] = [category, None] if category is not None else [None]
    for wanted in categories:
        for level in fallback_depths(depth):
            pool = [
                p
                for p in candidates
                if p.depth == level and (wanted is None or p.category == wanted)
            ]
            if pool:
                return pool
    # Only prompts with depths the ladder does not know (a suggestion stored before a
    # rename, say): posting one of them beats posting nothing.
    return list(candidates)


def _rotated(
    fresh: list[Prompt], eligible: list[Prompt], history: Mapping[str, datetime], rng: random.Random
) -> list[Prompt]:
    """The never-posted prompts of the category whose turn it is (module docstring)."""
    last_posted: dict[str, datetime | None] = {p.category: None for p in fresh}
    for prompt in eligible:
        when = history.get(prompt.id)
        if when is None or prompt.category not in last_posted:
            continue
        previous = last_posted[prompt.category]
        if previous is None or when > previous:
            last_posted[prompt.category] = when
    never = sorted(c for c, when in last_posted.items() if when is None)
    if never:
        chosen = rng.choice(never)
    else:
        oldest = min(when for when in last_posted.values() if when is not None)
        chosen = rng.choice(sorted(c for c, when in last_posted.items() if when == oldest))
    return [p for p in fresh if p.category == chosen]


def pick_prompt(
    candidates: Sequence[Prompt],
    history: Mapping[str, datetime],
    *,
    depth: str,
    category: str | None = None,
    rng: random.Random,
) -> Prompt:
    """The prompt to post next in a server (module docstring: "Choosing a prompt").

    ``history`` maps prompt id to when it was last posted in this server; its datetimes must
    be comparable with each other (all timezone-aware, as the store keeps them). Ids in it
    that are not among ``candidates`` are ignored. Raises :class:`ValueError` when
    ``candidates`` is empty or ``depth`` is not a depth.
    """
    _level(depth)
    if not candidates:
        raise ValueError("there are no prompts to choose from")
    eligible = _eligible(candidates, depth, category)
    fresh = [p for p in eligible if p.id not in history]
    if fresh:
        if category is None:
            fresh = _rotated(fresh, eligible, history, rng)
        return rng.choice(_by_id(fresh))
    oldest = min(history[p.id] for p in eligible)
    return rng.choice(_by_id([p for p in eligible if history[p.id] == oldest]))


# -- thread names ------------------------------------------------------------------------

THREAD_NAME_MAX = 100  # Discord: thread names are 1-100 characters
FALLBACK_THREAD_NAME = "Today's prompt"
_ELLIPSIS = "…"
# Markdown and mention syntax render literally (or ping) in a thread name; drop it.
_MARKUP = dict.fromkeys(map(ord, "@#<>*_`~|"))
# Invisible characters that hide text or flip its direction; they have no place in a title.
_INVISIBLE = dict.fromkeys([0x200B, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ZWJ = "\u200d"
_TRIM_BEFORE_ELLIPSIS = " ,;:.-–—"


def _joins_previous(ch: str) -> bool:
    """True for characters that belong to the character before them (one visible glyph)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")  # accents, variation selectors
        or ch == _ZWJ
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _cut_cleanly(text: str, end: int) -> str:
    """``text[:end]``, moved back so it does not split an accent, an emoji or a flag."""
    cut = end
    while 0 < cut < len(text) and (_joins_previous(text[cut]) or text[cut - 1] == _ZWJ):
        cut -= 1
    if 0 < cut < len(text) and _is_regional_indicator(text[cut]):
        run = 0
        while cut - run > 0 and _is_regional_indicator(text[cut - run - 1]):
            run += 1
        if run % 2:  # flags are pairs of regional indicators; don't keep half of one
            cut -= 1
    # A single base character buried under more marks than fit: cutting raw is all we can do.
    return text[:cut] if cut > 0 else text[:end]


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    room = limit - len(_ELLIPSIS)
    if text[room] == " ":
        head = text[:room]
    else:
        space = text.rfind(" ", 0, room)
        # A word boundary that would throw away more than half the room is worse than
        # cutting a very long word in two.
        head = text[:space] if space >= room // 2 else _cut_cleanly(text, room)
    head = head.rstrip(_TRIM_BEFORE_ELLIPSIS) or head
    return head + _ELLIPSIS


def thread_name(prompt_text: str, *, limit: int = THREAD_NAME_MAX) -> str:
    """A Discord thread name (1-``limit`` characters) for a prompt's text.

    Collapses whitespace, strips markdown and mention characters (``@ # < > * _ ` ~ |``) and
    invisible direction controls, cuts an over-long text at a word boundary and ends it with
    "…", and never returns an empty name (:data:`FALLBACK_THREAD_NAME` instead). Length is
    counted in code points, as Discord counts characters. ``limit`` must be 2-100.
    """
    if not 2 <= limit <= THREAD_NAME_MAX:
        raise ValueError(f"limit must be between 2 and {THREAD_NAME_MAX}, not {limit}")
    cleaned = prompt_text.translate(_MARKUP).translate(_INVISIBLE)
    # Control characters go, except the whitespace ones, which separate words below.
    cleaned = "".join(
        ch for ch in cleaned if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    # str.split() with no argument splits on every Unicode space, including no-break spaces.
    collapsed = " ".join(cleaned.split())
    return _fit(collapsed or FALLBACK_THREAD_NAME, limit)
