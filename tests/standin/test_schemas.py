"""Every REST body checked against Discord's OpenAPI description (bot/standin/schemas.py).

A body the description refuses is answered 400 50035 naming the field, and recorded on the
stand-in (``schema_violations``), where the root conftest fails the test that left it; these
tests send such bodies on purpose, so each asserts what was recorded and clears it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot.standin import Channel, Member, StandIn, schemas

Path = tuple[str | int, ...]


@pytest.fixture
async def http(standin: StandIn) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client logged in as the bot: bodies exactly as the test writes them."""
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession(base_url=standin.api_base + "/", headers=headers) as session:
        yield session


async def _answer(response: aiohttp.ClientResponse) -> tuple[int, Any]:
    return response.status, json.loads(await response.read() or b"null")


def _refused_paths(standin: StandIn) -> list[list[Path]]:
    """The field paths of each recorded violation; clears them (they were expected)."""
    found = [[e.path for e in v.errors] for v in standin.schema_violations]
    standin.schema_violations.clear()
    return found


def test_the_description_is_loaded() -> None:
    # The suite relies on this: without jsonschema or openapi.json nothing would be checked.
    assert schemas.enabled(), f"install the test extras; the description is {schemas.spec_path()}"


async def test_wrongly_typed_field_is_50035_naming_it(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel
) -> None:
    body = {"content": "hi", "tts": "yes", "embeds": [{"title": 5}]}
    async with http.post(f"channels/{general.id}/messages", json=body) as response:
        status, answer = await _answer(response)
    assert status == 400
    assert answer == {
        "code": 50035,
        "message": "Invalid Form Body",
        "errors": {
            "tts": {
                "_errors": [
                    {"code": "BOOLEAN_TYPE_CONVERT", "message": "Must be either true or false."}
                ]
            },
            "embeds": {
                "0": {
                    "title": {
                        "_errors": [
                            {
                                "code": "STRING_TYPE_CONVERT",
                                "message": 'Could not interpret "5" as string.',
                            }
                        ]
                    }
                }
            },
        },
    }
    assert standin.messages(general) == []
    [violation] = standin.schema_violations
    assert (violation.method, violation.template) == ("POST", "/channels/{channel_id}/messages")
    assert violation.path == f"/channels/{general.id}/messages"
    assert _refused_paths(standin) == [[("embeds", 0, "title"), ("tts",)]]


async def test_valid_body_passes_with_integer_snowflakes(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel, alice: Member
) -> None:
    # discord.py sends snowflakes as JSON integers; the description says strings; Discord
    # takes both (see schemas._accept_discords_practice).
    body = {
        "content": f"hello <@{alice.id}>",
        "allowed_mentions": {"parse": [], "users": [alice.id], "roles": [], "replied_user": False},
        "nonce": 1234,
        "enforce_nonce": True,
        "embeds": [{"title": "t", "color": 0xFFFFFF, "fields": [{"name": "n", "value": "v"}]}],
    }
    async with http.post(f"channels/{general.id}/messages", json=body) as response:
        status, first = await _answer(response)
    assert status == 200
    reply = {"content": "again", "message_reference": {"message_id": int(first["id"])}}
    async with http.post(f"channels/{general.id}/messages", json=reply) as response:
        assert response.status == 200
    async with http.post("users/@me/channels", json={"recipient_id": alice.id}) as response:
        assert response.status == 200
    assert [m["content"] for m in standin.messages(general)] == [body["content"], "again"]
    assert standin.schema_violations == []


@pytest.mark.parametrize(
    ("recipient", "code"),
    [("abc", "STRING_TYPE_REGEX"), (-1, "NUMBER_TYPE_MIN"), (1.5, "UNION_TYPE_CHOICES")],
)
async def test_snowflake_that_is_no_number_is_refused(
    standin: StandIn, http: aiohttp.ClientSession, recipient: Any, code: str
) -> None:
    async with http.post("users/@me/channels", json={"recipient_id": recipient}) as response:
        status, answer = await _answer(response)
    assert status == 400 and answer["code"] == 50035
    assert answer["errors"]["recipient_id"]["_errors"][0]["code"] == code
    assert _refused_paths(standin) == [[("recipient_id",)]]


