"""The active-listening detector: is a message a share, and does a reply to it rush to fix,
minimize or change the subject?

Pure and rule-based: weighted phrase lists from ``listening.detection`` in prompts.yaml (see
:mod:`bot.listening_phrases` for how phrases match), no network, no model. It is built to be
conservative: a false nudge tells a kind member they did something wrong, a missed one costs
nothing, so every rule that can fire has counter-rules that cancel it.

- **Share**: a first-person message whose disclosure markers ("I've been struggling", "my
  anxiety") and feeling and hard-event words ("lonely", "in the icu") add up to the ``share``
  threshold, minus banter and logistics ("lol", "does anyone know", "ranked"). Structure
  helps: a clause with the writer as subject and a strong feeling word beside it counts extra,
  a clause that drops the "I" ("feeling so low", "been crying") gets it back, and different
  feeling words inside one long clause each count. A share may ask for ideas ("any advice?"),
  unless it also says it is "just venting".
- **Fixing**: advice the sharer did not ask for ("you should", "have you tried", a clause that
  opens with an imperative like "just block him"). Supportive uses of the same words ("you
  shouldn't have to deal with that", "call me anytime") are exempt clause by clause;
  acknowledgement ("that sounds exhausting") offsets it; asking first ("do you want ideas or
  should I just listen?") cancels it.
- **Minimizing**: "at least…", "could be worse", "cheer up". Acknowledgement does not cancel
  it ("sorry, but at least…" still shrinks the share); quantity uses ("at least a year") and
  validating uses ("it's okay to cry") are exempt.
- **Hijacking**: the reply opens with a turn to oneself ("same, I…", "that reminds me of when
  I…", or after an interjection: "nice, i quit smoking too…") and stays there (several
  first-person words, none addressed to the sharer), or changes the subject ("anyway", "did
  you guys see the game"), or one-ups ("that's nothing, my…"), without acknowledging the
  share. A "me too" opener ("i know how you feel, …") followed by one's own story is the turn
  itself, so it neither offsets the turn nor counts as addressing the sharer.

Nothing here logs the text it is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bot.core.library import Library, WeightedPhrases, load_detection
from bot.core.text import Clauses, PhraseSet, split_clauses
from bot.listening.model import ListeningModel, cue_slots, load_model, slots

__all__ = [
    "DetectionConfig",
    "Kind",
    "ReplyVerdict",
    "ShareSignal",
    "classify_reply",
    "continues_advice",
    "detect_share",
    "is_good_news",
]

Kind = Literal["fixing", "minimizing", "hijacking"]

DEFAULT_THRESHOLDS: Mapping[str, float] = MappingProxyType(
    {"share": 2.0, "fixing": 1.0, "minimizing": 1.0, "hijacking": 1.0}
)
FIRST_PERSON = frozenset({"i", "im", "ive", "id", "ill", "me", "my", "mine", "myself"})
FIRST_PERSON_PLURAL = frozenset({"we", "were", "weve", "our", "us"})
SECOND_PERSON = frozenset({"you", "your", "youre", "yours", "yourself", "youve", "youll", "youd"})
# "you guys", "you all": the whole channel, not the sharer ("i'll tell you guys about it").
_TO_THE_GROUP = re.compile(r"(?<![a-z0-9])you (?:guys|all|lot|people)(?![a-z0-9])")
# A share is about the writer; "we lost our dog" counts, a bare "the server is down" does not.
_SHARE_PERSON = FIRST_PERSON | FIRST_PERSON_PLURAL
# A clause with the writer as subject and an affect word adds this much, at most this often.
SELF_AFFECT_WEIGHT = 0.5
SELF_AFFECT_CAP = 2
# A share with no first-person word needs this much more than the threshold.
IMPLICIT_SUBJECT_EXTRA = 1.0


def _words(text: str) -> list[str]:
    return text.split()


# Verbs a chat clause opens with when the writer dropped "I", and the subject they imply.
_DROPPED_SUBJECT: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(_words("feeling struggling dealing trying having losing getting"), "im"),
        **dict.fromkeys(_words("starting going"), "im"),
        "been": "ive",
        **dict.fromkeys(_words("had got found failed cant couldnt didnt havent hate miss"), "i"),
        **dict.fromkeys(_words("missed keep kept wish feel felt broke cried quit relapsed"), "i"),
        **dict.fromkeys(_words("woke barely finally"), "i"),
        # life events told without the "I": "signed the divorce papers today", "moved here
        # alone", "spent the whole day in bed"
        **dict.fromkeys(_words("signed moved spent"), "i"),
    }
)
# A turn to oneself needs this many first-person words, in a reply of at least this many words,
# before it reads as a story of one's own rather than a quick "same here".
SELF_FOCUS_WORDS = 2
SELF_STORY_LENGTH = 8
LONG_STORY_LENGTH = 20
# An opening clause this short is an interjection ("nice", "omg same"), not yet the turn.
INTERJECTION_WORDS = 2
# Content words two messages must share for a topic change to count as staying on topic.
ON_TOPIC_WORDS = 2
_STOPWORD_TEXT = """
    about after again also been being cant could dont does doing even every from have having
    just know like really right same should some still that thats their them then there these
    they thing things think this those though through today very want what when where which
    while will with would your youre yeah okay kind much many more most feel feeling
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class DetectionConfig:
    """The detector's phrase lists (by name, see ``bot.library.DETECTION_LISTS``) and
    thresholds. A list the library does not define is empty: its rule never fires."""

    lists: Mapping[str, PhraseSet] = field(default_factory=lambda: MappingProxyType({}))
    thresholds: Mapping[str, float] = field(default_factory=lambda: DEFAULT_THRESHOLDS)
    # The learned heads (:mod:`bot.listening.model`): "shipped" loads the packaged file on
    # first use; None leaves the rules alone. The shipped config uses the rules alone: the
    # first model, held out set by set, did worse than they do (docs/listening.md).
    model: ListeningModel | Literal["shipped"] | None = None

    @classmethod
    def from_library(cls, library: Library) -> DetectionConfig:
        section = library.listening
        return cls.from_lists(section.detection_lists, section.detection_thresholds)

    def learned(self) -> ListeningModel | None:
        return load_model() if self.model == "shipped" else self.model

    @classmethod
    def from_lists(
        cls, lists: Mapping[str, WeightedPhrases], thresholds: Mapping[str, float]
    ) -> DetectionConfig:
        compiled = {
            name: PhraseSet(phrases=wp.phrases, weight=wp.weight, cap=wp.cap)
            for name, wp in lists.items()
        }
        return cls(
            lists=MappingProxyType(compiled),
            thresholds=MappingProxyType({**DEFAULT_THRESHOLDS, **thresholds}),
        )

    @classmethod
    def from_file(cls, path: Path) -> DetectionConfig:
        """Load a file that holds only a ``detection:`` mapping (listening.detection's shape)."""
        lists, thresholds = load_detection(path)
        return cls.from_lists(lists, thresholds)

    def phrases(self, name: str) -> PhraseSet:
        return self.lists.get(name) or _EMPTY

    def threshold(self, name: str) -> float:
        return self.thresholds.get(name, DEFAULT_THRESHOLDS[name])


