"""The per-channel conversation state machine: windows, follow-ups, pile-on, memory bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.library import default_prompts_path, load_library
from bot.listening import tracker as listening_tracker
from bot.listening.detector import DetectionConfig
from bot.listening.tracker import ListeningTracker, Nudge

T0 = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
CHANNEL = 10
SHARER = 1
SHARE_ID = 100
SHARE = "i've been feeling so alone since my divorce, most nights i just cry"
ADVICE = "you should join a club, it's the best way to meet people"


@pytest.fixture(scope="module")
def config() -> DetectionConfig:
    return DetectionConfig.from_library(load_library(default_prompts_path()))


@pytest.fixture
def tracker(config: DetectionConfig) -> ListeningTracker:
    return ListeningTracker(config)


class Chat:
    """Feeds one channel's messages in order, a minute apart unless told otherwise."""

    def __init__(self, tracker: ListeningTracker, channel_id: int = CHANNEL) -> None:
        self.tracker = tracker
        self.channel_id = channel_id
        self.next_id = SHARE_ID
        self.at = T0

    def say(
        self,
        author: int,
        text: str,
        *,
        after: timedelta = timedelta(minutes=1),
        reply_to: int | None = None,
        advice_welcome: bool = False,
    ) -> list[Nudge]:
        if self.next_id != SHARE_ID:
            self.at += after
        message_id = self.next_id
        self.next_id += 1
        return self.tracker.observe(
            channel_id=self.channel_id,
            message_id=message_id,
            author_id=author,
            text=text,
            at=self.at,
            reply_to=reply_to,
            advice_welcome=advice_welcome,
        )


def kinds(nudges: list[Nudge]) -> list[str]:
    return [n.kind for n in nudges]


