"""What the coordinators' numbers are computed from: no text and no identity, only the facts of each request."""

from __future__ import annotations

import asyncio

from bot.admin.models import RequestFacts
from storage.database import Database

# Seconds from a request's arrival to `end` (a stamp column, or a stamp given as text), as a whole number: stamps
# are UTC ISO strings to the second, and each database reads them its own way. The text cast keeps a `?` a string
# for asyncpg, which would otherwise type it as a timestamp.
_DURATION = {
    "sqlite": "CAST(round((julianday({end}) - julianday(created_at)) * 86400) AS INTEGER)",
    "postgresql": "CAST(round(date_part('epoch', ({end})::timestamptz - created_at::timestamptz)) AS BIGINT)",
}
# What the medians count, as bot.admin.stats.summarize does: spam is never help given. Each stored column is NULL
# exactly when its stamp is (migration 0018), and these are the conditions of its partial index.
_COUNTED = {
    "take_seconds": "status != 'spam' AND take_seconds IS NOT NULL",
    "resolve_seconds": "status = 'resolved' AND resolve_seconds IS NOT NULL",
}
_STAMP = {"take_seconds": "taken_at", "resolve_seconds": "resolved_at"}


def seconds_to(dialect: str, end: str = "CAST(? AS TEXT)") -> str:
    """SQL for the seconds from the request's arrival to `end` (by default a `?` stamp): what a write of taken_at
    or resolved_at stores in take_seconds or resolve_seconds, in the same statement."""
    return _DURATION[dialect].format(end=end)


class StatsRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def rows(self) -> list[RequestFacts]:
        return [
            RequestFacts(*row)
            for row in await self._db.fetch_all(
                "SELECT center_id, category, status, created_at, taken_at, resolved_at, rating FROM help_requests"
            )
        ]

    async def summary_facts(
        self,
    ) -> tuple[list[tuple[int, str, int]], list[tuple[str, str, int | None, int]], float | None, float | None]:
        """What /stats counts, for `bot.admin.stats.summarize_counts`, without a row object per request: the
        requests per (center, status) and per (category, status, rating), each read from an index, and the median
        seconds to take and to resolve (of two middle values, their mean), sorted out by the database. PostgreSQL
        runs the four reads at once, on pooled connections; SQLite's one reader takes them in turn."""
        by_center, by_category, take, resolve = await asyncio.gather(
            self._db.fetch_all("SELECT center_id, status, count(*) FROM help_requests GROUP BY center_id, status"),
            self._db.fetch_all(
                "SELECT category, status, rating, count(*) FROM help_requests GROUP BY category, status, rating"
            ),
            self._median("take_seconds"),
            self._median("resolve_seconds"),
        )
        return (
            [(row[0], row[1], int(row[2])) for row in by_center],  # PostgreSQL's count is a bigint: int() is free
            [(row[0], row[1], row[2], int(row[3])) for row in by_category],
            take,
            resolve,
        )

    async def _median(self, column: str) -> float | None:
        """The median of the stored seconds (of two middle values, their mean), read from the column's partial
        index: SQLite counts the index and steps to its middle; PostgreSQL's percentile_cont does the same sum."""
        where = _COUNTED[column]
        if self._db.dialect == "postgresql":
            value = await self._db.fetch_value(
                f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {column}) FROM help_requests WHERE {where}"
            )
            return None if value is None else float(value)
        # Named: SQLite's planner would read `status = 'resolved'` through the status index and sort what it finds.
        table = f"help_requests INDEXED BY help_requests_{column}"
        count = f"(SELECT count(*) FROM {table} WHERE {where})"
        values = [
            float(row[0])
            for row in await self._db.fetch_all(
                f"SELECT {column} FROM {table} WHERE {where} ORDER BY {column} "
                f"LIMIT 2 - {count} % 2 OFFSET ({count} - 1) / 2"
            )
        ]
        return sum(values) / len(values) if values else None

    async def fill_durations(self) -> int:
        """Rows stored before the seconds were (migration 0018), or copied from a database that had not filled
        them, get them, and a stale value left by an older instance is cleared: called where the bot prepares its
        database at start and by `migrate`. One read decides, so a start with nothing to do writes nothing; two
        instances starting at once take turns on the writer lock, and the second finds nothing left. Returns the
        values filled (a row with both stamps counts twice)."""
        missing = (
            "(take_seconds IS NULL AND taken_at IS NOT NULL) OR (resolve_seconds IS NULL AND resolved_at IS NOT NULL)"
            # an instance still running the code before 0018 clears a stamp (a transfer) but not its seconds
            " OR (take_seconds IS NOT NULL AND taken_at IS NULL)"
        )
        if await self._db.fetch_value(f"SELECT 1 FROM help_requests WHERE {missing} LIMIT 1") is None:
            return 0
        filled = 0
        async with self._db.transaction():
            for column, stamp in _STAMP.items():
                written = await self._db.execute(
                    f"UPDATE help_requests SET {column} = {seconds_to(self._db.dialect, stamp)} "
                    f"WHERE {column} IS NULL AND {stamp} IS NOT NULL"
                )
                filled += written.rowcount
            await self._db.execute("UPDATE help_requests SET take_seconds = NULL WHERE taken_at IS NULL")
        return filled

    async def export_rows(self) -> list[tuple[object, ...]]:
        return [
            tuple(row)
            for row in await self._db.fetch_all(
                "SELECT r.id, c.slug, r.category, r.status, r.urgent, r.contact_method, r.created_at, r.taken_at, "
                "r.resolved_at, r.rating FROM help_requests r JOIN centers c ON c.id = r.center_id ORDER BY r.id"
            )
        ]