async def test_multipart_payload_json_is_validated(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel
) -> None:
    def upload(payload: dict[str, Any]) -> aiohttp.FormData:
        form = aiohttp.FormData()
        form.add_field("payload_json", json.dumps(payload), content_type="application/json")
        form.add_field("files[0]", b"hello", filename="note.txt", content_type="text/plain")
        return form

    refused = {"content": "a file", "attachments": [{"id": 0, "filename": ""}]}
    async with http.post(f"channels/{general.id}/messages", data=upload(refused)) as response:
        status, answer = await _answer(response)
    assert status == 400
    assert answer["errors"] == {
        "attachments": {
            "0": {
                "filename": {
                    "_errors": [
                        {"code": "BASE_TYPE_MIN_LENGTH", "message": "Must be 1 or more in length."}
                    ]
                }
            }
        }
    }
    assert _refused_paths(standin) == [[("attachments", 0, "filename")]]
    accepted = {"content": "a file", "attachments": [{"id": 0, "filename": "note.txt"}]}
    async with http.post(f"channels/{general.id}/messages", data=upload(accepted)) as response:
        assert response.status == 200
    [message] = standin.messages(general)
    assert [a["filename"] for a in message["attachments"]] == ["note.txt"]


async def test_discord_py_sees_the_refusal(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel, alice: Member
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        # discord.py's own requests: integer ids in allowed_mentions, the reply and the DM.
        first = await channel.send(
            f"hi <@{alice.id}>",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(alice.id)]),
        )
        await channel.send("reply", reference=first)
        user = await bot.fetch_user(alice.id)
        await user.send("a DM")
        assert standin.schema_violations == []
        # The hand-written limits know no embed colour; Discord's description caps it.
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send(embed=discord.Embed(title="t", color=0x1000000))
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "color" in caught.value.text
    assert _refused_paths(standin) == [[("embeds", 0, "color")]]
    assert [m["content"] for m in standin.messages(general)] == [first.content, "reply"]


async def test_interaction_callback_is_checked_by_its_type(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}

    @bot.tree.command(name="raw", description="Answers through the raw callback route")
    async def raw(interaction: discord.Interaction) -> None:
        route = discord.http.Route(
            "POST",
            "/interactions/{id}/{token}/callback",
            id=interaction.id,
            token=interaction.token,
        )
        bad = {"type": 4, "data": {"content": "x", "flags": "ephemeral"}}
        try:
            await bot.http.request(route, json=bad)
        except discord.HTTPException as exc:
            seen["error"] = exc
        await bot.http.request(route, json={"type": 4, "data": {"content": "fixed"}})
        seen["done"] = True

    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "raw")
        await standin.wait_until(lambda: "done" in seen, 5)
    assert seen["error"].status == 400 and seen["error"].code == 50035
    assert _refused_paths(standin) == [[("data", "flags")]]
    assert (await it.response())["data"]["content"] == "fixed"


# ------------------------------------------------------------------ the checks themselves

CALLBACK = "/interactions/1/token/callback"
MESSAGES = "/channels/1/messages"


ROW = {"type": 1, "components": [{"type": 2, "style": 1, "label": "x" * 81, "custom_id": "a"}]}
MODAL = {"type": 9, "data": {"custom_id": "m", "components": []}}
REQ, MAX, MIN, CHOICES = (
    f"BASE_TYPE_{c}" for c in ("REQUIRED", "MAX_LENGTH", "MIN_LENGTH", "CHOICES")
)


