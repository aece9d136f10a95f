"""The outbox: every notice the bot must deliver, stored before it is sent and retried until it is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from storage.database import Database


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    chat_id: int
    method: str
    params: dict[str, Any]
    request_id: int | None
    notice: bool
    attempts: int


class OutboxRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def enqueue(
        self,
        chat_id: int,
        method: str,
        params: dict[str, Any],
        request_id: int | None = None,
        notice: bool = False,
        about_user: int | None = None,
    ) -> None:
        """Part of the caller's transaction. `about_user`: the person the text names, if it names one (erasing them
        deletes it while it is undelivered)."""
        stamp = self._db.clock.now_iso()
        await self._db.execute(
            "INSERT INTO outbox (chat_id, method, payload, request_id, notice, next_attempt_at, created_at, "
            "about_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                method,
                json.dumps(params, ensure_ascii=False),
                request_id,
                int(notice),
                stamp,
                stamp,
                about_user,
            ),
        )

    async def due(self, limit: int = 20) -> list[OutboxItem]:
        rows = await self._db.fetch_all(
            "SELECT id, chat_id, method, payload, request_id, notice, attempts FROM outbox "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (self._db.clock.now_iso(), limit),
        )
        return [OutboxItem(r[0], r[1], r[2], json.loads(r[3]), r[4], bool(r[5]), r[6]) for r in rows]

    async def mark_sent(self, item_id: int) -> None:
        # The text is delivered: the outbox keeps no copy of it.
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', payload = '{}', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            (self._db.clock.now_iso(), item_id),
        )

    async def retry_later(self, item_id: int, seconds: float, error: str) -> None:
        later = self._db.clock.later(timedelta(seconds=seconds))
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
            (later, error, item_id),
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'failed', payload = '{}', attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error, item_id),
        )

    async def pending_count(self) -> int:
        row = await self._db.fetch_one("SELECT count(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0
