"""Pictures a requester sends by DM, cleaned so they cannot identify them (pure functions).

The bot downloads an attachment's bytes and hands them to :func:`clean_attachment`, which
recognises the type from the bytes' magic numbers only (never from the file's name or the
declared content type, both chosen by the sender), rebuilds the file from the parts needed to
draw it, and returns it under a neutral name such as ``image.png``. Whatever else the file
carries is left out: EXIF (camera model, serial number, GPS position, time, and an embedded
thumbnail, which may show what a crop removed), XMP (often the author's name), ICC profiles
(which can name a device), Photoshop/IPTC blocks, comments, text chunks and application
extensions, and any bytes after the image's end. Anything not understood with confidence
(another type, a truncated or malformed file, an unusual JPEG process) is refused with
``None``, never passed through.

Removing EXIF also removes its orientation tag, so a phone photo whose pixels are stored
sideways may show rotated. That is accepted: the orientation tag sits in the same EXIF block
as the camera model, GPS position and time, and keeping it would mean rewriting EXIF rather
than dropping it, a larger parser to trust with the requester's anonymity. Colour profiles go
too, so a wide-gamut picture may look slightly duller.

Parsing runs in memory on at most :data:`MAX_BYTES` bytes and, for PNG, inflates the pixel
data once to check it (at most :data:`MAX_PNG_PIXEL_BYTES`); a caller on the event loop
should run it in a thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

ACCEPTED_KINDS = "JPEG, PNG, GIF or WebP pictures"
MAX_BYTES = 25 * 1024 * 1024  # larger files are refused
MAX_PNG_PIXEL_BYTES = 256 * 1024 * 1024  # a PNG whose pixels inflate to more is refused


@dataclass(frozen=True)
class CleanFile:
    """A picture rebuilt without metadata, under a neutral name."""

    data: bytes
    filename: str
    content_type: str


def clean_attachment(data: bytes, index: int = 1) -> CleanFile | None:
    """The picture in ``data`` without its metadata, or None if it cannot be cleaned.

    ``index`` numbers the pictures of one message: 1 gives ``image.jpg``, 2 ``image-2.jpg``.
    """
    if index < 1:
        raise ValueError(f"index must be 1 or more, not {index}")
    if not data or len(data) > MAX_BYTES:
        return None
    for magic, clean, extension, content_type in _KINDS:
        if not data.startswith(magic) or (magic == b"RIFF" and data[8:12] != b"WEBP"):
            continue
        try:
            cleaned = clean(data)
        except (IndexError, ValueError, struct.error, zlib.error):
            cleaned = None  # a bounds check missed is still a refusal, never a pass-through
        if cleaned is None:
            return None
        suffix = "" if index == 1 else f"-{index}"
        return CleanFile(cleaned, f"image{suffix}.{extension}", content_type)
    return None


# JPEG -----------------------------------------------------------------------------------

_SOI, _EOI, _SOS, _DQT, _DHT, _DAC, _DRI = 0xD8, 0xD9, 0xDA, 0xDB, 0xC4, 0xCC, 0xDD
_APP0, _APP14 = 0xE0, 0xEE
# SOF0-3, 5-7, 9-11, 13-15; C4 (DHT), C8 (reserved) and CC (DAC) sit between them.
_SOF = frozenset(range(0xC0, 0xD0)) - {_DHT, 0xC8, _DAC}
# Segments dropped whole: APP1-APP13 and APP15 (EXIF, XMP, ICC, MPF, IPTC...) and COM.
_DROPPED = frozenset(range(0xE1, 0xF0)) - {_APP14} | {0xFE}


def _clean_jpeg(data: bytes) -> bytes | None:
    """SOI, the tables, frame and scans, EOI; every other segment and trailing bytes left out.

    Refuses hierarchical and JPEG-LS files, DNL, a second frame, a scan before the frame, and
    anything not ending in EOI.
    """
    out = [b"\xff\xd8"]
    pos, n = 2, len(data)
    frame = scanned = False
    while True:
        if pos >= n or data[pos] != 0xFF:
            return None  # truncated, or bytes between segments
        while pos < n and data[pos] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos >= n:
            return None
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            if not scanned:
                return None
            out.append(b"\xff\xd9")
            return b"".join(out)
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            return None
        payload = data[pos + 2 : pos + length]
        pos += length
        if marker in _DROPPED:
            continue
        if marker == _APP0:
            if len(payload) < 14 or payload[:5] != b"JFIF\x00":
                continue  # JFXX (a thumbnail) or another APP0
            payload = payload[:12] + b"\x00\x00"  # no JFIF thumbnail
        elif marker == _APP14:
            if len(payload) < 12 or payload[:5] != b"Adobe":
                continue
            payload = payload[:12]
        elif not _jpeg_segment_ok(marker, payload, frame):
            return None
        frame = frame or marker in _SOF
        out.append(bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload)
        if marker == _SOS:
            end = _entropy_end(data, pos)
            if end is None:
                return None
            out.append(data[pos:end])
            pos, scanned = end, True


def _jpeg_segment_ok(marker: int, payload: bytes, frame: bool) -> bool:
    """Whether a kept segment is well formed, with no room for bytes beyond its tables."""
    size = len(payload)
    if marker in _SOF:
        count = payload[5] if size >= 6 else 0
        sized = size >= 6 and payload[1:3] != b"\x00\x00" and payload[3:5] != b"\x00\x00"
        return not frame and sized and count > 0 and size == 6 + 3 * count
    if marker == _SOS:
        count = payload[0] if size else 0
        return frame and 1 <= count <= 4 and size == 4 + 2 * count
    if marker == _DRI:
        return size == 2
    if marker == _DAC:
        return size > 0 and size % 2 == 0
    if marker in (_DQT, _DHT):  # tables, each a class/precision and id byte, then entries
        pos = 0
        while pos < size:
            high, table = payload[pos] >> 4, payload[pos] & 0x0F
            symbols = sum(payload[pos + 1 : pos + 17])
            if high > 1 or table > 3 or (marker == _DHT and (pos + 17 > size or symbols > 256)):
                return False
            pos += 1 + 64 * (high + 1) if marker == _DQT else 17 + symbols
        return size > 0 and pos == size
    return False  # SOI again, TEM, RSTn outside a scan, DNL, DHP, EXP, JPGn, reserved


def _entropy_end(data: bytes, pos: int) -> int | None:
    """Where the entropy-coded data from ``pos`` ends: the first 0xFF of the next marker.

    Stuffed bytes (FF 00) and restart markers (FF D0-D7), with any fill bytes before them,
    belong to the data. None if no marker follows.
    """
    n = len(data)
    while True:
        start = data.find(b"\xff", pos)
        if start < 0:
            return None
        after = start + 1
        while after < n and data[after] == 0xFF:
            after += 1
        if after >= n:
            return None
        if data[after] != 0x00 and not 0xD0 <= data[after] <= 0xD7:
            return start
        pos = after + 1


# PNG ------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_CHUNK = 2**31 - 1
# Chunks kept and the lengths their data may have; every other chunk is dropped (an unknown
# critical one refuses the file).
_PNG_KEPT: dict[bytes, tuple[int, int]] = {
    b"IHDR": (13, 13), b"PLTE": (3, 768), b"IDAT": (0, _PNG_MAX_CHUNK), b"IEND": (0, 0),
    b"tRNS": (1, 256), b"gAMA": (4, 4), b"cHRM": (32, 32), b"sRGB": (1, 1), b"sBIT": (1, 4),
    b"bKGD": (1, 6), b"pHYs": (9, 9), b"acTL": (8, 8), b"fcTL": (26, 26),
    b"fdAT": (4, _PNG_MAX_CHUNK),
}  # fmt: skip
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# Adam7's passes: first column and row, column and row steps.
_ADAM7 = (
    (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
    (0, 1, 1, 2),
)  # fmt: skip


def _clean_png(data: bytes) -> bytes | None:
    """The signature and the kept chunks, byte for byte, after checking every chunk's CRC.

    IHDR must come first and IEND last (bytes after it are left out); the IDAT stream must
    inflate to exactly the size IHDR promises, so a truncated or padded one is refused.
    """
    pos, n = len(_PNG_SIGNATURE), len(data)
    kept: list[bytes] = [_PNG_SIGNATURE]
    idat: list[bytes] = []
    kind = b""
    while kind != b"IEND":
        if pos + 12 > n:
            return None
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > _PNG_MAX_CHUNK or end > n or not kind.isalpha():
            return None
        body = data[pos + 8 : end - 4]
        if zlib.crc32(body, zlib.crc32(kind)) != int.from_bytes(data[end - 4 : end], "big"):
            return None
        if (pos == len(_PNG_SIGNATURE)) != (kind == b"IHDR"):
            return None
        limits = _PNG_KEPT.get(kind)
        if limits is not None:
            if not limits[0] <= length <= limits[1] or (kind == b"PLTE" and length % 3):
                return None
            kept.append(data[pos:end])
            if kind == b"IDAT":
                idat.append(body)
        elif not kind[0] & 0x20:
            return None  # an unknown critical chunk: the picture cannot be drawn without it
        pos = end
    expected = _png_pixel_bytes(kept[1][8:21])
    if expected is None or not _inflates_to(b"".join(idat), expected):
        return None
    return b"".join(kept)


def _png_pixel_bytes(header: bytes) -> int | None:
    """The size of the filtered scanlines IHDR describes, or None if IHDR is invalid."""
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    if not (0 < width <= _PNG_MAX_CHUNK and 0 < height <= _PNG_MAX_CHUNK):
        return None
    if depth not in _PNG_DEPTHS.get(colour, ()) or compression or filtering or interlace > 1:
        return None
    bits = depth * _PNG_CHANNELS[colour]
    passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        columns, rows = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if columns > 0 and rows > 0:
            total += rows * (1 + (columns * bits + 7) // 8)
    return total if total <= MAX_PNG_PIXEL_BYTES else None


def _inflates_to(stream: bytes, expected: int) -> bool:
    """Whether ``stream`` is one complete zlib stream of exactly ``expected`` bytes."""
    inflater = zlib.decompressobj()
    total, pending = 0, stream
    while not inflater.eof:
        out = inflater.decompress(pending, 1 << 20)
        total += len(out)
        pending = inflater.unconsumed_tail
        if total > expected or (not out and not pending):
            break
    return inflater.eof and not inflater.unused_data and total == expected


# GIF ------------------------------------------------------------------------------------

_LOOPING = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _clean_gif(data: bytes) -> bytes | None:
    """Header, screen descriptor, colour tables, frames, frame timing and looping; no comments,
    plain text or other application extensions, nor bytes after the trailer."""
    n = len(data)
    if data[:6] not in (b"GIF87a", b"GIF89a") or n < 13:
        return None
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    out = [data[:pos]]
    frames = 0
    while True:
        if pos >= n:
            return None
        if data[pos] == 0x3B:
            if not frames:
                return None
            out.append(b"\x3b")
            return b"".join(out)
        if data[pos] == 0x2C:  # image descriptor, local colour table, LZW data
            if pos + 11 > n:
                return None
            packed = data[pos + 9]
            start = pos + 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
            end = _sub_blocks_end(data, start + 1)
            if end is None or not 2 <= data[start] <= 8:
                return None
            out.append(data[pos:end])
            frames += 1
        elif data[pos] == 0x21 and pos + 2 < n:  # extension: label, then sub-blocks
            label = data[pos + 1]
            end = _sub_blocks_end(data, pos + 2)
            if end is None:
                return None
            if label == 0xF9:  # graphic control: one block of 4 bytes
                if data[pos + 2] != 4 or end != pos + 8:
                    return None
                out.append(data[pos:end])
            elif label == 0xFF:
                out.append(_gif_looping(data, pos, end))
        else:
            return None
        pos = end


def _sub_blocks_end(data: bytes, pos: int) -> int | None:
    """The index after the terminator of the data sub-blocks starting at ``pos``."""
    n = len(data)
    while pos < n and data[pos]:
        pos += 1 + data[pos]
    return pos + 1 if pos < n else None


def _gif_looping(data: bytes, pos: int, end: int) -> bytes:
    """The loop count of a NETSCAPE2.0/ANIMEXTS1.0 extension, rebuilt; b"" for any other
    application extension (and for a looping one without a loop count)."""
    identifier = data[pos + 3 : pos + 14]
    if data[pos + 2] != 11 or identifier not in _LOOPING:
        return b""
    block = pos + 14
    while block < end - 1:
        size = data[block]
        if size == 3 and data[block + 1] == 1:
            return b"\x21\xff\x0b" + identifier + data[block : block + 4] + b"\x00"
        block += 1 + size
    return b""


# WebP -----------------------------------------------------------------------------------

_WEBP_IMAGES = (b"VP8 ", b"VP8L")
_VP8X_KEPT_FLAGS = 0x12  # alpha and animation; ICC (0x20), EXIF (0x08), XMP (0x04) cleared


def _clean_webp(data: bytes) -> bytes | None:
    """VP8/VP8L/ALPH image data, the VP8X header with its metadata flags cleared, animation
    chunks with their frames' own chunks filtered the same way; a new RIFF size."""
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        return None
    chunks = _riff_chunks(data, 12, riff_end)
    if not chunks or chunks[0][0] not in (*_WEBP_IMAGES, b"VP8X"):
        return None
    out: list[bytes] = []
    images = 0
    for index, (fourcc, payload) in enumerate(chunks):
        if fourcc == b"VP8X":
            if index or len(payload) != 10:
                return None
            payload = bytes((payload[0] & _VP8X_KEPT_FLAGS, 0, 0, 0)) + payload[4:]
        elif fourcc in _WEBP_IMAGES:
            if not _webp_image_ok(fourcc, payload):
                return None
            images += 1
        elif fourcc == b"ANIM":
            if len(payload) != 6:
                return None
        elif fourcc == b"ANMF":
            frame = _riff_chunks(payload, 16, len(payload)) if len(payload) > 16 else None
            if frame is None:
                return None
            parts = [(c, p) for c, p in frame if c in (*_WEBP_IMAGES, b"ALPH")]
            pictures = [_webp_image_ok(c, p) for c, p in parts if c in _WEBP_IMAGES]
            if not pictures or not all(pictures):
                return None
            payload = payload[:16] + b"".join(_riff_chunk(c, p) for c, p in parts)
            images += 1
        elif fourcc != b"ALPH":
            continue  # EXIF, XMP, ICCP and unknown chunks
        out.append(_riff_chunk(fourcc, payload))
    if not images:
        return None
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def _riff_chunks(data: bytes, pos: int, end: int) -> list[tuple[bytes, bytes]] | None:
    """The (FourCC, payload) chunks from ``pos`` to ``end``, each padded to an even length."""
    chunks = []
    while pos < end:
        if pos + 8 > end:
            return None
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if pos + 8 + size > end:
            return None
        chunks.append((data[pos : pos + 4], data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return chunks if pos == end else None


def _riff_chunk(fourcc: bytes, payload: bytes) -> bytes:
    return fourcc + len(payload).to_bytes(4, "little") + payload + b"\x00" * (len(payload) % 2)


def _webp_image_ok(fourcc: bytes, payload: bytes) -> bool:
    """A lossy key frame (start code 9D 01 2A) or a lossless stream (signature 0x2F)."""
    if fourcc == b"VP8 ":
        return len(payload) >= 10 and not payload[0] & 1 and payload[3:6] == b"\x9d\x01\x2a"
    return len(payload) >= 5 and payload[0] == 0x2F


_Cleaner = Callable[[bytes], bytes | None]
# Each kind by the magic number it starts with (WebP: "RIFF", a size, "WEBP").
_KINDS: tuple[tuple[bytes, _Cleaner, str, str], ...] = (
    (b"\xff\xd8\xff", _clean_jpeg, "jpg", "image/jpeg"),
    (_PNG_SIGNATURE, _clean_png, "png", "image/png"),
    (b"GIF8", _clean_gif, "gif", "image/gif"),
    (b"RIFF", _clean_webp, "webp", "image/webp"),
)
