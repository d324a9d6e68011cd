"""Files a person attaches through the kit (`StandIn.post(..., files=...)`, `dm(..., files=...)`).

Each file is `(filename, data)` or `(filename, data, content_type)`. The kit refuses what the
Discord client would not send: more than 10 files, or a file over the channel's upload limit
(10 MiB in DMs and at boost tiers 0-1; Nitro is not modelled). The names are cleaned and the
content types guessed as for the bot's uploads (see `attachments`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.standin.attachments import MAX_FILES, Upload

File = tuple[str, bytes] | tuple[str, bytes, str]
Files = Sequence[File]


def uploads(files: Files, limit: int) -> list[Upload]:
    if len(files) > MAX_FILES:
        raise ValueError(f"the Discord client attaches at most {MAX_FILES} files, not {len(files)}")
    result = []
    for index, file in enumerate(files):
        filename, data = file[0], file[1]
        content_type = file[2] if len(file) == 3 else None
        if not isinstance(data, bytes | bytearray):
            raise TypeError(f"file {filename!r}: data must be bytes, not {type(data).__name__}")
        if len(data) > limit:
            raise ValueError(
                f"file {filename!r} has {len(data)} bytes: the Discord client refuses files over "
                f"the channel's {limit}-byte limit"
            )
        result.append(Upload(f"files[{index}]", filename, bytes(data), content_type or ""))
    return result
