"""The admins' staff list: a center's staff with what they hold, and putting a leaving member's requests back."""

from __future__ import annotations

from bot.staff_roster.models import RosterEntry
from storage.database import Database, Row

_ENTRY = (
    "SELECT s.user_id, s.center_id, s.first_name, s.username, s.added_at, s.last_active_at, "
    "(SELECT count(*) FROM help_requests r WHERE r.center_id = s.center_id AND r.assignee_id = s.user_id "
    "AND r.status = 'in_progress') AS holding FROM staff s"
)


def _entry(row: Row) -> RosterEntry:
    return RosterEntry(
        user_id=row["user_id"],
        center_id=row["center_id"],
        first_name=row["first_name"],
        username=row["username"],
        added_at=row["added_at"],
        last_active_at=row["last_active_at"],
        holding=int(row["holding"]),
    )


class RosterRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def of_center(self, center_id: int) -> list[RosterEntry]:
        rows = await self._db.fetch_all(f"{_ENTRY} WHERE s.center_id = ? ORDER BY s.added_at, s.user_id", (center_id,))
        return [_entry(row) for row in rows]

    async def member(self, center_id: int, user_id: int) -> RosterEntry | None:
        row = await self._db.fetch_one(f"{_ENTRY} WHERE s.center_id = ? AND s.user_id = ?", (center_id, user_id))
        return _entry(row) if row else None

    async def counts(self, center_ids: list[int]) -> dict[int, int]:
        """How many staff each of these centers has (a center with none is absent)."""
        if not center_ids:
            return {}
        marks = ",".join("?" * len(center_ids))
        rows = await self._db.fetch_all(
            f"SELECT center_id, count(*) FROM staff WHERE center_id IN ({marks}) GROUP BY center_id", center_ids
        )
        return {int(row[0]): int(row[1]) for row in rows}

    async def requeue_taken_by(self, user_id: int, center_id: int) -> list[int]:
        """Every request of the center this person had taken and not closed goes back to the queue, untaken: one
        statement, so a take committed before it is returned too, and none after it can be theirs."""
        written = await self._db.execute(
            "UPDATE help_requests SET status = 'new', assignee_id = NULL, taken_at = NULL, take_seconds = NULL, "
            "last_actor = NULL "
            "WHERE center_id = ? AND assignee_id = ? AND status = 'in_progress' RETURNING id",
            (center_id, user_id),
        )
        return sorted(int(row[0]) for row in written.rows)

    async def forget_notices_in_chat(self, chat_id: int, center_id: int) -> None:
        """The notices of the center's requests in this person's private chat no longer follow the requests."""
        await self._db.execute(
            "DELETE FROM request_notices WHERE chat_id = ? AND request_id IN "
            "(SELECT id FROM help_requests WHERE center_id = ?)",
            (chat_id, center_id),
        )

    async def drop_pending_in_chat(self, chat_id: int, center_id: int) -> int:
        """Messages about the center's requests still waiting to go to this person's private chat are not sent.
        A row a sender has claimed and whose lease runs is left to it: deleting it would let the chat's next row
        be claimed while it is on its way, out of order (storage.outbox.claim). What concerns a request the
        person wrote themselves, as anyone may, still reaches them, but for the staff notice of it."""
        written = await self._db.execute(
            "DELETE FROM outbox WHERE chat_id = ? AND status = 'pending' "
            "AND (claimed_until IS NULL OR claimed_until <= ?) "
            "AND request_id IN (SELECT id FROM help_requests WHERE center_id = ?) "
            "AND (notice = 1 OR request_id NOT IN (SELECT id FROM help_requests WHERE user_id = ?))",
            (chat_id, self._db.clock.now_iso(), center_id, chat_id),
        )
        return written.rowcount

    async def taken_by(self, user_id: int, center_id: int) -> list[int]:
        """The requests of the center this person holds now (taken, not closed)."""
        rows = await self._db.fetch_all(
            "SELECT id FROM help_requests WHERE center_id = ? AND assignee_id = ? AND status = 'in_progress' "
            "ORDER BY id",
            (center_id, user_id),
        )
        return [int(row[0]) for row in rows]
