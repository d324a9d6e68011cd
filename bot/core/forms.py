"""Reading modal submissions from their raw payload.

Kindred handles its own form submissions by custom id (not through discord.py's
in-memory Modal objects), so a form opened before a restart still submits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def submitted_value(components: Any, custom_id: str) -> str | None:
    """A text input's value in a modal submission (inputs may sit in rows or labels)."""
    stack: list[Any] = list(components or [])
    while stack:
        item = stack.pop()
        if not isinstance(item, Mapping):
            continue
        if item.get("custom_id") == custom_id and isinstance(item.get("value"), str):
            return str(item["value"])
        stack.extend(item.get("components") or [])
        if item.get("component") is not None:
            stack.append(item["component"])
    return None
