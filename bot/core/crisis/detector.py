"""Crisis detection, and the resources to offer when it fires.

The rules (``ideation``, ``acts``, ``safeguarding``) model what clinicians screen for: the
constructs of the Columbia Suicide Severity Rating Scale and of safeguarding practice, each a
small documented rule over normalised text. :meth:`CrisisDetector.assess` runs them and says
which constructs a message touches and whether it is about someone else ("my friend took a
bunch of pills"), so the writer gets the resources that fit: how to get help now, where to get
help with abuse, how to help someone else. The phrases and patterns in prompts.yaml's
``safety`` section add a community's own words on top (each a crisis on its own).

When a message is ambiguous the rules err towards offering resources: an unneeded, kindly worded
note costs little, a missed one can cost a lot. Figures of speech are taken out first ("this
traffic is killing me", "I could die of embarrassment"), so banter does not teach members to
scroll past the note.

Matching is done on normalised text: case-folded, apostrophes removed ("can't", "can’t" and
"cant" are the same), chat spellings expanded ("u" is "you", "kms" is "kill myself"), digits
inside words read as letters ("d1e" is "die"). Phrases match whole words only.

Nothing here logs or keeps the text it is given, nor its verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from bot.core.crisis.constructs import RULES
from bot.core.crisis.model import CrisisModel, Surface, load_model
from bot.core.crisis.vocabulary import GAME, IDIOMS, MEDIA, OTHER, SHARED
from bot.core.library import Library
from bot.core.prefilter import Prefilter
from bot.core.text import normalize_for_matching, split_clauses

__all__ = ["CrisisDetector", "CrisisVerdict", "normalise"]

THRESHOLD = 1.0
# With the model loaded, the rules decide alone only when they are this sure; below it the
# model (trained on far more people's phrasing than the rules were written from) decides.
RULES_ALONE = 1.5
# Where no rule cue matched at all, the model must be at least this sure, so ordinary chat
# ("my phone battery is dead", "something i want to share") does not draw a crisis note: the
# model has seen far more crisis messages than the world holds, so text with nothing in it
# leans its way. The same on both surfaces (0.5 in forms sent plain requests to moderators
# as crises).
MODEL_ALONE: dict[Surface, float] = {"direct": 0.7, "public": 0.7}
# Talk about a game, a film or the news weakens the cues it shares with crisis language.
CONTEXT_DAMPING = 0.5
# ...unless the writer says they mean it, which also adds to the score.
_FOR_REAL = re.compile(
    r"(?<![a-z0-9])(?:irl|in real life|for real|not joking|not even joking|not really joking|"
    r"im not joking|seriously|no joke|not a joke|not kidding|im serious|asking for me|asking "
    r"for myself|not for (?:him|her|them|a friend))(?![a-z0-9])"
)
FOR_REAL_BONUS = 0.4
# Crisis slang and the spellings that dodge filters, read as plain words.
_SLANG = {
    "kms": "kill myself",
    "kys": "kill yourself",
    "unalive": "kill",
    "unalived": "killed",
    "unaliving": "killing",
    "sewerslide": "suicide",
    "sewer slide": "suicide",
    "suicde": "suicide",
    "sucide": "suicide",
    "suicidel": "suicidal",
    "tryna": "trying to",
    "imma": "im going to",
    "ima": "im going to",
    "finna": "going to",
    "gunna": "gonna",
    "wana": "wanna",
    "dnt": "dont",
    "dont": "dont",
    "cnt": "cant",
    "wnt": "want",
    "myslef": "myself",
    "mysef": "myself",
    "mself": "myself",
    "my self": "myself",
    "anymore": "anymore",
    "any more": "anymore",
    "nobody": "nobody",
    "no body": "nobody",
    "no one": "no one",
    "noone": "no one",
    "cuz": "because",
    "wanna": "wanna",
    "rly": "really",
    "sh": "sh",
    "pils": "pills",
    "overdoes": "overdose",
    "od ing": "overdosing",
    "oding": "overdosing",
    "ded": "dead",
    "dieing": "dying",
    "wakeup": "wake up",
    "fr": "for real",
    "frfr": "for real",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2nite": "tonight",
    "tonite": "tonight",
    "agian": "again",
}
_SLANG_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(re.escape(k) for k in sorted(_SLANG, key=len, reverse=True))
    + r")(?![a-z0-9])"
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_LEET_WORD = re.compile(r"[a-z]*[0-9@][a-z0-9@]*")


def _unleet(match: re.Match[str]) -> str:
    word = match[0]
    # "d1e", "k1ll", "su1c1de" are words; "2am", "40", "104" stay numbers.
    letters = sum(c.isalpha() for c in word)
    return word.translate(_LEET) if letters >= 2 and not word[:1].isdigit() else word


def normalise(text: str) -> str:
    """One line of lower-case words with apostrophes removed and chat spellings expanded."""
    joined = " ".join(split_clauses(text).clauses)
    joined = _LEET_WORD.sub(_unleet, joined)
    return _SLANG_RE.sub(lambda m: _SLANG[m[0]], joined)


def prepare(text: str) -> str:
    """:func:`normalise`, with figures of speech taken out: what the rules and the model read."""
    words = normalise(text)
    # Only the idioms that could match (bot/core/prefilter.py): taking one out leaves no new
    # place where another could start, so the candidates of the text before stay a superset.
    possible = _idiom_filter().candidates(words)
    for index, idiom in enumerate(IDIOMS):
        if index in possible:
            words = idiom.sub(" ", words)
    return " ".join(words.split())


@cache
def _idiom_filter() -> Prefilter:
    return Prefilter(IDIOMS)


@cache
def _cue_filter() -> Prefilter:
    """Every rule's cues, numbered in rule order, indexed by what their first word can be."""
    return Prefilter([cue.pattern for rule in RULES for cue in rule.cues])


