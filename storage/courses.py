"""Course topics, groups and sessions, sign-ups and their reminders."""

from __future__ import annotations

from datetime import datetime

from bot.courses.models import CourseGroup, DueReminder, NewGroup, Signup, Topic
from storage.database import Database, Row

_SIGNUP = (
    "id, group_id, user_id, name, phone, partner_name, partner_user_id, marriage_date, seats, status, invite_token, "
    "wants_reminders"
)


def _signup(row: Row) -> Signup:
    return Signup(*row[:-1], wants_reminders=bool(row[-1]))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class CourseRepository:
    """Writes do not commit: they belong to the caller's unit of work."""

    def __init__(self, connection: Database) -> None:
        self._db = connection

    # ---- topics and groups ----

    async def upsert_topic(self, topic: Topic) -> None:
        await self._db.execute(
            "INSERT INTO course_topics (slug, programme, title_kk, title_ru, description_kk, description_ru) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET programme = excluded.programme, "
            "title_kk = excluded.title_kk, title_ru = excluded.title_ru, "
            "description_kk = excluded.description_kk, description_ru = excluded.description_ru",
            (topic.slug, topic.programme, topic.title_kk, topic.title_ru, topic.description_kk, topic.description_ru),
        )

    async def topics(self, programme: str | None = None) -> list[Topic]:
        sql = "SELECT id, slug, programme, title_kk, title_ru, description_kk, description_ru FROM course_topics"
        params: tuple[object, ...] = ()
        if programme is not None:
            sql += " WHERE programme = ?"
            params = (programme,)
        return [Topic(*row) for row in await self._db.fetch_all(sql + " ORDER BY id", params)]

    async def topic(self, topic_id: int) -> Topic | None:
        found = [topic for topic in await self.topics() if topic.id == topic_id]
        return found[0] if found else None

    async def topic_id(self, slug: str) -> int | None:
        row = await self._db.fetch_one("SELECT id FROM course_topics WHERE slug = ?", (slug,))
        return int(row[0]) if row else None

    async def add_group(self, group: NewGroup) -> int:
        topic_id = await self.topic_id(group.topic_slug)
        if topic_id is None:
            raise ValueError(f"no topic '{group.topic_slug}'")
        async with self._db.transaction():
            written = await self._db.execute(
                "INSERT INTO course_groups (slug, topic_id, center_id, online, language, seats, is_sample, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    group.slug,
                    topic_id,
                    group.center_id,
                    int(group.online),
                    group.language,
                    group.seats,
                    int(group.is_sample),
                    self._db.clock.now_iso(),
                ),
            )
            group_id = int(written.rows[0][0])
            for start in sorted(group.sessions):
                await self._db.execute(
                    "INSERT INTO group_sessions (group_id, starts_at) VALUES (?, ?)", (group_id, _iso(start))
                )
        return group_id

    async def group_count(self) -> int:
        row = await self._db.fetch_one("SELECT count(*) FROM course_groups")
        return int(row[0]) if row else 0

    async def existing_group_slugs(self, slugs: list[str]) -> set[str]:
        if not slugs:
            return set()
        marks = ",".join("?" * len(slugs))
        return {
            row[0] for row in await self._db.fetch_all(f"SELECT slug FROM course_groups WHERE slug IN ({marks})", slugs)
        }

    async def groups(self, topic_id: int | None = None, center_ids: set[int] | None = None) -> list[CourseGroup]:
        """Groups that still meet (a closed group is not offered), with their sessions not cancelled."""
        where, params = ["g.closed_at IS NULL"], []
        if topic_id is not None:
            where.append("g.topic_id = ?")
            params.append(topic_id)
        if center_ids is not None:
            where.append(f"g.center_id IN ({','.join('?' * len(center_ids)) or 'NULL'})")
            params += sorted(center_ids)
        sql = (
            "SELECT g.id, g.slug, g.topic_id, g.center_id, g.online, g.language, g.seats, "
            "(SELECT CAST(coalesce(sum(s.seats), 0) AS INTEGER) FROM signups s "
            "WHERE s.group_id = g.id AND s.status = 'confirmed') "
            "FROM course_groups g" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY g.id"
        )
        rows = await self._db.fetch_all(sql, params)
        sessions = await self._sessions([row[0] for row in rows])
        return [
            CourseGroup(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], sessions.get(row[0], ()))
            for row in rows
            if sessions.get(row[0])
        ]

    async def group(self, group_id: int) -> CourseGroup | None:
        found = [group for group in await self.groups() if group.id == group_id]
        return found[0] if found else None

    async def session_ids(self, group_id: int) -> list[tuple[int, datetime]]:
        return [
            (row[0], datetime.fromisoformat(row[1]))
            for row in await self._db.fetch_all(
                "SELECT id, starts_at FROM group_sessions WHERE group_id = ? AND cancelled_at IS NULL "
                "ORDER BY starts_at",
                (group_id,),
            )
        ]

    async def _sessions(self, group_ids: list[int]) -> dict[int, tuple[datetime, ...]]:
        if not group_ids:
            return {}
        marks = ",".join("?" * len(group_ids))
        rows = await self._db.fetch_all(
            f"SELECT group_id, starts_at FROM group_sessions WHERE group_id IN ({marks}) AND cancelled_at IS NULL "
            "ORDER BY starts_at",
            group_ids,
        )
        found: dict[int, list[datetime]] = {}
        for group_id, start in rows:
            found.setdefault(group_id, []).append(datetime.fromisoformat(start))
        return {key: tuple(value) for key, value in found.items()}

    # ---- sign-ups ----

    async def create_signup(
        self,
        group_id: int,
        user_id: int,
        name: str,
        phone: str,
        seats: int,
        status: str,
        partner_name: str | None = None,
        marriage_date: str | None = None,
        invite_token: str | None = None,
        wants_reminders: bool = True,
    ) -> int:
        written = await self._db.execute(
            "INSERT INTO signups (group_id, user_id, name, phone, partner_name, marriage_date, seats, status, "
            "invite_token, created_at, wants_reminders) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                group_id,
                user_id,
                name,
                phone,
                partner_name,
                marriage_date,
                seats,
                status,
                invite_token,
                self._db.clock.now_iso(),
                int(wants_reminders),
            ),
        )
        return int(written.rows[0][0])

    async def signup(self, signup_id: int) -> Signup | None:
        return await self._one(f"SELECT {_SIGNUP} FROM signups WHERE id = ?", (signup_id,))

    async def by_token(self, token: str) -> Signup | None:
        return await self._one(f"SELECT {_SIGNUP} FROM signups WHERE invite_token = ?", (token,))

    async def active_of(self, user_id: int, group_id: int) -> Signup | None:
        return await self._one(
            f"SELECT {_SIGNUP} FROM signups WHERE group_id = ? AND status != 'cancelled' "
            "AND (user_id = ? OR partner_user_id = ?)",
            (group_id, user_id, user_id),
        )

    async def of_user(self, user_id: int) -> list[Signup]:
        return [
            _signup(row)
            for row in await self._db.fetch_all(
                f"SELECT {_SIGNUP} FROM signups WHERE status != 'cancelled' AND (user_id = ? OR partner_user_id = ?) "
                "ORDER BY id",
                (user_id, user_id),
            )
        ]

    async def waiting(self, group_id: int) -> list[Signup]:
        return [
            _signup(row)
            for row in await self._db.fetch_all(
                f"SELECT {_SIGNUP} FROM signups WHERE group_id = ? AND status = 'waiting' ORDER BY id", (group_id,)
            )
        ]

    async def roster(self, group_id: int) -> list[Signup]:
        return [
            _signup(row)
            for row in await self._db.fetch_all(
                f"SELECT {_SIGNUP} FROM signups WHERE group_id = ? AND status != 'cancelled' "
                "ORDER BY status = 'waiting', id",
                (group_id,),
            )
        ]

    async def taken_seats(self, group_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT CAST(coalesce(sum(seats), 0) AS INTEGER) FROM signups WHERE group_id = ? AND status = 'confirmed'",
            (group_id,),
        )
        return int(row[0]) if row else 0

    async def set_status(self, signup_id: int, status: str) -> None:
        stamp = self._db.clock.now_iso() if status == "cancelled" else None
        await self._db.execute(
            "UPDATE signups SET status = ?, cancelled_at = coalesce(?, cancelled_at) WHERE id = ?",
            (status, stamp, signup_id),
        )

    async def join_partner(self, signup_id: int, partner_user_id: int) -> None:
        """Single use: the token is spent with the join."""
        await self._db.execute(
            "UPDATE signups SET partner_user_id = ?, invite_token = NULL WHERE id = ?", (partner_user_id, signup_id)
        )

    # ---- reminders ----

    async def add_reminder(self, signup_id: int, session_id: int, user_id: int, kind: str, due: datetime) -> None:
        """A pending reminder. Added again (a session moved back after a move had cancelled it), a cancelled one is
        due again at `due`; a pending or sent one is left as it is."""
        await self._db.execute(
            "INSERT INTO reminders (signup_id, session_id, user_id, kind, due_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (signup_id, session_id, user_id, kind) DO UPDATE SET status = 'pending', "
            "due_at = excluded.due_at WHERE reminders.status = 'cancelled'",
            (signup_id, session_id, user_id, kind, _iso(due)),
        )

    async def cancel_reminders(self, signup_id: int) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE signup_id = ? AND status = 'pending'", (signup_id,)
        )

    async def due_reminders(self, now: datetime) -> list[DueReminder]:
        rows = await self._db.fetch_all(
            "SELECT r.id, r.kind, r.user_id, r.signup_id, s.group_id, gs.starts_at FROM reminders r "
            "JOIN signups s ON s.id = r.signup_id JOIN group_sessions gs ON gs.id = r.session_id "
            "JOIN course_groups g ON g.id = gs.group_id "
            "WHERE r.status = 'pending' AND r.due_at <= ? AND s.status = 'confirmed' "
            "AND gs.cancelled_at IS NULL AND g.closed_at IS NULL "
            "AND EXISTS (SELECT 1 FROM consents c WHERE c.user_id = r.user_id AND c.purpose = 'reminders' "
            "AND c.withdrawn_at IS NULL) ORDER BY r.due_at",
            (_iso(now),),
        )
        return [DueReminder(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5])) for r in rows]

    async def mark_reminder_sent(self, reminder_id: int) -> None:
        await self._db.execute("UPDATE reminders SET status = 'sent' WHERE id = ?", (reminder_id,))

    async def _one(self, sql: str, params: tuple[object, ...]) -> Signup | None:
        row = await self._db.fetch_one(sql, params)
        return _signup(row) if row else None
