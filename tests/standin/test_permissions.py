"""Discord's channel-permission algorithm as the stand-in computes it."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.standin import permissions as p
from bot.standin.permissions import (
    ADD_REACTIONS,
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    ATTACH_FILES,
    CREATE_PUBLIC_THREADS,
    EMBED_LINKS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MENTION_EVERYONE,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    SEND_TTS_MESSAGES,
    VIEW_CHANNEL,
    compute_permissions,
    thread_permissions,
)

GUILD = 100
OWNER = 1
MEMBER = 2
OTHER = 3
MODS = 200
HELPERS = 201
MUTED = 202

MEMBER_BASICS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | EMBED_LINKS | ATTACH_FILES
ROLES = {GUILD: MEMBER_BASICS | ADD_REACTIONS, MODS: MANAGE_MESSAGES, HELPERS: 0, MUTED: 0}


def role_ow(role_id: int, allow: int | str = 0, deny: int | str = 0) -> dict[str, Any]:
    return {"id": str(role_id), "type": 0, "allow": str(allow), "deny": str(deny)}


def member_ow(member_id: int, allow: int = 0, deny: int = 0) -> dict[str, Any]:
    return {"id": member_id, "type": 1, "allow": allow, "deny": deny}


def perms(
    *,
    member: int = MEMBER,
    role_ids: list[int] | None = None,
    roles: dict[int, int] | None = None,
    overwrites: list[dict[str, Any]] | None = None,
) -> int:
    return compute_permissions(
        guild_id=GUILD,
        guild_owner_id=OWNER,
        member_id=member,
        member_role_ids=role_ids or [],
        roles=ROLES if roles is None else roles,
        overwrites=overwrites or [],
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("view_channel", VIEW_CHANNEL),
        ("send_messages", SEND_MESSAGES),
        ("administrator", ADMINISTRATOR),
        ("manage_guild", MANAGE_GUILD),
        ("manage_messages", MANAGE_MESSAGES),
        ("embed_links", EMBED_LINKS),
        ("attach_files", ATTACH_FILES),
        ("read_message_history", READ_MESSAGE_HISTORY),
        ("mention_everyone", MENTION_EVERYONE),
        ("add_reactions", ADD_REACTIONS),
        ("manage_threads", p.MANAGE_THREADS),
        ("create_public_threads", CREATE_PUBLIC_THREADS),
        ("create_private_threads", p.CREATE_PRIVATE_THREADS),
        ("send_messages_in_threads", SEND_MESSAGES_IN_THREADS),
        ("pin_messages", p.PIN_MESSAGES),
    ],
)
def test_bits_match_discord_py(name: str, value: int) -> None:
    assert getattr(discord.Permissions, name).flag == value


def test_all_permissions_matches_discord_py() -> None:
    assert discord.Permissions.all().value == ALL_PERMISSIONS


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        ("everyone role only", {}, MEMBER_BASICS | ADD_REACTIONS),
        ("member role adds", {"role_ids": [MODS]}, MEMBER_BASICS | ADD_REACTIONS | MANAGE_MESSAGES),
        ("unknown role grants nothing", {"role_ids": [999]}, MEMBER_BASICS | ADD_REACTIONS),
        ("owner gets everything", {"member": OWNER}, ALL_PERMISSIONS),
        (
            "owner ignores overwrites",
            {"member": OWNER, "overwrites": [member_ow(OWNER, deny=VIEW_CHANNEL)]},
            ALL_PERMISSIONS,
        ),
        (
            "administrator role bypasses overwrites",
            {
                "roles": {**ROLES, MODS: ADMINISTRATOR},
                "role_ids": [MODS],
                "overwrites": [
                    role_ow(GUILD, deny=VIEW_CHANNEL),
                    member_ow(MEMBER, deny=SEND_MESSAGES),
                ],
            },
            ALL_PERMISSIONS,
        ),
        ("administrator on @everyone", {"roles": {GUILD: ADMINISTRATOR}}, ALL_PERMISSIONS),
        (
            "@everyone deny",
            {"overwrites": [role_ow(GUILD, deny=ADD_REACTIONS)]},
            MEMBER_BASICS,
        ),
        (
            "@everyone allow",
            {"overwrites": [role_ow(GUILD, allow=CREATE_PUBLIC_THREADS)]},
            MEMBER_BASICS | ADD_REACTIONS | CREATE_PUBLIC_THREADS,
        ),
        (
            "role allow overrides @everyone deny",
            {
                "role_ids": [HELPERS],
                "overwrites": [
                    role_ow(GUILD, deny=ADD_REACTIONS),
                    role_ow(HELPERS, allow=ADD_REACTIONS),
                ],
            },
            MEMBER_BASICS | ADD_REACTIONS,
        ),
        (
            "role deny removes a base permission",
            {"role_ids": [MUTED], "overwrites": [role_ow(MUTED, deny=ADD_REACTIONS)]},
            MEMBER_BASICS,
        ),
        (
            "one role's allow beats another role's deny",
            {
                "role_ids": [MUTED, HELPERS],
                "overwrites": [
                    role_ow(MUTED, deny=ADD_REACTIONS),
                    role_ow(HELPERS, allow=ADD_REACTIONS),
                ],
            },
            MEMBER_BASICS | ADD_REACTIONS,
        ),
        (
            "overwrite for a role the member lacks is ignored",
            {"overwrites": [role_ow(MUTED, deny=ADD_REACTIONS)]},
            MEMBER_BASICS | ADD_REACTIONS,
        ),
        (
            "member overwrite deny beats role allow",
            {
                "role_ids": [HELPERS],
                "overwrites": [
                    role_ow(HELPERS, allow=ADD_REACTIONS),
                    member_ow(MEMBER, deny=ADD_REACTIONS),
                ],
            },
            MEMBER_BASICS,
        ),
        (
            "member overwrite allow beats role deny",
            {
                "role_ids": [MUTED],
                "overwrites": [
                    role_ow(MUTED, deny=ADD_REACTIONS),
                    member_ow(MEMBER, allow=ADD_REACTIONS),
                ],
            },
            MEMBER_BASICS | ADD_REACTIONS,
        ),
        (
            "another member's overwrite is ignored",
            {"overwrites": [member_ow(OTHER, deny=ADD_REACTIONS)]},
            MEMBER_BASICS | ADD_REACTIONS,
        ),
        (
            "implicit deny: no VIEW_CHANNEL means nothing",
            {"role_ids": [MODS], "overwrites": [role_ow(GUILD, deny=VIEW_CHANNEL)]},
            0,
        ),
        (
            "role allow restores VIEW_CHANNEL after @everyone deny",
            {
                "role_ids": [HELPERS],
                "overwrites": [
                    role_ow(GUILD, deny=VIEW_CHANNEL),
                    role_ow(HELPERS, allow=VIEW_CHANNEL),
                ],
            },
            MEMBER_BASICS | ADD_REACTIONS,
        ),
        (
            "implicit deny: no SEND_MESSAGES drops embeds, files, @everyone, TTS",
            {
                "roles": {GUILD: MEMBER_BASICS | MENTION_EVERYONE | SEND_TTS_MESSAGES},
                "overwrites": [role_ow(GUILD, deny=SEND_MESSAGES)],
            },
            VIEW_CHANNEL | READ_MESSAGE_HISTORY,
        ),
        (
            "no SEND_MESSAGES keeps reactions and thread permissions",
            {
                "roles": {GUILD: VIEW_CHANNEL | ADD_REACTIONS | SEND_MESSAGES_IN_THREADS},
                "overwrites": [role_ow(GUILD, allow=CREATE_PUBLIC_THREADS)],
            },
            VIEW_CHANNEL | ADD_REACTIONS | SEND_MESSAGES_IN_THREADS | CREATE_PUBLIC_THREADS,
        ),
    ],
)
def test_compute_permissions(case: str, kwargs: dict[str, Any], expected: int) -> None:
    assert perms(**kwargs) == expected, case


def test_overwrite_values_may_be_str_or_int_or_absent() -> None:
    as_str = perms(overwrites=[{"id": str(GUILD), "type": 0, "deny": str(ADD_REACTIONS)}])
    as_int = perms(overwrites=[{"id": GUILD, "type": 0, "allow": 0, "deny": ADD_REACTIONS}])
    assert as_str == as_int == MEMBER_BASICS


def test_member_overwrite_with_role_type_is_not_a_member_overwrite() -> None:
    # An overwrite's id is only a member when type is 1: a role overwrite with the member's id
    # must not apply.
    assert perms(overwrites=[role_ow(MEMBER, deny=ADD_REACTIONS)]) == MEMBER_BASICS | ADD_REACTIONS


@pytest.mark.parametrize(
    ("parent", "expected"),
    [
        (ALL_PERMISSIONS, ALL_PERMISSIONS),
        (0, 0),
        (
            VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | SEND_MESSAGES_IN_THREADS,
            VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | SEND_MESSAGES_IN_THREADS,
        ),
        # Sending in a thread needs SEND_MESSAGES_IN_THREADS, whatever the parent allows.
        (
            VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | ADD_REACTIONS,
            VIEW_CHANNEL | ADD_REACTIONS,
        ),
        # A channel where members may only talk in threads.
        (
            VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS | READ_MESSAGE_HISTORY,
            VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS | READ_MESSAGE_HISTORY | SEND_MESSAGES,
        ),
        (SEND_MESSAGES | SEND_MESSAGES_IN_THREADS, 0),
    ],
)
def test_thread_permissions(parent: int, expected: int) -> None:
    assert thread_permissions(parent) == expected


def test_thread_permissions_from_computed_parent() -> None:
    parent = perms(overwrites=[role_ow(GUILD, allow=SEND_MESSAGES_IN_THREADS)])
    in_thread = thread_permissions(parent)
    assert p.has(in_thread, SEND_MESSAGES | EMBED_LINKS)
    no_threads = thread_permissions(perms())
    assert not p.has(no_threads, SEND_MESSAGES)


def test_has_and_missing_names() -> None:
    granted = VIEW_CHANNEL | SEND_MESSAGES
    assert p.has(granted, VIEW_CHANNEL | SEND_MESSAGES)
    assert not p.has(granted, VIEW_CHANNEL | EMBED_LINKS)
    assert p.missing_names(granted, VIEW_CHANNEL | EMBED_LINKS | ATTACH_FILES) == [
        "EMBED_LINKS",
        "ATTACH_FILES",
    ]
