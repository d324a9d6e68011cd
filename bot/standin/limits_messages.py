"""Discord's limits on message bodies: content, embeds, mentions, polls and components.

Used for channel messages, webhook and interaction followups, interaction responses and
edits (which may leave any field out).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.standin.limits_base import Collector, FieldError, Path

log = logging.getLogger(__name__)

IS_COMPONENTS_V2 = 1 << 15
EMBED_TOTAL_MAX = 6000
SELECT_TYPES = (3, 5, 6, 7, 8)
MENTION_PARSE = ("everyone", "users", "roles")

# ---------------------------------------------------------------- messages


def is_empty_message(payload: dict[str, Any]) -> bool:
    """True when a new message has nothing to show: Discord answers 50006 "Cannot send an
    empty message" (not 50035). Not for edits, which may leave every field out."""
    return not any(
        payload.get(key)
        for key in ("content", "embeds", "components", "sticker_ids", "attachments", "poll")
    )


def check_message(payload: dict[str, Any]) -> list[FieldError]:
    """Problems in a message create or edit body (channel message, webhook, interaction)."""
    c = Collector()
    message_into(c, payload, ())
    return c.errors


def message_into(c: Collector, payload: Any, path: Path) -> None:
    msg = c.obj(payload, path)
    if msg is None:
        return
    c.text(msg, "content", path, 2000)
    nonce = msg.get("nonce")
    if isinstance(nonce, str):
        c.text(msg, "nonce", path, 25)
    elif nonce is not None and (isinstance(nonce, bool) or not isinstance(nonce, int)):
        c.fail((*path, "nonce"), "NONCE_TYPE_INVALID")
    flags = c.integer(msg, "flags", path, 0, 2**53)
    v2 = flags is not None and bool(flags & IS_COMPONENTS_V2)
    if v2:
        for key in ("content", "embeds", "sticker_ids", "poll"):
            if msg.get(key):
                c.fail((*path, key), "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2")
    embeds = c.array(msg, "embeds", path, 10)
    if embeds is not None:
        _embeds(c, embeds, (*path, "embeds"))
    mentions = msg.get("allowed_mentions")
    if mentions is not None:
        _allowed_mentions(c, mentions, (*path, "allowed_mentions"))
    c.array(msg, "sticker_ids", path, 3)
    c.array(msg, "attachments", path, 10)
    poll = msg.get("poll")
    if poll is not None:
        _poll(c, poll, (*path, "poll"))
    if v2:
        _components_v2(c, msg, path)
    else:
        rows = c.array(msg, "components", path, 5)
        seen: set[str] = set()
        for i, row in enumerate(rows or []):
            _action_row(c, row, (*path, "components", i), seen)


def _embeds(c: Collector, embeds: list[Any], path: Path) -> None:
    total = 0
    for i, raw in enumerate(embeds):
        ep = (*path, i)
        embed = c.obj(raw, ep)
        if embed is None:
            continue
        texts = [c.text(embed, "title", ep, 256), c.text(embed, "description", ep, 4096)]
        fields = c.array(embed, "fields", ep, 25)
        for j, raw_field in enumerate(fields or []):
            fp = (*ep, "fields", j)
            field = c.obj(raw_field, fp)
            if field is not None:
                texts.append(c.text(field, "name", fp, 256, required=True))
                texts.append(c.text(field, "value", fp, 1024, required=True))
        for key, inner, hi in (("footer", "text", 2048), ("author", "name", 256)):
            part = embed.get(key)
            if part is not None and (sub := c.obj(part, (*ep, key))) is not None:
                texts.append(c.text(sub, inner, (*ep, key), hi, required=True))
        total += sum(len(t) for t in texts if t)
    if total > EMBED_TOTAL_MAX:
        c.fail(
            path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"
        )


def _allowed_mentions(c: Collector, raw: Any, path: Path) -> None:
    mentions = c.obj(raw, path)
    if mentions is None:
        return
    parse = c.array(mentions, "parse", path, 3)
    for i, value in enumerate(parse or []):
        if value not in MENTION_PARSE:
            c.fail(
                (*path, "parse", i),
                "BASE_TYPE_CHOICES",
                "Value must be one of ('everyone', 'users', 'roles').",
            )
    for key in ("users", "roles"):
        ids = c.array(mentions, key, path, 100)
        if ids and parse and key in parse:
            c.fail(
                path,
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
            )


def _poll(c: Collector, raw: Any, path: Path) -> None:
    poll = c.obj(raw, path)
    if poll is None:
        return
    question = poll.get("question")
    if question is None:
        c.required((*path, "question"))
    elif (q := c.obj(question, (*path, "question"))) is not None:
        c.text(q, "text", (*path, "question"), 300, lo=1, required=True)
    answers = c.array(poll, "answers", path, 10, lo=1, required=True)
    for i, raw_answer in enumerate(answers or []):
        ap = (*path, "answers", i)
        if (answer := c.obj(raw_answer, ap)) is None:
            continue
        if answer.get("poll_media") is None:
            c.required((*ap, "poll_media"))
        elif (media := c.obj(answer["poll_media"], (*ap, "poll_media"))) is not None:
            c.text(media, "text", (*ap, "poll_media"), 55, lo=1, required=True)
    c.integer(poll, "duration", path, 1, 768)


# -------------------------------------------------------------- components


