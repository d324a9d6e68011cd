"""Settings from the environment and ``.env``, validated once, with one-line errors.

Every setting of DESIGN.md's "Running it" table is read here and nowhere else. The process
environment wins over ``.env``; an empty value counts as unset at either layer, so an
``.env.example`` copied with blank lines (``DISCORD_API_BASE=``) means "use the default".
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.core.library import default_prompts_path

log = logging.getLogger(__name__)

# The SQLite file inside KINDRED_DATA_DIR (the store opens it; `check --db` and backups name it).
DB_FILENAME = "kindred.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SECRET_KEY_BYTES = 32
_KEYGEN_HINT = (
    'generate one with: python -c "import base64, os; '
    'print(base64.b64encode(os.urandom(32)).decode())"'
)
_SNOWFLAKE = re.compile(r"^[0-9]{15,21}$")


class ConfigError(Exception):
    """A setting is missing or invalid; ``str(error)`` is one line naming it and the fix."""

    def __init__(self, message: str) -> None:
        # The CLI prints this as-is; a newline would split the one-line message.
        super().__init__(" ".join(message.split()))


class SettingDoc(NamedTuple):
    """One documented setting: its variable name, what it means and its default."""

    name: str
    meaning: str
    default: str


SETTINGS: tuple[SettingDoc, ...] = (
    SettingDoc(
        "DISCORD_TOKEN",
        "the bot token from Discord's developer portal",
        "required to run",
    ),
    SettingDoc(
        "DISCORD_APPLICATION_ID",
        "the application id, for invite-url",
        "read from the token's first segment",
    ),
    SettingDoc(
        "KINDRED_DATA_DIR",
        "where kindred.db and the sealing key file live",
        "./data",
    ),
    SettingDoc(
        "KINDRED_SECRET_KEY",
        "the sealing key (base64, 32 bytes), instead of the key file",
        "key file created on first run",
    ),
    SettingDoc(
        "KINDRED_PROMPTS",
        "path of the prompt library",
        "the prompts.yaml shipped with the package",
    ),
    SettingDoc(
        "KINDRED_GRACE_MINUTES",
        "how late missed scheduled work may still be done after downtime (0-1440)",
        "180",
    ),
    SettingDoc(
        "KINDRED_RETENTION_DAYS",
        "how long closed support requests and their sealed ids are kept (1-3650)",
        "30",
    ),
    SettingDoc(
        "KINDRED_SUPPORT_LIMIT",
        "support requests per member per 24 h (1-100)",
        "3",
    ),
    SettingDoc(
        "DISCORD_API_BASE",
        "where Discord's REST API is (http:// or https://), for proxies and the local stand-in",
        "Discord's own",
    ),
    SettingDoc(
        "DISCORD_GATEWAY_URL",
        "where Discord's gateway is (ws:// or wss://), for proxies and the local stand-in",
        "Discord's own",
    ),
    SettingDoc(
        "KINDRED_LOG_LEVEL",
        "logging level: DEBUG, INFO, WARNING or ERROR",
        "INFO",
    ),
    SettingDoc(
        "KINDRED_REST_RATE",
        "REST calls per second this process may make (1-50; Discord allows 50 per bot in all, "
        "shared by every process)",
        "49 split evenly over KINDRED_PROCESS_COUNT",
    ),
    SettingDoc(
        "KINDRED_SHARD_COUNT",
        "run as a sharded bot: the total number of shards (1-4096), or auto for Discord's "
        "recommendation (one process running every shard only)",
        "unset: one unsharded connection",
    ),
    SettingDoc(
        "KINDRED_SHARD_IDS",
        "the shards this process runs, e.g. 0-3 or 0,2 (needs a numeric KINDRED_SHARD_COUNT)",
        "every shard",
    ),
    SettingDoc(
        "KINDRED_PROCESS_COUNT",
        "how many Kindred processes share the bot token (1-256), to split the rate budget",
        "the shard count divided by this process's shards, else 1",
    ),
)

MAX_SHARDS = 4096
MAX_PROCESSES = 256
GLOBAL_REST_RATE = 49  # calls per second for all processes together (Discord allows 50)


@dataclass(frozen=True)
class Sharding:
    """KINDRED_SHARD_COUNT and KINDRED_SHARD_IDS. ``count`` None: Discord's recommendation
    (GET /gateway/bot), with every shard in this process; ``ids`` None: every shard."""

    count: int | None
    ids: tuple[int, ...] | None = None

    def describe(self) -> str:
        if self.count is None:
            return "every shard of Discord's recommended count"
        ids = self.ids if self.ids is not None else tuple(range(self.count))
        return f"shards {_ranges(ids)} of {self.count}"


@dataclass(frozen=True)
class Settings:
    """Validated settings. The token and key are kept out of ``repr`` so they never reach logs."""

    discord_token: str | None = field(repr=False)
    application_id: int | None
    data_dir: Path
    secret_key: bytes | None = field(repr=False)
    prompts_path: Path
    grace_minutes: int
    retention_days: int
    support_limit: int
    api_base: str | None
    gateway_url: str | None
    log_level: str
    # Calls per second; a process's even share of GLOBAL_REST_RATE may be fractional (24.5).
    rest_rate: float = GLOBAL_REST_RATE
    # None: one unsharded gateway connection and a plain discord.py Bot.
    sharding: Sharding | None = None
    process_count: int = 1

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = Path(".env"),
    require_token: bool = True,
) -> Settings:
    """Read and validate every setting; raise :class:`ConfigError` on the first problem.

    ``environ`` defaults to ``os.environ``; values there win over ``env_file`` (read with
    ``dotenv_values``, without interpolation, and never copied into ``os.environ``).
    """
    values = _merged(os.environ if environ is None else environ, env_file)

    token = _token(values.get("DISCORD_TOKEN"), require_token)
    application_id = _application_id(values.get("DISCORD_APPLICATION_ID"), token)
    data_dir = Path(values.get("KINDRED_DATA_DIR", "./data")).expanduser()
    secret_key = _secret_key(values.get("KINDRED_SECRET_KEY"))
    prompts_path = _prompts_path(values.get("KINDRED_PROMPTS"))
    grace = _int_in_range(values, "KINDRED_GRACE_MINUTES", 180, 0, 1440, "minutes")
    retention = _int_in_range(values, "KINDRED_RETENTION_DAYS", 30, 1, 3650, "days")
    support_limit = _int_in_range(values, "KINDRED_SUPPORT_LIMIT", 3, 1, 100, "requests")
    api_base = _url(values.get("DISCORD_API_BASE"), "DISCORD_API_BASE", ("http", "https"))
    gateway_url = _url(values.get("DISCORD_GATEWAY_URL"), "DISCORD_GATEWAY_URL", ("ws", "wss"))
    log_level = _log_level(values.get("KINDRED_LOG_LEVEL"))
    sharding = _sharding(values.get("KINDRED_SHARD_COUNT"), values.get("KINDRED_SHARD_IDS"))
    process_count = _int_in_range(
        values, "KINDRED_PROCESS_COUNT", _processes_of(sharding), 1, MAX_PROCESSES, "processes"
    )
    if process_count > GLOBAL_REST_RATE and "KINDRED_REST_RATE" not in values:
        raise ConfigError(
            f"{process_count} processes cannot split Discord's 50 REST calls a second (at "
            f"least one each): run more shards per process, or set KINDRED_REST_RATE to this "
            f"process's share of the raised limit Discord gave the bot"
        )
    rest_rate: float = GLOBAL_REST_RATE / process_count
    if "KINDRED_REST_RATE" in values:
        rest_rate = _int_in_range(values, "KINDRED_REST_RATE", 49, 1, 50, "calls per second")

    return Settings(
        discord_token=token,
        application_id=application_id,
        data_dir=data_dir,
        secret_key=secret_key,
        prompts_path=prompts_path,
        grace_minutes=grace,
        retention_days=retention,
        support_limit=support_limit,
        api_base=api_base,
        gateway_url=gateway_url,
        log_level=log_level,
        rest_rate=rest_rate,
        sharding=sharding,
        process_count=process_count,
    )


def application_id_from_token(token: str) -> int | None:
    """The id encoded in a bot token's first segment, or None when it does not decode."""
    segment = token.split(".", 1)[0]
    if not segment:
        return None
    padded = segment + "=" * (-len(segment) % 4)
    try:
        decoded = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
        text = decoded.decode("ascii")
    except (binascii.Error, ValueError):
        return None
    return int(text) if _SNOWFLAKE.match(text) else None


