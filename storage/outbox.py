"""The outbox: every notice the bot must deliver, stored before it is sent and retried until it is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from storage.database import Database

CLAIM_LEASE = 120.0  # seconds an instance holds the rows it claimed


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

    async def claim(self, limit: int = 20, lease: float = CLAIM_LEASE) -> list[OutboxItem]:
        """The oldest due rows, at most one per chat (its oldest pending one, so a chat's messages go in order
        whichever instance sends them), claimed for `lease` seconds: no other instance takes them meanwhile, and if
        this one dies, another takes them once the lease is over. Sending, retrying or postponing ends a claim."""
        now = self._db.clock.now_iso()
        due = (
            "FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR "
            "claimed_until <= ?) AND NOT EXISTS (SELECT 1 FROM outbox older WHERE older.chat_id = outbox.chat_id "
            "AND older.status = 'pending' AND older.id < outbox.id)"
        )
        if not await self._db.fetch_value(f"SELECT 1 {due} LIMIT 1", (now, now)):
            return []  # the usual answer, found without the writer's lock
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                "SELECT id, chat_id, method, payload, request_id, notice, attempts "
                f"{due} ORDER BY id LIMIT ? {self._db.for_update}",
                (now, now, limit),
            )
            if rows:
                marks = ", ".join("?" * len(rows))
                await self._db.execute(
                    f"UPDATE outbox SET claimed_until = ? WHERE id IN ({marks})",
                    (self._db.clock.later(timedelta(seconds=lease)), *(row[0] for row in rows)),
                )
        return [OutboxItem(r[0], r[1], r[2], json.loads(r[3]), r[4], bool(r[5]), r[6]) for r in rows]

    async def release_claims(self) -> int:
        """Ends every claim: for a database only one instance delivers from (SQLite), at its start, so that rows
        claimed by a process that was killed go at once instead of after their lease."""
        written = await self._db.execute("UPDATE outbox SET claimed_until = NULL WHERE claimed_until IS NOT NULL")
        return written.rowcount

    async def mark_sent(self, item_id: int) -> None:
        # The text is delivered: the outbox keeps no copy of it.
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', payload = '{}', sent_at = ?, attempts = attempts + 1, "
            "claimed_until = NULL WHERE id = ?",
            (self._db.clock.now_iso(), item_id),
        )

    async def retry_later(self, item_id: int, seconds: float, error: str) -> None:
        later = self._db.clock.later(timedelta(seconds=seconds))
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, claimed_until = NULL "
            "WHERE id = ?",
            (later, error, item_id),
        )

    async def postpone(self, item_id: int, seconds: float) -> None:
        """Not sent yet, to keep within Telegram's limits: due again in `seconds`, no attempt counted."""
        await self._db.execute(
            "UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL WHERE id = ?",
            (self._db.clock.later(timedelta(seconds=seconds)), item_id),
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'failed', payload = '{}', attempts = attempts + 1, last_error = ?, "
            "claimed_until = NULL WHERE id = ?",
            (error, item_id),
        )

    async def pending_count(self) -> int:
        row = await self._db.fetch_one("SELECT count(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0
