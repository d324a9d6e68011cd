"""Table tests of the active-listening detector with the shipped phrase lists.

The sentences here are not in tests/data/listening_eval.yaml: they check each rule on its own
(exemptions, permission, acknowledgement, the sharer's wishes), not the labeled figures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.library import WeightedPhrases, default_prompts_path, load_library
from bot.core.text import (
    PhraseSet,
    PhraseSyntaxError,
    compile_phrase,
    split_clauses,
)
from bot.listening.detector import (
    DetectionConfig,
    asks_for_advice,
    classify_reply,
    continues_advice,
    detect_share,
    is_good_news,
)


@pytest.fixture(scope="module")
def config() -> DetectionConfig:
    return DetectionConfig.from_library(load_library(default_prompts_path()))


# -- normalization and the phrase language --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("I’m SO tired.  Don't   know why", ("im so tired", "dont know why")),
        ("ugh, u should\nsleep", ("ugh", "you should", "sleep")),
        ("idk what to do rn", ("i dont know what to do right now",)),
        ("love you <3 🫂", ("love you emojiheart emojiheart",)),
        ("crying 😭 lol 😂", ("crying emojicry lol emojilaugh",)),
        ("well - that's it...", ("well", "thats it")),
        ("!!!", ()),
    ],
)
def test_split_clauses(text: str, clauses: tuple[str, ...]) -> None:
    assert split_clauses(text).clauses == clauses


@pytest.mark.parametrize(
    ("phrase", "clause", "matches"),
    [
        ("at least", "at least you tried", True),
        ("at least", "at leastways", False),
        ("you should", "you shouldnt", False),
        ("my * died", "my cat died", True),
        ("my * died", "my old cat died", False),
        ("overwhelm*", "so overwhelmed", True),
        ("^just *", "just block him", True),
        ("^just *", "ok but just block him", True),
        ("^just *", "i just lost my job", False),
        ("^just *", "so so so so just go", False),  # at most three fillers before an anchor
        ("Don’t worry", "dont worry", True),
        ("^just *ing", "just walking in is huge", True),
        ("^just *ing", "just bring a friend", False),  # "*ing" needs a stem of 3 letters
        ("^just *ing", "just sing it out", False),
    ],
)
def test_compile_phrase(phrase: str, clause: str, matches: bool) -> None:
    assert bool(compile_phrase(phrase).search(clause)) is matches


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("", "has no words"),
        ("   ", "has no words"),
        ("* *", "at least one real word"),
        ("you ^should", "'^' may only open"),
        ("you, should", "'you,' is not a word"),
        ("you (should)", "is not a word"),
    ],
)
def test_compile_phrase_rejects(phrase: str, message: str) -> None:
    with pytest.raises(PhraseSyntaxError, match=re.escape(message)):
        compile_phrase(phrase)


def test_phrase_set_counts_clauses_up_to_its_cap() -> None:
    words = PhraseSet(phrases=("sad", "so sad"), weight=1.5, cap=2)
    clauses = split_clauses("sad. so sad. sad again. fine").clauses
    assert words.matched(clauses) == [0, 1, 2]
    assert words.hits(clauses) == 2
    assert words.score(clauses) == 3.0
    assert words.score(clauses, skip=[0, 1]) == 1.5


# -- shares -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_share"),
    [
        ("i've been feeling really low since the surgery and i don't know who to talk to", True),
        ("My brother passed away on Sunday. I keep expecting him to call.", True),
        ("im so anxious about the results i cant eat", True),
        ("I got laid off this morning and I feel sick about telling my kids", True),
        ("honestly i feel invisible at home lately", True),
        ("our dog died last night and i can't stop crying", True),
        # not shares: banter, logistics, plans, other people's news, media
        ("i'm dead 💀 this meme lmao", False),
        ("does anyone know if the raid is at 8 or 9?", False),
        ("i feel like we should do a movie night, thoughts?", False),
        ("the patch notes are so sad, they nerfed my main lol", False),
        ("my internet keeps dropping, so annoying", False),
        ("just watched the finale and i'm crying 😭", False),
        ("congrats on the new job!!", False),
        ("sad", False),
    ],
)
def test_detect_share(config: DetectionConfig, text: str, is_share: bool) -> None:
    assert detect_share(text, config).is_share is is_share


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("i'm so burnt out at work. any advice?", True),
        ("my anxiety is awful lately, what should i do", True),
        ("how do you guys cope with grief?", True),
        ("my anxiety is awful lately and i can't sleep", False),
        ("not looking for advice, just venting: i feel so alone", False),
        ("just need to vent, what should i even do lol", False),
    ],
)
def test_advice_wanted(config: DetectionConfig, text: str, wanted: bool) -> None:
    assert asks_for_advice(text, config) is wanted
    assert detect_share(text, config).advice_wanted is wanted


# -- replies ------------------------------------------------------------------------------------

SHARE = "my dad is in the hospital again and i'm scared. i can't focus on anything"


@pytest.mark.parametrize(
    ("reply", "kind", "is_advice", "acknowledges"),
    [
        # fixing: unasked advice, imperatives opening a clause
        ("you should ask the nurses for a care plan", "fixing", True, False),
        ("just try to distract yourself, watch a movie", "fixing", True, False),
        ("have you tried meditation?", "fixing", True, False),
        ("ok but seriously go home and sleep", "fixing", True, False),
        ("Why don't you take a few days off work", "fixing", True, False),
        ("u need to quit that job", "fixing", True, False),
        # supportive "should", "just", "call", "take": not advice
        ("you shouldn't have to go through this alone", None, False, False),
        ("you should be so proud of how you're showing up for him", None, False, False),
        ("just wanted to say i'm thinking of you", None, False, True),
        ("call me anytime, even at 3am", None, False, False),
        ("take care of yourself tonight ❤️", None, False, True),
        # acknowledgement offsets one piece of advice; asking first cancels it
        (
            "that sounds so scary. maybe try writing questions down for the doctors",
            None,
            True,
            True,
        ),
        ("do you want ideas, or would you rather i just listen?", None, False, False),
        ("if you want advice: ask for the hospital social worker", None, True, False),
        # minimizing, even with an apology attached
        ("at least he's in good hands", "minimizing", False, False),
        ("sorry, but it could be worse, at least it's not serious", "minimizing", False, True),
        ("cheer up, he'll be out in no time", "minimizing", False, False),
        ("don't worry, everything will be fine", "minimizing", False, False),
        # validating uses of the same words
        ("it's okay to be scared. it's not your fault you can't focus", None, False, True),
        ("it took me at least a week to feel normal after my mom's surgery", None, False, False),
        ("don't worry about replying, we're here", None, False, True),
        # hijacking: turning to oneself and staying there, or changing the subject
        (
            "omg same, my mom was in the hospital last month and i was a wreck the whole time",
            "hijacking",
            False,
            False,
        ),
        ("anyway, did anyone see the match last night?", "hijacking", False, False),
        # a story offered with care, and a subject change that stays on the share
        (
            "my dad was in for weeks last year. i know how scary it is, you're not alone",
            None,
            False,
            True,
        ),
        ("anyway, how is your dad doing today?", None, False, True),
        ("same", None, False, False),
    ],
)
def test_classify_reply(
    config: DetectionConfig,
    reply: str,
    kind: str | None,
    is_advice: bool,
    acknowledges: bool,
) -> None:
    verdict = classify_reply(SHARE, reply, config, advice_welcome=False)
    assert (verdict.kind, verdict.is_advice, verdict.acknowledges) == (
        kind,
        is_advice,
        acknowledges,
    )
    if kind is not None:
        assert verdict.score >= config.threshold(kind)


def test_advice_welcome_turns_off_fixing_only(config: DetectionConfig) -> None:
    advice = classify_reply(
        SHARE, "you should ask for a second opinion", config, advice_welcome=True
    )
    assert (advice.kind, advice.is_advice) == (None, True)
    shrink = classify_reply(SHARE, "at least he's alive lol", config, advice_welcome=True)
    assert shrink.kind == "minimizing"


def test_minimizing_wins_over_fixing(config: DetectionConfig) -> None:
    verdict = classify_reply(
        SHARE, "cheer up! you should go for a run", config, advice_welcome=False
    )
    assert (verdict.kind, verdict.is_advice) == ("minimizing", True)


def test_advice_that_tells_a_story_is_fixing_not_hijacking(config: DetectionConfig) -> None:
    reply = "same, when my dad was sick i just went to the gym every day. you should try it"
    assert classify_reply(SHARE, reply, config, advice_welcome=False).kind == "fixing"
    assert classify_reply(SHARE, reply, config, advice_welcome=True).kind is None


# -- configuration --------------------------------------------------------------------------------


def test_missing_lists_never_fire() -> None:
    empty = DetectionConfig()
    assert not detect_share("i feel so alone and scared", empty).is_share
    verdict = classify_reply(SHARE, "you should just cheer up", empty, advice_welcome=False)
    assert (verdict.kind, verdict.is_advice) == (None, False)


def test_thresholds_come_from_the_library() -> None:
    lists = {"fixing": WeightedPhrases(phrases=("you should",))}
    strict = DetectionConfig.from_lists(lists, {"fixing": 2.0})
    loose = DetectionConfig.from_lists(lists, {})
    reply = "you should rest"
    assert classify_reply(SHARE, reply, strict, advice_welcome=False).kind is None
    assert classify_reply(SHARE, reply, loose, advice_welcome=False).kind == "fixing"
    assert strict.threshold("share") == loose.threshold("share") == 2.0


def test_config_from_a_detection_file(tmp_path: Path) -> None:
    path = tmp_path / "detection.yaml"
    path.write_text(
        'detection:\n  thresholds: {minimizing: 0.5}\n  minimizing_weak: ["chin up"]\n',
        encoding="utf-8",
    )
    config = DetectionConfig.from_file(path)
    assert classify_reply(SHARE, "chin up", config, advice_welcome=False).kind == "minimizing"


# -- general patterns (second pass) ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # chat drops the "I": the clause still reads as first person
        "feeling really low today, didn't get out of bed until 3pm",
        "been having really dark thoughts lately and it scares me",
        # several cues inside one long clause add up
        "my grandma doesn't remember my name anymore",
        "my girlfriend said she needs a break and moved back to her parents",
        # hard events with the writer as subject
        "my little brother got hit by a car last night and he's in the icu",
        "i came out to my dad and he hasn't spoken to me since",
    ],
)
def test_share_structures(config: DetectionConfig, text: str) -> None:
    assert detect_share(text, config).is_share


@pytest.mark.parametrize(
    "text",
    [
        "my cat knocked my coffee over again 😭",
        "heartbroken about the finals, we were so close 😭😭",
        "failed my quiz but whatever, it was only 2% of the grade",
        "feeling nostalgic, what were your favorite games as kids?",
        "lost my keys AGAIN, i hate myself lol",
    ],
)
def test_everyday_complaints_are_not_shares(config: DetectionConfig, text: str) -> None:
    assert not detect_share(text, config).is_share


def test_distinct_hits_count_different_matches_once() -> None:
    phrases = PhraseSet(phrases=("lost", "lost my", "emojicry", "alone"), cap=5)
    clauses = split_clauses("lost my keys 😭😭 and i'm alone").clauses
    assert phrases.distinct_hits(clauses) == 3  # "lost my", one crying emoji, "alone"
    assert phrases.hits(clauses) == 1  # one clause


DAD = "my dad passed away last week and i can't stop crying. i feel so alone"


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        # kind imperatives and offers are not advice
        ("hang in there, we're all rooting for you", None),
        ("drop me a message whenever, i'm around", None),
        ("cry as much as you need to", None),
        ("stay as long as you like here, this is a safe spot", None),
        ("if it ever gets worse please call or text 988, we're here too", None),
        ("you could always come hang in the voice channel if you want company", None),
        # advice by structure: modal second person, "i'd", imperative openers
        ("you really should talk to a lawyer about this", "fixing"),
        ("personally i'd quit and never look back", "fixing"),
        ("set some boundaries with her", "fixing"),
        ("what if you just asked her directly", "fixing"),
        # dismissal structures
        ("could've been so much worse tbh", "minimizing"),
        ("you're making it a bigger deal than it is", "minimizing"),
        ("it's really not that serious", "minimizing"),
        ("it's totally okay to not be okay", None),
        ("people who say it's not a big deal have never been through it", None),
        # "me too" openings that stay on the replier are the turn itself
        (
            "i know how you feel, i failed mine three times and my instructor yelled at me",
            "hijacking",
        ),
        ("me too honestly, i'm 26 and i still just take the bus everywhere", "hijacking"),
        ("same thing happened to me and i just want you to know you're not alone", None),
        ("i understand. that's so frustrating, and you're not stupid at all", None),
        # explicit switches count even when a word is shared
        ("speaking of dads, mine just got remarried lol", "hijacking"),
        ("anyway, i'm here if you need anything", None),
    ],
)
def test_general_reply_patterns(config: DetectionConfig, reply: str, kind: str | None) -> None:
    assert classify_reply(DAD, reply, config, advice_welcome=False).kind == kind


@pytest.mark.parametrize(
    ("text", "is_share", "good_news"),
    [
        # milestones told with joy are shares, and only good news
        ("WE GOT ENGAGED!!! at the spot where we met", True, True),
        ("we adopted a puppy today, meet biscuit", True, True),
        ("finally got the job after eight months of applying", True, True),
        # a milestone wrapped in pain is a painful share
        ("i proposed last night and she said no. i don't know what to do with myself", True, False),
        # objects dying are not losses
        ("my phone died", False, False),
        ("my laptop just died mid essay lol", False, False),
        ("my grandpa died this morning", True, False),
        # a pet put down, whatever its name
        ("we had to put our sweet old boy pepper down last night", True, False),
    ],
)
def test_milestones_and_objects(
    config: DetectionConfig, text: str, is_share: bool, good_news: bool
) -> None:
    assert detect_share(text, config).is_share is is_share
    assert is_good_news(text, config) is good_news


@pytest.mark.parametrize(
    ("reply", "continues"),
    [
        ("or agency work, the hours are better", True),
        ("and cc his boss on all of it", True),
        ("also drink water lol", True),
        ("honestly that's so hard", False),
        ("ordering pizza tonight?", False),  # "or" as a word, not "ordering"
    ],
)
def test_continues_advice(config: DetectionConfig, reply: str, continues: bool) -> None:
    assert continues_advice(reply, config) is continues


MOM = "my mom's surgery got moved up to tomorrow and i'm terrified"


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        # a switch made after a quick acknowledgement still leaves the share behind
        ("congrats!! anyway has anyone played the new zelda yet", "hijacking"),
        ("sorry man. anyway who's on tonight", "hijacking"),
        # ...unless what follows the switch is for the sharer
        ("so sorry to hear that. anyway hope she gets through it ok", None),
        ("oh no. anyway, i'm here if you need me", None),
        # "you guys" is the channel: a story told to the group is still one's own
        (
            "lol same thing happened to me last year, i'll tell you guys the whole saga "
            "sometime, the hospital lost my paperwork twice",
            "hijacking",
        ),
        # offering a story instead of telling it is not taking the floor
        (
            "idk if it'd help but my aunt went through the same surgery. want to hear how "
            "her recovery went?",
            None,
        ),
        # purpose and result markers of advice; and their kind look-alikes
        ("next time you feel like this, text the group chat first", "fixing"),
        ("next time we hang out i'm buying you dinner", None),
        ("chamomile tea works wonders the night before", "fixing"),
        ("a second opinion might be a good idea", "fixing"),
        ("honestly just being there with her is huge", None),
        ("update us whenever you can, no rush", None),
        # dismissals by generalizing or by waving it away
        ("everyone's a little scared of surgery lol", "minimizing"),
        ("who cares, doctors do this every day", "minimizing"),
        ("it's just the worst feeling, waiting like that", None),
        ("crying over a surgery date is so valid", None),
    ],
)
def test_third_pass_reply_patterns(config: DetectionConfig, reply: str, kind: str | None) -> None:
    assert classify_reply(MOM, reply, config, advice_welcome=False).kind == kind


# -- fourth pass: structures learned from the final held-out set ----------------------------


@pytest.mark.parametrize(
    ("text", "share"),
    [
        # a life event told without the "I"
        ("signed the custody papers this morning. it's right but it's still really sad", True),
        # a feeling that creeps, impostor feelings, being made to feel small
        ("three months in this city and the silence on weekends is getting to me", True),
        ("everyone thinks i earned this role and i feel like a fraud every single day", True),
        ("my sister keeps correcting me in front of people and it makes me feel stupid", True),
        # banter first, then an earnest disclosure about the writer
        ("tilted all night lol. honestly i don't want to think about my dad's surgery", True),
        # ...but not when the earnest-looking part is about someone else, or a team
        ("that match was so depressing lmao, we lost 3-0", False),
        ("moved my bed to the other wall lol, the room looks huge now", False),
    ],
)
def test_fourth_pass_shares(config: DetectionConfig, text: str, share: bool) -> None:
    assert detect_share(text, config).is_share is share


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("no need to be scared, surgeons do this daily, nothing to worry about", "minimizing"),
        ("she means well in her own way though", "minimizing"),
        ("that's just the job unfortunately", "minimizing"),
        ("it hurts even if she means well", None),
        ("it's nothing to be ashamed of, being scared is human", None),
        ("being nervous the night before is totally normal, and it's still hard", None),
        ("you could ask the surgeon for a call the night before", "fixing"),
        ("ring the ward first thing and ask for the nurse in charge", "fixing"),
        ("have you talked to her surgeon about it?", "fixing"),
        ("arnica is supposed to be great for bruising", "fixing"),
        # a question about the sharer's own situation is not a change of subject
        ("is anyone at the hospital someone you can lean on?", None),
        # "take it with you" in a reply is not "i'm with you"
        ("take a photo of the discharge notes and keep it with you", "fixing"),
    ],
)
def test_fourth_pass_reply_patterns(config: DetectionConfig, reply: str, kind: str | None) -> None:
    assert classify_reply(MOM, reply, config, advice_welcome=False).kind == kind


def test_is_this_normal_asks_for_reassurance_not_advice(config: DetectionConfig) -> None:
    share = "my baby is a week old and i keep crying for no reason. is this normal"
    assert detect_share(share, config).is_share
    assert not detect_share(share, config).advice_wanted