# -- helpers -------------------------------------------------------------------


def _merged(environ: Mapping[str, str], env_file: Path | None) -> dict[str, str]:
    names = {doc.name for doc in SETTINGS}
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        try:
            file_values = dotenv_values(env_file, interpolate=False, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {env_file}: {exc}; fix or remove the file") from exc
        for name, value in file_values.items():
            if name in names and value is not None and value.strip():
                merged[name] = value.strip()
    for name in names:
        value = environ.get(name)
        if value is not None and value.strip():
            merged[name] = value.strip()
    return merged


def _token(value: str | None, required: bool) -> str | None:
    if value is None:
        if required:
            raise ConfigError(
                "DISCORD_TOKEN is not set: copy the bot token from the Discord developer "
                "portal (your application → Bot → Reset Token) into the environment or .env"
            )
        return None
    if value.lower().startswith("bot "):
        raise ConfigError("DISCORD_TOKEN starts with 'Bot ': set only the token itself")
    if any(ch.isspace() for ch in value):
        raise ConfigError(
            "DISCORD_TOKEN contains spaces: paste the token exactly as the developer portal "
            "shows it"
        )
    return value


def _application_id(value: str | None, token: str | None) -> int | None:
    if value is not None:
        if not _SNOWFLAKE.match(value):
            raise ConfigError(
                f"DISCORD_APPLICATION_ID must be the numeric application id from the developer "
                f"portal (General Information → Application ID), not {value!r}"
            )
        return int(value)
    # A token whose first segment does not decode only matters where the id is needed
    # (invite-url); the caller decides, so None here rather than an error.
    return application_id_from_token(token) if token else None


def _secret_key(value: str | None) -> bytes | None:
    if value is None:
        return None
    # Accept the standard and the URL-safe alphabet, padded or not, but nothing else:
    # b64decode without validate would silently skip stray characters.
    standard = value.replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"KINDRED_SECRET_KEY is not valid base64; {_KEYGEN_HINT}") from None
    if len(key) != SECRET_KEY_BYTES:
        raise ConfigError(
            f"KINDRED_SECRET_KEY must decode to exactly {SECRET_KEY_BYTES} bytes, not "
            f"{len(key)}; {_KEYGEN_HINT}"
        )
    return key


