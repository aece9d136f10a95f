"""What the coordinators' numbers are computed from: no text and no identity, only the facts of each request."""

from __future__ import annotations

from bot.admin.models import RequestFacts
from storage.database import Database


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

    async def export_rows(self) -> list[tuple[object, ...]]:
        return [
            tuple(row)
            for row in await self._db.fetch_all(
                "SELECT r.id, c.slug, r.category, r.status, r.urgent, r.contact_method, r.created_at, r.taken_at, "
                "r.resolved_at, r.rating FROM help_requests r JOIN centers c ON c.id = r.center_id ORDER BY r.id"
            )
        ]
