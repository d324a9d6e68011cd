"""Cleaning GIF and WebP pictures, and what every kind shares: neutral names, types from the
bytes, and other files refused (PNG and JPEG, and the test helpers, are in test_files.py)."""

from __future__ import annotations

import base64
import dataclasses
import io
import struct
import zipfile
from collections.abc import Callable

import pytest
from test_files import (
    BASELINE,
    GPS,
    IDAT,
    IEND,
    IHDR,
    NAME,
    PNG_SIGNATURE,
    TIFF_WITH_NAME,
    XMP,
    cleaned,
)

from bot.support.files import ACCEPTED_KINDS, MAX_BYTES, clean_attachment

# GIF ------------------------------------------------------------------------------------

# GIF89a, 1×1, a global table of two colours; the image is LZW codes clear, 0, end.
GIF_HEAD = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
GIF_IMAGE = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
GIF_LOCAL = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0x80) + b"\x10\x20\x30\x40\x50\x60"
GIF_LOCAL += b"\x02\x02\x44\x01\x00"
GIF_CONTROL = b"\x21\xf9\x04\x04\x0a\x00\x00\x00"
GIF_LOOP = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
GIF_METADATA = (
    b"\x21\xfe\x08" + NAME + b"\x00",
    b"\x21\x01\x0c" + bytes(12) + b"\x08" + NAME + b"\x00",
    b"\x21\xff\x0bXMP DataXMP\x21<dc:creator>" + NAME + b"</dc:creator>\x00",
    b"\x21\xff\x0bJANEDOE 1.0\x08" + NAME + b"\x00",
)


def gif_blocks(data: bytes) -> list[bytes]:
    """The introducer (and label) of each block from the screen descriptor to the trailer."""
    assert data[:6] in (b"GIF87a", b"GIF89a") and data.endswith(b"\x3b")
    flags = data[10]
    pos, found = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0), []
    while data[pos] != 0x3B:
        if data[pos] == 0x2C:
            flags = data[pos + 9]
            found.append(b"\x2c")
            pos += 10 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        else:
            assert data[pos] == 0x21
            found.append(data[pos : pos + 2])
            pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    assert pos == len(data) - 1
    return found


def test_gif_comments_text_and_application_data_are_removed() -> None:
    loop_with_extra = GIF_LOOP[:-1] + b"\x05\x02\x00\x10\x00\x00" + b"\x08" + NAME + b"\x00"
    original = GIF_HEAD + GIF_METADATA[0] + loop_with_extra + GIF_METADATA[2] + GIF_CONTROL
    original += GIF_IMAGE + GIF_METADATA[1] + GIF_CONTROL + GIF_LOCAL + GIF_METADATA[3]
    clean = cleaned(original + b"\x3b" + b"after the trailer " + NAME, index=2)
    expected = GIF_HEAD + GIF_LOOP + GIF_CONTROL + GIF_IMAGE + GIF_CONTROL + GIF_LOCAL + b"\x3b"
    assert clean.data == expected
    assert NAME not in clean.data and b"XMP" not in clean.data
    blocks = gif_blocks(clean.data)
    assert blocks == [b"\x21\xff", b"\x21\xf9", b"\x2c", b"\x21\xf9", b"\x2c"]
    assert (clean.filename, clean.content_type) == ("image-2.gif", "image/gif")


def test_gif87a_without_extensions_passes_unchanged() -> None:
    original = b"GIF87a" + GIF_HEAD[6:] + GIF_IMAGE + b"\x3b"
    assert cleaned(original).data == original


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(GIF_HEAD + GIF_IMAGE, id="no-trailer"),
        pytest.param(GIF_HEAD + GIF_METADATA[0] + b"\x3b", id="no-image"),
        pytest.param(GIF_HEAD + GIF_IMAGE[:-2], id="image-cut"),
        pytest.param(GIF_HEAD[:9], id="header-cut"),
        pytest.param(GIF_HEAD + GIF_IMAGE + b"\x00\x3b", id="unknown-block"),
        pytest.param(GIF_HEAD + GIF_IMAGE.replace(b"\x02\x02D", b"\x0c\x02D") + b";", id="lzw-12"),
        pytest.param(GIF_HEAD + b"\x21\xf9\x05" + bytes(6) + GIF_IMAGE + b";", id="gce-long"),
        pytest.param(b"GIF88a" + GIF_HEAD[6:] + GIF_IMAGE + b";", id="bad-version"),
    ],
)
def test_broken_gif_is_refused(broken: bytes) -> None:
    assert clean_attachment(GIF_HEAD + GIF_IMAGE + b"\x3b") is not None
    assert clean_attachment(broken) is None


# WebP -----------------------------------------------------------------------------------

# Modernizr's 1×1 WebP feature-detection images: lossy, lossless, lossy with alpha, animated.
WEBP_LOSSY = "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"
WEBP_LOSSLESS = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="
WEBP_ALPHA = (
    "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQ"
    "AAAP4AAA3AAP7mtQAAAA=="
)
WEBP_ANIMATED = (
    "UklGRlIAAABXRUJQVlA4WAoAAAASAAAAAAAAAAAAQU5JTQYAAAD/////AABBTk1GJgAAAAAAAAAAAAAAAAAAAGQAAA"
    "BWUDhMDQAAAC8AAAAQBxAREYiI/gcA"
)


def riff(fourcc: bytes, payload: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) % 2)


