"""Settings for a Kindred bench child: the defaults, pointed at a stand-in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.core.settings import Settings, load_settings


def stand_in_settings(
    token: str, app_id: int, data: str, api_base: str, gateway_url: str, **more: Any
) -> Settings:
    """Kindred's default settings (no environment, no .env file) for a bot logged into the
    stand-in at ``api_base`` / ``gateway_url``, its data in ``data``, logging warnings only."""
    base = load_settings(environ={}, env_file=None, require_token=False)
    return replace(
        base,
        discord_token=token,
        application_id=app_id,
        data_dir=Path(data),
        api_base=api_base,
        gateway_url=gateway_url,
        log_level="WARNING",
        **more,
    )
