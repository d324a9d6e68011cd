"""DM buttons, autocomplete, webhook rules and the global rate limit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.standin import Channel, Guild, Member, StandIn


class MoodView(discord.ui.View):
    """A persistent view, like Kindred's DM check-ins."""

    def __init__(self, seen: dict[str, Any]) -> None:
        super().__init__(timeout=None)
        self.seen = seen

    @discord.ui.button(label="4", custom_id="checkin:mood:4")
    async def four(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.seen["mood"] = (interaction.user.id, type(interaction.channel).__name__)
        await interaction.response.send_message("noted", ephemeral=True)


async def test_button_in_a_dm(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    discord_warnings: list[logging.LogRecord],
    guild: Guild,
) -> None:
    alice = guild.add_member("alice")
    bot = make_bot()
    seen: dict[str, Any] = {}
    async with standin.running(bot):
        bot.add_view(MoodView(seen))
        user = await bot.fetch_user(alice.id)
        await user.send("how are you, really?", view=MoodView(seen))
        [checkin] = standin.dms(alice)
        it = await standin.click(alice, checkin, "checkin:mood:4")
        answer = await it.response()
        assert answer["data"]["content"] == "noted" and it.ephemeral
        assert "user" in it.payload and "member" not in it.payload
        with pytest.raises(LookupError):
            await standin.click(alice, checkin, "checkin:mood:9")
    assert seen["mood"] == (alice.id, "DMChannel")
    assert [r.getMessage() for r in discord_warnings] == []


async def test_slash_command_in_a_dm(
    standin: StandIn, make_bot: Callable[..., commands.Bot]
) -> None:
    loner = standin.add_user("loner")
    bot = make_bot()

    @bot.tree.command(name="hello", description="Say hello")
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"hello {interaction.user.name}")

    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(loner, None, "hello")
        assert (await it.response())["data"]["content"] == "hello loner"
    assert [m["content"] for m in standin.dms(loner)] == ["hello loner"]


async def test_autocomplete_returns_choices(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    zones = ["Europe/Paris", "Europe/Berlin", "America/New_York"]

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zones if current.lower() in z.lower()]

    @bot.tree.command(name="schedule", description="Pick a zone")
    @app_commands.autocomplete(timezone=complete)
    async def schedule(interaction: discord.Interaction, timezone: str, time: str) -> None:
        await interaction.response.send_message(timezone)

    async with standin.running(bot):
        await bot.tree.sync()
        choices = await standin.autocomplete(
            alice, general, "schedule", options={"timezone": "europe"}, focused="timezone"
        )
        with pytest.raises(ValueError):
            await standin.slash(alice, general, "schedule", options={"timezone": "UTC"})
    assert [c["value"] for c in choices] == ["Europe/Paris", "Europe/Berlin"]


async def test_followup_before_any_callback_is_refused(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    seen: dict[str, Any] = {}

    @bot.tree.command(name="eager", description="Follows up too early")
    async def eager(interaction: discord.Interaction) -> None:
        try:
            await interaction.followup.send("too early")
        except discord.NotFound as exc:
            seen["early"] = exc
        await interaction.response.send_message("now answered")
        await interaction.followup.send("in order")

    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "eager")
        assert (await it.followup())["content"] == "in order"
    assert seen["early"].code == 10015
    assert [m["content"] for m in standin.messages(general)] == ["now answered", "in order"]


async def test_global_rate_limit_paces_requests(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild
) -> None:
    # One message to each of 25 channels: the per-route buckets (5 per 5 s per channel) never
    # fill, so only the global limit can refuse the 21st request within a second.
    places = [guild.add_text_channel(f"room-{n}") for n in range(25)]
    bot = make_bot()
    async with standin.running(bot):
        standin.global_rate_limit = 20
        for n, place in enumerate(places):
            channel = bot.get_channel(place.id)
            assert isinstance(channel, discord.TextChannel)
            await channel.send(f"message {n}")
        standin.global_rate_limit = None
    posts = {f"/channels/{place.id}/messages" for place in places}
    statuses = [c.status for c in standin.calls if c.method == "POST" and c.path in posts]
    assert statuses.count(200) == 25
    assert 429 in statuses  # the 21st request within a second was limited, then retried
    assert standin.global_429s == statuses.count(429) and standin.route_429s == 0
    assert sum(len(standin.messages(place)) for place in places) == 25
