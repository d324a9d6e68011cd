"""Attachments through a plain discord.py bot: signed CDN URLs, downloads, limits, intents."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot.standin import Channel, Guild, Member, StandIn
from bot.standin.attachments import GONE, image_size, sanitise_filename

MIB = 1024 * 1024
DAY = 24 * 60 * 60


def collect_messages(bot: commands.Bot) -> list[discord.Message]:
    received: list[discord.Message] = []

    @bot.listen("on_message")
    async def remember(message: discord.Message) -> None:
        received.append(message)

    return received


def png(width: int, height: int) -> bytes:
    """A real (tiny, valid) PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\0" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def url_pattern(standin: StandIn, kind: str, channel_id: int, filename: str) -> re.Pattern[str]:
    """Discord's signed attachment URL, on the stand-in's own host."""
    return re.compile(
        re.escape(f"{standin.http_base}/{kind}/{channel_id}/")
        + r"(?P<id>\d{17,20})/"
        + re.escape(filename)
        + r"\?ex=(?P<ex>[0-9a-f]{8})&is=(?P<is>[0-9a-f]{8})&hm=(?P<hm>[0-9a-f]{64})&$"
    )


def check_signed(
    standin: StandIn, attachment: discord.Attachment, channel_id: int, kind: str = "attachments"
) -> None:
    match = url_pattern(standin, kind, channel_id, attachment.filename).match(attachment.url)
    assert match is not None, attachment.url
    assert int(match["id"]) == attachment.id
    issued, expires = int(match["is"], 16), int(match["ex"], 16)
    assert expires - issued == DAY
    assert abs(issued - time.time()) < 60
    # proxy_url: the same path and signature under /media (media.discordapp.net on Discord).
    assert attachment.proxy_url == attachment.url.replace(
        standin.http_base, f"{standin.http_base}/media", 1
    )


async def test_member_dm_attachment_reaches_a_plain_bot(
    standin: StandIn, make_bot: Callable[..., commands.Bot], alice: Member
) -> None:
    bot = make_bot()
    received = collect_messages(bot)
    notes = b"line one\nline two\n"
    async with standin.running(bot):
        sent = await standin.dm(alice, files=[("my notes (1).txt", notes)])
        await standin.wait_until(lambda: received, 5)
        [message] = received
        assert isinstance(message.channel, discord.DMChannel) and message.content == ""
        [attachment] = message.attachments
        dm_id = standin.dm_channel(alice).id
        assert message.channel.id == dm_id
        # Discord's cleaning: spaces become underscores, parentheses are dropped.
        assert attachment.filename == "my_notes_1.txt"
        assert attachment.size == len(notes)
        assert attachment.content_type == "text/plain; charset=utf-8"
        check_signed(standin, attachment, dm_id)
        assert attachment.id == int(sent["attachments"][0]["id"])
        assert await attachment.read() == notes
        assert await attachment.read(use_cached=True) == notes
        buffer = io.BytesIO()
        assert await attachment.save(buffer) == len(notes) and buffer.getvalue() == notes
    assert standin.attachment_bytes(sent["attachments"][0]) == notes
    assert [status for _, status in standin.cdn.downloads] == [200, 200, 200]


async def test_tampered_unknown_or_expired_urls_are_404(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel, alice: Member
) -> None:
    bot = make_bot()
    received = collect_messages(bot)
    async with standin.running(bot):
        await standin.post(
            alice, general, "the plan", files=[("plan.txt", b"step 1", "text/plain")]
        )
        await standin.wait_until(lambda: received, 5)
        [attachment] = received[0].attachments
        url = attachment.url
        good = re.search(r"hm=([0-9a-f]{64})", url)
        assert good is not None
        flipped = ("0" if good[1][0] != "0" else "1") + good[1][1:]
        tampered = url.replace(good[1], flipped)
        wrong_channel = url.replace(f"/{general.id}/", f"/{general.id + 1}/")
        wrong_name = url.replace("/plan.txt?", "/plan2.txt?")
        unsigned = url.split("?")[0]
        for bad in (tampered, wrong_channel, wrong_name, unsigned):
            with pytest.raises(discord.NotFound):
                await bot.http.get_from_cdn(bad)
        assert await attachment.read() == b"step 1"
        # A day later the URL has expired, through the proxy too...
        standin.cdn.advance(DAY + 1)
        with pytest.raises(discord.NotFound):
            await attachment.read()
        with pytest.raises(discord.NotFound):
            await attachment.read(use_cached=True)
        # ...and fetching the message again gives freshly signed, working URLs, as on Discord.
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        fetched = await channel.fetch_message(received[0].id)
        [renewed] = fetched.attachments
        assert renewed.url != url and await renewed.read() == b"step 1"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 404 and await response.text() == GONE


