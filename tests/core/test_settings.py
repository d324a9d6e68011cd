from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from bot.core.library import default_prompts_path
from bot.core.settings import (
    SETTINGS,
    ConfigError,
    Settings,
    application_id_from_token,
    load_settings,
)

APP_ID = 123456789012345678
TOKEN = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GhIjKl.abcdefghijklmnop"
KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()


def load(environ: dict[str, str], **kwargs: object) -> Settings:
    kwargs.setdefault("env_file", None)
    kwargs.setdefault("require_token", False)
    return load_settings(environ, **kwargs)  # type: ignore[arg-type]


def config_error(environ: dict[str, str], **kwargs: object) -> str:
    with pytest.raises(ConfigError) as info:
        load(environ, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_settings_document_every_variable_in_design_order() -> None:
    assert [doc.name for doc in SETTINGS] == [
        "DISCORD_TOKEN",
        "DISCORD_APPLICATION_ID",
        "KINDRED_DATA_DIR",
        "KINDRED_SECRET_KEY",
        "KINDRED_PROMPTS",
        "KINDRED_GRACE_MINUTES",
        "KINDRED_RETENTION_DAYS",
        "KINDRED_SUPPORT_LIMIT",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "KINDRED_LOG_LEVEL",
        "KINDRED_REST_RATE",
        "KINDRED_SHARD_COUNT",
        "KINDRED_SHARD_IDS",
        "KINDRED_PROCESS_COUNT",
    ]
    assert all(doc.meaning and doc.default for doc in SETTINGS)


def test_defaults() -> None:
    settings = load({})
    assert settings == Settings(
        discord_token=None,
        application_id=None,
        data_dir=Path("data"),
        secret_key=None,
        prompts_path=default_prompts_path(),
        grace_minutes=180,
        retention_days=30,
        support_limit=3,
        api_base=None,
        gateway_url=None,
        log_level="INFO",
    )
    assert settings.db_path == Path("data") / "kindred.db"


def test_every_setting_is_read() -> None:
    prompts = default_prompts_path()
    settings = load(
        {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_APPLICATION_ID": "999999999999999999",
            "KINDRED_DATA_DIR": "/srv/kindred",
            "KINDRED_SECRET_KEY": KEY_B64,
            "KINDRED_PROMPTS": str(prompts),
            "KINDRED_GRACE_MINUTES": "0",
            "KINDRED_RETENTION_DAYS": "3650",
            "KINDRED_SUPPORT_LIMIT": "100",
            "DISCORD_API_BASE": "http://127.0.0.1:8080/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8081/",
            "KINDRED_LOG_LEVEL": "debug",
            "KINDRED_REST_RATE": "25",
        }
    )
    assert settings.rest_rate == 25
    assert settings.discord_token == TOKEN
    assert settings.application_id == 999999999999999999
    assert settings.data_dir == Path("/srv/kindred")
    assert settings.db_path == Path("/srv/kindred/kindred.db")
    assert settings.secret_key == KEY
    assert settings.prompts_path == prompts
    assert (settings.grace_minutes, settings.retention_days, settings.support_limit) == (
        0,
        3650,
        100,
    )
    assert settings.api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:8081/"
    assert settings.log_level == "DEBUG"


def test_token_is_required_to_run() -> None:
    message = config_error({}, require_token=True)
    assert message.startswith("DISCORD_TOKEN is not set")
    assert "developer portal" in message


@pytest.mark.parametrize(
    ("token", "message"),
    [("Bot " + TOKEN, "starts with 'Bot '"), ("abc def", "contains spaces")],
)
def test_token_pasted_wrongly(token: str, message: str) -> None:
    assert message in config_error({"DISCORD_TOKEN": token}, require_token=True)


def test_application_id_is_decoded_from_the_token() -> None:
    assert load({"DISCORD_TOKEN": TOKEN}).application_id == APP_ID
    assert application_id_from_token(TOKEN) == APP_ID


@pytest.mark.parametrize("token", ["not-base64!.x.y", "aGVsbG8.x.y", ".x.y", "%%%"])
def test_undecodable_token_leaves_the_id_to_the_caller(token: str) -> None:
    assert load({"DISCORD_TOKEN": token}).application_id is None


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n"
        "KINDRED_SUPPORT_LIMIT=7\n"
        "KINDRED_RETENTION_DAYS=60\n"
        'KINDRED_LOG_LEVEL="warning"\n'
        "KINDRED_DATA_DIR=$HOME/x\n"
        "UNRELATED=1\n"
    )
    before = dict(os.environ)
    settings = load({"KINDRED_SUPPORT_LIMIT": "9"}, env_file=env_file)
    assert settings.support_limit == 9  # environment
    assert settings.retention_days == 60  # .env
    assert settings.log_level == "WARNING"  # .env, quoted
    assert settings.data_dir == Path("$HOME/x")  # no interpolation surprises
    assert dict(os.environ) == before  # .env is never copied into the process environment


