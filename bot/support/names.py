"""Pseudonyms, handles and the words Kindred uses in support requests (pure functions).

Each request gets its own pseudonym from a keyed hash of the request's random id, so two
requests of one member cannot be linked by name, and nobody without the key can compute it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.pseudonyms import ADJECTIVES, ANIMALS

STYLES: dict[str, str] = {
    "listen": "Just listen, please",
    "advice": "Advice welcome",
    "either": "Listening or advice — either is fine",
}
TITLE_MAX = 100
TEXT_MAX = 1800
TEXT_MIN = 2
REPLY_MAX = 1800
IDLE_DAYS = 14
MESSAGE_MAX = 2000  # Discord's limit on a message's content


def pseudonym_from_hash(digest: str) -> str:
    """ "Gentle Otter · 4f2" from a hex digest (a keyed hash of the request's id)."""
    adjective = ADJECTIVES[int(digest[0:4], 16) % len(ADJECTIVES)]
    animal = ANIMALS[int(digest[4:8], 16) % len(ANIMALS)]
    return f"{adjective} {animal} · {digest[8:11]}"


def make_pseudonym(keyed_hash: Callable[..., str], request_uid: str) -> str:
    return pseudonym_from_hash(keyed_hash("support-pseudonym", request_uid))


def handle_of(text: str) -> str:
    """The lookup form of a pseudonym as a moderator may type it.

    "Gentle Otter · 4f2", "gentle otter 4f2" and "Anonymous Gentle-Otter · 4F2" all give
    "gentle otter 4f2"; "otter 4f2" (no adjective) gives "otter 4f2", which matches every
    request with that animal and code (see :func:`short_handle`).
    """
    words = [w for w in re.split(r"[^0-9a-z]+", text.casefold()) if w and w != "anonymous"]
    adjectives = {a.casefold() for a in ADJECTIVES}
    animals = {a.casefold() for a in ANIMALS}
    adjective = next((w for w in words if w in adjectives), "")
    animal = next((w for w in words if w in animals), "")
    code = next((w for w in reversed(words) if re.fullmatch(r"[0-9a-f]{3}", w)), "")
    if not animal:
        adjective = ""  # an adjective alone identifies nothing
    return " ".join(w for w in (adjective, animal, code) if w)


def short_handle(handle: str) -> str:
    """ "otter 4f2" from "gentle otter 4f2": the form stored before handles kept the
    adjective, and the one a moderator may type without it."""
    words = handle.split()
    return " ".join(words[-2:]) if len(words) == 3 else handle


def request_link_id(text: str) -> int | None:
    """The message id in a pasted link to a request's post (or a bare message id)."""
    found = re.search(r"channels/(?:[0-9]+|@me)/[0-9]+/([0-9]{15,20})", text)
    if found is None:
        found = re.fullmatch(r"\s*([0-9]{15,20})\s*", text)
    return int(found.group(1)) if found else None


def style_label(style: str) -> str:
    return STYLES.get(style, STYLES["either"])


def attachment_lines(urls: list[str]) -> str:
    """Attachments travel as links (Kindred does not copy files between people)."""
    return "\n".join(f"📎 {url}" for url in urls)


def relay_body(text: str, urls: list[str], *, limit: int = 1900) -> str:
    """Message text plus attachment links, cut to fit one Discord message."""
    body = text.strip()
    links = attachment_lines(urls)
    combined = f"{body}\n{links}".strip() if links else body
    if len(combined) > limit:
        combined = combined[: limit - 1] + "…"
    return combined


_MASKED_LINK = re.compile(r"\[([^\]\n]{0,200})\]\(\s*<?(https?://[^\s)>]+)>?\s*\)")
_BARE_LINK = re.compile(r"(?<![<(\w])(https?://[^\s<>)\]]+)")
LINK_NOTE = "🔗 Links here come from the person who wrote this, not from Kindred."


def plain_links(text: str) -> tuple[str, bool]:
    """``text`` with every link showing its real destination, embeds off: a masked link
    ``[resources](https://x)`` becomes ``resources (<https://x>)`` and a bare link ``<…>``.
    Relays travel under Kindred's header, so nobody can dress a link up as Kindred's own."""
    unmasked = _MASKED_LINK.sub(lambda m: f"{m[1]} (<{m[2]}>)" if m[1] else f"<{m[2]}>", text)
    shown = _BARE_LINK.sub(lambda m: f"<{m[1]}>", unmasked)
    return shown, shown != text or "http" in text


def relay_header(pseudonym: str) -> str:
    """How a requester's answer relayed into their thread begins; forget-me finds Kindred's
    copies of their answers by it."""
    return f"**{pseudonym}** (who asked):\n"


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def relay_message(header: str, text: str, urls: list[str], *, limit: int = MESSAGE_MAX) -> str:
    """``header`` and the quoted text with its attachment links, fitting one message.

    Quoting line by line adds two characters a line, so a reply of many short lines can grow
    far past the limit. Then it is quoted as one block (``>>> ``: four characters in all), so
    any text the forms accept arrives whole; only longer text is cut. Links are kept whole.
    """
    body, has_links = plain_links(text.strip())
    if has_links:
        header = f"{header}-# {LINK_NOTE}\n"
    links = attachment_lines(urls)
    per_line = "\n".join(part for part in (quote(body), quote(links)) if part)
    if len(header) + len(per_line) <= limit:
        return header + per_line
    room = limit - len(header) - len(">>> ") - (len(links) + 1 if links else 0)
    if len(body) > room:
        body = body[: max(room - 1, 0)].rstrip() + "…"
    return (header + ">>> " + "\n".join(part for part in (body, links) if part))[:limit]
