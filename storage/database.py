"""Opening the SQLite database and applying the versioned migrations in storage/migrations."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

log = logging.getLogger(__name__)


async def connect(path: Path | str) -> aiosqlite.Connection:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(path)
    connection.row_factory = aiosqlite.Row
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA busy_timeout = 5000")
    return connection


def available_migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name {path.name} does not match NNNN_name.sql")
        found.append((int(match.group(1)), path))
    return found


async def applied_versions(connection: aiosqlite.Connection) -> set[int]:
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    await connection.commit()
    async with connection.execute("SELECT version FROM schema_migrations") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def migrate(connection: aiosqlite.Connection) -> list[int]:
    """Apply every migration not applied yet, each in its own transaction; returns the versions applied."""
    done = await applied_versions(connection)
    applied = []
    for version, path in available_migrations():
        if version in done:
            continue
        stamp = datetime.now(UTC).isoformat()
        script = path.read_text(encoding="utf-8")
        # executescript commits first, so the migration and its bookkeeping row share one explicit transaction.
        try:
            await connection.executescript(
                f"BEGIN;\n{script}\n;INSERT INTO schema_migrations VALUES ({version}, '{stamp}');\nCOMMIT;"
            )
        except Exception:
            await connection.rollback()
            raise
        log.info("applied migration %s", path.name)
        applied.append(version)
    return applied
