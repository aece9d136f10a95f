"""The database: one path for every write, reads that never hold a transaction, and the versioned migrations,
on SQLite (the embedded default) or PostgreSQL (a service with several instances), with the same SQL.

Writes are one at a time, on both. A unit of work is `async with db.transaction():`: everything inside commits
together or not at all, and what is read to decide stays true until the commit.

* SQLite allows one writer at a time. The writer connection is used only under an asyncio lock, a transaction is
  `BEGIN IMMEDIATE` (the write lock is taken before anything is read, also against another process such as the
  CLI) ... `COMMIT`, or `ROLLBACK` on any error, so a failure never leaves the connection inside a broken
  transaction. Reads outside a transaction go to a second, `query_only` connection and hold nothing once they have
  returned their rows.
* PostgreSQL: every transaction first takes one transaction-scoped advisory lock, the same one-writer rule across
  every instance of the bot (a rule kept by the database, not by a process), so the seats counted before a sign-up,
  the status read before a change and the rows claimed by the outbox stay as read until the commit. A lone write
  runs as a transaction of its own. Reads take a pooled connection and never wait for the writer.

Inside a transaction every statement of that task (reads too) goes to the transaction's connection, so a unit of
work sees its own writes. Which task owns the open transaction is kept in a context variable; another task that
happens to inherit the variable does not count as its owner and waits for the lock like everyone else.

The SQL is written once, in the subset both databases share, with `?` placeholders; `to_postgres` turns it into
PostgreSQL's dialect (`$1` placeholders, `INSERT OR IGNORE`, the column types of the migrations).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import aiosqlite

from bot.core.clock import Clock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000
# PostgreSQL advisory lock keys: the one writer, and the one instance applying migrations.
WRITER_LOCK = 0x0_7B_A5_01
MIGRATION_LOCK = 0x0_7B_A5_02
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# The tables where an erasure deletes or overwrites what names a person (texts, names, phones, Telegram ids).
ERASURE_TABLES = (
    "help_requests", "request_messages", "request_notices", "signups", "reminders", "outbox", "fsm_states",
    "consents", "chat_messages", "users", "audit_log", "blocked_senders", "staff_invites", "staff", "attendance",
    "console_tokens", "console_sessions",
)  # fmt: skip

log = logging.getLogger(__name__)

Params = Sequence[Any]
Row = Any  # sqlite3.Row or asyncpg.Record: both give row[0], row["column"], row.keys() and dict(row)


@dataclass(frozen=True, slots=True)
class Written:
    """What a write statement did: rows changed, and the rows of its RETURNING clause (a new row's id, say)."""

    rowcount: int
    rows: list[Row]

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None


@dataclass
class _Transaction:
    owner: asyncio.Task[Any] | None
    connection: Any = None
    after_commit: list[Callable[[], None]] = field(default_factory=list)


def integrity_errors() -> tuple[type[Exception], ...]:
    """What either database raises when a constraint (unique, not null, check, foreign key) refuses a write."""
    import asyncpg

    return (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


def database_unreachable() -> tuple[type[Exception], ...]:
    """What is raised when the database cannot serve at all for now (down, restarting, out of connections), as
    opposed to refusing a statement: worth trying again later."""
    import asyncpg

    return (
        asyncpg.PostgresConnectionError,
        asyncpg.CannotConnectNowError,
        asyncpg.AdminShutdownError,
        asyncpg.CrashShutdownError,
        asyncpg.TooManyConnectionsError,
        ConnectionError,
    )


def is_postgres(url: Path | str) -> bool:
    return str(url).startswith(POSTGRES_SCHEMES)


class Database:
    """Open with `await Database.open(url_or_path)`; close with `await db.close()`."""

    dialect: ClassVar[str]

    def __init__(self, url: str, clock: Clock | None = None) -> None:
        self.url = url
        self.clock = clock or Clock()  # what every stamp written says the time is
        self._lock = asyncio.Lock()  # one writer per process; the database keeps it one across processes
        self._erased = False  # an erasure committed since the last complete clean-up
        # The open transaction of the current task, per database (a task may read one database while it writes
        # another, as `db copy` does). A handful of databases per process: one variable each is no burden.
        self._current: contextvars.ContextVar[_Transaction | None] = contextvars.ContextVar(
            f"db_transaction_{id(self)}", default=None
        )

    @staticmethod
    async def open(target: Path | str, clock: Clock | None = None) -> Database:
        """`target`: a PostgreSQL URL, a `sqlite:///PATH` URL, or a path to an SQLite file."""
        if is_postgres(target):
            return await PostgresDatabase.connect(str(target), clock)
        return await SqliteDatabase.connect(str(target).removeprefix("sqlite:///"), clock)

    async def close(self) -> None:
        raise NotImplementedError

    @property
    def for_update(self) -> str:
        """`FOR UPDATE SKIP LOCKED` where the database has row locks (PostgreSQL), else nothing."""
        return ""

    # ---- units of work ----

    def _own_transaction(self) -> _Transaction | None:
        current = self._current.get()
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
        async with self._lock, self._unit_of_work() as connection:
            transaction.connection = connection
            token = self._current.set(transaction)
            try:
                yield
            finally:
                self._current.reset(token)
        for callback in transaction.after_commit:
            callback()

    def _unit_of_work(self) -> Any:
        """An async context manager: begin, give the connection, commit (or roll back on any error)."""
        raise NotImplementedError

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
        transaction = self._own_transaction()
        if transaction is not None:
            return await self._write(transaction.connection, sql, params)
        return await self._lone_write(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        transaction = self._own_transaction()
        return await self._read(transaction.connection if transaction is not None else None, sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row is not None else default

    async def _write(self, connection: Any, sql: str, params: Params) -> Written:
        raise NotImplementedError

    async def _lone_write(self, sql: str, params: Params) -> Written:
        async with self.transaction():
            return await self.execute(sql, params)

    async def _read(self, connection: Any, sql: str, params: Params) -> list[Row]:
        raise NotImplementedError

    # ---- erasure ----

    def erased(self) -> None:
        """Personal data was deleted in the current transaction: see `checkpoint_if_erased`."""
        self._erased = True

    async def checkpoint_if_erased(self) -> bool:
        """Makes deleted rows unreadable in the database's files, if anything was erased since the last time."""
        return True

    # ---- schema ----

    async def applied_migrations(self) -> set[int]:
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        return {int(row[0]) for row in await self.fetch_all("SELECT version FROM schema_migrations")}

    async def migrate(self) -> list[int]:
        """Apply every migration not applied yet, each in its own transaction; returns the versions applied."""
        done = await self.applied_migrations()
        applied = []
        for version, path in available_migrations():
            if version in done:
                continue
            script = path.read_text(encoding="utf-8")
            async with self._lock:
                if not await self._apply(version, script):
                    continue  # another instance applied it meanwhile
            log.info("applied migration %s", path.name)
            applied.append(version)
        return applied

    async def _apply(self, version: int, script: str) -> bool:
        raise NotImplementedError


# ---- SQLite ----


async def _open_sqlite(path: str, *, reader: bool) -> aiosqlite.Connection:
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


def _write_in_thread(connection: sqlite3.Connection, sql: str, params: Params) -> Written:
    cursor = connection.execute(sql, params)
    try:
        rows = cursor.fetchall()  # first: with RETURNING, the row count grows as the rows are read
        return Written(cursor.rowcount, rows)
    finally:
        cursor.close()


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(
        self, path: str, writer: aiosqlite.Connection, reader: aiosqlite.Connection, clock: Clock | None = None
    ) -> None:
        super().__init__(f"sqlite:///{path}", clock)
        self.path = path
        self._writer = writer
        self._reader = reader

    @classmethod
    async def connect(cls, path: str, clock: Clock | None = None) -> SqliteDatabase:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await _open_sqlite(path, reader=False)
        mode = await (await writer.execute("PRAGMA journal_mode = WAL")).fetchone()
        reader = await _open_sqlite(path, reader=True) if mode and mode[0] == "wal" else writer  # :memory: has no WAL
        return cls(path, writer, reader, clock)

    async def close(self) -> None:
        async with self._lock:
            if self._reader is not self._writer:
                await self._reader.close()
            await self._writer.close()

    @asynccontextmanager
    async def _unit_of_work(self) -> AsyncIterator[aiosqlite.Connection]:
        try:
            await self._step("BEGIN IMMEDIATE")  # inside: a BEGIN that completes as its task is cancelled is undone
            yield self._writer
            await self._step("COMMIT")
        except BaseException:
            await self._step("ROLLBACK")
            raise

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

    async def _lone_write(self, sql: str, params: Params) -> Written:
        # One statement is atomic in SQLite by itself: no BEGIN and COMMIT around it.
        async with self._lock:
            return await self._write(self._writer, sql, params)

    async def _write(self, connection: aiosqlite.Connection, sql: str, params: Params) -> Written:
        # One trip to the connection's thread for the statement, its rows and its row count, where aiosqlite's
        # cursor takes three (execute, fetchall, close): most updates write a few times, and each trip is a queue
        # put and a wake-up of the loop. `_execute` is aiosqlite's own way of queueing work (the version is pinned).
        return await connection._execute(_write_in_thread, connection._conn, sql, params)

    async def _read(self, connection: aiosqlite.Connection | None, sql: str, params: Params) -> list[Row]:
        # One call in the connection's thread: statement, rows and reset together. Run as separate calls, another
        # task's SELECT could slip in between and join this statement's read snapshot, seeing stale data.
        return list(await (connection or self._reader).execute_fetchall(sql, params))

    async def checkpoint_if_erased(self) -> bool:
        """Copies the WAL into the database file and empties it, so that erased words do not stay readable in it.
        A reader in the middle of a SELECT can keep it from completing; then it is tried again next time."""
        if not self._erased:
            return True
        async with self._lock:
            row = await (await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")).fetchone()
        complete = row is None or row[0] == 0
        if complete:
            self._erased = False
        return complete

    async def _apply(self, version: int, script: str) -> bool:
        """The migration and its bookkeeping row in one transaction (executescript runs the script as it is)."""
        stamp = datetime.now(UTC).isoformat()
        try:
            await self._writer.executescript(
                f"BEGIN IMMEDIATE;\n{script}\n;INSERT INTO schema_migrations VALUES ({version}, '{stamp}');\nCOMMIT;"
            )
        except Exception:
            if self._writer.in_transaction:
                await self._writer.execute("ROLLBACK")
            raise
        return True


# ---- PostgreSQL ----


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, pool: Any, clock: Clock | None = None) -> None:
        super().__init__(url, clock)
        self._pool = pool
        self._vacuum: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, url: str, clock: Clock | None = None, pool_size: int = 10) -> PostgresDatabase:
        import asyncpg  # only a PostgreSQL installation needs it loaded

        pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size, command_timeout=60)
        return cls(url, pool, clock)

    async def close(self) -> None:
        if self._vacuum is not None:
            await asyncio.gather(self._vacuum, return_exceptions=True)
        await self._pool.close()

    @property
    def for_update(self) -> str:
        return "FOR UPDATE SKIP LOCKED"

    @asynccontextmanager
    async def _unit_of_work(self) -> AsyncIterator[Any]:
        async with self._pool.acquire() as connection:
            transaction = connection.transaction()
            await transaction.start()
            try:
                await connection.execute("SELECT pg_advisory_xact_lock($1)", WRITER_LOCK)
                yield connection
                await _to_its_end(transaction.commit())
            except BaseException:
                try:
                    await _to_its_end(transaction.rollback())
                except Exception:  # committed already, or the connection broke: closing it rolls back what is open
                    connection.terminate()
                raise

    async def _write(self, connection: Any, sql: str, params: Params) -> Written:
        # Through asyncpg's statement cache: fetch for the rows of RETURNING, execute for the rows changed.
        if _RETURNING.search(sql):
            rows = await connection.fetch(to_postgres(sql), *params)
            return Written(len(rows), list(rows))
        return Written(_rowcount(await connection.execute(to_postgres(sql), *params)), [])

    async def _read(self, connection: Any, sql: str, params: Params) -> list[Row]:
        if connection is not None:
            return list(await connection.fetch(to_postgres(sql), *params))
        return list(await self._pool.fetch(to_postgres(sql), *params))

    async def checkpoint_if_erased(self) -> bool:
        """After an erasure, VACUUM the tables that hold people's words and ids, in the background (it may take a
        while on big tables, and nobody should wait for it); the timed jobs call this again until it has worked.
        VACUUM frees the space of deleted rows for reuse; unlike SQLite's secure_delete it does not zero it."""
        if self._erased and (self._vacuum is None or self._vacuum.done()):
            self._vacuum = asyncio.create_task(self._vacuum_erased(), name="vacuum after erasure")
        return not self._erased

    async def _vacuum_erased(self) -> None:
        try:
            async with self._pool.acquire() as connection:
                await connection.execute(f"VACUUM {', '.join(ERASURE_TABLES)}")
        except Exception:
            log.exception("VACUUM after an erasure failed; the timed jobs try again")
        else:
            self._erased = False

    async def _apply(self, version: int, script: str) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            if await connection.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version):
                return False
            await connection.execute(ddl_to_postgres(script))
            await connection.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                version,
                datetime.now(UTC).isoformat(),
            )
        return True


