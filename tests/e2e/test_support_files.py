"""Files between a requester and their thread travel as bytes, never as links (issue 16, item 1).

On Discord a DM attachment's URL names the requester's DM channel with Kindred (one id for all
their requests), and its filename can name them; a picture can carry their name, camera and
place in its metadata.
"""

from __future__ import annotations

import os
import struct
import zlib
from typing import Any

from helpers import bot_dm, bot_said, open_request, setup_support

from bot.app import KindredBot
from bot.demo.harness import SampleServer

NAME = b"Jane Doe"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 1, height: int = 1, *, noise: bool = False) -> bytes:
    """A valid RGB PNG with an "Author: Jane Doe" text chunk (noise: incompressible pixels)."""
    row = os.urandom(width * 3) if noise else b"\xff\x00\x00" * width
    raw = b"".join(b"\x00" + (os.urandom(width * 3) if noise else row) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"tEXt", b"Author\x00" + NAME)
        + _chunk(b"IDAT", zlib.compress(raw, 1))
        + _chunk(b"IEND", b"")
    )


def _files(message: dict[str, Any]) -> list[dict[str, Any]]:
    return list(message.get("attachments") or [])


async def test_a_requesters_picture_arrives_clean_under_a_neutral_name(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    dm_channel = s.standin.dm_channel(s.alice)
    await s.standin.dm(
        s.alice,
        "this is what I drew",
        files=[
            ("jane_doe_selfie.png", png(), "image/png"),
            ("jane_doe_cv.pdf", b"%PDF-1.7 Author: Jane Doe", "application/pdf"),
        ],
    )
    relayed = await bot_said(s, thread, "this is what I drew")
    (picture,) = _files(relayed)
    assert picture["filename"] == "image.png"
    data = s.standin.attachment_bytes(picture)
    assert data.startswith(b"\x89PNG") and NAME not in data
    shown = str(relayed)
    assert str(dm_channel.id) not in shown and "jane_doe" not in shown
    assert "cdn.discordapp.com" not in shown and "/attachments/" not in relayed["content"]
    note = await bot_said(s, thread, "couldn't be passed on")
    assert "1 file (not a picture I can pass on)" in note["content"] and "pdf" not in str(note)
    told = await bot_dm(s, s.alice, "I didn't pass on 1 file")
    assert "JPEG, PNG, GIF or WebP" in told["content"]


async def test_files_past_the_servers_limit_are_not_passed_on_and_both_sides_hear(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    big = png(1200, 1000, noise=True)  # about 3.4 MiB each, incompressible
    assert 3 * 2**20 < len(big) < 4 * 2**20
    await s.standin.dm(
        s.alice, "three pictures", files=[(f"p{i}.png", big, "image/png") for i in range(3)]
    )
    relayed = await bot_said(s, thread, "three pictures")
    # Ten MiB a message at boost tier 0: two fit, the third is not passed on.
    assert [f["filename"] for f in _files(relayed)] == ["image.png", "image-2.png"]
    await bot_said(s, thread, "1 file (too large) that couldn't be passed on")
    told = await bot_dm(s, s.alice, "I didn't pass on 1 file (too large)")
    assert "10 MB" in told["content"]


async def test_a_responders_file_reaches_the_requester_as_a_file(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.post(
        s.bob, thread, "a breathing exercise", files=[("breathing.txt", b"in 4, out 6")]
    )
    dm = await bot_dm(s, s.alice, "a breathing exercise")
    (sent,) = _files(dm)
    assert sent["filename"] == "breathing.txt"
    assert s.standin.attachment_bytes(sent) == b"in 4, out 6"
    assert f"/attachments/{thread.id}/" not in dm["content"]  # a file, not an expiring link


async def test_a_picture_waits_for_the_choice_of_request(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice, title="One")
    _, second = await open_request(s, s.alice, title="Two")
    await s.standin.dm(s.alice, "", files=[("me.png", png(), "image/png")])
    ask = await bot_dm(s, s.alice, "Which one is this message for?")
    pick = ask["components"][0]["components"][1]["custom_id"]
    chosen = await s.standin.click(s.alice, ask, pick)
    await chosen.response()
    thread = s.standin.channel(int(second["id"]))
    await s.standin.wait_until(lambda: any(_files(m) for m in s.standin.messages(thread)), 5)
    (relayed,) = [m for m in s.standin.messages(thread) if _files(m)]
    (picture,) = _files(relayed)
    assert picture["filename"] == "image.png"
    assert NAME not in s.standin.attachment_bytes(picture)