async def test_bot_upload_in_guild_has_the_real_channel_id(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild, general: Channel
) -> None:
    bot = make_bot()
    image = png(3, 2)
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send(file=discord.File(io.BytesIO(image), "weekly chart.png"))
        [attachment] = sent.attachments
        check_signed(standin, attachment, general.id)
        assert attachment.filename == "weekly_chart.png"
        assert (attachment.width, attachment.height) == (3, 2)
        assert attachment.content_type == "image/png"
        async with aiohttp.ClientSession() as http, http.get(attachment.url) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/png"
            assert await response.read() == image
        # In a thread, the thread's id is in the URL.
        thread = await channel.create_thread(name="charts", type=discord.ChannelType.public_thread)
        in_thread = await thread.send(file=discord.File(io.BytesIO(b"{}"), "data.json"))
        check_signed(standin, in_thread.attachments[0], thread.id)
        assert in_thread.attachments[0].content_type == "application/json; charset=utf-8"
        # Once the message is deleted, its URL stops working; the proxy still serves it.
        await sent.delete()
        with pytest.raises(discord.NotFound):
            await attachment.read()
        assert await attachment.read(use_cached=True) == image
    [stored] = standin.messages(thread.id)
    assert stored["attachments"][0]["url"] == in_thread.attachments[0].url


@pytest.mark.parametrize(
    ("tier", "sizes", "accepted"),
    [
        (0, [9 * MIB], True),
        (0, [11 * MIB], False),
        (0, [6 * MIB, 6 * MIB], False),  # the request's total counts too
        (1, [11 * MIB], False),
        (2, [11 * MIB], True),
    ],
)
async def test_guild_upload_limits(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    guild: Guild,
    general: Channel,
    tier: int,
    sizes: list[int],
    accepted: bool,
) -> None:
    guild.set_premium_tier(tier)
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        assert channel.guild.filesize_limit == {0: 10, 1: 10, 2: 50}[tier] * MIB
        files = [discord.File(io.BytesIO(b"x" * n), f"part{i}.bin") for i, n in enumerate(sizes)]
        if accepted:
            sent = await channel.send(files=files)
            assert [a.size for a in sent.attachments] == sizes
        else:
            with pytest.raises(discord.HTTPException) as refused:
                await channel.send(files=files)
            assert refused.value.status == 413 and refused.value.code == 40005
            assert refused.value.text == "Request entity too large"
            assert standin.messages(general) == []


