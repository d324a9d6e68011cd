"""Kindred's command line: run (default), demo, check, invite-url, backup."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import discord
import yarl

from bot.app import kindred_class, quiet_voice_warnings
from bot.core import log_privacy
from bot.core.library import LibraryError, load_library
from bot.core.sealing import (
    KeyChangedError,
    Sealer,
    SealingError,
    load_key,
    verify_key,
)
from bot.core.settings import ConfigError, Settings, load_settings
from bot.health import check_database
from bot.invite import explain, invite_url
from bot.store import Store, StoreError

log = logging.getLogger("bot")


class CliError(Exception):
    """A problem the operator must fix; printed as one line, exit code 2."""


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    # discord.py's own chatter at INFO is noise for an operator.
    logging.getLogger("discord").setLevel(max(logging.WARNING, logging.getLogger().level))
    quiet_voice_warnings()


def rest_base(api_base: str) -> str:
    """Discord's REST base from DISCORD_API_BASE: a bare host gets Discord's own path.

    ``http://proxy:8080`` → ``http://proxy:8080/api/v10``; ``…/api`` → ``…/api/v10``; a base
    that already names its path (``…/api/v10``, ``…/discord``) is used as given.
    """
    base = api_base.rstrip("/")
    path = urlsplit(base).path
    if path == "":
        return f"{base}/api/v{discord.http.INTERNAL_API_VERSION}"
    if path == "/api":
        return f"{base}/v{discord.http.INTERNAL_API_VERSION}"
    return base


def point_discord_at(settings: Settings) -> None:
    """Use a REST/gateway proxy or the local stand-in instead of Discord itself."""
    if settings.api_base:
        discord.http.Route.BASE = rest_base(settings.api_base)
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def open_core(settings: Settings, *, accept_new_key: bool) -> tuple[Store, Sealer, str]:
    """Open the store and the key; refuse a changed key unless confirmed."""
    key = load_key(settings.secret_key, settings.data_dir)
    sealer = Sealer(key)
    # The key is checked before the migrations that re-seal with it: a changed key is refused
    # (or accepted) first, never used to re-seal what the old one sealed. Migration 1 makes
    # the table the key's fingerprint lives in.
    store = await Store.open(settings.db_path, migrate_to=1)
    try:
        check = await verify_key(store, sealer, accept_new_key=accept_new_key)
        await store.migrate(keys=sealer)
    except BaseException:
        await store.close()
        raise
    return store, sealer, check.status


async def run_bot(settings: Settings, *, accept_new_key: bool) -> int:
    if not settings.discord_token:
        raise CliError("DISCORD_TOKEN is not set: put the bot token in the environment or .env")
    library = load_library(settings.prompts_path)
    store, sealer, key_status = await open_core(settings, accept_new_key=accept_new_key)
    if key_status == "replaced":
        log.warning(
            "started with a new sealing key: open support relays, blocks, rate-limit counters "
            "and sealed check-in notes made with the old key can no longer be read"
        )
    point_discord_at(settings)
    bot = kindred_class(settings)(store=store, settings=settings, sealer=sealer, library=library)
    if settings.sharding is not None:
        log.info("running %s", settings.sharding.describe())
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    closing: list[asyncio.Task[None]] = []

    def request_stop() -> None:
        log.info("shutting down")
        stopping.set()
        closing.append(loop.create_task(bot.close()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, request_stop)
    try:
        async with bot:
            await bot.start(settings.discord_token)
    except discord.LoginFailure as exc:
        raise CliError("Discord refused the token (DISCORD_TOKEN): reset it in the portal") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise CliError(
            "Discord closed the gateway: a privileged intent is requested but not enabled"
        ) from exc
    finally:
        await store.close()
    return 0


async def run_check(settings: Settings, *, db: bool) -> int:
    library = load_library(settings.prompts_path)
    print(
        f"ok: {settings.prompts_path} ({len(library.prompts)} prompts, "
        f"{len(library.framing)} framing lines)"
    )
    if not db:
        return 0
    problems = await check_database(settings)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {settings.db_path} (integrity, migrations, key fingerprint)")
    return 0


async def run_backup(settings: Settings, target: Path) -> int:
    if await asyncio.to_thread(target.exists):
        raise CliError(f"{target} already exists; choose a new file name")
    store = await Store.open(settings.db_path, migrate=False)
    try:
        await store.backup_to(target)
    finally:
        await store.close()
    print(f"backed up {settings.db_path} to {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kindred", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (the default)")
    run.add_argument(
        "--accept-new-key",
        action="store_true",
        help="start although the sealing key changed (data sealed with the old key is lost)",
    )
    demo = sub.add_parser("demo", help="run the real bot against the local Discord stand-in")
    demo.add_argument("--verbose", action="store_true", help="also print the bot's logs")
    check = sub.add_parser("check", help="validate the configuration and prompts.yaml")
    check.add_argument("--db", action="store_true", help="also verify the database and key")
    sub.add_parser("invite-url", help="print the invite link and the permissions it asks for")
    backup = sub.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("path", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # From the first line on, no log record (ours or a library's) carries private text.
    log_privacy.install()
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    accept_new_key = bool(getattr(args, "accept_new_key", False))
    try:
        if command == "demo":
            # The demo's stand-in (an aiohttp server) is only imported when it runs.
            from bot.demo import run_demo

            asyncio.run(run_demo(verbose=args.verbose))
            return 0
        settings = load_settings(require_token=command == "run")
        configure_logging(settings.log_level)
        if command == "run":
            return asyncio.run(run_bot(settings, accept_new_key=accept_new_key))
        if command == "check":
            return asyncio.run(run_check(settings, db=args.db))
        if command == "backup":
            return asyncio.run(run_backup(settings, args.path))
        if command == "invite-url":
            if settings.application_id is None:
                raise CliError("set DISCORD_APPLICATION_ID (or DISCORD_TOKEN) to build the link")
            print(invite_url(settings.application_id))
            print(explain())
            return 0
    except (ConfigError, LibraryError, CliError, StoreError, SealingError) as exc:
        print(f"kindred: {exc}", file=sys.stderr)
        return 2
    except KeyChangedError as exc:
        print(f"kindred: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    raise AssertionError(f"unhandled command {command}")


if __name__ == "__main__":
    sys.exit(main())
