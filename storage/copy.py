"""Moving an installation from one database to another (SQLite to PostgreSQL, or back): every table, every row,
in one transaction on the target, with the row counts of both sides to compare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.database import Database

BATCH = 200  # rows per INSERT statement
# Rows the migrations themselves create in a new database, replaced by the source's (the key of blocked senders).
MADE_BY_MIGRATIONS = frozenset({"app_secrets"})
NOT_COPIED = frozenset({"schema_migrations"})


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def matches(self) -> bool:
        return self.source == self.target


class NotEmpty(Exception):
    """The target already holds data: copying into it could mix two installations."""


async def tables(db: Database) -> list[str]:
    """The tables in the order they were created, which is an order their foreign keys allow."""
    if db.dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    else:
        sql = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid"
        )
    return [str(row[0]) for row in await db.fetch_all(sql) if str(row[0]) not in NOT_COPIED]


async def columns(db: Database, table: str) -> dict[str, str]:
    """Column name -> declared type, in the table's order."""
    if db.dialect == "sqlite":
        rows = await db.fetch_all(f"SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid")
    else:
        rows = await db.fetch_all(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
    return {str(row[0]): str(row[1]).lower() for row in rows}


async def count(db: Database, table: str) -> int:
    return int(await db.fetch_value(f"SELECT count(*) FROM {table}"))


def _converter(declared: str) -> Any:
    """SQLite keeps what it is given; PostgreSQL wants each value in its column's type."""
    if declared in ("bigint", "integer", "smallint"):
        return lambda value: None if value is None else int(value)
    if declared in ("double precision", "real"):
        return lambda value: None if value is None else float(value)
    if declared == "text":
        return lambda value: None if value is None else str(value)
    return lambda value: value


async def copy_database(source: Database, target: Database) -> list[TableCount]:
    """Both must be migrated to the same version. Refuses a target that holds data of its own."""
    names = await tables(source)
    for table in names:
        if table not in MADE_BY_MIGRATIONS and await count(target, table):
            raise NotEmpty(f"the target's table {table} is not empty")
    async with target.transaction():
        for table in names:
            await _copy_table(source, target, table)
        if target.dialect == "postgresql":
            await _restart_identities(target, names)
    return [TableCount(table, await count(source, table), await count(target, table)) for table in names]


async def _copy_table(source: Database, target: Database, table: str) -> None:
    wanted = await columns(target, table)
    shared = [name for name in await columns(source, table) if name in wanted]
    convert = [_converter(wanted[name]) for name in shared]
    if table in MADE_BY_MIGRATIONS:
        await target.execute(f"DELETE FROM {table}")
    listed = ", ".join(shared)
    order = "ORDER BY rowid" if source.dialect == "sqlite" else "ORDER BY ctid"  # stable while nothing writes
    offset = 0
    while rows := await source.fetch_all(f"SELECT {listed} FROM {table} {order} LIMIT ? OFFSET ?", (BATCH, offset)):
        offset += len(rows)
        marks = ", ".join(["(" + ", ".join("?" * len(shared)) + ")"] * len(rows))
        values = [fn(value) for row in rows for fn, value in zip(convert, tuple(row), strict=True)]
        await target.execute(f"INSERT INTO {table} ({listed}) VALUES {marks}", values)


async def _restart_identities(target: Database, names: list[str]) -> None:
    """Rows came with their ids: each identity column's next value goes past the highest one copied."""
    for table in names:
        if "id" not in await columns(target, table):
            continue
        sequence = await target.fetch_value("SELECT pg_get_serial_sequence(?, 'id')", (table,))
        if sequence:
            await target.fetch_value(
                f"SELECT setval(?, coalesce((SELECT max(id) FROM {table}), 0) + 1, false)", (sequence,)
            )
