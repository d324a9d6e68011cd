"""Cleaning the pictures a requester sends: metadata out, image data kept byte for byte.

Every picture here is built by hand (no image library), with metadata that names "Jane Doe"
injected where real cameras and editors put it; the cleaned bytes are re-parsed with small
parsers written for these tests, independent of the module's own.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable

import pytest

from bot.support.files import CleanFile, clean_attachment

NAME = b"Jane Doe"
GPS = struct.pack(">IIIIII", 51, 1, 30, 1, 2664, 100)  # 51° 30' 26.64" as EXIF rationals


def cleaned(data: bytes, index: int = 1) -> CleanFile:
    result = clean_attachment(data, index)
    assert result is not None
    return result


# PNG ------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def ihdr(width: int = 1, height: int = 1, colour: int = 2, interlace: int = 0) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, interlace))


RED = b"\x00\xff\x00\x00"  # one scanline: filter byte 0, then a red RGB pixel
IHDR = ihdr()
IDAT = chunk(b"IDAT", zlib.compress(RED))
IEND = chunk(b"IEND", b"")
GAMA = chunk(b"gAMA", struct.pack(">I", 45455))
SRGB = chunk(b"sRGB", b"\x00")
PHYS = chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))
TIFF_WITH_NAME = b"MM\x00\x2a\x00\x00\x00\x08" + b"Artist: " + NAME + GPS
PNG_METADATA = (
    chunk(b"tEXt", b"Author\x00" + NAME),
    chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"taken by " + NAME)),
    chunk(b"iTXt", b"Author\x00\x00\x00en\x00Author\x00" + NAME),
    chunk(b"eXIf", TIFF_WITH_NAME),
    chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 17, 9, 41, 7)),
    chunk(b"iCCP", b"Jane Doe's phone\x00\x00" + zlib.compress(b"profile")),
    chunk(b"prVt", b"private " + NAME),
)


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, checking its signature, every CRC and the end."""
    assert data.startswith(PNG_SIGNATURE)
    pos, chunks = len(PNG_SIGNATURE), []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert len(body) == length and crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"") and pos == len(data)
    return chunks


def test_png_metadata_is_removed_and_image_chunks_kept_byte_for_byte() -> None:
    original = PNG_SIGNATURE + IHDR + GAMA + b"".join(PNG_METADATA) + SRGB + PHYS + IDAT + IEND
    clean = cleaned(original + b"old pixels of " + NAME)  # bytes after IEND, as in aCropalypse
    assert clean.data == PNG_SIGNATURE + IHDR + GAMA + SRGB + PHYS + IDAT + IEND
    assert NAME not in clean.data and b"Jane" not in clean.data and GPS not in clean.data
    kinds = [kind for kind, _ in png_chunks(clean.data)]
    assert kinds == [b"IHDR", b"gAMA", b"sRGB", b"pHYs", b"IDAT", b"IEND"]
    idat = b"".join(body for kind, body in png_chunks(clean.data) if kind == b"IDAT")
    assert zlib.decompress(idat) == RED
    assert (clean.filename, clean.content_type) == ("image.png", "image/png")


def test_png_split_idat_palette_and_transparency_are_kept() -> None:
    stream = zlib.compress(b"\x00\x01")
    parts = [chunk(b"IDAT", stream[:3]), chunk(b"IDAT", stream[3:])]
    palette = chunk(b"PLTE", b"\x00\x00\x00\xff\x00\x00") + chunk(b"tRNS", b"\x00\xff")
    original = PNG_SIGNATURE + ihdr(colour=3) + palette + PNG_METADATA[0] + b"".join(parts)
    assert (
        cleaned(original + IEND).data
        == PNG_SIGNATURE + ihdr(colour=3) + palette + b"".join(parts) + IEND
    )