@dataclass(frozen=True)
class CrisisVerdict:
    """What a message touches: constructs strongest first, its score, and whose danger."""

    constructs: tuple[str, ...]
    score: float
    about_other: bool

    @property
    def danger_from_others(self) -> bool:
        return "danger_from_others" in self.constructs

    @property
    def medical(self) -> bool:
        return "medical_emergency" in self.constructs


@dataclass(frozen=True)
class CrisisDetector:
    """Spots danger in what members write; see the module docstring.

    ``phrases`` and ``patterns`` are a community's extra words (prompts.yaml, ``safety``);
    ``resources`` the default text to offer, ``abuse_resources`` what to add for danger from
    others, ``helper_resources`` what to add for someone worried about another person.
    """

    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    resources: str
    abuse_resources: str = ""
    helper_resources: str = ""
    # "shipped" loads model.json when a message first needs it, not at start: most bots read
    # many messages before the first one the rules leave undecided.
    model: CrisisModel | Literal["shipped"] | None = field(
        default="shipped", repr=False, compare=False
    )
    _padded: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Normalise once here, so phrases written as people type them ("Can’t go on") match.
        normalized = (normalize_for_matching(p) for p in self.phrases)
        object.__setattr__(self, "phrases", tuple(dict.fromkeys(p for p in normalized if p)))
        object.__setattr__(self, "_padded", tuple(f" {p} " for p in self.phrases))

    @classmethod
    def from_library(cls, library: Library) -> CrisisDetector:
        section = library.safety
        return cls(
            phrases=section.phrases,
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in section.patterns),
            resources=section.resources,
            abuse_resources=section.abuse_resources,
            helper_resources=section.helper_resources,
        )

    def is_crisis(self, text: str, *, surface: Surface = "direct") -> bool:
        return self.assess(text, surface=surface) is not None

    def assess(self, text: str, *, surface: Surface = "direct") -> CrisisVerdict | None:
        """The verdict for ``text`` if it may point to a crisis; None if it does not.
        ``surface`` says where it was written: ``direct`` to Kindred (forms, DMs, notes),
        where the model is more sensitive, or ``public`` in a watched channel."""
        heard = self.rules(text)
        if heard is None:
            return None
        words, scores, score = heard
        if not self._decides(words, score, surface):
            return None
        ranked = tuple(sorted(scores, key=lambda c: -scores[c]))
        return CrisisVerdict(ranked, round(score, 2), _about_other(words))

    def rules(self, text: str) -> tuple[str, dict[str, float], float] | None:
        """What the rules hear in ``text``: the prepared words, the score per construct and
        the total (at least :data:`RULES_ALONE` for a community's listed phrase); None for
        text with no words. The model is not consulted."""
        plain = normalize_for_matching(text)
        if not plain:
            return None
        padded = f" {plain} "
        listed = any(p in padded for p in self._padded) or any(
            pattern.search(plain) for pattern in self.patterns
        )
        words = prepare(text)
        for_real = _FOR_REAL.search(words) is not None
        # In talk about a film, a book or the news every cue counts half; in talk about a game,
        # those that lean on words games share with crisis language ("dying", "the bridge").
        # Not when the writer says they mean it.
        media = not for_real and MEDIA.search(words) is not None
        game = not for_real and GAME.search(words) is not None
        scores: dict[str, float] = {}
        possible = _cue_filter().candidates(words)  # searching only these changes nothing
        index = -1
        for rule in RULES:
            total = 0.0
            for cue in rule.cues:
                index += 1
                if index not in possible:
                    continue
                found = cue.pattern.search(words)
                if found:
                    shared = media or (game and SHARED.search(found[0]) is not None)
                    total += cue.weight * (CONTEXT_DAMPING if shared else 1.0)
            if total:
                scores[rule.construct] = min(total, 1.5)
        score = sum(scores.values())
        if for_real and score:
            score += FOR_REAL_BONUS  # "not joking", "for real": they mean it
        if listed:
            score = max(score, RULES_ALONE)  # a community's own words: a crisis on their own
        return words, scores, score

    def _decides(self, words: str, score: float, surface: Surface) -> bool:
        """A community's listed phrase, or rules that are sure, decide alone; otherwise the
        model does, at the threshold of the surface. Without a model the rules decide at
        :data:`THRESHOLD`."""
        model = load_model() if self.model == "shipped" else self.model
        if model is None:
            return score >= THRESHOLD
        if score >= RULES_ALONE:
            return True
        needed = model.threshold(surface)
        if score <= 0:
            needed = max(needed, MODEL_ALONE[surface])
        return model.probability(words) >= needed

    def resources_for(
        self, verdict: CrisisVerdict | None, server_text: str | None = None, *, limit: int = 1800
    ) -> str:
        """The text to offer: the server's own (or Kindred's default), plus what fits the
        verdict (help with abuse, how to help someone else), within ``limit`` characters so it
        fits one Discord message with a line before it."""
        text = (server_text or self.resources)[:limit]
        extras = []
        if verdict is not None and verdict.about_other:
            extras.append(self.helper_resources)
        if verdict is not None and verdict.danger_from_others:
            extras.append(self.abuse_resources)
        for extra in extras:
            if extra and len(text) + 2 + len(extra) <= limit:
                text = f"{text}\n\n{extra}"
        return text