_EMPTY = PhraseSet(phrases=())


@dataclass(frozen=True)
class ShareSignal:
    is_share: bool
    score: float
    advice_wanted: bool


@dataclass(frozen=True)
class ReplyVerdict:
    kind: Kind | None
    score: float
    is_advice: bool
    acknowledges: bool


def detect_share(text: str, config: DetectionConfig) -> ShareSignal:
    """Whether ``text`` discloses something personal or painful, and whether it asks for ideas.
    With a model, its share head decides, reading the rules' verdict as features."""
    is_share, score, cues = _share_rules(text, config)
    model = config.learned()
    if model is None or len(text.split()) < 2:
        return ShareSignal(is_share, score, advice_wanted=_asks(text, config, None))
    found = slots(text)
    is_share = model.says("share", found | cue_slots(cues))
    return ShareSignal(is_share=is_share, score=score, advice_wanted=_asks(text, config, found))


def share_slots(text: str, config: DetectionConfig) -> set[int]:
    """The features the model's share head reads: the n-grams and the share rules' cues."""
    return slots(text) | cue_slots(_share_rules(text, config)[2])


def _share_rules(text: str, config: DetectionConfig) -> tuple[bool, float, list[str]]:
    """The share rules' verdict, score, and what they heard as features for the model."""
    clauses = tuple(_with_subject(c) for c in split_clauses(text).clauses)
    words = " ".join(clauses).split()
    score = sum(
        config.phrases(name).score(clauses)
        for name in ("share_disclosure", "share_subject", "share_news")
    )
    # feeling words add up even within one long clause ("my grandma doesn't remember my name
    # anymore" is one clause with two cues), and so do banter cues ("my phone died lol")
    for name in ("share_feeling", "share_feeling_weak"):
        phrases = config.phrases(name)
        score += phrases.weight * phrases.distinct_hits(clauses)
    # ...but banter that the message leaves behind does not count: "lost ranked again lol.
    # honestly i don't want to think about my dad being sick" jokes first and then discloses
    # in earnest, while "i hate myself lol" laughs at its own words.
    if not _turns_earnest(clauses, config):
        against = config.phrases("share_against")
        score += against.weight * against.distinct_hits(clauses)
    score += _self_affect_score(clauses, config)
    threshold = config.threshold("share")
    # "first christmas alone since the divorce" drops the "I" but is plainly about the writer;
    # without a first-person word the evidence must be stronger.
    personal = any(w in _SHARE_PERSON for w in words) or score >= threshold + IMPLICIT_SUBJECT_EXTRA
    is_share = len(words) >= 2 and personal and score >= threshold
    heard = {
        "r:share": is_share,
        "r:personal": personal,
        "r:half": score >= threshold / 2,
        "r:banter": score < 0,
    }
    return is_share, score, [name for name, cue in heard.items() if cue]


