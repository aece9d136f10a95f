"""The database: one path for every write, reads that never hold a transaction, and the versioned migrations.

SQLite allows one writer at a time. The bot therefore keeps two connections, both in autocommit mode (Python
never opens a transaction behind our back):

* the writer, used only under an asyncio lock: a unit of work is `async with db.transaction():`, which runs
  `BEGIN IMMEDIATE` (the write lock is taken before anything is read, so what is read to decide stays true until
  the commit, also against another process such as the CLI), then COMMIT, or ROLLBACK on any error, so a failure
  never leaves the connection inside a broken transaction. A lone `db.execute(...)` outside a transaction is a
  statement that SQLite makes atomic by itself.
* the reader, `query_only`, for reads outside a transaction: each SELECT sees the last commit and holds nothing
  once it has returned its rows.

Inside a transaction every statement of that task (reads too) goes to the writer, so a unit of work sees its own
writes. Which task owns the open transaction is kept in a context variable; another task that happens to inherit
the variable does not count as its owner and waits for the lock like everyone else.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.clock import Clock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row


@dataclass(frozen=True, slots=True)
class Written:
    """What a write statement did: rows changed, the new row's id, and any RETURNING rows."""

    rowcount: int
    lastrowid: int | None
    rows: list[Row]

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None


@dataclass
class _Transaction:
    owner: asyncio.Task[Any] | None
    after_commit: list[Callable[[], None]] = field(default_factory=list)


_current: contextvars.ContextVar[_Transaction | None] = contextvars.ContextVar("db_transaction", default=None)


async def _open(path: Path | str, *, reader: bool) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    for pragma in (
        f"busy_timeout = {BUSY_TIMEOUT_MS}",
        "foreign_keys = ON",
        # Freed pages are zeroed, so erased words do not linger in the file.
        "secure_delete = ON",
        # With WAL, NORMAL loses nothing when the process is killed; only a power cut may lose the last commits.
        "synchronous = NORMAL",
        *(("query_only = ON",) if reader else ()),
    ):
        await connection.execute(f"PRAGMA {pragma}")
    return connection


class Database:
    """Open with `await Database.open(path)`; close with `await db.close()`."""

    def __init__(
        self, path: str, writer: aiosqlite.Connection, reader: aiosqlite.Connection, clock: Clock | None = None
    ) -> None:
        self.path = path
        self.clock = clock or Clock()  # what every stamp written says the time is
        self._writer = writer
        self._reader = reader
        self._lock = asyncio.Lock()
        self._erased = False  # an erasure committed since the last complete checkpoint

    @classmethod
    async def open(cls, path: Path | str, clock: Clock | None = None) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await _open(path, reader=False)
        mode = await (await writer.execute("PRAGMA journal_mode = WAL")).fetchone()
        reader = await _open(path, reader=True) if mode and mode[0] == "wal" else writer  # :memory: has no WAL
        return cls(str(path), writer, reader, clock)

    async def close(self) -> None:
        async with self._lock:
            if self._reader is not self._writer:
                await self._reader.close()
            await self._writer.close()

    # ---- units of work ----

    def _own_transaction(self) -> _Transaction | None:
        current = _current.get()
        if current is not None and current.owner is asyncio.current_task():
            return current
        return None

    @property
    def in_transaction(self) -> bool:
        return self._own_transaction() is not None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All the statements inside commit together or not at all. Nested use joins the outer transaction."""
        if self._own_transaction() is not None:
            yield
            return
        transaction = _Transaction(asyncio.current_task())
        async with self._lock:
            token = _current.set(transaction)
            try:
                await self._step("BEGIN IMMEDIATE")
                yield
                await self._step("COMMIT")
            except BaseException:
                await self._step("ROLLBACK")
                raise
            finally:
                _current.reset(token)
        for callback in transaction.after_commit:
            callback()

    async def _step(self, statement: str) -> None:
        """BEGIN, COMMIT or ROLLBACK, carried to its end even when the task is cancelled meanwhile (a shutdown):
        the statement runs on in the connection's thread either way, and the rollback that follows must come
        after it, not race it. A ROLLBACK with nothing to roll back (the COMMIT went through) is no error."""
        step = asyncio.ensure_future(self._writer.execute(statement))
        try:
            await asyncio.shield(step)
        except asyncio.CancelledError:
            await step
            raise
        except sqlite3.OperationalError as error:
            if statement != "ROLLBACK" or "no transaction is active" not in str(error):
                raise

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current transaction has committed (at once outside a transaction)."""
        transaction = self._own_transaction()
        if transaction is None:
            callback()
        else:
            transaction.after_commit.append(callback)

    # ---- statements ----

    async def execute(self, sql: str, params: Params = ()) -> Written:
        """A write: part of the current transaction, or else atomic on its own."""
        if self._own_transaction() is not None:
            return await self._write(sql, params)
        async with self._lock:
            return await self._write(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        # One call in the connection's thread: statement, rows and reset together. Run as separate calls, another
        # task's SELECT could slip in between and join this statement's read snapshot, seeing stale data.
        connection = self._writer if self._own_transaction() is not None else self._reader
        return list(await connection.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row is not None else default

    async def _write(self, sql: str, params: Params) -> Written:
        async with self._writer.execute(sql, params) as cursor:
            rows = list(await cursor.fetchall())
            return Written(cursor.rowcount, cursor.lastrowid, rows)

    # ---- erasure ----

    def erased(self) -> None:
        """Personal data was deleted in the current transaction: after its commit, the WAL is checkpointed and
        truncated so that the erased words do not stay readable in it."""
        self._erased = True

    async def checkpoint_if_erased(self) -> bool:
        """Copies the WAL into the database file and empties it, if anything was erased since the last time.
        A reader in the middle of a SELECT can keep it from completing; then it is tried again next time."""
        if not self._erased:
            return True
        async with self._lock:
            row = await (await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")).fetchone()
        complete = row is None or row[0] == 0
        if complete:
            self._erased = False
        return complete

    # ---- schema ----

    async def migrate(self) -> list[int]:
        """Apply every migration not applied yet, each in its own transaction; returns the versions applied."""
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in await self.fetch_all("SELECT version FROM schema_migrations")}
        applied = []
        for version, path in available_migrations():
            if version in done:
                continue
            async with self._lock:
                await _apply(self._writer, version, path)
            log.info("applied migration %s", path.name)
            applied.append(version)
        return applied


def available_migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name {path.name} does not match NNNN_name.sql")
        found.append((int(match.group(1)), path))
    return found


async def _apply(connection: aiosqlite.Connection, version: int, path: Path) -> None:
    """The migration and its bookkeeping row in one transaction (executescript runs the script as it is)."""
    stamp = datetime.now(UTC).isoformat()
    script = path.read_text(encoding="utf-8")  # noqa: ASYNC240 -- a small file, once, at start
    try:
        await connection.executescript(
            f"BEGIN IMMEDIATE;\n{script}\n;INSERT INTO schema_migrations VALUES ({version}, '{stamp}');\nCOMMIT;"
        )
    except Exception:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        raise


async def open_migrated(path: Path | str, clock: Clock | None = None) -> Database:
    db = await Database.open(path, clock)
    try:
        await db.migrate()
    except BaseException:
        await db.close()
        raise
    return db
