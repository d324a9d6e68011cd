"""The text normaliser that crisis and active-listening detection share, and the small phrase
language of ``listening.detection`` in prompts.yaml (the library loader validates it).

:func:`normalize_for_matching` makes a message one line of lower-case words; :func:`split_clauses`
does the same clause by clause, with chat spellings expanded, for the listening detector.

Chat is matched clause by clause, because where a phrase sits matters: "just ignore him" at the
start of a clause is advice, "I just lost my job" is not. A message is split at sentence
punctuation, commas and line breaks; each clause is then lower-cased, stripped of apostrophes
(so "don't", "don’t" and "dont" are the same) and reduced to words separated by single spaces.
A few chat spellings are expanded ("u" → "you", "idk" → "i dont know"), and hearts, hugs,
crying and laughing emoji become the words ``emojiheart``, ``emojicry`` and ``emojilaugh`` so
phrase lists can name them.

Phrase syntax (validated when prompts.yaml loads):

- words match whole words: ``at least`` does not match "at leastways";
- ``*`` alone matches any one word; ``word*`` matches any word starting with "word";
  ``*ing`` matches any word ending in "ing" after at least three letters ("walking", not
  "bring");
- a leading ``^`` anchors the phrase at the start of a clause, after at most three fillers
  ("but", "so", "honestly", "maybe", ...): ``^just *`` matches "ok but just block him".

Nothing here logs the text it is given.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "Clauses",
    "PhraseSet",
    "PhraseSyntaxError",
    "compile_phrase",
    "normalize_for_matching",
    "split_clauses",
    "words_of",
]

# Straight and typographic apostrophes, and the look-alikes phone keyboards produce.
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4\u2032]")
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n\u2026()\[\]\"\u201c\u201d]+|\s[-\u2013\u2014]+\s")
_NOT_WORD = re.compile(r"[\W_]+")
_PHRASE_WORD = re.compile(r"^(?:\*|[a-z0-9]+\*?|\*[a-z0-9]+)$")
# the stem a ``*ending`` word needs before its ending, so "*ing" is not "bring" or "sing"
SUFFIX_STEM = 3

# Emoji people use to show care, distress or laughter, as words the lists can name.
_EMOJI_WORDS = (
    (
        re.compile(
            "(?:<3+|[\u2764\u2665\u2661\U0001f493-\U0001f49f\U0001f9e1\U0001f90d\U0001f90e"
            "\U0001f5a4\U0001fa75-\U0001fa77\U0001f917\U0001fac2\U0001f972\U0001f97a]"
            "\ufe0f?)"
        ),
        " emojiheart ",
    ),
    (re.compile("[\U0001f622\U0001f62d\U0001f97a\U0001f625\U0001f614\U0001f61e]"), " emojicry "),
    (re.compile("[\U0001f602\U0001f923\U0001f606\U0001f605\U0001f480]"), " emojilaugh "),
)

# Chat spellings, expanded so lists need only the long form.
_EXPANSIONS = {
    "u": "you",
    "ur": "your",
    "ya": "you",
    "r": "are",
    "idk": "i dont know",
    "iam": "im",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "ppl": "people",
    "rn": "right now",
    "tho": "though",
    "thx": "thanks",
    "ty": "thank you",
    "sry": "sorry",
    "srry": "sorry",
    "shud": "should",
    "shoud": "should",
    "shoudl": "should",
    "shuold": "should",
    "sould": "should",
    "youu": "you",
    "yu": "you",
    "prolly": "probably",
}

# Words a clause may open with before an anchored (``^``) phrase: "ok but just leave".
FILLERS = (
    "but",
    "and",
    "or",
    "so",
    "honestly",
    "tbh",
    "ngl",
    "seriously",
    "ok",
    "okay",
    "well",
    "oh",
    "man",
    "dude",
    "bro",
    "bruh",
    "fr",
    "nah",
    "girl",
    "hey",
    "also",
    "then",
    "maybe",
    "yeah",
    "yea",
    "like",
    "imo",
    "imho",
    "please",
    "pls",
    "just",
    "omg",
    "lol",
    "really",
    "definitely",
    "def",
    "srsly",
    "idk",
    "hmm",
    "hm",
    "aw",
    "wow",
    "oof",
    "ugh",
    "aww",
    "awww",
)
_FILLER_GROUP = "(?:(?:" + "|".join(sorted(set(FILLERS), key=len, reverse=True)) + ") ){0,3}"


def normalize_for_matching(text: str) -> str:
    """Lower-case words separated by single spaces, without apostrophes or punctuation."""
    folded = _APOSTROPHES.sub("", text.casefold())
    return _NOT_WORD.sub(" ", folded).strip()


class PhraseSyntaxError(ValueError):
    """A phrase that cannot be compiled; the message says why."""


def _normalize_clause(clause: str) -> str:
    words = _NOT_WORD.sub(" ", clause).split()
    return " ".join(_EXPANSIONS.get(word, word) for word in words)


@dataclass(frozen=True)
class Clauses:
    """A message as normalized clauses, plus the whole message as one normalized line."""

    clauses: tuple[str, ...]
    question: bool  # the message asks something (a "?" anywhere)

    @property
    def joined(self) -> str:
        return " ".join(self.clauses)


def split_clauses(text: str) -> Clauses:
    folded = _APOSTROPHES.sub("", text.casefold())
    if "<3" in folded or not folded.isascii():  # every other emoji pattern is non-ASCII
        for pattern, word in _EMOJI_WORDS:
            folded = pattern.sub(word, folded)
    parts = (_normalize_clause(part) for part in _CLAUSE_BREAK.split(folded))
    return Clauses(clauses=tuple(p for p in parts if p), question="?" in text)


def words_of(text: str) -> list[str]:
    """The normalized words of ``text``, clause breaks ignored."""
    return split_clauses(text).joined.split()


@functools.lru_cache(maxsize=8192)
def compile_phrase(phrase: str) -> re.Pattern[str]:
    """The regular expression for one phrase; :class:`PhraseSyntaxError` if it is malformed.
    Cached: the library compiles each phrase to check it, and the detectors compile the same
    phrases again; they share one pattern instead of keeping two."""
    text = phrase.strip().casefold()
    anchored = text.startswith("^")
    if anchored:
        text = text[1:]
    text = _APOSTROPHES.sub("", text)
    if "^" in text:
        raise PhraseSyntaxError("'^' may only open a phrase")
    tokens = text.split()
    if not tokens:
        raise PhraseSyntaxError("has no words to match")
    parts = []
    for token in tokens:
        if not _PHRASE_WORD.match(token):
            raise PhraseSyntaxError(
                f"'{token}' is not a word: use lower-case letters and digits, '*' for any "
                "word, 'word*' for words starting with 'word', '*ing' for words ending in "
                "'ing' (no punctuation)"
            )
        if token == "*":
            parts.append(r"[a-z0-9]+")
        elif token.endswith("*"):
            parts.append(re.escape(token[:-1]) + r"[a-z0-9]*")
        elif token.startswith("*"):
            parts.append(rf"[a-z0-9]{{{SUFFIX_STEM},}}" + re.escape(token[1:]))
        else:
            parts.append(re.escape(token))
    if all(token == "*" for token in tokens):
        raise PhraseSyntaxError("must contain at least one real word, not only '*'")
    body = " ".join(parts)
    prefix = "^" + _FILLER_GROUP if anchored else r"(?<![a-z0-9])"
    return re.compile(prefix + body + r"(?![a-z0-9])")


_RUN = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def _clause_keys(clause: str) -> frozenset[str]:
    """What a phrase's first word can match in a clause, as index keys: ``=run`` for each run
    of [a-z0-9] (a clause word may hold other letters, "élost": the phrase "lost" matches
    there, after "é", so runs, not words), ``<start`` for each start of a run (``word*``) and
    ``>end`` for each end (``*ing``)."""
    keys: set[str] = set()
    for run in _RUN.findall(clause):
        keys.add("=" + run)
        keys.update("<" + run[:n] for n in range(1, len(run) + 1))
        keys.update(">" + run[-n:] for n in range(1, len(run) + 1))
    return frozenset(keys)


@dataclass(frozen=True)
class _FirstWords:
    """Patterns indexed by their phrase's first word (``=word``, ``<start`` of ``start*``,
    ``>end`` of ``*end``; ``*`` matches any word). A phrase can match a clause only if its
    first word matches one of the clause's runs, so only those phrases are tried."""

    by_key: dict[str, tuple[re.Pattern[str], ...]]
    keys: frozenset[str]
    anywhere: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, phrases: tuple[str, ...], patterns: tuple[re.Pattern[str], ...]) -> _FirstWords:
        by_key: dict[str, list[re.Pattern[str]]] = {}
        anywhere: list[re.Pattern[str]] = []
        for phrase, pattern in zip(phrases, patterns, strict=True):
            first = _APOSTROPHES.sub("", phrase.strip().casefold().lstrip("^")).split()[0]
            if first == "*":
                anywhere.append(pattern)
                continue
            if first.endswith("*"):
                key = "<" + first[:-1]
            elif first.startswith("*"):
                key = ">" + first[1:]
            else:
                key = "=" + first
            by_key.setdefault(key, []).append(pattern)
        return cls(
            {key: tuple(found) for key, found in by_key.items()},
            frozenset(by_key),
            tuple(anywhere),
        )

    def candidates(self, clause: str) -> list[re.Pattern[str]]:
        """The patterns that may match ``clause``; the others cannot."""
        clause_keys = _clause_keys(clause)
        found: list[re.Pattern[str]] = []
        for key in self.keys.intersection(clause_keys):
            found.extend(self.by_key[key])
        if self.anywhere and clause_keys:
            found.extend(self.anywhere)
        return found