def is_good_news(text: str, config: DetectionConfig) -> bool:
    """A share that is a life milestone ("he proposed!!", "we closed on our first house")
    rather than pain: only turning away from it is worth a nudge, never advice or "at least"."""
    clauses = split_clauses(text).clauses
    news = config.phrases("share_news")
    if not news.any(clauses):
        return False
    painful = replace(config, lists=MappingProxyType({**config.lists, "share_news": _EMPTY}))
    return not detect_share(text, painful).is_share


def continues_advice(reply: str, config: DetectionConfig) -> bool:
    """The reply opens as a continuation ("or agency work", "and cc his boss"): right after a
    piece of advice it adds another, even when its own words carry no advice marker."""
    return config.phrases("advice_continuation").any(split_clauses(reply).clauses[:1])


def _turns_earnest(clauses: tuple[str, ...], config: DetectionConfig) -> bool:
    """The message ends on a disclosure about the writer ("i don't want to think about…"),
    free of banter, after every banter cue in it ("…lmao, nobody cares about exams" is not)."""
    banter = config.phrases("share_against").matched(clauses)
    if not banter:
        return False
    earnest = [
        i
        for i in config.phrases("share_disclosure").matched(clauses)
        if i not in banter and any(w in FIRST_PERSON for w in clauses[i].split())
    ]
    return bool(earnest) and max(earnest) > max(banter)


def _with_subject(clause: str) -> str:
    """Chat drops the "I" ("been so tired lately", "feeling really low", "got dumped"): put it
    back, so a clause that opens with such a verb reads like the first-person clause it is."""
    first, _, rest = clause.partition(" ")
    subject = _DROPPED_SUBJECT.get(first)
    if subject is None or not rest:
        return clause
    return f"{subject} {clause}"


def _self_affect_score(clauses: tuple[str, ...], config: DetectionConfig) -> float:
    """Clauses where the writer is the subject and a feeling or hard event sits beside it
    ("i'm so angry i could cry", "my brother is in the icu"): the structure of a disclosure,
    whatever the exact wording."""
    if config.phrases("share_against").any(clauses):
        return 0.0  # banter ("i'm in mourning lmao") gets no help from structure
    affect = config.phrases("share_feeling")
    hits = sum(
        1
        for clause in clauses
        if any(w in _SHARE_PERSON for w in clause.split()) and affect.clause_matches(clause)
    )
    return SELF_AFFECT_WEIGHT * min(hits, SELF_AFFECT_CAP)


def asks_for_advice(text: str, config: DetectionConfig) -> bool:
    """The writer invites ideas ("any advice?", or in words the model learned: "how do i
    get out of this") and does not say they are just venting."""
    return _asks(text, config, None)


def _asks(text: str, config: DetectionConfig, found: set[int] | None) -> bool:
    clauses = split_clauses(text).clauses
    if config.phrases("advice_refused").any(clauses):
        return False
    if config.phrases("advice_request").any(clauses):
        return True
    model = config.learned()
    if model is None:
        return False
    return model.says("asks", slots(text) if found is None else found)