async def test_dm_upload_limit_is_10_mib(
    standin: StandIn, make_bot: Callable[..., commands.Bot], alice: Member
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        user = await bot.fetch_user(alice.id)
        await user.send(file=discord.File(io.BytesIO(b"x" * (10 * MIB)), "exactly.bin"))
        with pytest.raises(discord.HTTPException) as refused:
            await user.send(file=discord.File(io.BytesIO(b"x" * (10 * MIB + 1)), "over.bin"))
    assert refused.value.status == 413 and refused.value.code == 40005
    [message] = standin.dms(alice)
    assert message["attachments"][0]["size"] == 10 * MIB
    assert re.search(
        rf"/attachments/{standin.dm_channel(alice).id}/", message["attachments"][0]["url"]
    )


async def test_interactions_share_the_upload_limit(
    standin: StandIn, make_bot: Callable[..., commands.Bot]
) -> None:
    standin.interaction_deadline = 5.0  # room for an 11 MiB upload before the real answer
    bot = make_bot()
    seen: dict[int, tuple[int, int]] = {}

    @bot.tree.command(name="report", description="Sends a file")
    async def report(interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        seen[interaction.guild.premium_tier] = (
            interaction.filesize_limit,
            interaction.guild.filesize_limit,
        )
        if interaction.guild.premium_tier == 0:
            too_big = discord.File(io.BytesIO(b"x" * (11 * MIB)), "big.bin")
            try:
                await interaction.response.send_message(file=too_big)
            except discord.HTTPException as exc:
                seen[-1] = (exc.status, exc.code)
            await interaction.response.send_message(
                file=discord.File(io.BytesIO(b"private"), "mine.txt"), ephemeral=True
            )
        else:
            await interaction.response.send_message("ok")

    guilds = {tier: standin.add_guild(f"Tier {tier}") for tier in range(4)}
    channels = {tier: place.add_text_channel("general") for tier, place in guilds.items()}
    for tier, place in guilds.items():
        place.set_premium_tier(tier)
    async with standin.running(bot):
        await bot.tree.sync()
        answers: dict[int, Any] = {}
        for tier, place in guilds.items():
            it = await standin.slash(place.owner, channels[tier], "report")
            await it.response()
            answers[tier] = it
        await standin.wait_until(lambda: len(seen) == 5, 5)
        ephemeral = answers[0].original()
        [attachment] = ephemeral["attachments"]
        assert attachment["ephemeral"] is True
        assert f"/ephemeral-attachments/{answers[0].channel.id}/" in attachment["url"]
        assert await bot.http.get_from_cdn(attachment["url"]) == b"private"
    assert seen[-1] == (413, 40005)
    for tier, mib in {0: 10, 1: 10, 2: 50, 3: 100}.items():
        assert seen[tier] == (mib * MIB, mib * MIB)
        assert answers[tier].payload["attachment_size_limit"] == mib * MIB


async def test_without_message_content_intent_guild_attachments_are_empty(
    make_bot: Callable[..., commands.Bot],
) -> None:
    async with StandIn(message_content=False) as standin:
        guild = standin.add_guild("Sample")
        general = guild.add_text_channel("general")
        alice = guild.add_member("alice")
        bot = make_bot(message_content=False)
        received = collect_messages(bot)
        file = [("photo.png", png(1, 1))]
        async with standin.running(bot):
            hidden = await standin.post(alice, general, "look", files=file)
            await standin.post(alice, general, f"<@{standin.application_id}> look", files=file)
            await standin.dm(alice, files=file)
            await standin.wait_until(lambda: len(received) == 3, 5)
            channel = bot.get_channel(general.id)
            assert isinstance(channel, discord.TextChannel)
            fetched = await channel.fetch_message(int(hidden["id"]))
            history = [m async for m in channel.history(limit=10)]
    # Hidden in a plain guild message (gateway and REST alike); kept when the bot is mentioned
    # and in DMs, as on Discord.
    assert [len(m.attachments) for m in received] == [0, 1, 1]
    assert fetched.attachments == [] and fetched.content == ""
    assert [len(m.attachments) for m in history] == [1, 0]
    assert len(hidden["attachments"]) == 1  # the stand-in itself stored it


async def test_the_kit_refuses_what_the_client_would_not_send(
    standin: StandIn, general: Channel, alice: Member
) -> None:
    with pytest.raises(ValueError, match="at most 10 files"):
        await standin.post(alice, general, "many", files=[(f"{i}.txt", b"x") for i in range(11)])
    with pytest.raises(ValueError, match="refuses files over"):
        await standin.dm(alice, files=[("huge.bin", b"x" * (10 * MIB + 1))])
    with pytest.raises(ValueError, match="no empty message"):
        await standin.post(alice, general, "")
    assert standin.messages(general) == []


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("report.pdf", "report.pdf"),
        ("my file (final).tar.gz", "my_file_final.tar.gz"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("résumé 2.docx", "rsum_2.docx"),
        ("日本.png", "unknown.png"),
        ("SPOILER_cat.jpg", "SPOILER_cat.jpg"),
        ("???", "unknown"),
    ],
)
def test_filenames_are_cleaned_like_discord(given: str, stored: str) -> None:
    assert sanitise_filename(given) == stored


def test_image_sizes_from_headers() -> None:
    gif = b"GIF89a" + struct.pack("<HH", 640, 480) + b"\0" * 10
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\0"
        + b"\0" * 9
        + b"\xff\xc0"
        + struct.pack(">HBHH", 17, 8, 600, 800)
        + b"\0" * 12
    )
    assert image_size(png(320, 200)) == (320, 200)
    assert image_size(gif) == (640, 480)
    assert image_size(jpeg) == (800, 600)
    assert image_size(b"not an image") is None
