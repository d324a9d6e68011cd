"""The command line as an operator uses it: real processes, real exit codes."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.library import default_prompts_path
from bot.core.settings import SETTINGS
from bot.demo.harness import build_sample_server
from bot.standin import StandIn

EPHEMERAL = 1 << 6
REPO = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {s.name for s in SETTINGS}}
    env["KINDRED_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no .env here
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_a_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_bad_setting_exits_2_naming_it(tmp_path: Path) -> None:
    result = _run(tmp_path, "check", KINDRED_GRACE_MINUTES="soon")
    assert result.returncode == 2
    assert "KINDRED_GRACE_MINUTES" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_passes_on_the_shipped_files(tmp_path: Path) -> None:
    result = _run(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert "prompts" in result.stdout


def test_check_names_file_line_and_field_of_a_broken_library(tmp_path: Path) -> None:
    text = default_prompts_path().read_text(encoding="utf-8")
    broken = text.replace("depth: medium", "depth: medum", 1)
    line = text[: text.index("depth: medium")].count("\n") + 1
    path = tmp_path / "prompts.yaml"
    path.write_text(broken, encoding="utf-8")
    result = _run(tmp_path, "check", KINDRED_PROMPTS=str(path))
    assert result.returncode != 0
    assert f"prompts.yaml:{line}:" in result.stderr
    assert "field 'depth'" in result.stderr


def test_invite_url_lists_permissions_and_why(tmp_path: Path) -> None:
    result = _run(tmp_path, "invite-url", DISCORD_APPLICATION_ID="123456789012345678")
    assert result.returncode == 0, result.stderr
    url, *why = result.stdout.strip().splitlines()
    assert url.startswith("https://discord.com/oauth2/authorize?client_id=123456789012345678")
    assert "scope=bot+applications.commands" in url
    assert "permissions=" in url
    assert any("create public threads" in line for line in why)


async def _start_bot(tmp_path: Path, standin: StandIn, *args: str) -> asyncio.subprocess.Process:
    env = _env(
        tmp_path,
        DISCORD_TOKEN=standin.token,
        DISCORD_API_BASE=standin.api_base,
        DISCORD_GATEWAY_URL=standin.gateway_url,
        KINDRED_SECRET_KEY="a2luZHJlZC10ZXN0LWtleS0wMTIzNDU2Nzg5MDEyMzQ=",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _stop(process: asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_the_bot_process_logs_in_serves_and_stops_cleanly(tmp_path: Path) -> None:
    async with StandIn(message_content=True) as standin:
        server = build_sample_server(standin)
        process = await _start_bot(tmp_path, standin)
        try:
            await standin.wait_until(lambda: standin.gateway.connected, timeout=30)
            assert standin.sync_count == 1
            it = await standin.slash(server.admin, server.general, "kindred status")
            response = await it.response(timeout=10)
            assert response["type"] == 4
            assert response["data"]["flags"] & EPHEMERAL
        finally:
            code, err = await _stop(process)
        assert code == 0, err
        assert "Traceback" not in err

        # Same command set: a restart does not sync again.
        process = await _start_bot(tmp_path, standin)
        try:
            await standin.wait_until(lambda: standin.gateway.connected, timeout=30)
        finally:
            code, err = await _stop(process)
        assert code == 0, err
        assert standin.sync_count == 1


async def test_a_changed_key_is_refused_until_confirmed(tmp_path: Path) -> None:
    async with StandIn(message_content=True) as standin:
        server = build_sample_server(standin)
        process = await _start_bot(tmp_path, standin)
        await standin.wait_until(lambda: standin.gateway.connected, timeout=30)
        await _stop(process)

        env = _env(tmp_path, DISCORD_TOKEN=standin.token, DISCORD_API_BASE=standin.api_base,
                   DISCORD_GATEWAY_URL=standin.gateway_url,
                   KINDRED_SECRET_KEY="bmV3LWtpbmRyZWQta2V5LTAxMjM0NTY3ODkwMTIzNDU=")  # fmt: skip
        refused = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(refused.communicate(), timeout=30)
        assert refused.returncode == 2
        message = err.decode()
        assert "--accept-new-key" in message
        assert "support" in message and "notes" in message
        assert "Traceback" not in message

        accepted = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--accept-new-key", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await standin.wait_until(lambda: standin.gateway.connected, timeout=30)
            it = await standin.slash(server.admin, server.general, "kindred status")
            assert (await it.response(timeout=10))["type"] == 4
        finally:
            code, err_text = await _stop(accepted)
        assert code == 0, err_text
        assert "new sealing key" in err_text


def test_backup_writes_a_consistent_copy_and_check_db_verifies(tmp_path: Path) -> None:
    key = "a2luZHJlZC10ZXN0LWtleS0wMTIzNDU2Nzg5MDEyMzQ="
    # Create the database and the key fingerprint the way a first start does.
    from bot.__main__ import open_core
    from bot.core.settings import load_settings

    settings = load_settings(
        _env(tmp_path, KINDRED_SECRET_KEY=key), env_file=None, require_token=False
    )

    async def first_start() -> None:
        store, _, status = await open_core(settings, accept_new_key=False)
        assert status == "new"
        await store.close()

    asyncio.run(first_start())
    assert _run(tmp_path, "check", "--db", KINDRED_SECRET_KEY=key).returncode == 0

    target = tmp_path / "backup.db"
    result = _run(tmp_path, "backup", str(target), KINDRED_SECRET_KEY=key)
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()
    again = _run(tmp_path, "backup", str(target), KINDRED_SECRET_KEY=key)
    assert again.returncode == 2 and "already exists" in again.stderr

    wrong = _run(tmp_path, "check", "--db",
                 KINDRED_SECRET_KEY="bmV3LWtpbmRyZWQta2V5LTAxMjM0NTY3ODkwMTIzNDU=")  # fmt: skip
    assert wrong.returncode == 1
    assert "does not match" in wrong.stderr


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_every_setting_is_documented_in_the_readme(setting: str) -> None:
    assert f"`{setting}`" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v10"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v10"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api/v10"),
        ("http://127.0.0.1:8080/api/v10/", "http://127.0.0.1:8080/api/v10"),
        ("https://proxy.example/discord", "https://proxy.example/discord"),
    ],
)
def test_api_base_without_a_path_gets_discords_own(given: str, used: str) -> None:
    from bot.__main__ import rest_base

    assert rest_base(given) == used
