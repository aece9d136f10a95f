"""What the health endpoints and the metrics ask the database: is it there, is its schema current, is the outbox
moving, and how many requests are open. Plain SQL that PostgreSQL runs too; ages are computed here, in Python,
from the ISO-8601 UTC stamps the rows keep, against the database's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.requests.models import OPEN_STATUSES
from storage.database import Database, available_migrations

_OPEN = "status IN ({})".format(", ".join(f"'{status}'" for status in OPEN_STATUSES))


@dataclass(frozen=True, slots=True)
class OutboxState:
    pending: int
    oldest_age_seconds: float | None  # the oldest pending row, since it was queued
    oldest_due_wait_seconds: float | None  # the pending row due the longest, since it became due


@dataclass(frozen=True, slots=True)
class SchemaState:
    applied: int | None  # the newest migration applied (None: none, or no bookkeeping table)
    latest: int  # the newest migration this code ships

    @property
    def current(self) -> bool:
        return self.applied is not None and self.applied >= self.latest


class HealthRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ping(self) -> None:
        """Raises when the database does not answer."""
        await self._db.fetch_value("SELECT 1")

    async def schema(self) -> SchemaState:
        applied = await self._db.fetch_value("SELECT max(version) FROM schema_migrations")
        latest = max((version for version, _ in available_migrations()), default=0)
        return SchemaState(int(applied) if applied is not None else None, latest)

    async def outbox_state(self) -> OutboxState:
        now = self._db.clock.now()
        row = await self._db.fetch_one("SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending'")
        pending, oldest = (int(row[0]), row[1]) if row is not None else (0, None)
        due = await self._db.fetch_value(
            "SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?",
            (now.isoformat(timespec="seconds"),),
        )
        return OutboxState(pending, _seconds_since(oldest, now), _seconds_since(due, now))

    async def open_requests(self) -> dict[str, int]:
        """Open help requests by status; every open status is there, 0 when none is in it."""
        rows = await self._db.fetch_all(f"SELECT status, count(*) FROM help_requests WHERE {_OPEN} GROUP BY status")
        counts = dict.fromkeys(OPEN_STATUSES, 0)
        counts.update({str(row[0]): int(row[1]) for row in rows})
        return counts

    async def escalated_requests(self) -> int:
        """Open requests that were escalated (nobody took them in time)."""
        value = await self._db.fetch_value(
            f"SELECT count(*) FROM help_requests WHERE escalated_at IS NOT NULL AND {_OPEN}", default=0
        )
        return int(value)


def _seconds_since(stamp: object, now: datetime) -> float | None:
    if stamp is None:
        return None
    moment = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
    if moment.tzinfo is None:  # stored without an offset: UTC, as every stamp is
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (now - moment).total_seconds())