def test_apng_animation_chunks_are_kept() -> None:
    control = struct.pack(">IIIIIHHBB", 0, 1, 1, 0, 0, 1, 10, 0, 0)
    frame_two = struct.pack(">IIIIIHHBB", 1, 1, 1, 0, 0, 1, 10, 0, 0)
    animation = chunk(b"acTL", struct.pack(">II", 2, 0)) + chunk(b"fcTL", control)
    second = chunk(b"fcTL", frame_two) + chunk(b"fdAT", b"\x00\x00\x00\x02" + zlib.compress(RED))
    original = PNG_SIGNATURE + IHDR + animation + IDAT + PNG_METADATA[2] + second + IEND
    clean = cleaned(original).data
    assert clean == PNG_SIGNATURE + IHDR + animation + IDAT + second + IEND
    assert [kind for kind, _ in png_chunks(clean)][1:-1] == [
        b"acTL",
        b"fcTL",
        b"IDAT",
        b"fcTL",
        b"fdAT",
    ]


def test_interlaced_png_must_inflate_to_the_size_its_header_promises() -> None:
    # 3×3 RGB under Adam7: passes of 1, 0, 0, 1, 2×1, 1×2 and 3×1 pixels give 33 bytes.
    header = ihdr(3, 3, interlace=1)
    good = PNG_SIGNATURE + header + chunk(b"IDAT", zlib.compress(bytes(33))) + IEND
    assert cleaned(good).data == good
    short = PNG_SIGNATURE + header + chunk(b"IDAT", zlib.compress(bytes(32))) + IEND
    assert clean_attachment(short) is None


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda png: png[:-20], id="truncated-in-idat"),
        pytest.param(lambda png: png[: -len(IEND)], id="no-iend"),
        pytest.param(lambda png: png[:30], id="truncated-in-ihdr"),
        pytest.param(lambda png: png[:-13] + bytes((png[-13] ^ 1,)) + IEND, id="bad-crc-idat"),
        pytest.param(
            lambda png: png.replace(b"Author\x00Jane", b"Author\x00June"), id="bad-crc-text"
        ),
        pytest.param(lambda png: png.replace(IHDR, ihdr(colour=5)), id="bad-colour-type"),
        pytest.param(lambda png: png.replace(IHDR + GAMA, GAMA + IHDR), id="ihdr-not-first"),
        pytest.param(lambda png: png.replace(IHDR, IHDR + IHDR), id="two-ihdr"),
        pytest.param(lambda png: png.replace(GAMA, chunk(b"ABCD", b"x")), id="unknown-critical"),
        pytest.param(lambda png: png.replace(GAMA, chunk(b"gAMA", b"\x00" * 5)), id="long-gama"),
        pytest.param(
            lambda png: png.replace(IDAT, chunk(b"IDAT", zlib.compress(RED) + NAME)),
            id="bytes-after-zlib-stream",
        ),
        pytest.param(
            lambda png: png.replace(IDAT, chunk(b"IDAT", zlib.compress(RED)[:-4])),
            id="zlib-stream-cut",
        ),
        pytest.param(lambda png: png.replace(IDAT, b""), id="no-idat"),
    ],
)
def test_damaged_png_is_refused(damage: Callable[[bytes], bytes]) -> None:
    good = PNG_SIGNATURE + IHDR + GAMA + PNG_METADATA[0] + IDAT + IEND
    assert clean_attachment(good) is not None
    assert clean_attachment(damage(good)) is None


# JPEG -----------------------------------------------------------------------------------

SOI, EOI = b"\xff\xd8", b"\xff\xd9"


