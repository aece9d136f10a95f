"""Leases for the timed jobs: with several instances on one database, each job runs once per tick, on whichever
instance comes first."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database


class JobLeases:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def take(self, name: str, holder: str, seconds: float) -> bool:
        """The lease on job `name` for `seconds`, if nobody holds it now (one statement: two instances asking at
        the same moment cannot both get it)."""
        now = self._db.clock.now_iso()
        written = await self._db.execute(
            "INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until "
            "WHERE job_leases.until <= ? RETURNING holder",
            (name, holder, self._db.clock.later(timedelta(seconds=seconds)), now),
        )
        return written.rowcount == 1

    async def holder(self, name: str) -> str | None:
        value = await self._db.fetch_value("SELECT holder FROM job_leases WHERE name = ?", (name,))
        return str(value) if value is not None else None