async def _to_its_end(step: Any) -> None:
    """COMMIT or ROLLBACK carried to its end even when the task is cancelled meanwhile (a shutdown): once sent, its
    outcome is the database's, and the connection must not be left in the middle of it."""
    running = asyncio.ensure_future(step)
    try:
        await asyncio.shield(running)
    except asyncio.CancelledError:
        await running
        raise


def _rowcount(status: str | None) -> int:
    """'INSERT 0 1', 'UPDATE 3', 'DELETE 0': the last number is the rows changed."""
    last = (status or "").rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


# ---- one SQL for both ----

_QUOTED_OR_MARK = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?")
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_RETURNING = re.compile(r"\sRETURNING\s", re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """Our shared SQL in PostgreSQL's dialect: `?` becomes `$1, $2, ...` (not inside quotes or comments), and
    `INSERT OR IGNORE INTO` becomes `INSERT INTO ... ON CONFLICT DO NOTHING`."""
    counter = iter(range(1, 10_000))
    translated = _QUOTED_OR_MARK.sub(lambda m: f"${next(counter)}" if m.group(0) == "?" else m.group(0), sql)
    if _INSERT_OR_IGNORE.match(translated):
        translated = _INSERT_OR_IGNORE.sub("INSERT INTO", translated, count=1)
        returning = _RETURNING.search(translated)
        if returning:
            head, tail = translated[: returning.start()], translated[returning.start() :]
            translated = f"{head} ON CONFLICT DO NOTHING{tail}"
        else:
            translated = f"{translated.rstrip().rstrip(';')} ON CONFLICT DO NOTHING"
    return translated


_DDL_REWRITES = (
    # A rowid alias in SQLite; an identity column in PostgreSQL that still takes the ids given to it.
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    # Telegram ids need 64 bits; SQLite's INTEGER has them, PostgreSQL's does not.
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (
        re.compile(r"lower\(hex\(randomblob\(32\)\)\)"),
        "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')",
    ),
)


def ddl_to_postgres(script: str) -> str:
    """A migration, written once for SQLite, in PostgreSQL's column types."""
    for pattern, replacement in _DDL_REWRITES:
        script = pattern.sub(replacement, script)
    return script


def available_migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name {path.name} does not match NNNN_name.sql")
        found.append((int(match.group(1)), path))
    return found


async def open_migrated(target: Path | str, clock: Clock | None = None) -> Database:
    db = await Database.open(target, clock)
    try:
        await db.migrate()
    except BaseException:
        await db.close()
        raise
    return db