def _prompts_path(value: str | None) -> Path:
    path = default_prompts_path() if value is None else Path(value).expanduser()
    if not path.is_file():
        hint = (
            "point KINDRED_PROMPTS at an existing prompts.yaml or unset it to use the shipped one"
            if value is not None
            else "reinstall Kindred (the package is missing its prompts.yaml)"
        )
        raise ConfigError(f"KINDRED_PROMPTS: there is no file at {path}; {hint}")
    return path


def _int_in_range(
    values: Mapping[str, str], name: str, default: int, low: int, high: int, unit: str
) -> int:
    raw = values.get(name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ConfigError(
            f"{name} must be a whole number of {unit} from {low} to {high}, not {raw!r}; "
            f"unset it for the default ({default})"
        )
    return number


def _url(value: str | None, name: str, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes or not parts.netloc:
        wanted = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ConfigError(
            f"{name} must be a URL starting with {wanted} and a host, not {value!r}; "
            f"unset it to use Discord's own"
        )
    if parts.scheme.lower() in ("http", "https"):
        # discord.py appends "/users/@me" and the like to the base; a trailing slash doubles it.
        return value.rstrip("/")
    return value


def _log_level(value: str | None) -> str:
    if value is None:
        return "INFO"
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"KINDRED_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}"
        )
    return level


def _sharding(count_value: str | None, ids_value: str | None) -> Sharding | None:
    if count_value is None:
        if ids_value is not None:
            raise ConfigError(
                "KINDRED_SHARD_IDS needs KINDRED_SHARD_COUNT: set the total number of shards "
                "every process shares (for example KINDRED_SHARD_COUNT=2 KINDRED_SHARD_IDS=1)"
            )
        return None
    if count_value.lower() == "auto":
        if ids_value is not None:
            raise ConfigError(
                "KINDRED_SHARD_IDS needs a numeric KINDRED_SHARD_COUNT, not auto: processes "
                "splitting the shards must agree on their number"
            )
        return Sharding(count=None)
    try:
        count = int(count_value)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_SHARDS:
        raise ConfigError(
            f"KINDRED_SHARD_COUNT must be auto or a whole number from 1 to {MAX_SHARDS}, not "
            f"{count_value!r}; unset it to run unsharded"
        )
    if ids_value is None:
        return Sharding(count=count)
    return Sharding(count=count, ids=_shard_ids(ids_value, count))


def _shard_ids(value: str, count: int) -> tuple[int, ...]:
    """``0-3``, ``1`` or ``0,2,5-7``: each id below ``count``, none twice."""
    ids: list[int] = []
    try:
        for part in value.split(","):
            low, sep, high = part.strip().partition("-")
            first = int(low)
            last = int(high) if sep else first
            if first > last:
                raise ValueError(part)
            ids.extend(range(first, last + 1))
    except ValueError:
        raise ConfigError(
            f"KINDRED_SHARD_IDS must list shard numbers like 0-3 or 0,2, not {value!r}"
        ) from None
    if not ids or min(ids) < 0 or max(ids) >= count:
        raise ConfigError(
            f"KINDRED_SHARD_IDS: every shard must be from 0 to {count - 1} "
            f"(KINDRED_SHARD_COUNT={count}), not {value!r}"
        )
    if len(set(ids)) != len(ids):
        raise ConfigError(f"KINDRED_SHARD_IDS lists a shard twice: {value!r}")
    return tuple(sorted(ids))


def _processes_of(sharding: Sharding | None) -> int:
    """Processes sharing the token, assuming each runs as many shards as this one."""
    if sharding is None or sharding.count is None or sharding.ids is None:
        return 1
    return -(-sharding.count // len(sharding.ids))


def _ranges(ids: tuple[int, ...]) -> str:
    """(0, 1, 2, 5) -> "0-2, 5"."""
    parts: list[str] = []
    start = prev = ids[0]
    for n in (*ids[1:], None):
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