@dataclass(frozen=True)
class PhraseSet:
    """A weighted phrase list: counts the clauses it matches, up to ``cap``."""

    phrases: tuple[str, ...]
    weight: float = 1.0
    cap: int = 2
    patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    # The patterns by their phrase's first word, so a clause is tried only against phrases
    # whose first word it holds: lists run to hundreds of phrases, and every message meets
    # dozens of lists (see ``_candidates``).
    _index: _FirstWords = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = tuple(compile_phrase(p) for p in self.phrases)
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "_index", _FirstWords.of(self.phrases, patterns))

    def _candidates(self, clause: str) -> list[re.Pattern[str]]:
        return self._index.candidates(clause)

    def clause_matches(self, clause: str) -> bool:
        return any(p.search(clause) for p in self._candidates(clause))

    def matched(self, clauses: Iterable[str]) -> list[int]:
        """Indexes of the clauses this list matches."""
        return [i for i, clause in enumerate(clauses) if self.clause_matches(clause)]

    def hits(self, clauses: Iterable[str], *, skip: Iterable[int] = ()) -> int:
        """How many clauses match (each at most once), ignoring ``skip``, capped."""
        skipped = set(skip)
        count = sum(
            1
            for i, clause in enumerate(clauses)
            if i not in skipped and self.clause_matches(clause)
        )
        return min(count, self.cap)

    def distinct_hits(self, clauses: Iterable[str]) -> int:
        """How many different things the list matches in the clauses (overlapping matches,
        like "lost" inside "lost my", and repeats count once), capped: for lists whose words
        add up even inside one long clause."""
        found: set[str] = set()
        for clause in clauses:
            spans = sorted(m.span() for p in self._candidates(clause) for m in p.finditer(clause))
            end = -1
            for start, stop in spans:
                if start >= end:
                    found.add(clause[start:stop])  # the same word twice ("😭😭") counts once
                end = max(end, stop)
        return min(len(found), self.cap)

    def score(self, clauses: Iterable[str], *, skip: Iterable[int] = ()) -> float:
        return self.weight * self.hits(clauses, skip=skip)

    def any(self, clauses: Iterable[str]) -> bool:
        return any(self.clause_matches(c) for c in clauses)
