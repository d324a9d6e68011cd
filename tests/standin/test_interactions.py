"""Slash commands, deadlines, followups, modals and buttons through the real discord.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.standin import Channel, Guild, Member, StandIn

MANAGE_GUILD = 1 << 5


def add_commands(bot: commands.Bot, seen: dict[str, Any]) -> None:
    """A few commands exercising each kind of answer."""
    group = app_commands.Group(name="kindred", description="Kindred things")

    @group.command(name="status", description="Show status")
    @app_commands.describe(channel="Where", time="When")
    async def status(
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        time: str | None = None,
    ) -> None:
        seen["channel"] = channel
        seen["time"] = time
        seen["permissions"] = interaction.permissions
        seen["app_permissions"] = interaction.app_permissions
        seen["interaction_channel"] = interaction.channel
        await interaction.response.send_message(f"status for {time}", ephemeral=True)
        await interaction.followup.send("and a followup")

    @group.command(name="slow", description="Answers too late")
    async def slow(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("late")
        except discord.NotFound as exc:
            seen["late"] = exc

    @group.command(name="think", description="Defers then edits")
    async def think(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="thought about it")
        try:
            await interaction.response.send_message("twice")
        except discord.InteractionResponded:
            seen["twice"] = "library refused"

    @group.command(name="role", description="Role option")
    async def role(interaction: discord.Interaction, role: discord.Role) -> None:
        seen["role"] = role
        await interaction.response.send_message(f"role {role.name}")

    class Feedback(discord.ui.Modal, title="Feedback"):
        text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What happened", custom_id="feedback:text", max_length=200
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            seen["modal"] = self.text.value
            await interaction.response.send_message("thanks", ephemeral=True)

    @group.command(name="feedback", description="Opens a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback(custom_id="feedback"))

    class Mood(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Good", custom_id="mood:good")
        async def good(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            seen["clicked"] = interaction.user.id
            await interaction.response.edit_message(content="you chose good", view=None)

        @discord.ui.button(label="Later", custom_id="mood:later")
        async def later(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            await interaction.response.defer()
            await interaction.edit_original_response(content="asked again later", view=None)

    @group.command(name="mood", description="Posts a button")
    async def mood(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("how are you?", view=Mood())

    bot.tree.add_command(group)


async def test_slash_answered_within_deadline_with_followup(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    discord_warnings: list[logging.LogRecord],
    guild: Guild,
    general: Channel,
) -> None:
    admins = guild.add_role("Admins", permissions=MANAGE_GUILD)
    alice = guild.add_member("alice", roles=[admins])
    bot = make_bot()
    seen: dict[str, Any] = {}
    add_commands(bot, seen)
    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(
            alice, general, "kindred status", options={"channel": general, "time": "9am"}
        )
        response = await it.response(timeout=5)
        assert response["type"] == 4
        assert response["data"]["content"] == "status for 9am"
        assert it.ephemeral
        followup = await it.followup(timeout=5)
        assert followup["content"] == "and a followup"
        # Ephemeral answers are not in the channel; the public followup is.
        assert [m["content"] for m in standin.messages(general)] == ["and a followup"]
        original = it.original()
        assert original is not None and original["content"] == "status for 9am"
    assert isinstance(seen["channel"], discord.TextChannel) and seen["channel"].id == general.id
    assert seen["time"] == "9am"
    assert seen["permissions"].manage_guild
    assert seen["interaction_channel"] is not None and seen["interaction_channel"].id == general.id
    assert seen["app_permissions"].send_messages
    assert [r.getMessage() for r in discord_warnings] == []


async def test_answer_after_deadline_is_unknown_interaction(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}
    add_commands(bot, seen)
    async with standin.running(bot):
        await bot.tree.sync()
        # A zero deadline makes any answer late, without sleeping in the test.
        standin.interaction_deadline = 0.0
        it = await standin.slash(alice, general, "kindred slow")
        await standin.wait_for_call("POST", rf"/interactions/{it.id}/", status=404)
    assert isinstance(seen["late"], discord.NotFound)
    assert seen["late"].code == 10062
    assert it.refused == [(404, 10062)]
    assert not it.acknowledged


async def test_defer_then_edit_and_second_callback_refused(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}
    add_commands(bot, seen)
    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "kindred think")
        assert (await it.response())["type"] == 5
        message = await standin.wait_for_message(
            general, lambda m: m["content"] == "thought about it"
        )
        original = it.original()
        assert original is not None and message["id"] == original["id"]
        assert not message["flags"] & 128  # no longer loading
    assert seen["twice"] == "library refused"


async def test_second_callback_is_40060(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}

    @bot.tree.command(name="double", description="Answers twice through the raw route")
    async def double(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("once")
        route = discord.http.Route(
            "POST",
            "/interactions/{id}/{token}/callback",
            id=interaction.id,
            token=interaction.token,
        )
        try:
            await bot.http.request(route, json={"type": 4, "data": {"content": "twice"}})
        except discord.HTTPException as exc:
            seen["second"] = exc

    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "double")
        await standin.wait_until(lambda: "second" in seen, 5)
    assert seen["second"].status == 400 and seen["second"].code == 40060
    assert it.refused == [(400, 40060)]


async def test_role_option_is_resolved(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild, general: Channel
) -> None:
    helpers = guild.add_role("Helpers", mentionable=True)
    alice = guild.add_member("alice")
    bot = make_bot()
    seen: dict[str, Any] = {}
    add_commands(bot, seen)
    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "kindred role", options={"role": helpers})
        assert (await it.response())["data"]["content"] == "role Helpers"
    assert seen["role"].id == helpers.id


async def test_modal_round_trip(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}
    add_commands(bot, seen)
    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "kindred feedback")
        response = await it.response()
        assert response["type"] == 9 and response["data"]["title"] == "Feedback"
        submitted = await standin.submit_modal(
            alice, general, "feedback", {"feedback:text": "it went well"}
        )
        answer = await submitted.response()
        assert answer["data"]["content"] == "thanks" and submitted.ephemeral
    assert seen["modal"] == "it went well"


async def test_button_click_updates_message(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}
    add_commands(bot, seen)
    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "kindred mood")
        await it.response()
        posted = await standin.wait_for_message(general)
        assert posted["components"][0]["components"][0]["custom_id"] == "mood:good"
        click = await standin.click(alice, posted, "mood:good")
        assert (await click.response())["type"] == 7
        assert standin.messages(general)[-1]["content"] == "you chose good"
        assert standin.messages(general)[-1]["components"] == []
        with pytest.raises(LookupError):
            await standin.click(alice, posted, "mood:later")  # the buttons are gone now
        again = await standin.slash(alice, general, "kindred mood")
        await again.response()
        second = standin.messages(general)[-1]
        deferred = await standin.click(alice, second, "mood:later")
        assert (await deferred.response())["type"] == 6
        edited = await standin.wait_for_message(
            general, lambda m: m["content"] == "asked again later"
        )
        assert edited["id"] == second["id"] and edited["components"] == []
    assert seen["clicked"] == alice.id


async def test_interaction_payload_and_command_visibility(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild, general: Channel
) -> None:
    admins = guild.add_role("Admins", permissions=MANAGE_GUILD)
    admin = guild.add_member("admin", roles=[admins])
    alice = guild.add_member("alice")
    bot = make_bot()

    @bot.tree.command(name="setup", description="Admins only")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def setup(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        await interaction.followup.send("configured", ephemeral=True)

    async with standin.running(bot):
        await bot.tree.sync()
        with pytest.raises(PermissionError):
            await standin.slash(alice, general, "setup")
        with pytest.raises(LookupError):
            await standin.slash(alice.user, None, "setup")  # guild-only: not offered in DMs
        it = await standin.slash(admin, general, "setup")
        answer = await it.answer()
        assert answer["content"] == "configured" and it.ephemeral
        # The first followup after a deferral becomes the deferred message itself.
        assert it.followups == [answer] and not standin.messages(general)
    payload = it.payload
    for key in (
        "app_permissions",
        "locale",
        "guild_locale",
        "entitlements",
        "attachment_size_limit",
        "channel",
        "context",
        "authorizing_integration_owners",
    ):
        assert key in payload, key
    assert int(payload["member"]["permissions"]) & MANAGE_GUILD
    assert payload["channel"]["id"] == str(general.id)
    assert payload["context"] == 0
