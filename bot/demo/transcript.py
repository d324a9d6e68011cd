"""Render stand-in messages as the readable text a person would see (demo and test failures)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from typing import Any

WIDTH = 88


def _indent(text: str, prefix: str = "    ") -> str:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        wrapped = textwrap.wrap(line, WIDTH - len(prefix)) or [""]
        out += [prefix + w for w in wrapped]
    return "\n".join(out)


def _resolved(message: dict[str, Any], resolve: Callable[[str], str]) -> dict[str, Any]:
    """A copy of ``message`` with the markup in its text resolved (content and embeds)."""

    def fix(value: Any) -> Any:
        return resolve(value) if isinstance(value, str) else value

    copy = dict(message)
    if copy.get("content"):
        copy["content"] = fix(copy["content"])
    embeds = []
    for embed in copy.get("embeds") or []:
        embed = {k: fix(v) for k, v in embed.items()}
        if "fields" in embed:
            embed["fields"] = [{k: fix(v) for k, v in f.items()} for f in embed["fields"]]
        for part in ("footer", "author"):
            if isinstance(embed.get(part), dict):
                embed[part] = {k: fix(v) for k, v in embed[part].items()}
        embeds.append(embed)
    if embeds:
        copy["embeds"] = embeds
    return copy


def render_message(message: dict[str, Any]) -> str:
    """Content, embeds, buttons and attachments of a Discord message, as plain text."""
    parts: list[str] = []
    if message.get("content"):
        parts.append(_indent(str(message["content"])))
    for embed in message.get("embeds") or []:
        if embed.get("title"):
            parts.append(_indent(f"┃ {embed['title']}"))
        if embed.get("description"):
            parts.append(_indent(str(embed["description"]), "    ┃ "))
        for field in embed.get("fields") or []:
            parts.append(_indent(f"{field.get('name')}: {field.get('value')}", "    ┃ "))
        footer = (embed.get("footer") or {}).get("text")
        if footer:
            parts.append(_indent(footer, "    ┃ ― "))
    buttons = [
        f"[{c.get('label') or c.get('emoji', {}).get('name', '?')}]"
        for row in message.get("components") or []
        for c in row.get("components") or []
        if c.get("type") == 2
    ]
    if buttons:
        parts.append(_indent(" ".join(buttons)))
    for attachment in message.get("attachments") or []:
        parts.append(_indent(f"📎 {attachment.get('filename')} ({attachment.get('size', '?')} B)"))
    return "\n".join(parts) if parts else "    (empty)"


class Transcript:
    """What each person sees, in order; printed by the demo, searched by its test."""

    def __init__(self, *, echo: bool = True, resolve: Callable[[str], str] | None = None) -> None:
        self.lines: list[str] = []
        self.echo = echo
        # Turns Discord markup (<#id>, <@id>, <t:unix:R>) into what a client shows.
        self.resolve = resolve or (lambda text: text)

    def add(self, line: str) -> None:
        line = self.resolve(line)
        self.lines.append(line)
        if self.echo:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def scene(self, title: str) -> None:
        self.add("")
        self.add(f"── {title} " + "─" * max(0, WIDTH - len(title) - 4))

    def note(self, text: str) -> None:
        self.add(_indent(text, "  · "))

    def said(self, who: str, where: str, text: str) -> None:
        self.add(f"{who} in {where}: {text}")

    def message(
        self, who: str, where: str, message: dict[str, Any], *, private: bool = False
    ) -> None:
        audience = " (only they see this)" if private else ""
        self.add(f"{who} → {where}{audience}:")
        # Markup is resolved before the lines are wrapped, so a long raw mention (<@&id>)
        # does not wrap a line that reads short once resolved.
        self.add(render_message(_resolved(message, self.resolve)))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