def webp(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (FourCC, payload) chunks of a WebP, checking the RIFF size and the padding."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    pos, found = 12, []
    while pos < len(data):
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        found.append((data[pos : pos + 4], data[pos + 8 : pos + 8 + size]))
        if size % 2:
            assert data[pos + 8 + size] == 0
        pos += 8 + size + size % 2
    assert pos == len(data)
    return found


def test_webp_metadata_chunks_and_flags_are_removed() -> None:
    vp8x, alph, vp8 = webp_chunks(base64.b64decode(WEBP_ALPHA))
    flags = bytes((vp8x[1][0] | 0x20 | 0x08 | 0x04,)) + vp8x[1][1:]
    original = webp(
        riff(b"VP8X", flags),
        riff(b"ICCP", b"profile of " + NAME + b"'s phone"),  # odd length: padded
        riff(*alph),
        riff(*vp8),
        riff(b"EXIF", TIFF_WITH_NAME),
        riff(b"XMP ", XMP + b"</x:xmpmeta>"),
        riff(b"JANE", NAME + b"!"),
    )
    clean = cleaned(original + b"after the RIFF " + NAME)
    assert clean.data == base64.b64decode(WEBP_ALPHA)
    assert NAME not in clean.data and GPS not in clean.data
    chunks = webp_chunks(clean.data)
    assert [fourcc for fourcc, _ in chunks] == [b"VP8X", b"ALPH", b"VP8 "]
    assert chunks[0][1][0] == 0x10 and chunks[1:] == [alph, vp8]
    assert (clean.filename, clean.content_type) == ("image.webp", "image/webp")


def test_webp_animation_frames_keep_only_their_image_chunks() -> None:
    vp8x, anim, anmf = webp_chunks(base64.b64decode(WEBP_ANIMATED))
    frame = anmf[1] + riff(b"JANE", NAME)
    original = webp(riff(*vp8x), riff(*anim), riff(b"ANMF", frame), riff(b"EXIF", NAME))
    clean = cleaned(original).data
    assert clean == base64.b64decode(WEBP_ANIMATED)
    assert webp_chunks(clean)[2] == anmf


@pytest.mark.parametrize("sample", [WEBP_LOSSY, WEBP_LOSSLESS])
def test_simple_webp_with_metadata_keeps_its_bitstream(sample: str) -> None:
    (image,) = webp_chunks(base64.b64decode(sample))
    clean = cleaned(webp(riff(*image), riff(b"EXIF", TIFF_WITH_NAME))).data
    assert clean == base64.b64decode(sample) and webp_chunks(clean) == [image]


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda w: w[:-4], id="truncated"),
        pytest.param(lambda w: w.replace(b"VP8L\x0d", b"VP8L\x11"), id="chunk-overruns-riff"),
        pytest.param(lambda w: webp(riff(b"EXIF", NAME)), id="no-image"),
        pytest.param(lambda w: webp(riff(b"EXIF", NAME), w[12:]), id="metadata-first"),
        pytest.param(
            lambda w: w.replace(b"VP8L\x0d\x00\x00\x00/", b"VP8L\x0d\x00\x00\x00!"),
            id="bad-vp8l-signature",
        ),
        pytest.param(lambda w: w.replace(b"WEBP", b"WAVE"), id="riff-wave"),
        pytest.param(lambda w: webp(riff(b"VP8X", bytes(10))), id="vp8x-alone"),
    ],
)
def test_broken_webp_is_refused(broken: Callable[[bytes], bytes]) -> None:
    good = base64.b64decode(WEBP_LOSSLESS)
    assert clean_attachment(good) is not None
    assert clean_attachment(broken(good)) is None


# Every kind -----------------------------------------------------------------------------

SAMPLES = {
    "png": PNG_SIGNATURE + IHDR + IDAT + IEND,
    "jpg": BASELINE,
    "gif": GIF_HEAD + GIF_IMAGE + b"\x3b",
    "webp": base64.b64decode(WEBP_LOSSLESS),
}


@pytest.mark.parametrize("extension", SAMPLES)
@pytest.mark.parametrize(("index", "stem"), [(1, "image"), (2, "image-2"), (12, "image-12")])
def test_names_are_neutral_and_types_come_from_the_bytes(
    extension: str, index: int, stem: str
) -> None:
    clean = cleaned(SAMPLES[extension], index)
    assert clean.filename == f"{stem}.{extension}"
    assert clean.content_type == {"jpg": "image/jpeg"}.get(extension, f"image/{extension}")
    assert cleaned(clean.data, index) == clean  # cleaning again changes nothing
    with pytest.raises(dataclasses.FrozenInstanceError):
        clean.filename = "Jane Doe.png"  # type: ignore[misc]


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Jane Doe</w:document>")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Author (Jane Doe) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PDF, id="pdf"),
        pytest.param(docx(), id="docx"),
        pytest.param(b"Hello, my name is Jane Doe.\n", id="text"),
        pytest.param(b"", id="empty"),
        pytest.param(PNG_SIGNATURE, id="png-signature-only"),
        pytest.param(PNG_SIGNATURE + PDF, id="pdf-behind-png-signature"),
        pytest.param(b"\xff\xd8\xff" + PDF, id="pdf-behind-jpeg-magic"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28), id="wav"),
        pytest.param(PNG_SIGNATURE + IHDR + IDAT + IEND + bytes(MAX_BYTES), id="too-large"),
    ],
)
def test_other_files_are_refused(data: bytes) -> None:
    # A PDF named "photo.png" is the first case: the name is never looked at.
    assert clean_attachment(data) is None


def test_accepted_kinds_names_every_kind_and_index_must_be_positive() -> None:
    assert all(kind in ACCEPTED_KINDS for kind in ("JPEG", "PNG", "GIF", "WebP"))
    with pytest.raises(ValueError, match="index"):
        clean_attachment(SAMPLES["png"], 0)
