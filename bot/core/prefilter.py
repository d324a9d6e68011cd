"""Which of many word-bounded patterns could match a text, from its words alone.

Crisis detection searches a message for some 260 cue patterns and takes out some 30 figures
of speech first; most messages match none, yet each search scans the whole message. Every one
of those patterns starts with ``(?<![a-z0-9])`` and a letter or digit, so a match can only
start where a run of ``[a-z0-9]`` starts, and it starts with that run's first characters.
:class:`Prefilter` reads each pattern (with Python's own regular-expression parser) for what its
first run can be — exactly ``i``, ``im`` or ``myself``; or something starting ``fantasi`` —
and indexes the patterns by it. For a text it looks up each of the text's runs and returns the
patterns that could match: a superset of those that do, so searching only those gives exactly
the same results (``tests/core/test_prefilter.py`` checks that on every labeled message).

A pattern whose first run cannot be read this way (it may start with any word, or it has no
word-boundary guard) is always a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]  # re.compile's parser (3.11+)
from typing import Any

__all__ = ["Prefilter", "first_runs"]

GUARD = "(?<![a-z0-9])"
_RUN = re.compile(r"[a-z0-9]+")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Past this many spellings of a first run, the pattern is treated as able to start anywhere.
LIMIT = 2000
# A character class of at most this many single letters is spelled out ("[sz]": s or z).
SMALL_CLASS = 6
KEY = 3  # prefix keys use the first three characters

# A first-run reading: ("exact", run) or ("prefix", start of the run).
Reading = tuple[str, str]


class _Unknown(Exception):
    """The first run cannot be read: the pattern is a candidate for every text."""


def first_runs(pattern: str) -> set[Reading] | None:
    """What the first ``[a-z0-9]`` run of any match of ``pattern`` can be, or None when that
    cannot be said (then any text may match)."""
    if not pattern.startswith(GUARD):
        return None
    try:
        parsed = _p.parse(pattern)
        if parsed.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
            return None
        readings = _walk(list(parsed), [""])
    except (_Unknown, re.error):
        return None
    found: set[Reading] = set()
    for text, state in readings:
        if not text:
            return None  # a match may start with no letter at all
        found.add(("exact", text) if state == "exact" else ("prefix", text))
    return found


def _walk(items: Sequence[tuple[Any, Any]], starts: list[str]) -> list[tuple[str, str]]:
    """Each start extended through ``items``: (text, "exact") once the first run has ended,
    (text, "prefix") when it goes on in ways not spelled out, (text, "open") when ``items``
    are used up with the run still going."""
    current = [(s, "open") for s in starts]
    for op, av in items:
        if all(state != "open" for _, state in current):
            break
        following: list[tuple[str, str]] = []
        for text, state in current:
            if state == "open":
                following.extend(_step(op, av, text))
            else:
                following.append((text, state))
        if len(following) > LIMIT:
            raise _Unknown
        current = following
    return current


def _step(op: Any, av: Any, text: str) -> list[tuple[str, str]]:
    if op is _c.LITERAL:
        return _char(chr(av), text)
    if op is _c.ASSERT_NOT and av[0] == 1 and _is_alnum(av[1]):
        # "(?![a-z0-9])": the run ends here.
        if not text:
            raise _Unknown
        return [(text, "exact")]
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return [(text, "open")]  # zero width
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & _c.SRE_FLAG_IGNORECASE:
            raise _Unknown
        return _walk(list(sub), [text])
    if op is _c.BRANCH:
        out: list[tuple[str, str]] = []
        for alternative in av[1]:
            out.extend(_walk(list(alternative), [text]))
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        low, high, sub = av
        once = _walk(list(sub), [text])
        if high != 1:
            # More rounds may follow the first: a run still open may go on in them.
            once = [(t, "prefix" if s == "open" else s) for t, s in once]
        return [(text, "open"), *once] if low == 0 else once
    if op is _c.IN:
        letters = _small_class(av)
        if letters is not None:
            return [r for ch in letters for r in _char(ch, text)]
    # Anything else (a class, any character, a back-reference) ends what can be spelled out.
    if not text:
        raise _Unknown
    return [(text, "prefix")]


def _char(ch: str, text: str) -> list[tuple[str, str]]:
    if ch in _ALNUM:
        return [(text + ch, "open")]
    if not text:
        raise _Unknown  # the match would start with something other than a letter or digit
    return [(text, "exact")]


def _is_alnum(sub: Any) -> bool:
    """Whether ``sub`` is exactly the class ``[a-z0-9]``."""
    items = list(sub)
    if len(items) != 1 or items[0][0] is not _c.IN:
        return False
    return sorted(av for op, av in items[0][1] if op is _c.RANGE) == [(48, 57), (97, 122)] and all(
        op is _c.RANGE for op, _ in items[0][1]
    )


def _small_class(items: Any) -> list[str] | None:
    letters = []
    for op, av in items:
        if op is not _c.LITERAL:
            return None
        letters.append(chr(av))
    return letters if len(letters) <= SMALL_CLASS else None


class Prefilter:
    """The patterns (by position) that could match a text; see the module docstring."""

    def __init__(self, patterns: Sequence[re.Pattern[str] | str]) -> None:
        self.size = len(patterns)
        self._always: set[int] = set()
        self._exact: dict[str, set[int]] = {}
        self._prefix: tuple[dict[str, set[int]], ...] = tuple({} for _ in range(KEY + 1))
        for index, pattern in enumerate(patterns):
            source = pattern if isinstance(pattern, str) else pattern.pattern
            if not isinstance(pattern, str) and pattern.flags & (re.IGNORECASE | re.VERBOSE):
                readings = None
            else:
                readings = first_runs(source)
            if readings is None:
                self._always.add(index)
                continue
            for kind, text in readings:
                if kind == "exact":
                    self._exact.setdefault(text, set()).add(index)
                else:
                    key = text[:KEY]
                    self._prefix[len(key)].setdefault(key, set()).add(index)

    @property
    def unfiltered(self) -> int:
        """How many patterns are candidates for every text."""
        return len(self._always)

    def candidates(self, text: str) -> set[int]:
        """Positions of the patterns that could match ``text`` (a superset of those that do)."""
        found = set(self._always)
        exact, prefix = self._exact, self._prefix
        for run in set(_RUN.findall(text)):
            hit = exact.get(run)
            if hit:
                found |= hit
            for size in range(1, min(len(run), KEY) + 1):
                hit = prefix[size].get(run[:size])
                if hit:
                    found |= hit
        return found