def test_a_share_opens_a_window_and_replies_are_judged(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    assert chat.say(SHARER, SHARE) == []
    assert tracker.open_shares(CHANNEL) == 1
    assert chat.say(2, "that sounds so lonely, i'm sorry") == []
    assert chat.say(3, "at least you're free now") == [
        Nudge(kind="minimizing", replier_id=3, share_message_id=SHARE_ID, channel_id=CHANNEL)
    ]
    assert kinds(chat.say(4, ADVICE)) == ["fixing"]
    hijack = "same, my divorce was last year and i drank every night for months"
    assert kinds(chat.say(5, hijack)) == ["hijacking"]


def test_messages_without_a_share_never_nudge(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    assert chat.say(SHARER, "what laptop should i get for uni?") == []
    assert tracker.open_shares(CHANNEL) == 0
    assert chat.say(2, "you should get a thinkpad") == []
    assert chat.say(3, "at least get 16gb ram") == []


def test_the_sharer_is_never_nudged(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert chat.say(SHARER, "anyway, i should just get over it lol") == []
    # a follow-up is part of the conversation, not a reply that uses up the window
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]


def test_a_later_request_for_advice_turns_fixing_off(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]
    chat.say(SHARER, "honestly any advice is welcome, i don't know how to meet people")
    assert chat.say(3, "try a climbing gym") == []
    assert chat.say(4, "you should volunteer somewhere") == []
    assert chat.say(5, "join a book club!") == []  # three in a row, but asked for: no pile-on
    assert kinds(chat.say(6, "at least you have your health")) == ["minimizing"]


def test_advice_welcome_from_the_support_style(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE, advice_welcome=True)
    assert chat.say(2, ADVICE) == []


def test_a_share_that_asks_for_ideas_welcomes_advice(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE + ". what should i do?")
    assert chat.say(2, ADVICE) == []


def test_pile_on_goes_once_to_the_replier_who_tipped_it(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]
    assert kinds(chat.say(3, "download bumble bff")) == ["fixing"]
    assert chat.say(4, "just go to a meetup") == [
        Nudge(kind="pile_on", replier_id=4, share_message_id=SHARE_ID, channel_id=CHANNEL)
    ]
    assert kinds(chat.say(5, "take a pottery class")) == ["fixing"]


def test_pile_on_needs_advice_in_a_row(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    chat.say(2, ADVICE)
    chat.say(3, "download bumble bff")
    assert chat.say(4, "that sounds really hard. i'm here") == []
    assert kinds(chat.say(5, "just go to a meetup")) == ["fixing"]


def test_pile_on_counts_acknowledged_advice(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    # each acknowledges first, so none is a fixing nudge on its own; together they pile on
    assert chat.say(2, "i'm so sorry. maybe try a running club?") == []
    assert chat.say(3, "that sounds lonely. you could try volunteering") == []
    assert kinds(chat.say(4, "ugh i'm sorry. have you tried meetup?")) == ["pile_on"]


def test_pile_on_skips_a_replier_already_nudged(config: DetectionConfig) -> None:
    chat = Chat(ListeningTracker(config, pile_on_after=2))
    chat.say(SHARER, SHARE)
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]
    assert chat.say(2, "also just download an app") == []  # would tip it, but 2 was nudged
    assert kinds(chat.say(3, "try a club")) == ["pile_on"]


def test_one_nudge_per_replier_per_share(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]
    assert chat.say(2, "at least you're free now") == []


def test_only_the_next_replies_are_judged(config: DetectionConfig) -> None:
    chat = Chat(ListeningTracker(config, max_replies=2))
    chat.say(SHARER, SHARE)
    chat.say(2, "oh no, i'm sorry")
    chat.say(3, "sending hugs")
    assert chat.say(4, ADVICE) == []


def test_windows_expire(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert chat.say(2, ADVICE, after=timedelta(minutes=31)) == []
    assert tracker.open_shares(CHANNEL) == 0
    assert tracker.channel_count == 0


def test_replies_within_the_window_are_judged(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert kinds(chat.say(2, ADVICE, after=timedelta(minutes=29))) == ["fixing"]


def test_discord_replies_find_their_share(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)  # id 100
    other = "my anxiety has been so bad this week, i had two panic attacks"
    # id 101: judged as a reply to the first share (it names none); turning the talk to
    # oneself is a hijack, and the disclosure opens a window of its own
    assert kinds(chat.say(7, other)) == ["hijacking"]
    assert tracker.open_shares(CHANNEL) == 2
    chat.say(7, other, reply_to=55)  # id 102: answers something else, so a share of its own
    assert tracker.open_shares(CHANNEL) == 3
    nudges = chat.say(2, "cut out caffeine", reply_to=SHARE_ID)
    assert [(n.kind, n.share_message_id) for n in nudges] == [("fixing", SHARE_ID)]
    nudges = chat.say(3, "at least it's only anxiety", reply_to=102)
    assert [(n.kind, n.share_message_id) for n in nudges] == [("minimizing", 102)]
    # a reply to a reply belongs to the same conversation
    nudges = chat.say(4, "have you tried meditating", reply_to=103)
    assert [(n.kind, n.share_message_id) for n in nudges] == [("fixing", SHARE_ID)]


def test_replies_to_unrelated_messages_are_ignored(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert chat.say(2, "you should update the bot", reply_to=42) == []
    assert kinds(chat.say(3, ADVICE)) == ["fixing"]


def test_channels_are_separate(tracker: ListeningTracker) -> None:
    Chat(tracker, channel_id=1).say(SHARER, SHARE)
    assert Chat(tracker, channel_id=2).say(2, ADVICE) == []


def test_memory_is_bounded(config: DetectionConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listening_tracker, "MAX_CHANNELS", 3)
    monkeypatch.setattr(listening_tracker, "MAX_SHARES_PER_CHANNEL", 2)
    tracker = ListeningTracker(config)
    for channel in range(5):
        Chat(tracker, channel_id=channel).say(SHARER, SHARE)
    assert tracker.channel_count == 3
    assert tracker.open_shares(0) == 0 and tracker.open_shares(4) == 1
    chat = Chat(tracker, channel_id=9)
    for sharer in (1, 2, 3):
        chat.say(sharer, SHARE, reply_to=1)  # each answers something else: three shares
    assert tracker.open_shares(9) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": timedelta(0)}, "window must be positive"),
        ({"max_replies": 0}, "max_replies"),
        ({"pile_on_after": 1}, "pile_on_after"),
    ],
)
def test_bad_settings(config: DetectionConfig, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ListeningTracker(config, **kwargs)  # type: ignore[arg-type]


def test_by_default_the_first_eight_replies_are_judged(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    for author in range(2, 9):  # seven kind replies
        assert chat.say(author, "sending hugs") == []
    assert kinds(chat.say(9, ADVICE)) == ["fixing"]  # the eighth is still judged
    assert chat.say(10, "at least you're free now") == []  # the ninth is not


def test_a_question_from_the_sharer_after_advice_welcomes_more(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, "my landlord still hasn't fixed the heat, i'm sleeping in my coat")
    assert kinds(chat.say(2, "call the city housing inspector about it")) == ["fixing"]
    assert chat.say(SHARER, "wait can i actually do that if i'm behind on rent?") == []
    assert chat.say(3, "yes, and keep copies of every message you send him") == []
    assert chat.say(4, "also write down the dates it was cold") == []


def test_a_question_from_the_sharer_before_advice_changes_nothing(
    tracker: ListeningTracker,
) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert chat.say(SHARER, "does that make sense?") == []
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]


def test_a_continuation_after_advice_is_advice(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert kinds(chat.say(2, ADVICE)) == ["fixing"]
    assert kinds(chat.say(3, "or a running group, those people are so friendly")) == ["fixing"]
    assert kinds(chat.say(4, "and volunteering, it fills the evenings")) == ["pile_on"]


def test_a_continuation_needs_advice_before_it(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, SHARE)
    assert chat.say(2, "that sounds so lonely, i'm sorry") == []
    assert chat.say(3, "and the nights must be the worst part") == []


def test_good_news_nudges_only_a_turn_away(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(SHARER, "we closed on our first house today!! six years of saving")
    assert chat.say(2, "get the locks changed first thing") == []
    assert chat.say(3, "and paint before the furniture goes in") == []
    assert chat.say(4, "at least the saving part is over lol") == []
    assert kinds(chat.say(5, "congrats! anyway who's on for the raid tonight")) == ["hijacking"]


def test_someone_elses_share_in_an_open_window_is_not_judged_as_advice(
    tracker: ListeningTracker,
) -> None:
    chat = Chat(tracker)
    chat.say(1, "honestly i've been struggling a lot lately, my anxiety is through the roof")
    chat.say(2, "oh no, that sounds so hard. i'm here")
    second = "my grandma passed away last night. i didn't get to say goodbye and i can't stop"
    assert chat.say(3, second + " thinking about it") == []  # id 102: not advice, not minimizing
    # It answers nothing of the first share, so it opens its own window: what follows is
    # judged against it.
    nudges = chat.say(4, "write her a letter, seriously it helps")
    assert [(n.kind, n.share_message_id) for n in nudges] == [("fixing", SHARE_ID + 2)]


def test_solidarity_from_someone_elses_experience_stays_in_the_conversation(
    tracker: ListeningTracker,
) -> None:
    chat = Chat(tracker)
    chat.say(1, "my grandma passed away last night. i didn't get to say goodbye")
    solidarity = "i'm so sorry. i lost my grandpa last year and i still can't stop crying about it"
    assert chat.say(2, solidarity) == []
    assert tracker.open_shares(CHANNEL) == 1


def test_advice_told_as_ones_own_story_stays_a_reply(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(1, "haven't slept properly in weeks since the break-up, i just lie there replaying it")
    # reads like a disclosure ("i got", "spiral"), but it is a tip aimed at the share
    tip = "a sleep podcast is how i got through mine, that's how i got out of the 3am spiral"
    assert kinds(chat.say(2, tip)) == ["fixing"]
    assert tracker.open_shares(CHANNEL) == 1


def test_a_new_share_that_asks_for_ideas_opens_its_own_window(tracker: ListeningTracker) -> None:
    chat = Chat(tracker)
    chat.say(1, "honestly i've been struggling a lot lately, my anxiety is through the roof")
    chat.say(2, "you should try running, it fixed mine")
    # a share of one's own that asks for ideas is no tip, even right after advice: it may turn
    # away from the open share (hijacking), never fix it, and it opens its own window
    second = "i got laid off today and i feel sick about it. should i just take the first offer?"
    assert kinds(chat.say(3, second)) == ["hijacking"]
    assert tracker.open_shares(CHANNEL) == 2
    assert kinds(chat.say(4, "congrats on the running lol. just take it, money is money")) == []


@pytest.mark.parametrize(
    ("answer", "advice_nudged"),
    [
        ("yes please, ideas would help", False),
        ("honestly yeah, i'd take any ideas", False),
        ("no, i just need to vent tonight", True),
    ],
)
def test_a_yes_to_do_you_want_ideas_welcomes_advice(
    tracker: ListeningTracker, answer: str, advice_nudged: bool
) -> None:
    chat = Chat(tracker)
    chat.say(1, "i failed my driving test again and i feel like such an idiot")
    assert chat.say(2, "that's so frustrating. do you want ideas or just to vent?") == []
    chat.say(1, answer)
    nudges = chat.say(3, "you should book extra lessons right before the next test")
    assert (kinds(nudges) == ["fixing"]) is advice_nudged
