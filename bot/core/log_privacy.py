"""Keeps requesters' identities and private text out of every log line.

Kindred's own code never logs support text or a requester (CONVENTIONS.md), but libraries do:
discord.py at DEBUG logs whole gateway payloads and REST bodies (message text, user ids, names,
DM channel ids in URLs), and aiosqlite at DEBUG logs the statements it runs with their
parameters. ``install()`` wraps the log-record factory, so every record is cleaned before any
handler (a file, the console, pytest's caplog) can see it:

- records of ``discord.*`` and ``aiosqlite`` at DEBUG lose their arguments (the payloads);
  the message template stays, so a reader still sees what happened;
- in all other ``discord.*`` records, message text fields are blanked and snowflakes (17-20
  digit ids: users, channels, messages) become ``<id>``;
- Kindred's own records keep their ids (server and channel ids help an operator) but lose any
  message text field an exception or payload carried into them;
- every traceback attached to a record is formatted and cleaned the same way, ids included,
  before a handler can print it (an HTTP error's text can quote what was sent).

The CLI installs it before anything else runs, so ``check`` and ``backup`` are covered too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_MARK = "_kindred_log_privacy"
_LIBRARIES = ("discord", "aiosqlite")
_SNOWFLAKE = re.compile(r"(?<![0-9])[0-9]{17,20}(?![0-9])")
_TEXT_FIELD = re.compile(
    r"""(["'](?:content|username|global_name|nick|name|value|description|title)["']\s*:\s*)"""
    r"""(["'])(?:\\.|(?!\2).)*\2""",
)


def redact(text: str) -> str:
    """``text`` without snowflakes and without the values of text fields."""
    text = _TEXT_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}…{m.group(2)}", text)
    return _SNOWFLAKE.sub("<id>", text)


def _from_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in _LIBRARIES)


def _clean_traceback(record: logging.LogRecord) -> None:
    if record.exc_info and not record.exc_text:
        # Formatters reuse exc_text when it is set: the cleaned copy is what they print.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))


def _text_fields_only(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:
        return
    cleaned = _TEXT_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}…{m.group(2)}", message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()


def clean(record: logging.LogRecord) -> logging.LogRecord:
    _clean_traceback(record)
    if not _from_library(record.name):
        _text_fields_only(record)
        return record
    if record.levelno < logging.INFO:
        record.msg = f"{record.msg} [arguments withheld by Kindred]" if record.args else record.msg
        record.args = ()
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: keep only its template
        message = str(record.msg)
    record.msg = redact(message)
    record.args = ()
    return record


def install() -> None:
    """Clean every log record from now on; calling it again changes nothing."""
    current = logging.getLogRecordFactory()
    if getattr(current, _MARK, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return clean(current(*args, **kwargs))

    setattr(factory, _MARK, True)
    logging.setLogRecordFactory(factory)
