"""The coordinators' web console: sign-in links and sessions (stored as SHA-256 hashes only), and the facts its
pages show. Nothing read here is a person's text, name or phone."""

from __future__ import annotations

from bot.console.models import CenterLine, GroupLine, RequestFact
from storage.database import Database

CONSOLE_VIEW = "console view"  # the audit log's action for every page shown and file downloaded


class ConsoleRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    # ---- sign-in links and sessions ----

    async def add_token(self, token_hash: str, admin_id: int, created_at: str, expires_at: str) -> None:
        await self._db.execute(
            "INSERT INTO console_tokens (token_hash, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (token_hash, admin_id, created_at, expires_at),
        )

    async def consume_token(self, token_hash: str, now: str) -> int | None:
        """The admin the link was made for, if it was unused and unexpired; it is used from now on. One statement:
        of two tabs opening the link at once, one gets the admin and the other nothing."""
        written = await self._db.execute(
            "UPDATE console_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
            "RETURNING admin_id",
            (now, token_hash, now),
        )
        row = written.first()
        return int(row[0]) if row is not None else None

    async def token_state(self, token_hash: str) -> tuple[str | None, str] | None:
        """(used_at, expires_at) of a link, or None when there is no such link."""
        row = await self._db.fetch_one(
            "SELECT used_at, expires_at FROM console_tokens WHERE token_hash = ?", (token_hash,)
        )
        return (row[0], row[1]) if row is not None else None

    async def add_session(self, session_hash: str, admin_id: int, created_at: str, expires_at: str) -> None:
        await self._db.execute(
            "INSERT INTO console_sessions (session_hash, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (session_hash, admin_id, created_at, expires_at),
        )

    async def session_admin(self, session_hash: str, now: str) -> int | None:
        row = await self._db.fetch_one(
            "SELECT admin_id FROM console_sessions WHERE session_hash = ? AND ended_at IS NULL AND expires_at > ?",
            (session_hash, now),
        )
        return int(row[0]) if row is not None else None

    async def end_session(self, session_hash: str, now: str) -> bool:
        written = await self._db.execute(
            "UPDATE console_sessions SET ended_at = ? WHERE session_hash = ? AND ended_at IS NULL", (now, session_hash)
        )
        return written.rowcount == 1

    async def sessions_of(self, admin_id: int) -> int:
        return int(
            await self._db.fetch_value("SELECT count(*) FROM console_sessions WHERE admin_id = ?", (admin_id,), 0)
        )

    async def prune(self, before: str) -> None:
        """Links and sessions that ended before `before` are of no more use."""
        await self._db.execute("DELETE FROM console_tokens WHERE expires_at < ?", (before,))
        await self._db.execute("DELETE FROM console_sessions WHERE expires_at < ?", (before,))

    # ---- who is looking ----

    async def locale_of(self, admin_id: int) -> str | None:
        return await self._db.fetch_value("SELECT locale FROM users WHERE id = ?", (admin_id,))

    async def audit(self, admin_id: int, detail: str) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (actor_id, request_id, action, detail, created_at) VALUES (?, NULL, ?, ?, ?)",
            (admin_id, CONSOLE_VIEW, detail, self._db.clock.now_iso()),
        )

    # ---- what the pages show ----

    async def network(self) -> list[CenterLine]:
        rows = await self._db.fetch_all(
            "SELECT c.id, c.slug, c.region, c.name_kk, c.name_ru, c.schedule, c.holidays, "
            "(SELECT count(*) FROM staff s WHERE s.center_id = c.id), "
            "(SELECT count(*) FROM help_requests r WHERE r.center_id = c.id AND r.status IN ('new', 'in_progress')), "
            "(SELECT min(r.created_at) FROM help_requests r WHERE r.center_id = c.id AND r.status = 'new'), "
            "(SELECT max(a.created_at) FROM audit_log a JOIN staff s ON s.user_id = a.actor_id "
            f"WHERE s.center_id = c.id AND a.action != '{CONSOLE_VIEW}') "
            "FROM centers c ORDER BY c.region, c.slug"
        )
        return [
            CenterLine(
                int(row[0]),
                row[1],
                row[2],
                row[3],
                row[4],
                row[5] or "",
                row[6] or "",
                int(row[7]),
                int(row[8]),
                row[9],
                row[10],
            )
            for row in rows
        ]

    async def request_facts(self, since: str) -> list[RequestFact]:
        rows = await self._db.fetch_all(
            "SELECT c.region, r.category, r.status, r.created_at, r.taken_at, r.resolved_at, r.escalated_at, "
            "r.rating FROM help_requests r JOIN centers c ON c.id = r.center_id WHERE r.created_at >= ? ORDER BY r.id",
            (since,),
        )
        return [RequestFact(*tuple(row)) for row in rows]

    async def groups(self) -> list[GroupLine]:
        rows = await self._db.fetch_all(
            "SELECT g.slug, t.programme, t.title_kk, t.title_ru, c.name_kk, c.name_ru, g.online, g.language, "
            "g.seats, "
            "(SELECT CAST(coalesce(sum(s.seats), 0) AS INTEGER) FROM signups s "
            "WHERE s.group_id = g.id AND s.status = 'confirmed'), "
            "(SELECT count(*) FROM signups s WHERE s.group_id = g.id AND s.status = 'waiting'), "
            "(SELECT count(*) FROM group_sessions x WHERE x.group_id = g.id AND x.cancelled_at IS NULL), "
            "(SELECT min(x.starts_at) FROM group_sessions x WHERE x.group_id = g.id AND x.cancelled_at IS NULL), "
            # attendance (a row: that sign-up was there), over the sessions where staff marked it
            "(SELECT count(*) FROM attendance a JOIN group_sessions x ON x.id = a.session_id WHERE x.group_id = g.id), "
            "(SELECT count(DISTINCT a.session_id) FROM attendance a JOIN group_sessions x ON x.id = a.session_id "
            "WHERE x.group_id = g.id), "
            "(SELECT count(*) FROM signups s WHERE s.group_id = g.id AND s.status = 'confirmed'), "
            "g.closed_at "
            "FROM course_groups g JOIN course_topics t ON t.id = g.topic_id JOIN centers c ON c.id = g.center_id "
            "ORDER BY t.programme, g.slug"
        )
        return [
            GroupLine(
                slug=row[0],
                programme=row[1],
                topic_kk=row[2],
                topic_ru=row[3],
                center_kk=row[4],
                center_ru=row[5],
                online=bool(row[6]),
                language=row[7],
                seats=int(row[8]),
                taken=int(row[9]),
                waiting=int(row[10]),
                sessions=int(row[11]),
                first_session=row[12],
                attended=int(row[13]) if int(row[14]) else None,
                possible=int(row[14]) * int(row[15]),
                closed=row[16] is not None,
            )
            for row in rows
        ]
