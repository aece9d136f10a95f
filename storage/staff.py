"""Center staff: who works for which center."""

from __future__ import annotations

from bot.requests.models import StaffMember
from storage.database import Database


class StaffRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def add(
        self, user_id: int, center_id: int, first_name: str | None = None, username: str | None = None
    ) -> bool:
        """Makes the person staff of the center (True), or keeps them (False); the Telegram name and username they
        have now, when known, are stored either way."""
        written = await self._db.execute(
            "INSERT OR IGNORE INTO staff (user_id, center_id, added_at, first_name, username) VALUES (?, ?, ?, ?, ?)",
            (user_id, center_id, self._db.clock.now_iso(), first_name or None, username or None),
        )
        if written.rowcount != 1 and (first_name or username):
            await self._db.execute(
                "UPDATE staff SET first_name = ?, username = ? WHERE user_id = ? AND center_id = ?",
                (first_name or None, username or None, user_id, center_id),
            )
        return written.rowcount == 1

    async def acted(self, user_id: int, center_id: int, first_name: str | None) -> bool:
        """A staff member acts for the center now: their last action and their name as it is now are kept.
        False when they are not (or no longer) its staff: the right is this row, read in the action's own
        transaction."""
        written = await self._db.execute(
            "UPDATE staff SET last_active_at = ?, first_name = COALESCE(?, first_name) "
            "WHERE user_id = ? AND center_id = ?",
            (self._db.clock.now_iso(), first_name or None, user_id, center_id),
        )
        return written.rowcount == 1

    async def remove(self, user_id: int, center_id: int) -> bool:
        written = await self._db.execute("DELETE FROM staff WHERE user_id = ? AND center_id = ?", (user_id, center_id))
        return written.rowcount == 1

    async def all(self) -> list[StaffMember]:
        return await self._members("")

    async def of_center(self, center_id: int) -> list[StaffMember]:
        return await self._members("WHERE s.center_id = ?", (center_id,))

    async def centers_of(self, user_id: int) -> set[int]:
        return {row[0] for row in await self._db.fetch_all("SELECT center_id FROM staff WHERE user_id = ?", (user_id,))}

    async def mark_blocked(self, user_id: int) -> None:
        """The person blocked the bot (403): kept on the staff, skipped until they write again."""
        await self._db.execute("UPDATE staff SET blocked_bot = 1 WHERE user_id = ?", (user_id,))

    async def mark_reachable(self, user_id: int) -> None:
        await self._db.execute("UPDATE staff SET blocked_bot = 0 WHERE user_id = ? AND blocked_bot = 1", (user_id,))

    async def _members(self, where: str, params: tuple[object, ...] = ()) -> list[StaffMember]:
        rows = await self._db.fetch_all(
            "SELECT s.user_id, s.center_id, c.slug, s.blocked_bot FROM staff s JOIN centers c ON c.id = s.center_id "
            f"{where} ORDER BY c.slug, s.user_id",
            params,
        )
        return [StaffMember(row[0], row[1], row[2], bool(row[3])) for row in rows]
