"""The logging filter: library payloads never reach a handler with ids or text in them."""

from __future__ import annotations

import logging

import pytest

from bot.core import log_privacy


@pytest.fixture(autouse=True)
def _installed() -> None:
    log_privacy.install()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("user 1575366794305077258 joined", "user <id> joined"),
        ("POST /channels/1575366794305077255/messages", "POST /channels/<id>/messages"),
        ("""{'content': 'I feel lost', 'id': 5}""", """{'content': '…', 'id': 5}"""),
        ('{"username": "Alice", "nick": "Al"}', '{"username": "…", "nick": "…"}'),
        ("short id 12345 stays", "short id 12345 stays"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert log_privacy.redact(text) == expected


def test_install_is_idempotent() -> None:
    factory = logging.getLogRecordFactory()
    log_privacy.install()
    assert logging.getLogRecordFactory() is factory


def test_caplog_sees_cleaned_library_records(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("discord.http").setLevel(logging.DEBUG)
    logging.getLogger("discord.http").debug(
        "%s %s with %s has returned %s",
        "POST",
        "/channels/1575366794305077255/messages",
        {"content": "secret words"},
        200,
    )
    logging.getLogger("discord.gateway").warning(
        "event from %s: %s", "1575366794305077258", {"content": "more secret words"}
    )
    logging.getLogger("aiosqlite").debug("executing %s", "INSERT ... ('sealed', 42)")
    logging.getLogger("bot.mine").info("server %s", 1575366794305077250)
    text = caplog.text
    assert "secret words" not in text and "1575366794305077258" not in text
    assert "1575366794305077255" not in text and "INSERT" not in text
    assert "arguments withheld" in text and "event from <id>" in text
    assert "server 1575366794305077250" in text  # Kindred's own records are left alone
