"""The crisis rules construct by construct, whose danger it is, and the resources that fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crisis_training import train
from bot.core.crisis import CrisisDetector, CrisisVerdict, prepare
from bot.core.crisis.constructs import CONSTRUCTS, RULES
from bot.core.crisis.model import BUCKETS, features, load_model
from bot.core.library import default_prompts_path, load_library


@pytest.fixture(scope="module")
def shipped() -> CrisisDetector:
    return CrisisDetector.from_library(load_library(default_prompts_path()))


@pytest.fixture(scope="module")
def rules_only(shipped: CrisisDetector) -> CrisisDetector:
    return CrisisDetector(shipped.phrases, shipped.patterns, shipped.resources, model=None)


# Each construct, as its own rule should hear it (the model is off here).
BY_CONSTRUCT = [
    ("wish_dead", "honestly i wish i could fall asleep and never wake up"),
    ("wish_dead", "kinda hoping the bus just hits me tbh"),
    ("active_ideation", "ive been thinking about ending things a lot"),
    ("active_ideation", "i dont think ill be around much longer"),
    ("method", "staring at the pills, wondering how many it would take"),
    ("method", "how many of these would it take"),
    ("intent_plan", "ive decided, im going to do it tonight"),
    ("intent_plan", "this is my last night, im sorry everyone"),
    ("preparation", "wrote letters to my family and left them in my desk"),
    ("preparation", "who will look after my cat when im gone"),
    ("attempt", "i took the whole bottle like 20 min ago"),
    ("attempt", "standing on the ledge right now"),
    ("self_harm", "relapsed and cut my arm again last night"),
    ("self_harm", "the urge to hurt myself is so loud tonight"),
    ("burden_disappearance", "everyone would honestly be better off without me"),
    ("burden_disappearance", "nobody would even notice if i was gone"),
    ("hopelessness_finality", "i want it all to stop for good"),
    ("hopelessness_finality", "there is no way out of this"),
    ("danger_from_others", "my stepdad hits me when hes drunk"),
    ("danger_from_others", "im scared to go home tonight"),
    ("medical_emergency", "my chest hurts and my left arm is numb"),
    ("medical_emergency", "my friend collapsed and isnt breathing"),
]


def test_every_construct_has_a_rule_and_a_case() -> None:
    assert set(CONSTRUCTS) == {rule.construct for rule in RULES}
    assert {construct for construct, _ in BY_CONSTRUCT} == set(CONSTRUCTS)


@pytest.mark.parametrize(("construct", "text"), BY_CONSTRUCT)
def test_each_construct_is_heard_by_its_own_rule(
    rules_only: CrisisDetector, construct: str, text: str
) -> None:
    verdict = rules_only.assess(text)
    assert verdict is not None, text
    assert construct in verdict.constructs


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me",
        "i could die of embarrassment lol",
        "im dying to see the new season",
        "we wiped on the last boss again, i keep dying at the bridge",
        "the main character takes pills at the end of the film",
        "took two ibuprofen for this headache",
        "gonna end it with my situationship tonight, wish me luck",
        "cutting onions for the soup",
        "my phone battery is dead",
        "hello everyone, happy friday",
    ],
)
def test_figures_of_speech_and_ordinary_chat_stay_quiet(shipped: CrisisDetector, text: str) -> None:
    assert shipped.assess(text, surface="public") is None


def test_combinations_score_higher_than_single_cues(rules_only: CrisisDetector) -> None:
    assert rules_only.assess("tonight") is None  # a time word alone
    assert rules_only.assess("the bridge") is None  # a place alone
    single = rules_only.assess("i want to die")
    both = rules_only.assess("i want to die and ive decided its tonight, the bridge")
    assert single is not None and both is not None
    assert both.score > single.score
    assert {"wish_dead", "intent_plan"} <= set(both.constructs)


def test_saying_they_mean_it_outweighs_game_talk(shipped: CrisisDetector) -> None:
    assert shipped.assess("lol i died on the bridge level again") is None
    assert shipped.assess("no respawn for me irl, im ending it for good") is not None


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("my brother took a bunch of his pills, what do i do", True),
        ("my friend told me she wants to kill herself tonight", True),
        ("i took a bunch of pills", False),
        ("my dad hits me and im scared to go home", False),
    ],
)
def test_whose_danger_it_is(shipped: CrisisDetector, text: str, other: bool) -> None:
    verdict = shipped.assess(text)
    assert verdict is not None
    assert verdict.about_other is other


def test_resources_fit_the_verdict_within_one_message(shipped: CrisisDetector) -> None:
    plain = CrisisVerdict(("wish_dead",), 1.0, about_other=False)
    abuse = CrisisVerdict(("danger_from_others",), 1.0, about_other=False)
    friend = CrisisVerdict(("attempt",), 1.0, about_other=True)
    assert shipped.resources_for(plain) == shipped.resources
    assert shipped.abuse_resources in shipped.resources_for(abuse)
    assert shipped.helper_resources in shipped.resources_for(friend)
    assert shipped.resources_for(plain, "Call 555-0100.") == "Call 555-0100."
    long_own = "x" * 1700
    combined = shipped.resources_for(abuse, long_own)
    assert combined == long_own  # the extra would not fit: left out, never cut mid-text
    assert len(shipped.resources_for(abuse, "y" * 5000)) == 1800


def test_normalising_reads_filter_dodging_spellings() -> None:
    assert prepare("i want to k1ll mys3lf") == "i want to kill myself"
    assert prepare("kms fr") == "kill myself for real"
    assert "i want to die" in prepare("I want to d1e 😭")


def test_the_model_learns_and_round_trips() -> None:
    examples = [
        ("i want to end it all", True),
        ("nobody would miss me if i was gone", True),
        ("i took all my pills", True),
        ("what a nice day at the park", False),
        ("anyone up for pizza tonight", False),
        ("my cat knocked over my coffee", False),
    ]
    model = train(examples, epochs=200, thresholds={"direct": 0.4, "public": 0.6})
    crisis = model.probability("i want it all to end")
    calm = model.probability("nice day for pizza at the park")
    assert crisis > 0.5 > calm
    again = train(examples, epochs=200)
    assert again.weights == model.weights  # deterministic
    assert "w:pills" in features("i took all my pills")
    assert "c:<pil" in features("pills")
    assert "k:took_my" in features("i took all my pills")  # a pair with a word between
    assert "s:e me" in features("take me")  # letters across a word break


def test_the_model_round_trips_through_its_file(tmp_path: Path) -> None:
    model = train([("i want to end it all", True), ("pizza at the park", False)], epochs=50)
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    again = load_model.__wrapped__(path)
    assert again is not None
    assert list(again.weights) == list(model.weights) and again.scale == model.scale
    assert again.probability("i want to end it all") == model.probability("i want to end it all")


def test_the_shipped_model_is_loaded_with_its_thresholds() -> None:
    model = load_model()
    assert model is not None and len(model.weights) == BUCKETS
    # More sensitive where a member writes to Kindred than in a watched channel.
    assert 0.0 < model.threshold("direct") < model.threshold("public") < 1.0
    assert sum(1 for w in model.weights if w) > 10_000


def test_the_model_is_read_when_a_message_first_needs_it() -> None:
    load_model.cache_clear()
    detector = CrisisDetector.from_library(load_library(default_prompts_path()))
    assert load_model.cache_info().currsize == 0  # not read at start
    detector.assess("the soup was great")
    assert load_model.cache_info().currsize == 1