def classify_reply(
    share: str, reply: str, config: DetectionConfig, *, advice_welcome: bool
) -> ReplyVerdict:
    """Judge one reply to ``share``. With ``advice_welcome`` (the sharer asked for ideas, or
    the support request's style is "advice"), fixing is never the verdict, though
    ``is_advice`` still says whether the reply gives advice (for pile-on counting)."""
    heard = _RuleReading.of(share, reply, config)
    model = config.learned()
    if model is not None:
        return _learned_verdict(model, heard, reply, advice_welcome=advice_welcome)
    acknowledgement, is_advice = heard.acknowledgement, heard.is_advice
    fixing, minimizing, hijacking = heard.fixing, heard.minimizing, heard.hijacking

    kind: Kind | None = None
    score = max(fixing, minimizing, hijacking)
    # Minimizing first: "at least" shrinks a share even when it comes with a tip.
    if minimizing >= config.threshold("minimizing"):
        kind, score = "minimizing", minimizing
    elif not advice_welcome and fixing >= config.threshold("fixing"):
        kind, score = "fixing", fixing
    elif not is_advice and hijacking >= config.threshold("hijacking"):
        kind, score = "hijacking", hijacking
    return ReplyVerdict(
        kind=kind, score=score, is_advice=is_advice, acknowledges=acknowledgement > 0
    )


@dataclass(frozen=True)
class _RuleReading:
    """What the reply rules hear in a reply, before a verdict."""

    acknowledgement: float
    is_advice: bool
    asks_first: bool
    fixing: float
    minimizing: float
    hijacking: float
    cues: tuple[str, ...]

    @classmethod
    def of(cls, share: str, reply: str, config: DetectionConfig) -> _RuleReading:
        parsed = split_clauses(reply)
        clauses = parsed.clauses
        acknowledgement = config.phrases("acknowledgement").score(clauses)
        advice = _advice_score(clauses, config)
        is_advice = advice >= config.threshold("fixing")
        asks_first = config.phrases("permission").any(clauses)
        fixing = 0.0 if asks_first else advice - acknowledgement
        minimizing = _minimizing_score(clauses, config)
        # "want to hear how we got there?": a story offered to the sharer, not taken from them
        hijacking = 0.0 if asks_first else _hijacking_score(share, parsed, config)
        words = parsed.joined.split()
        named = {
            "r:advice": is_advice,
            "r:fixing": fixing >= config.threshold("fixing"),
            "r:minimizing": minimizing >= config.threshold("minimizing"),
            "r:hijacking": hijacking >= config.threshold("hijacking"),
            "r:ack": acknowledgement > 0,
            "r:permission": asks_first,
            "r:you": any(w in SECOND_PERSON for w in words),
            "r:me": sum(1 for w in words if w in FIRST_PERSON) >= SELF_FOCUS_WORDS,
            "r:on_topic": len(_content_words(share) & _content_words(parsed.joined))
            >= ON_TOPIC_WORDS,
        }
        cues = tuple(name for name, heard in named.items() if heard)
        return cls(acknowledgement, is_advice, asks_first, fixing, minimizing, hijacking, cues)


def reply_slots(share: str, reply: str, config: DetectionConfig) -> set[int]:
    """The features the model's reply heads read: the reply's n-grams and the rules' cues."""
    return slots(reply) | cue_slots(_RuleReading.of(share, reply, config).cues)


def _learned_verdict(
    model: ListeningModel, heard: _RuleReading, reply: str, *, advice_welcome: bool
) -> ReplyVerdict:
    """The reply heads decide, the rules guard: asking first ("want ideas, or just an ear?")
    is never fixing or hijacking, and fixing is not the verdict where advice was welcome."""
    found = slots(reply) | cue_slots(heard.cues)
    advice = model.probability("advice", found)
    minimizing = model.probability("minimizing", found)
    hijacking = model.probability("hijacking", found)
    is_advice = advice >= model.thresholds["advice"]
    kind: Kind | None = None
    score = 0.0
    if minimizing >= model.thresholds["minimizing"]:
        kind, score = "minimizing", minimizing
    elif is_advice and not heard.asks_first and not advice_welcome:
        kind, score = "fixing", advice
    elif not is_advice and not heard.asks_first and hijacking >= model.thresholds["hijacking"]:
        kind, score = "hijacking", hijacking
    return ReplyVerdict(
        kind=kind, score=score, is_advice=is_advice, acknowledges=heard.acknowledgement > 0
    )