def seg(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def huffman(table_class: int, symbol: int) -> bytes:
    """A table with one code ("0", length 1) for ``symbol``."""
    return bytes((table_class << 4,)) + bytes((1,) + (0,) * 15) + bytes((symbol,))


# A baseline 8×8 grey JPEG: one component, one block whose DC difference and EOB are both the
# single one-bit code "0", so the scan is the bits 00 padded with ones: 0x3F.
JFIF = seg(0xE0, b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00")
ADOBE = seg(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
DQT = seg(0xDB, b"\x00" + bytes(range(1, 65)))
SOF0 = seg(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
DHT = seg(0xC4, huffman(0, 0x00) + huffman(1, 0x00))
SOS = seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
SCAN = b"\x3f"
BASELINE = SOI + JFIF + DQT + SOF0 + DHT + SOS + SCAN + EOI

THUMBNAIL = SOI + seg(0xDB, b"\x00" + b"\x77" * 64) + SOF0 + DHT + SOS + b"\x5a\x5a" + EOI


def exif(thumbnail: bytes) -> bytes:
    """An APP1 EXIF payload: IFD0 with Artist, Orientation and a GPS IFD; IFD1, a thumbnail."""
    entry = struct.Struct(">HHII")
    artist = b"Artist: " + NAME + b"\x00"
    ifd0_at, gps_at = 8, 8 + 2 + 3 * 12 + 4
    ifd1_at = gps_at + 2 + 2 * 12 + 4
    data_at = ifd1_at + 2 + 2 * 12 + 4
    artist_at, latitude_at, thumb_at = data_at, data_at + len(artist), data_at + len(artist) + 24
    tiff = b"MM\x00\x2a" + struct.pack(">I", ifd0_at)
    tiff += struct.pack(">H", 3) + entry.pack(0x013B, 2, len(artist), artist_at)
    tiff += entry.pack(0x0112, 3, 1, 6 << 16) + entry.pack(0x8825, 4, 1, gps_at)
    tiff += struct.pack(">I", ifd1_at)
    tiff += struct.pack(">H", 2) + entry.pack(0x0001, 2, 2, int.from_bytes(b"N\x00\x00\x00"))
    tiff += entry.pack(0x0002, 5, 3, latitude_at) + struct.pack(">I", 0)
    tiff += struct.pack(">H", 2) + entry.pack(0x0201, 4, 1, thumb_at)
    tiff += entry.pack(0x0202, 4, 1, len(thumbnail)) + struct.pack(">I", 0)
    assert len(tiff) == data_at
    return b"Exif\x00\x00" + tiff + artist + GPS + thumbnail


XMP = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>" + NAME + b"</dc:creator>"
JPEG_METADATA = (
    seg(0xE1, exif(THUMBNAIL)),
    seg(0xE1, XMP + b"</x:xmpmeta>"),
    seg(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"\x00\x00\x02\x00appl desc " + NAME),
    seg(0xE0, b"JFXX\x00\x10" + THUMBNAIL),
    seg(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x50\x00\x08" + NAME),
    seg(0xEF, b"vendor " + NAME),
    seg(0xFE, NAME),
)
ENTROPY = re.compile(rb"(?:[^\xff]|\xff+[\x00\xd0-\xd7])*")


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, segment bytes) from SOI to EOI, entropy-coded data as marker 0."""
    assert data.startswith(SOI) and data.endswith(EOI)
    pos, found = 2, [(0xD8, SOI)]
    while data[pos : pos + 2] != EOI:
        assert data[pos] == 0xFF and data[pos + 1] not in (0x00, 0xFF, 0xD8, 0xD9)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        found.append((data[pos + 1], data[pos : pos + 2 + length]))
        pos += 2 + length
        if found[-1][0] == 0xDA:
            match = ENTROPY.match(data, pos)
            assert match is not None and match.end() > pos
            found.append((0, match.group()))
            pos = match.end()
    assert pos + 2 == len(data)
    return [*found, (0xD9, EOI)]


def test_jpeg_metadata_is_removed_and_image_segments_kept_byte_for_byte() -> None:
    jfif_with_thumbnail = seg(0xE0, JFIF[4:-2] + b"\x01\x01" + b"\xaa\xbb\xcc")
    original = SOI + jfif_with_thumbnail + b"".join(JPEG_METADATA) + ADOBE + DQT + SOF0
    original += DHT + SOS + SCAN + EOI + seg(0xFE, b"after the end: " + NAME)
    clean = cleaned(original)
    assert clean.data == SOI + JFIF + ADOBE + DQT + SOF0 + DHT + SOS + SCAN + EOI
    for identifying in (NAME, b"Jane", GPS, b"Exif", b"xmpmeta", b"ICC_PROFILE", b"8BIM"):
        assert identifying not in clean.data
    assert b"\x77" * 64 not in clean.data and clean.data.count(SOI) == 1  # no thumbnail
    markers = [marker for marker, _ in jpeg_segments(clean.data)]
    assert markers == [0xD8, 0xE0, 0xEE, 0xDB, 0xC0, 0xC4, 0xDA, 0, 0xD9]
    assert (clean.filename, clean.content_type) == ("image.jpg", "image/jpeg")


def test_jpeg_fill_bytes_restart_markers_and_stuffed_bytes_stay_in_the_scan() -> None:
    # 16×8: two blocks with a restart marker between them (after a fill byte), fill before EOI.
    frame = seg(0xC0, b"\x08\x00\x08\x00\x10\x01\x01\x11\x00")
    scan = b"\x3f\xff\xff\xd0\x3f"
    original = SOI + b"\xff" + DQT + frame + seg(0xDD, b"\x00\x01") + DHT + SOS + scan
    clean = cleaned(original + b"\xff\xff" + EOI).data
    assert clean == SOI + DQT + frame + seg(0xDD, b"\x00\x01") + DHT + SOS + scan + EOI
    stuffed = b"\x12\xff\x00\x34\xff\xd7\x56\xff\x00"  # FF 00 and RST7 are not markers
    clean = cleaned(BASELINE.replace(SCAN + EOI, stuffed + EOI)).data
    assert clean == BASELINE.replace(SCAN + EOI, stuffed + EOI)
    assert jpeg_segments(clean)[-2] == (0, stuffed)


def test_progressive_jpeg_keeps_every_scan_and_drops_metadata_between_scans() -> None:
    frame = seg(0xC2, SOF0[4:])
    dc_scan = seg(0xDA, b"\x01\x01\x00\x00\x00\x00") + b"\x7f"
    ac_scan = seg(0xDA, b"\x01\x01\x00\x01\x3f\x00") + b"\x7f"
    dc_table, ac_table = seg(0xC4, huffman(0, 0)), seg(0xC4, huffman(1, 0))
    original = SOI + DQT + frame + dc_table + dc_scan + JPEG_METADATA[-1] + ac_table
    original += JPEG_METADATA[1] + ac_scan + EOI
    clean = cleaned(original).data
    assert clean == SOI + DQT + frame + dc_table + dc_scan + ac_table + ac_scan + EOI
    assert NAME not in clean
    assert [m for m, _ in jpeg_segments(clean)].count(0xDA) == 2


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(BASELINE[:-2], id="no-eoi"),
        pytest.param(BASELINE[:-3], id="scan-cut"),
        pytest.param(SOI + JFIF + DQT + SOF0 + DHT + EOI, id="no-sos"),
        pytest.param(BASELINE[:30], id="segment-cut"),
        pytest.param(SOI + JFIF + DQT + DHT + SOS + SCAN + EOI, id="scan-before-frame"),
        pytest.param(BASELINE.replace(SOF0, SOF0 + SOF0), id="two-frames"),
        pytest.param(BASELINE.replace(DQT, DQT + b"\x00"), id="bytes-between-segments"),
        pytest.param(BASELINE.replace(DHT, seg(0xC4, DHT[4:] + NAME)), id="dht-padded"),
        pytest.param(BASELINE.replace(DQT, seg(0xDB, DQT[4:-1])), id="dqt-short"),
        pytest.param(BASELINE.replace(SOF0, seg(0xC0, SOF0[4:] + NAME)), id="sof-padded"),
        pytest.param(BASELINE.replace(SOF0, seg(0xC0, b"\x08\x00\x00" + SOF0[7:])), id="height-0"),
        pytest.param(BASELINE.replace(SOF0, seg(0xF7, SOF0[4:])), id="jpeg-ls"),
        pytest.param(BASELINE.replace(SOF0, seg(0xDE, SOF0[4:]) + SOF0), id="hierarchical"),
        pytest.param(BASELINE.replace(JFIF, SOI + JFIF), id="second-soi"),
    ],
)
def test_broken_jpeg_is_refused(broken: bytes) -> None:
    assert clean_attachment(BASELINE) is not None
    assert clean_attachment(broken) is None
