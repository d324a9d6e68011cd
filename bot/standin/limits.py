"""Discord's documented request limits, as pure checks for the stand-in.

Each ``check_*`` function returns the problems Discord would report for a request body (empty
when Discord would accept it); ``invalid_form_body`` turns them into Discord's 50035 answer.
Lengths, counts and paths follow Discord's documentation; codes are Discord's where known
(``BASE_TYPE_*``, ``COMPONENT_*`` ...). This module is the API; message and command checks
live in ``limits_messages`` and ``limits_commands``, the error machinery in ``limits_base``.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.standin.limits_base import Collector, FieldError, Path, check_choices, invalid_form_body
from bot.standin.limits_commands import check_commands
from bot.standin.limits_messages import (
    SELECT_TYPES,
    check_message,
    check_select,
    is_empty_message,
    message_into,
)

log = logging.getLogger(__name__)

__all__ = [
    "FieldError",
    "check_commands",
    "check_interaction_response",
    "check_message",
    "check_thread",
    "invalid_form_body",
    "is_empty_message",
]

ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
THREAD_TYPES = (10, 11, 12)
INTERACTION_RESPONSE_TYPES = (1, 4, 5, 6, 7, 8, 9, 10, 12)

# ------------------------------------------------------ interaction responses


def check_interaction_response(payload: dict[str, Any]) -> list[FieldError]:
    """Problems in ``POST /interactions/{id}/{token}/callback`` bodies.

    An empty message in a type 4 response is Discord's 50006: use ``is_empty_message`` on
    ``payload["data"]`` for that, as for channel messages.
    """
    c = Collector()
    body = c.obj(payload, ())
    if body is None:
        return c.errors
    kind = c.choice(body, "type", (), INTERACTION_RESPONSE_TYPES, required=True)
    data = body.get("data")
    if kind in (4, 7) and data is not None:
        message_into(c, data, ("data",))
    elif kind in (5, 6) and data is not None and (d := c.obj(data, ("data",))) is not None:
        c.integer(d, "flags", ("data",), 0, 2**53)
    elif kind == 8:
        _autocomplete(c, data, ("data",))
    elif kind == 9:
        _modal(c, data, ("data",))
    return c.errors


def _autocomplete(c: Collector, raw: Any, path: Path) -> None:
    if raw is None:
        c.required(path)
        return
    data = c.obj(raw, path)
    if data is None:
        return
    if data.get("choices") is None:
        c.required((*path, "choices"))
    check_choices(c, data, path)


def _modal(c: Collector, raw: Any, path: Path) -> None:
    """A modal: title 1..45, custom_id 1..100, 1..5 rows (action row with one text input, or
    a label wrapping a text input, select or file upload, or a text display)."""
    if raw is None:
        c.required(path)
        return
    modal = c.obj(raw, path)
    if modal is None:
        return
    c.text(modal, "title", path, 45, lo=1, required=True)
    c.text(modal, "custom_id", path, 100, lo=1, required=True)
    rows = c.array(modal, "components", path, 5, lo=1, required=True) or []
    seen: set[str] = set()
    for i, raw_row in enumerate(rows):
        rp = (*path, "components", i)
        row = c.obj(raw_row, rp)
        if row is None:
            continue
        kind = row.get("type")
        if kind == 1:
            items = c.array(row, "components", rp, 1, lo=1, required=True) or []
            for j, raw_item in enumerate(items):
                ip = (*rp, "components", j)
                if (item := c.obj(raw_item, ip)) is None:
                    continue
                if item.get("type") == 4:
                    _text_input(c, item, ip, seen, label_required=True)
                else:
                    c.type_choices(ip, (4,))
        elif kind == 18:
            c.text(row, "label", rp, 45, lo=1, required=True)
            c.text(row, "description", rp, 100)
            _label_child(c, row, (*rp, "component"), seen)
        elif kind == 10:
            c.text(row, "content", rp, 4000, lo=1, required=True)
        else:
            c.type_choices(rp, (1, 10, 18))


def _label_child(c: Collector, label: dict[str, Any], path: Path, seen: set[str]) -> None:
    raw = label.get("component")
    if raw is None:
        c.required(path)
        return
    if (item := c.obj(raw, path)) is None:
        return
    kind = item.get("type")
    if kind == 4:
        _text_input(c, item, path, seen, label_required=False)
    elif kind in SELECT_TYPES:
        check_select(c, item, path, seen)
    elif kind == 19:  # file upload
        c.custom_id(item, path, seen)
        c.integer(item, "min_values", path, 0, 10)
        c.integer(item, "max_values", path, 1, 10)
    else:
        c.type_choices(path, (4, *SELECT_TYPES, 19))


def _text_input(
    c: Collector, item: dict[str, Any], path: Path, seen: set[str], *, label_required: bool
) -> None:
    c.custom_id(item, path, seen)
    c.choice(item, "style", path, (1, 2), required=True)
    c.text(item, "label", path, 45, lo=1 if label_required else 0, required=label_required)
    low = c.integer(item, "min_length", path, 0, 4000)
    high = c.integer(item, "max_length", path, 1, 4000)
    if low is not None and high is not None and low > high:
        c.fail(
            (*path, "min_length"),
            "NUMBER_TYPE_MAX",
            f"int value should be less than or equal to {high}.",
        )
    c.text(item, "value", path, 4000)
    c.text(item, "placeholder", path, 100)


# ------------------------------------------------------------------ threads


def check_thread(payload: dict[str, Any], *, partial: bool = False) -> list[FieldError]:
    """Problems in a thread create body (from a message, without one, or a forum post with
    its first ``message``); ``partial=True`` for edits, where the name may be absent."""
    c = Collector()
    body = c.obj(payload, ())
    if body is None:
        return c.errors
    c.text(body, "name", (), 100, lo=1, required=not partial)
    c.choice(body, "auto_archive_duration", (), ARCHIVE_DURATIONS)
    c.choice(body, "type", (), THREAD_TYPES)
    c.integer(body, "rate_limit_per_user", (), 0, 21600)
    if body.get("message") is not None:
        message_into(c, body["message"], ("message",))
    return c.errors
