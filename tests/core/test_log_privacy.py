"""The logging filter: library payloads never reach a handler with ids or text in them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

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


def _formatted(record: logging.LogRecord) -> str:
    return logging.Formatter("%(name)s %(message)s").format(record)


def test_tracebacks_are_cleaned_before_any_handler_prints_them() -> None:
    # issue 16, item 12: the exception text is formatted by the handler, after the message
    try:
        raise RuntimeError('400 Bad Request: {"content": "I feel lost"} to 1575366794305077258')
    except RuntimeError:
        record = logging.getLogger("bot.support.service").makeRecord(
            "bot.support.service", logging.ERROR, __file__, 1, "relay failed", (), sys.exc_info()
        )
    printed = _formatted(record)
    assert "RuntimeError" in printed and "relay failed" in printed
    assert "I feel lost" not in printed and "1575366794305077258" not in printed


def test_kindred_records_lose_text_fields_but_keep_their_ids() -> None:
    record = logging.getLogger("bot.support.service").makeRecord(
        "bot.support.service",
        logging.WARNING,
        __file__,
        1,
        "server %s refused %s",
        (1575366794305077250, '{"content": "my secret"}'),
        None,
    )
    printed = _formatted(record)
    assert "1575366794305077250" in printed  # an operator finds the server
    assert "my secret" not in printed


def test_the_cli_installs_the_filter_before_anything_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KINDRED_", "DISCORD_"))}
    env["KINDRED_DATA_DIR"] = str(tmp_path)
    probe = (
        "import logging, bot.__main__ as cli; cli.main(['check']); "
        "print(getattr(logging.getLogRecordFactory(), '_kindred_log_privacy', False))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "True", done.stderr