def _action_row(c: Collector, raw: Any, path: Path, seen: set[str]) -> None:
    """A classic action row: up to 5 buttons, or exactly one select (a select is 5 wide)."""
    row = c.obj(raw, path)
    if row is None:
        return
    if row.get("type") != 1:
        c.type_choices(path, (1,))
        return
    items = c.array(row, "components", path, 5, lo=1, required=True) or []
    width = 0
    for j, raw_item in enumerate(items):
        ip = (*path, "components", j)
        item = c.obj(raw_item, ip)
        if item is None:
            continue
        kind = item.get("type")
        if kind == 2:
            _button(c, item, ip, seen)
            width += 1
        elif kind in SELECT_TYPES:
            check_select(c, item, ip, seen)
            width += 5
        else:
            c.type_choices(ip, (2, *SELECT_TYPES))
            continue
        if width > 5 and len(items) <= 5:
            c.fail(ip, "COMPONENT_LAYOUT_WIDTH_EXCEEDED")


def _button(c: Collector, item: dict[str, Any], path: Path, seen: set[str]) -> None:
    style = c.choice(item, "style", path, (1, 2, 3, 4, 5, 6), required=True)
    c.text(item, "label", path, 80)
    has_id = item.get("custom_id") is not None
    if style in (5, 6):  # link opens a url, premium buys an SKU: neither reaches the bot
        if style == 5:
            c.text(item, "url", path, 512, lo=1, required=True)
        elif item.get("sku_id") is None:
            c.required((*path, "sku_id"))
        if has_id:
            c.fail((*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED")
    elif style is not None:
        if item.get("url") is not None:
            c.fail((*path, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED")
        if has_id:
            c.custom_id(item, path, seen)
        else:
            c.fail((*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED")


def check_select(c: Collector, item: dict[str, Any], path: Path, seen: set[str]) -> None:
    c.custom_id(item, path, seen)
    c.text(item, "placeholder", path, 150)
    low = c.integer(item, "min_values", path, 0, 25)
    high = c.integer(item, "max_values", path, 1, 25)
    options: list[Any] = []
    if item.get("type") == 3:
        options = c.array(item, "options", path, 25, lo=1, required=True) or []
        values: set[str] = set()
        for k, raw in enumerate(options):
            op = (*path, "options", k)
            option = c.obj(raw, op)
            if option is None:
                continue
            c.text(option, "label", op, 100, lo=1, required=True)
            c.text(option, "description", op, 100)
            value = c.text(option, "value", op, 100, lo=1, required=True)
            if value is not None and value in values:
                c.fail(op, "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED")
            if value is not None:
                values.add(value)
    if low is not None and low > (high if high is not None else 1):
        c.fail(
            (*path, "min_values"),
            "NUMBER_TYPE_MAX",
            f"int value should be less than or equal to {high if high is not None else 1}.",
        )
    if options and high is not None and high > len(options):
        c.fail(
            (*path, "max_values"),
            "NUMBER_TYPE_MAX",
            f"int value should be less than or equal to {len(options)}.",
        )


# Components v2 (flag IS_COMPONENTS_V2): layout components, up to 40 in all, nested.
V2_TOP_LEVEL = (1, 9, 10, 12, 13, 14, 17)
V2_IN_CONTAINER = (1, 9, 10, 12, 13, 14)
V2_TOTAL_MAX = 40


def _components_v2(c: Collector, msg: dict[str, Any], path: Path) -> None:
    items = c.array(msg, "components", path, V2_TOTAL_MAX) or []
    seen: set[str] = set()
    count = sum(
        _v2_component(c, raw, (*path, "components", i), V2_TOP_LEVEL, seen)
        for i, raw in enumerate(items)
    )
    # Nested components count too; a top level already over the limit is reported above.
    if len(items) <= V2_TOTAL_MAX < count:
        c.fail(
            (*path, "components"),
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {V2_TOTAL_MAX} or fewer in length.",
        )


def _v2_component(
    c: Collector, raw: Any, path: Path, allowed: tuple[int, ...], seen: set[str]
) -> int:
    """Checks one v2 component; returns how many components it counts for (itself included)."""
    item = c.obj(raw, path)
    if item is None:
        return 1
    kind = item.get("type")
    if kind not in allowed:
        c.type_choices(path, allowed)
        return 1
    if kind == 1:
        _action_row(c, item, path, seen)
        return 1 + len(item.get("components") or [])
    if kind == 10:
        c.text(item, "content", path, 4000, lo=1, required=True)
    elif kind == 9:  # section: 1-3 text displays beside a button or thumbnail
        texts = c.array(item, "components", path, 3, lo=1, required=True) or []
        n = sum(
            _v2_component(c, t, (*path, "components", i), (10,), seen) for i, t in enumerate(texts)
        )
        accessory = item.get("accessory")
        if accessory is None:
            c.required((*path, "accessory"))
        elif (acc := c.obj(accessory, (*path, "accessory"))) is not None:
            if acc.get("type") == 2:
                _button(c, acc, (*path, "accessory"), seen)
            elif acc.get("type") != 11:
                c.type_choices((*path, "accessory"), (2, 11))
        return 2 + n
    elif kind == 12:
        c.array(item, "items", path, 10, lo=1, required=True)
    elif kind == 17:
        children = c.array(item, "components", path, V2_TOTAL_MAX, lo=1, required=True) or []
        return 1 + sum(
            _v2_component(c, ch, (*path, "components", i), V2_IN_CONTAINER, seen)
            for i, ch in enumerate(children)
        )
    return 1