def _advice_score(clauses: tuple[str, ...], config: DetectionConfig) -> float:
    exempt = config.phrases("fixing_exempt").matched(clauses)
    return config.phrases("fixing").score(clauses, skip=exempt)


def _minimizing_score(clauses: tuple[str, ...], config: DetectionConfig) -> float:
    exempt = config.phrases("minimizing_exempt").matched(clauses)
    return config.phrases("minimizing").score(clauses, skip=exempt) + config.phrases(
        "minimizing_weak"
    ).score(clauses, skip=exempt)


def _hijacking_score(share: str, reply: Clauses, config: DetectionConfig) -> float:
    """How far the reply turns away from the share, net of any acknowledgement in it."""
    opening = _opening(reply.clauses)
    # "i know how you feel, ..." opening a story of one's own is the turn, not an
    # acknowledgement: its clause neither offsets the turn nor counts as addressing the sharer.
    relate = config.phrases("relate")
    rest = tuple(
        _strip(clause, relate) if i < len(opening) else clause
        for i, clause in enumerate(reply.clauses)
    )
    related = rest[: len(opening)] != opening
    words = reply.joined.split()
    first = sum(1 for w in words if w in FIRST_PERSON or w in FIRST_PERSON_PLURAL)
    second = sum(1 for w in _TO_THE_GROUP.sub(" ", " ".join(rest)).split() if w in SECOND_PERSON)
    score = 0.0
    # A turn to oneself only counts when the reply stays with the replier: several
    # first-person words (or one, in a long story about "my cousin") and nothing addressed to
    # the sharer ("same, you'll get through it" is solidarity, not a hijack).
    self_focused = first >= SELF_FOCUS_WORDS or (first >= 1 and len(words) >= LONG_STORY_LENGTH)
    if self_focused and second == 0 and len(words) >= SELF_STORY_LENGTH:
        # only the opening counts: "same, I…" turns away at once; a story that comes after
        # "I'm so sorry" or a question to the sharer is offered, not taken
        turn = config.phrases("self_turn").score(opening)
        score += max(turn, 1.0 if related else 0.0)
    topic = config.phrases("topic_change").score(reply.clauses)
    # "is anyone on the team someone you trust?": a question put to the sharer about their
    # own situation stays with them, whatever words it shares with the share
    # (a question about the replier's own business, "do you recommend yours? mine retired",
    # still moves on)
    asks_sharer = reply.question and second > 0 and first == 0
    on_topic = len(_content_words(share) & _content_words(reply.joined)) >= ON_TOPIC_WORDS
    if topic > 0 and not on_topic and not asks_sharer:
        score += topic
    acknowledged = config.phrases("acknowledgement")
    score -= acknowledged.score(rest)
    # "congrats!! anyway, has anyone played…": a switch made after the acknowledgement
    # leaves the share behind all the same, so that acknowledgement does not offset it
    switches = config.phrases("topic_switch").matched(reply.clauses)
    acks = acknowledged.matched(rest)
    if switches and (not acks or min(switches) > max(acks)):
        after = " ".join(reply.clauses[min(switches) :]).split()
        # "sorry. anyway, hope you feel better" closes kindly; it does not move on
        if not any(w in SECOND_PERSON or w == "hope" for w in after):
            return max(score, config.phrases("topic_switch").weight)
    switched = config.phrases("topic_switch").score(reply.clauses) - acknowledged.score(rest)
    return max(score, switched)


def _strip(clause: str, phrases: PhraseSet) -> str:
    """``clause`` without the words ``phrases`` match in it."""
    for pattern in phrases.patterns:
        clause = pattern.sub(" ", clause)
    return " ".join(clause.split())


def _opening(clauses: tuple[str, ...]) -> tuple[str, ...]:
    """The clause a reply opens with; after a bare interjection ("nice,", "yes lol.") the
    next one too, since that is where the turn happens."""
    if len(clauses) > 1 and len(clauses[0].split()) <= INTERJECTION_WORDS:
        return clauses[:2]
    return clauses[:1]


def _content_words(text: str) -> set[str]:
    """Rough stems of the meaningful words, for "is this still about the share?"."""
    normalized = split_clauses(text).joined
    return {w[:5] for w in _WORD.findall(normalized) if len(w) >= 4 and w not in _STOPWORDS}
