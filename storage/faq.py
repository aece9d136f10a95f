"""Whether the articles helped: counts per article, day and answer; never who answered."""

from __future__ import annotations

from bot.faq.models import FeedbackCount
from storage.database import Database


class FeedbackRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def add(self, slug: str, day: str, helped: bool) -> None:
        """One more answer (one statement: two at the same moment are both counted)."""
        await self._db.execute(
            "INSERT INTO faq_feedback (slug, day, helped, votes) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (slug, day, helped) DO UPDATE SET votes = faq_feedback.votes + 1",
            (slug, day, 1 if helped else 0),
        )

    async def counts(self) -> list[FeedbackCount]:
        """Every article anyone answered about, the most answered first."""
        rows = await self._db.fetch_all(
            "SELECT slug, SUM(CASE WHEN helped = 1 THEN votes ELSE 0 END), "
            "SUM(CASE WHEN helped = 0 THEN votes ELSE 0 END) FROM faq_feedback GROUP BY slug"
        )
        counts = [FeedbackCount(str(row[0]), int(row[1] or 0), int(row[2] or 0)) for row in rows]
        return sorted(counts, key=lambda count: (-count.total, count.slug))
