"""The learned listening heads: they round-trip through their file, decide a reply when a
config carries them, and stay under the rules' guards (asking first is never fixing)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.linear_training import fit
from bench.listening_eval import default_config
from bot.listening.detector import DetectionConfig, classify_reply, detect_share, reply_slots
from bot.listening.model import HEADS, SIZE, ListeningModel, slots

SHARE = "i failed my exam and i feel awful about it"
ADVICE = ["just study harder next time", "you should get a tutor", "try flashcards every day"]
LISTENING = ["that sounds so hard", "i'm sorry, that hurts", "how are you holding up"]


@pytest.fixture(scope="module")
def rules() -> DetectionConfig:
    return default_config()


@pytest.fixture(scope="module")
def model(rules: DetectionConfig) -> ListeningModel:
    replies = ADVICE + LISTENING
    rows = [reply_slots(SHARE, r, rules) for r in replies]
    advice = fit(rows, [r in ADVICE for r in replies], size=SIZE, epochs=200)
    never = fit(rows, [False] * len(rows), size=SIZE, epochs=50)
    share = fit([slots(SHARE), slots("gg lol")], [True, False], size=SIZE, epochs=200)
    heads = {"share": share, "asks": never, "advice": advice, "minimizing": never}
    heads["hijacking"] = never
    return ListeningModel(heads, dict.fromkeys(HEADS, 0.5))


def test_the_model_round_trips_through_its_file(model: ListeningModel) -> None:
    again = ListeningModel.from_json(model.to_json())
    found = slots("you should get a tutor")
    for head in HEADS:
        assert again.probability(head, found) == pytest.approx(model.probability(head, found))


def test_a_config_with_the_model_lets_it_decide(
    rules: DetectionConfig, model: ListeningModel
) -> None:
    learned = replace(rules, model=model)
    assert detect_share(SHARE, learned).is_share
    verdict = classify_reply(SHARE, "you should get a tutor", learned, advice_welcome=False)
    assert verdict.kind == "fixing" and verdict.is_advice
    assert classify_reply(SHARE, "that sounds so hard", learned, advice_welcome=False).kind is None
    # advice that was asked for is still advice (for pile-on), never a fixing nudge
    welcome = classify_reply(SHARE, "you should get a tutor", learned, advice_welcome=True)
    assert welcome.kind is None and welcome.is_advice


def test_asking_first_cancels_the_models_fixing(
    rules: DetectionConfig, model: ListeningModel
) -> None:
    learned = replace(rules, model=model)
    text = "do you want ideas or should i just listen? you should get a tutor"
    assert classify_reply(SHARE, text, rules, advice_welcome=False).kind is None
    assert classify_reply(SHARE, text, learned, advice_welcome=False).kind is None


def test_the_shipped_config_uses_the_rules_alone(rules: DetectionConfig) -> None:
    # the first model did worse than the rules held out set by set (docs/listening.md)
    assert rules.learned() is None
