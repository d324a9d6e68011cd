"""`check --db`: is the database sound, current, and sealed with the key we hold?"""

from __future__ import annotations

from bot.core.sealing import (
    KEY_FINGERPRINT_META,
    Sealer,
    SealingError,
    load_key,
)
from bot.core.settings import Settings
from bot.store import Store, StoreError


async def check_database(settings: Settings) -> list[str]:
    """Problems found, as operator-facing lines; empty when all is well."""
    try:
        store = await Store.open(settings.db_path, migrate=False)
    except StoreError as exc:
        return [str(exc)]
    problems: list[str] = []
    try:
        problems += [f"integrity check: {p}" for p in await store.integrity_problems()]
        version, latest = await store.schema_version(), Store.latest_version()
        if version != latest:
            problems.append(
                f"schema version {version}, this Kindred expects {latest}: "
                "start the bot once to migrate (take a backup first)"
            )
        try:
            key = load_key(settings.secret_key, settings.data_dir, create=False)
        except SealingError as exc:
            problems.append(f"sealing key: {exc}")
        else:
            stored = await store.get_meta(KEY_FINGERPRINT_META)
            if stored is None:
                problems.append("no key fingerprint stored: start the bot once")
            elif stored != Sealer(key).fingerprint:
                problems.append(
                    "the sealing key does not match the one this database was sealed with "
                    "(see README, 'Key handling')"
                )
    finally:
        await store.close()
    return problems
