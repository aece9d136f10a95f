"""Help requests, their message threads, staff notices and the audit log."""

from __future__ import annotations

from bot.requests.models import HelpRequest, NewRequest, ThreadMessage
from storage.database import Database, Row
from storage.stats import seconds_to

_COLUMNS = (
    "id, user_id, center_id, category, status, urgent, contact_method, contact_name, phone, locale, assignee_id, "
    "rating, created_at, safe_contact, last_actor"
)


def _request(row: Row) -> HelpRequest:
    return HelpRequest(
        id=row["id"],
        user_id=row["user_id"],
        center_id=row["center_id"],
        category=row["category"],
        status=row["status"],
        urgent=bool(row["urgent"]),
        contact_method=row["contact_method"],
        contact_name=row["contact_name"],
        phone=row["phone"],
        locale=row["locale"],
        assignee_id=row["assignee_id"],
        rating=row["rating"],
        created_at=row["created_at"],
        safe_contact=row["safe_contact"],
        last_actor=row["last_actor"],
    )


class RequestRepository:
    """Several writes make one change (a request and its first message): callers run them in a transaction."""

    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def create(self, new: NewRequest) -> int:
        stamp = self._db.clock.now_iso()
        async with self._db.transaction():
            written = await self._db.execute(
                "INSERT INTO help_requests (user_id, center_id, category, urgent, contact_method, contact_name, phone, "
                "locale, created_at, safe_contact, draft_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    new.user_id,
                    new.center_id,
                    new.category,
                    int(new.urgent),
                    new.contact_method,
                    new.contact_name,
                    new.phone,
                    new.locale,
                    stamp,
                    new.safe_contact,
                    new.draft_id,
                ),
            )
            request_id = int(written.rows[0][0])
            await self.add_message(request_id, "person", new.text, file_id=new.file_id, file_kind=new.file_kind)
        return request_id

    async def get(self, request_id: int) -> HelpRequest | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM help_requests WHERE id = ?", (request_id,))
        return _request(row) if row else None

    async def by_draft(self, user_id: int, draft_id: str) -> HelpRequest | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM help_requests WHERE user_id = ? AND draft_id = ?", (user_id, draft_id)
        )
        return _request(row) if row else None

    async def of_user(self, user_id: int, limit: int = 10) -> list[HelpRequest]:
        return [
            _request(row)
            for row in await self._db.fetch_all(
                f"SELECT {_COLUMNS} FROM help_requests WHERE user_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit)
            )
        ]

    async def count_since(self, user_id: int, since: str) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) FROM help_requests WHERE user_id = ? AND created_at >= ?", (user_id, since)
        )
        return int(row[0]) if row else 0

    async def add_message(
        self,
        request_id: int,
        author: str,
        text: str | None,
        staff_id: int | None = None,
        file_id: str | None = None,
        file_kind: str | None = None,
    ) -> None:
        await self._db.execute(
            "INSERT INTO request_messages (request_id, author, staff_id, text, file_id, file_kind, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (request_id, author, staff_id, text, file_id, file_kind, self._db.clock.now_iso()),
        )

    async def thread(self, request_id: int) -> list[ThreadMessage]:
        return [
            ThreadMessage(*row)
            for row in await self._db.fetch_all(
                "SELECT author, text, file_id, file_kind, created_at FROM request_messages WHERE request_id = ? "
                "ORDER BY id",
                (request_id,),
            )
        ]

    async def set_status(
        self, request_id: int, status: str, actor_id: int | None = None, actor_name: str | None = None
    ) -> None:
        """Taking stamps taken_at, any other status (resolved, spam, transferred) resolved_at; each with its
        seconds from the request's arrival in the same statement (what /stats' medians read, storage.stats)."""
        stamp, seconds = self._db.clock.now_iso(), seconds_to(self._db.dialect)
        if status == "in_progress":
            await self._db.execute(
                f"UPDATE help_requests SET status = ?, assignee_id = ?, taken_at = ?, take_seconds = {seconds}, "
                "last_actor = ? WHERE id = ?",
                (status, actor_id, stamp, stamp, actor_name, request_id),
            )
        else:
            await self._db.execute(
                f"UPDATE help_requests SET status = ?, resolved_at = ?, resolve_seconds = {seconds}, last_actor = ? "
                "WHERE id = ?",
                (status, stamp, stamp, actor_name, request_id),
            )

    async def move(self, request_id: int, center_id: int) -> None:
        """A transfer: the request starts again as new at the other center."""
        await self._db.execute(
            "UPDATE help_requests SET center_id = ?, status = 'new', assignee_id = NULL, taken_at = NULL, "
            "take_seconds = NULL, escalated_at = NULL, last_actor = NULL WHERE id = ?",
            (center_id, request_id),
        )

    async def open_in(self, center_ids: set[int] | None, limit: int, offset: int) -> tuple[list[HelpRequest], int]:
        """Open requests of these centers (None: every center), urgent first, then the oldest; and their count."""
        where = "status IN ('new', 'in_progress')"
        params: list[object] = []
        if center_ids is not None:
            where += f" AND center_id IN ({','.join('?' * len(center_ids)) or 'NULL'})"
            params += sorted(center_ids)
        total = (await self._db.fetch_one(f"SELECT count(*) FROM help_requests WHERE {where}", params))[0]  # type: ignore[index]
        return [
            _request(row)
            for row in await self._db.fetch_all(
                f"SELECT {_COLUMNS} FROM help_requests WHERE {where} ORDER BY urgent DESC, id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        ], int(total)

    async def due_for_escalation(self, created_before: str) -> list[HelpRequest]:
        return [
            _request(row)
            for row in await self._db.fetch_all(
                f"SELECT {_COLUMNS} FROM help_requests WHERE status = 'new' AND escalated_at IS NULL "
                "AND created_at <= ? ORDER BY id",
                (created_before,),
            )
        ]

    async def mark_escalated(self, request_id: int) -> None:
        await self._db.execute(
            "UPDATE help_requests SET escalated_at = ? WHERE id = ?", (self._db.clock.now_iso(), request_id)
        )

    async def rate(self, request_id: int, rating: int) -> None:
        await self._db.execute("UPDATE help_requests SET rating = ? WHERE id = ?", (rating, request_id))

    async def comment_rating(self, request_id: int, comment: str) -> None:
        await self._db.execute("UPDATE help_requests SET rating_comment = ? WHERE id = ?", (comment, request_id))

    async def add_notice(self, request_id: int, chat_id: int, message_id: int) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO request_notices (request_id, chat_id, message_id) VALUES (?, ?, ?)",
            (request_id, chat_id, message_id),
        )

    async def notices(self, request_id: int) -> list[tuple[int, int]]:
        return [
            (row[0], row[1])
            for row in await self._db.fetch_all(
                "SELECT chat_id, message_id FROM request_notices WHERE request_id = ?", (request_id,)
            )
        ]

    async def forget_notices(self, request_id: int) -> None:
        await self._db.execute("DELETE FROM request_notices WHERE request_id = ?", (request_id,))

    async def audit(self, actor_id: int, request_id: int | None, action: str, detail: str | None = None) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (actor_id, request_id, action, detail, created_at) VALUES (?, ?, ?, ?, ?)",
            (actor_id, request_id, action, detail, self._db.clock.now_iso()),
        )
