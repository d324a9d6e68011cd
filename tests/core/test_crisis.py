from __future__ import annotations

import logging
import re

import pytest

from bot.core.crisis import CrisisDetector
from bot.core.library import default_prompts_path, load_library
from bot.core.text import normalize_for_matching


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector.from_library(load_library(default_prompts_path()))


# What the shipped list must catch: first-person crisis language, however it is typed.
CRISIS = [
    "I want to kill myself",
    "i want to KILL MYSELF!!!",
    "honestly I've been thinking about suicide a lot",
    "I feel suicidal tonight",
    "I just want to die",
    "i wanna die lol",
    "I can't go on like this",
    "I can’t go on",  # curly apostrophe
    "I cant go on anymore",  # no apostrophe
    "I can't do this anymore",
    "sometimes I want to end it all",
    "I'm going to end my life",
    "everyone would be better off without me",
    "I wish I was dead",
    "I don't want to be alive anymore",
    "i dont want to wake up tomorrow",
    "there's no reason to live",
    "I have nothing to live for",
    "I've been hurting myself again",
    "I self-harm when it gets bad",
    "self  harm",
    "I cut myself last night",
    "I took all my pills",
    "I feel like such a burden",
    "I'm planning to kill myself",
    "I don't want to exist",
    "kill\nmyself",  # words split across lines
    "I want to unalive myself",
]

# Everyday speech that stays quiet in a watched channel, so the note keeps its meaning. (Written
# to Kindred directly, in a form, a DM or a note, the detector is more sensitive: there a kindly
# note that was not needed costs little.) Known false alarms on both surfaces, left in the
# docs rather than tuned away: "we should end it here and pick up tomorrow" (a plan's shape:
# "end it" with a time) and "herself harmless" (the model hears "self harm" in its letters; the
# rules do not, see test_rules_match_whole_words).
NOT_CRISIS = [
    "this traffic is killing me",
    "I'm dying to see the new movie",
    "I'd kill for a coffee right now",
    "that joke killed me",
    "my phone battery is dead",
    "the plant died while I was away",
    "I went to the gym and pushed myself hard",
    "I can go on for hours about this game",
    # Talk about a film or book: its words count half (issue 12: films and books stay quiet).
    "Suicide Squad was a fun film",
    "",
    "   ",
    "!!!",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_language_is_detected(detector: CrisisDetector, text: str) -> None:
    assert detector.is_crisis(text)


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_everyday_figures_of_speech_are_not(detector: CrisisDetector, text: str) -> None:
    assert not detector.is_crisis(text, surface="public")


def test_rules_match_whole_words() -> None:
    shipped = load_library(default_prompts_path()).safety
    rules = CrisisDetector(shipped.phrases, (), "", model=None)
    assert rules.is_crisis("i self harm when it gets bad")
    assert not rules.is_crisis("herself harmless")


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just tired",  # negation: we still offer, it costs little
        "I can't go on the trip this weekend",  # ambiguous phrase: offer
    ],
)
def test_ambiguous_mentions_err_toward_offering_resources(
    detector: CrisisDetector, text: str
) -> None:
    assert detector.is_crisis(text)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Can't GO on", "cant go on"),
        ("can’t   go\ton...", "cant go on"),
        ("self-harm", "self harm"),
        ("I'm ok_ish", "im ok ish"),
        ("¿Qué tal? Ça va", "qué tal ça va"),
        ("", ""),
    ],
)
def test_normalization(text: str, normalized: str) -> None:
    assert normalize_for_matching(text) == normalized


def test_phrases_match_whole_words_only() -> None:
    detector = CrisisDetector(phrases=("end it all",), patterns=(), resources="r", model=None)
    assert detector.is_crisis("I want to END IT ALL.")
    assert detector.is_crisis("end it all")
    assert not detector.is_crisis("we could extend it all week")
    assert not detector.is_crisis("end it allowed")


def test_phrases_written_with_punctuation_are_normalized() -> None:
    detector = CrisisDetector(
        phrases=("Can’t go on!", "  ", "can't go on"), patterns=(), resources=""
    )
    assert detector.phrases == ("cant go on",)
    assert detector.is_crisis("i cant go on")


def test_patterns_run_on_normalized_text() -> None:
    detector = CrisisDetector(
        phrases=(),
        patterns=(re.compile(r"\bcant (sleep|eat) any ?more\b"),),
        resources="",
        model=None,
    )
    assert detector.is_crisis("I CAN'T sleep anymore...")
    assert detector.is_crisis("can’t eat any more")
    assert not detector.is_crisis("I can sleep anymore")


def test_resources_come_from_the_library(detector: CrisisDetector) -> None:
    assert "findahelpline.com" in detector.resources


def test_detection_never_logs_the_text(
    detector: CrisisDetector, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert detector.is_crisis("secret words: I want to die")
        assert not detector.is_crisis("secret words: fine")
    assert "secret words" not in caplog.text
