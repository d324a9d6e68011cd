"""Whose words Kindred's posts in a support thread carry, and pairing Reply-button answers
with their echoes (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.listening.threads import (
    Answer,
    ReplyAttributions,
    ThreadPost,
    form_value,
    read_thread_post,
)
from bot.support.names import quote

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
THREAD = 111
FIX = "you should just quit that job honestly"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # the requester's relayed DM: the sharer's words, unquoted, links dropped
        (
            "**Gentle Otter · 4f2** (who asked):\n" + quote("any advice?\n\nwhat should I do"),
            ThreadPost("requester", "Gentle Otter · 4f2", "any advice?\n\nwhat should I do"),
        ),
        (
            "**Brave Whale · 0a9** (who asked):\n> thanks\n> 📎 https://cdn.example/x.png",
            ThreadPost("requester", "Brave Whale · 0a9", "thanks"),
        ),
        # a long relay is one block quote: every line after ">>> " is the sharer's
        (
            "**Brave Whale · 0a9** (who asked):\n>>> first line\n> still mine\nlast line",
            ThreadPost("requester", "Brave Whale · 0a9", "first line\n> still mine\nlast line"),
        ),
        # a Reply-button answer: the responder's words, by display name
        (
            "**Bob** replied with the Reply button:\n> " + FIX,
            ThreadPost("reply_button", "Bob", FIX),
        ),
        # "(who asked)" after a name that is no pseudonym is not a relay
        ("**Bob** (who asked):\n> I feel awful", None),
        ("**Bob the Otter · 4f2** (who asked):\n> I feel awful", None),
        # Kindred's own notes are nobody's words
        (
            "🕊️ **A note for responders:** something in this request may point to a crisis.",
            None,
        ),
        ("I couldn't pass that on: their DMs are closed right now.", None),
        ("**Gentle Otter · 4f2** feels heard and closed this request. Thank you, everyone.", None),
        ("A gentle reminder: before offering fixes, it can help to reflect what you heard.", None),
        ("**Gentle Otter · 4f2** (who asked):\n>", None),  # nothing left to judge
    ],
)
def test_read_thread_post(content: str, expected: ThreadPost | None) -> None:
    assert read_thread_post(content) == expected


def test_form_value_reads_action_rows_and_labels() -> None:
    rows = {"components": [{"type": 1, "components": [{"custom_id": "reply", "value": "hi"}]}]}
    labels = {"components": [{"type": 18, "component": {"custom_id": "reply", "value": "yo"}}]}
    assert form_value(rows, "reply") == "hi"
    assert form_value(labels, "reply") == "yo"
    assert form_value(rows, "message") is None


def _answer(author: int = 7, *, name: str = "Bob", text: str = FIX, post: int | None = THREAD,
            at: datetime = T0) -> Answer:  # fmt: skip
    return Answer(author_id=author, name=name, text=text, post_id=post, at=at)


def test_an_echo_is_claimed_once_by_the_answer_it_shows() -> None:
    ledger = ReplyAttributions()
    ledger.expect(_answer())
    echo = {"thread_id": THREAD, "name": "Bob", "text": FIX}
    found = ledger.claim(**echo, now=T0 + timedelta(seconds=2))
    assert found is not None and found.author_id == 7
    assert ledger.claim(**echo, now=T0 + timedelta(seconds=3)) is None


@pytest.mark.parametrize(
    ("thread", "name", "text", "later", "found"),
    [
        (THREAD, "Bob", "  You should just  quit\nthat job honestly ", 1, True),  # spacing, case
        (THREAD, "Bob", FIX[:25] + "…", 1, True),  # an echo cut to fit a message
        (THREAD, "Bob", "you…", 1, False),  # too little left to tell answers apart
        (THREAD, "Bobby", FIX, 1, False),  # another name
        (222, "Bob", FIX, 1, False),  # another request's thread
        (THREAD, "Bob", "something else entirely", 1, False),
        (THREAD, "Bob", FIX, 121, False),  # too late: the answer was forgotten
    ],
)
def test_claim_needs_the_same_name_text_and_request(
    thread: int, name: str, text: str, later: int, found: bool
) -> None:
    ledger = ReplyAttributions()
    ledger.expect(_answer())
    now = T0 + timedelta(seconds=later)
    assert (ledger.claim(thread_id=thread, name=name, text=text, now=now) is not None) is found


def test_an_echo_two_members_could_have_written_is_not_attributed() -> None:
    ledger = ReplyAttributions()
    ledger.expect(_answer(7))
    ledger.expect(_answer(8))  # another member with the same display name, same words
    assert ledger.claim(thread_id=THREAD, name="Bob", text=FIX, now=T0) is None
    # the same member twice is still that member
    ledger = ReplyAttributions()
    ledger.expect(_answer(7, post=None))
    ledger.expect(_answer(7))
    assert ledger.claim(thread_id=THREAD, name="Bob", text=FIX, now=T0) is not None


def test_each_answer_is_judged_once_whichever_way_it_arrives() -> None:
    ledger = ReplyAttributions()
    first = {"thread_id": THREAD, "author_id": 7, "text": FIX}
    assert ledger.first_judgement(**first, now=T0)
    assert not ledger.first_judgement(thread_id=THREAD, author_id=7, text=FIX + "  ", now=T0)
    assert ledger.first_judgement(thread_id=THREAD, author_id=8, text=FIX, now=T0)
    assert ledger.first_judgement(**first, now=T0 + timedelta(minutes=3))  # a new answer


def test_memory_stays_bounded() -> None:
    ledger = ReplyAttributions(max_pending=3)
    for author in range(10):
        ledger.expect(_answer(author, text=f"answer number {author}"))
        ledger.first_judgement(thread_id=THREAD, author_id=author, text="x", now=T0)
    assert ledger.pending == 3
    assert ledger.claim(thread_id=THREAD, name="Bob", text="answer number 9", now=T0) is not None
    assert ledger.claim(thread_id=THREAD, name="Bob", text="answer number 0", now=T0) is None