def test_missing_env_file_is_fine(tmp_path: Path) -> None:
    assert load({}, env_file=tmp_path / "absent.env").support_limit == 3


def test_empty_values_count_as_unset(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_API_BASE=\nKINDRED_GRACE_MINUTES=15\nKINDRED_SUPPORT_LIMIT=5\n")
    settings = load({"KINDRED_GRACE_MINUTES": "", "KINDRED_LOG_LEVEL": "  "}, env_file=env_file)
    assert settings.api_base is None
    assert settings.grace_minutes == 15
    assert settings.support_limit == 5
    assert settings.log_level == "INFO"


def test_default_env_file_is_dot_env_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("KINDRED_SUPPORT_LIMIT=11\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings({}, require_token=False).support_limit == 11


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DISCORD_APPLICATION_ID", "abc", "DISCORD_APPLICATION_ID must be the numeric"),
        ("DISCORD_APPLICATION_ID", "-5", "DISCORD_APPLICATION_ID must be the numeric"),
        ("KINDRED_SECRET_KEY", "not base64 at all!", "KINDRED_SECRET_KEY is not valid base64"),
        (
            "KINDRED_SECRET_KEY",
            base64.b64encode(b"x" * 16).decode(),
            "KINDRED_SECRET_KEY must decode to exactly 32 bytes, not 16",
        ),
        ("KINDRED_PROMPTS", "/no/such/prompts.yaml", "KINDRED_PROMPTS: there is no file at"),
        ("KINDRED_GRACE_MINUTES", "-1", "KINDRED_GRACE_MINUTES must be a whole number"),
        ("KINDRED_GRACE_MINUTES", "1441", "from 0 to 1440"),
        ("KINDRED_GRACE_MINUTES", "2h", "KINDRED_GRACE_MINUTES must be a whole number"),
        ("KINDRED_RETENTION_DAYS", "0", "KINDRED_RETENTION_DAYS must be a whole number"),
        ("KINDRED_RETENTION_DAYS", "3651", "from 1 to 3650"),
        ("KINDRED_SUPPORT_LIMIT", "0", "KINDRED_SUPPORT_LIMIT must be a whole number"),
        ("KINDRED_SUPPORT_LIMIT", "101", "from 1 to 100"),
        ("KINDRED_SUPPORT_LIMIT", "3.5", "KINDRED_SUPPORT_LIMIT must be a whole number"),
        ("DISCORD_API_BASE", "discord.com/api", "DISCORD_API_BASE must be a URL"),
        ("DISCORD_API_BASE", "ws://127.0.0.1", "http:// or https://"),
        ("DISCORD_API_BASE", "https://", "DISCORD_API_BASE must be a URL"),
        ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg", "ws:// or wss://"),
        ("KINDRED_LOG_LEVEL", "verbose", "KINDRED_LOG_LEVEL must be one of DEBUG, INFO"),
        ("KINDRED_REST_RATE", "0", "KINDRED_REST_RATE must be a whole number"),
        ("KINDRED_REST_RATE", "51", "from 1 to 50"),
    ],
)
def test_each_bad_value_names_the_setting(name: str, value: str, expected: str) -> None:
    message = config_error({name: value})
    assert message.startswith(name)
    assert expected in message


def test_secret_key_messages_say_how_to_make_one() -> None:
    assert "os.urandom(32)" in config_error({"KINDRED_SECRET_KEY": "AAAA"})


def test_urlsafe_secret_key_is_accepted() -> None:
    urlsafe = base64.urlsafe_b64encode(bytes([250] * 32)).decode()
    assert "-" in urlsafe or "_" in urlsafe
    assert load({"KINDRED_SECRET_KEY": urlsafe}).secret_key == bytes([250] * 32)


def test_the_first_problem_is_reported() -> None:
    message = config_error({"KINDRED_GRACE_MINUTES": "x", "KINDRED_LOG_LEVEL": "loud"})
    assert message.startswith("KINDRED_GRACE_MINUTES")


def test_secrets_stay_out_of_repr() -> None:
    settings = load({"DISCORD_TOKEN": TOKEN, "KINDRED_SECRET_KEY": KEY_B64})
    text = repr(settings)
    assert TOKEN not in text and KEY_B64 not in text and repr(KEY) not in text
    assert "grace_minutes=180" in text


def test_custom_prompts_path(tmp_path: Path) -> None:
    custom = tmp_path / "mine.yaml"
    custom.write_text("prompts: []\n")
    assert load({"KINDRED_PROMPTS": str(custom)}).prompts_path == custom


def test_the_rest_rate_defaults_just_under_discords_global_limit() -> None:
    assert load({}).rest_rate == 49