# What a worried friend says about themselves: it does not make the danger theirs.
_HELPER_TALK = re.compile(
    r"(?<![a-z0-9])(?:what (?:do|should|can|would) i (?:even )?(?:do|say)|"
    r"(?:idk|i dont know|not sure) (?:what|how) to (?:do|say|help|react)|"
    r"how (?:do|can|should) i help|should i(?: tell| call)?|"
    r"i think|i thought|i hear|i heard|i found|i saw|i noticed|i cant tell|i know|i am worried|"
    r"im worried|im scared for|im so scared for|im really worried|i promised|is it bad|is this as "
    r"bad as i think|(?:telling|tells|told|texted|texts|sent|sends|gave|gives|dms|dmd|messaged|"
    r"made|called|calls|asked|showed|promise|sending|saying|answering|answer|texting|messaging) me|"
    r"with me|to me|me a|me that|me to|me not|(?:my|our) fault)"
    r"(?![a-z0-9])"
)
_FIRST_PERSON = re.compile(r"(?<![a-z0-9])(?:i|im|ive|id|ill|me|myself|mine)(?![a-z0-9])")
_MY_THING = re.compile(r"(?<![a-z0-9])my (?!(?:[a-z]+ )?" + OTHER + r"(?![a-z0-9]))")
_THIRD_PERSON = re.compile(
    r"(?<![a-z0-9])(?:he|she|hes|shes|him|her|his|hers|himself|herself|they|theyre|them|"
    r"themselves|themself)(?![a-z0-9])|(?<![a-z0-9])my (?:[a-z]+ )?" + OTHER + r"(?![a-z0-9])"
)


def _about_other(words: str) -> bool:
    """True if the message reads as someone else's danger: it names another person and, once
    what a worried friend says of themselves is set aside ("what do I do", "she told me"), the
    writer is not in it ("my brother took a bunch of pills, what do i do")."""
    if not _THIRD_PERSON.search(words):
        return False
    rest = _HELPER_TALK.sub(" ", words)
    return not _FIRST_PERSON.search(rest) and not _MY_THING.search(rest)
