"""Getting a database ready: migrated, and holding at least the sample directory."""

from __future__ import annotations

import logging

import aiosqlite

from bot.services.centers import SAMPLE_CSV, parse_centers_csv
from bot.settings import Settings
from storage.centers import CenterRepository
from storage.database import connect, migrate

log = logging.getLogger(__name__)


async def open_database(settings: Settings) -> aiosqlite.Connection:
    connection = await connect(settings.database_path)
    await migrate(connection)
    return connection


async def load_sample_centers(connection: aiosqlite.Connection) -> int:
    parsed = parse_centers_csv(SAMPLE_CSV.read_text(encoding="utf-8"))
    if parsed.errors:
        raise RuntimeError(f"the sample directory is invalid: {parsed.errors[0]}")
    await CenterRepository(connection).upsert_many(parsed.centers)
    return len(parsed.centers)


async def ensure_centers(connection: aiosqlite.Connection) -> None:
    """An empty directory gets the SAMPLE centers, so a fresh install can be tried at once."""
    if await CenterRepository(connection).count() == 0:
        loaded = await load_sample_centers(connection)
        log.warning(
            "The center directory was empty: loaded %d SAMPLE centers (not real contacts). "
            "Import the real registry with: python -m bot centers import FILE",
            loaded,
        )
