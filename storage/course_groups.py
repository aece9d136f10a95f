"""Course groups as staff run them: closing a group, adding, moving and cancelling sessions, the reminders that
follow, and attendance. Writes do not commit: they belong to the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from bot.course_groups.models import ManagedGroup, RosterLine, Session
from storage.database import Database


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


_GROUP = (
    "SELECT g.id, g.slug, g.topic_id, g.center_id, g.online, g.language, g.seats, "
    "(SELECT CAST(coalesce(sum(s.seats), 0) AS INTEGER) FROM signups s WHERE s.group_id = g.id "
    "AND s.status = 'confirmed'), "
    "(SELECT count(*) FROM signups s WHERE s.group_id = g.id AND s.status = 'waiting'), "
    "g.closed_at FROM course_groups g"
)


class CourseGroupRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    # ---- groups ----

    async def group(self, group_id: int) -> ManagedGroup | None:
        found = await self._groups(" WHERE g.id = ?", (group_id,))
        return found[0] if found else None

    async def open_groups(self, center_ids: set[int] | None, now: datetime, limit: int) -> list[ManagedGroup]:
        """Groups not closed with a session still ahead, of these centers (None: all), the soonest first."""
        where, params = ["g.closed_at IS NULL"], []
        if center_ids is not None:
            where.append(f"g.center_id IN ({','.join('?' * len(center_ids)) or 'NULL'})")
            params += sorted(center_ids)
        where.append(
            "EXISTS (SELECT 1 FROM group_sessions gs WHERE gs.group_id = g.id AND gs.cancelled_at IS NULL "
            "AND gs.starts_at > ?)"
        )
        params.append(_iso(now))
        groups = await self._groups(" WHERE " + " AND ".join(where), params)
        ahead = [(group.next_session(now), group) for group in groups]
        ordered = sorted(
            ((session.starts_at, group.id, group) for session, group in ahead if session is not None),
            key=lambda item: (item[0], item[1]),
        )
        return [group for _, _, group in ordered][:limit]

    async def _groups(self, where: str, params: tuple[object, ...] | list[object]) -> list[ManagedGroup]:
        rows = await self._db.fetch_all(_GROUP + where + " ORDER BY g.id", params)
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        sessions: dict[int, list[Session]] = {}
        for session_id, group_id, start, cancelled in await self._db.fetch_all(
            f"SELECT id, group_id, starts_at, cancelled_at FROM group_sessions WHERE group_id IN ({marks}) "
            "ORDER BY starts_at, id",
            [row[0] for row in rows],
        ):
            sessions.setdefault(group_id, []).append(
                Session(session_id, datetime.fromisoformat(start), cancelled is not None)
            )
        return [
            ManagedGroup(
                row[0],
                row[1],
                row[2],
                row[3],
                bool(row[4]),
                row[5],
                row[6],
                int(row[7]),
                int(row[8]),
                row[9] is not None,
                tuple(sessions.get(row[0], ())),
            )
            for row in rows
        ]

    async def set_seats(self, group_id: int, seats: int) -> None:
        await self._db.execute("UPDATE course_groups SET seats = ? WHERE id = ?", (seats, group_id))

    async def close(self, group_id: int) -> None:
        """The group will not meet: closed and its pending reminders cancelled. The sign-ups keep their status, so
        the roster, attendance and CSV of what was held stay; closed_at keeps the group from parents' lists, new
        sign-ups and reminders."""
        stamp = self._db.clock.now_iso()
        await self._db.execute("UPDATE course_groups SET closed_at = ? WHERE id = ?", (stamp, group_id))
        await self._db.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE status = 'pending' AND session_id IN "
            "(SELECT id FROM group_sessions WHERE group_id = ?)",
            (group_id,),
        )

    async def is_closed(self, group_id: int) -> bool:
        """Whether the group was closed (a group that does not exist is not)."""
        row = await self._db.fetch_one("SELECT closed_at FROM course_groups WHERE id = ?", (group_id,))
        return row is not None and row[0] is not None

    # ---- sessions ----

    async def add_session(self, group_id: int, start: datetime) -> int:
        written = await self._db.execute(
            "INSERT INTO group_sessions (group_id, starts_at) VALUES (?, ?) RETURNING id", (group_id, _iso(start))
        )
        return int(written.rows[0][0])

    async def move_session(self, session_id: int, start: datetime) -> None:
        await self._db.execute("UPDATE group_sessions SET starts_at = ? WHERE id = ?", (_iso(start), session_id))

    async def cancel_session(self, session_id: int) -> None:
        """Cancelled, and nobody is reminded of it."""
        await self._db.execute(
            "UPDATE group_sessions SET cancelled_at = ? WHERE id = ?", (self._db.clock.now_iso(), session_id)
        )
        await self._db.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE session_id = ? AND status = 'pending'", (session_id,)
        )

    async def session_group(self, session_id: int) -> int | None:
        row = await self._db.fetch_one("SELECT group_id FROM group_sessions WHERE id = ?", (session_id,))
        return int(row[0]) if row else None

    async def session_reminders(self, session_id: int) -> list[tuple[int, str, str, int, int]]:
        """(id, kind, status, sign-up id, user id) of the session's reminders for confirmed sign-ups."""
        rows = await self._db.fetch_all(
            "SELECT r.id, r.kind, r.status, r.signup_id, r.user_id FROM reminders r "
            "JOIN signups s ON s.id = r.signup_id WHERE r.session_id = ? AND s.status = 'confirmed' ORDER BY r.id",
            (session_id,),
        )
        return [(int(row[0]), row[1], row[2], int(row[3]), int(row[4])) for row in rows]

    async def set_reminder(self, reminder_id: int, status: str, due: datetime | None) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = ?, due_at = coalesce(?, due_at) WHERE id = ?",
            (status, _iso(due) if due else None, reminder_id),
        )

    # ---- people ----

    async def roster(self, group_id: int) -> list[RosterLine]:
        """Who holds a seat (confirmed, in order of signing up), then the waiting list."""
        rows = await self._db.fetch_all(
            "SELECT id, name, partner_name, phone, seats, status FROM signups WHERE group_id = ? "
            "AND status != 'cancelled' ORDER BY CASE WHEN status = 'confirmed' THEN 0 ELSE 1 END, id",
            (group_id,),
        )
        return [RosterLine(*row) for row in rows]

    async def people(self, group_id: int, confirmed_only: bool) -> list[int]:
        """The Telegram ids of the people signed up (and partners who joined), once each."""
        status = "status = 'confirmed'" if confirmed_only else "status != 'cancelled'"
        rows = await self._db.fetch_all(
            f"SELECT user_id, partner_user_id FROM signups WHERE group_id = ? AND {status} ORDER BY id", (group_id,)
        )
        found: list[int] = []
        for user_id, partner in rows:
            for person in (user_id, partner):
                if person is not None and person not in found:
                    found.append(int(person))
        return found

    # ---- attendance ----

    async def attendance(self, group_id: int) -> set[tuple[int, int]]:
        rows = await self._db.fetch_all(
            "SELECT a.session_id, a.signup_id FROM attendance a JOIN group_sessions gs ON gs.id = a.session_id "
            "WHERE gs.group_id = ?",
            (group_id,),
        )
        return {(int(row[0]), int(row[1])) for row in rows}

    async def toggle_attendance(self, session_id: int, signup_id: int, marked_by: int) -> bool:
        """Present if they were not marked, not present if they were; returns whether they are marked now."""
        removed = await self._db.execute(
            "DELETE FROM attendance WHERE session_id = ? AND signup_id = ?", (session_id, signup_id)
        )
        if removed.rowcount:
            return False
        await self._db.execute(
            "INSERT INTO attendance (session_id, signup_id, marked_by, marked_at) VALUES (?, ?, ?, ?)",
            (session_id, signup_id, marked_by, self._db.clock.now_iso()),
        )
        return True