@pytest.mark.parametrize(
    ("method", "path", "payload", "errors"),
    [
        # A union is reported through the branch its `type` picks, down to the field.
        ("POST", CALLBACK, {"type": 4, "data": {"content": 7}},
         {(("data", "content"), "STRING_TYPE_CONVERT")}),
        ("POST", CALLBACK, {"type": 99}, {(("type",), CHOICES)}),
        ("POST", CALLBACK, MODAL, {(("data", "title"), REQ), (("data", "components"), MIN)}),
        ("POST", MESSAGES, {"components": [ROW]},
         {(("components", 0, "components", 0, "label"), MAX)}),
        ("POST", MESSAGES, {"components": [{"type": 77}]}, {(("components", 0, "type"), CHOICES)}),
        ("POST", MESSAGES, {"nonce": "x" * 26}, {(("nonce",), MAX)}),
        ("POST", MESSAGES, {"allowed_mentions": "all"},
         {(("allowed_mentions",), "DICT_TYPE_CONVERT")}),
        ("POST", MESSAGES, {"embeds": [{"fields": [{"name": "n"}]}]},
         {(("embeds", 0, "fields", 0, "value"), REQ)}),
        ("PUT", "/applications/1/commands", [{"name": "n" * 33, "description": "d"}],
         {((0, "name"), MAX)}),
        ("POST", "/channels/1/threads", {"name": "t", "auto_archive_duration": 61},
         {(("auto_archive_duration",), CHOICES)}),
    ],
)  # fmt: skip
def test_errors_name_the_field(
    method: str, path: str, payload: Any, errors: set[tuple[Path, str]]
) -> None:
    found = schemas.find_errors(method, path, payload)
    assert found is not None
    assert {(e.path, e.code) for e in found} == errors


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/channels/1/messages"),  # no body described for the method
        ("PUT", "/channels/1/thread-members/2"),  # a route with no body at all
        ("POST", "/nothing/here/1"),  # not in the description
    ],
)
def test_undescribed_bodies_are_left_alone(standin: StandIn, method: str, path: str) -> None:
    assert schemas.find_errors(method, path, {"anything": 1}) is None
    schemas.check_request(standin, method, path, {"anything": 1})
    assert standin.schema_violations == []


def test_literal_segments_beat_parameters() -> None:
    spec = schemas._spec()
    assert spec is not None
    assert spec.match("/channels/1/messages/pins") == "/channels/{channel_id}/messages/pins"
    assert spec.match("/channels/1/messages/2") == "/channels/{channel_id}/messages/{message_id}"
    assert (
        spec.match("/webhooks/1/tok/messages/@original")
        == "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    )
    assert spec.match("/channels/1/messages/") is None


async def test_a_dropped_stand_in_still_fails_the_test() -> None:
    async with StandIn() as standin:
        guild = standin.add_guild("Sample")
        general = guild.add_text_channel("general")
        headers = {"Authorization": f"Bot {standin.token}"}
        async with aiohttp.ClientSession(headers=headers) as session:
            url = f"{standin.api_base}/channels/{general.id}/messages"
            async with session.post(url, json={"tts": 1}) as response:
                assert response.status == 400
    del standin
    # What the root conftest's fixture reads after the test: then it fails it.
    assert [[e.path for e in v.errors] for v in schemas.outstanding()] == [[("tts",)]]
    schemas.forget()


def test_without_jsonschema_nothing_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    # `pip install -e .` (the demo's install) has no jsonschema: a separate copy of the module
    # imported without it validates nothing and raises nothing.
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    spec = importlib.util.spec_from_file_location("schemas_without_jsonschema", schemas.__file__)
    assert spec is not None and spec.loader is not None
    bare = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bare)  # dataclasses look their module up
    spec.loader.exec_module(bare)
    assert bare.AVAILABLE is False and bare.enabled() is False
    server = StandIn()  # never started: only a place to record on
    bare.check_request(server, "POST", MESSAGES, {"content": 5})
    assert bare.find_errors("POST", MESSAGES, {"content": 5}) is None
    assert bare.violations(server) == []
