"""The deployment files, checked statically (no Docker engine or systemd runs here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import dockerfile
import pytest
import yaml

from bot.core.settings import SETTINGS

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"


def _env_example_names() -> set[str]:
    names = set()
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        stripped = line.lstrip("#").strip()
        if "=" in stripped and stripped.split("=", 1)[0].isupper():
            names.add(stripped.split("=", 1)[0])
    return names


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_every_setting_is_in_env_example(setting: str) -> None:
    assert setting in _env_example_names()


def test_env_example_has_no_unknown_settings() -> None:
    assert _env_example_names() <= {s.name for s in SETTINGS}


def test_entry_point_is_the_real_one() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["kindred"] == "bot.__main__:main"
    from bot.__main__ import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"run", "check", "demo", "invite-url", "backup"} <= set(commands)


def test_dockerfile_is_multi_stage_non_root_with_health_check() -> None:
    parsed = dockerfile.parse_file(str(DEPLOY / "Dockerfile"))
    by_cmd: dict[str, list[dockerfile.Command]] = {}
    for command in parsed:
        by_cmd.setdefault(command.cmd.upper(), []).append(command)
    assert len(by_cmd["FROM"]) >= 2, "multi-stage build"
    final_stage = parsed[max(i for i, c in enumerate(parsed) if c.cmd.upper() == "FROM") :]
    users = [c.value[0] for c in final_stage if c.cmd.upper() == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert any("tzdata" in " ".join(c.value) for c in final_stage if c.cmd.upper() == "RUN")
    assert any("/data" in " ".join(c.value) for c in by_cmd["VOLUME"])
    (health,) = by_cmd["HEALTHCHECK"]
    assert list(health.value[-3:]) == ["kindred", "check", "--db"]
    (entry,) = by_cmd["ENTRYPOINT"]
    assert list(entry.value) == ["kindred"]
    env = " ".join(" ".join(c.value) for c in by_cmd["ENV"])
    assert "KINDRED_DATA_DIR" in env


def test_compose_runs_the_image_with_a_volume_and_health_check() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["kindred"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["command"] == ["run"]
    assert any(v.endswith(":/data") for v in service["volumes"])
    assert service["healthcheck"]["test"][-3:] == ["kindred", "check", "--db"]
    assert service["restart"] in {"unless-stopped", "always", "on-failure"}


def _unit() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "kindred.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_systemd_unit_is_hardened_and_calls_the_entry_point() -> None:
    unit = _unit()
    assert unit["ExecStart"] == ["/opt/kindred/bin/kindred run"]
    assert unit["DynamicUser"] == ["yes"]
    assert unit["StateDirectory"] == ["kindred"]
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["RestartPreventExitStatus"] == ["2"]
    assert unit["Environment"][0] == "KINDRED_DATA_DIR=/var/lib/kindred"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point a copy at a stand-in executable.
    fake = tmp_path / "kindred"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    text = (DEPLOY / "kindred.service").read_text(encoding="utf-8")
    unit = tmp_path / "kindred.service"
    unit.write_text(text.replace("/opt/kindred/bin/kindred", str(fake)), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "kindred.service" in line and "Failed to" not in line.split("kindred.service")[0]
    ]
    assert result.returncode == 0, result.stderr
    assert not [p for p in problems if "Unknown key" in p or "Invalid" in p], problems
