"""Which messages are in each private chat, so the quick exit can delete them (Telegram allows 48 hours)."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database

DELETABLE_FOR = timedelta(hours=48)


class ChatLog:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def record(self, chat_id: int, message_id: int) -> None:
        """Only while the person is stored: a message that goes out as /forget erases them (the outbox had it in
        hand already) leaves no row behind. Writes run one at a time (on PostgreSQL across instances too, and at
        READ COMMITTED this statement reads what was committed before its turn came), so the erasure is either
        all before it or all after it."""
        await self._db.execute(
            "INSERT OR IGNORE INTO chat_messages (chat_id, message_id, at) SELECT ?, ?, ? FROM users WHERE id = ?",
            (chat_id, message_id, self._db.clock.now_iso(), chat_id),
        )

    async def deletable(self, chat_id: int) -> list[int]:
        since = self._db.clock.ago(DELETABLE_FOR)
        return [
            row[0]
            for row in await self._db.fetch_all(
                "SELECT message_id FROM chat_messages WHERE chat_id = ? AND at > ? ORDER BY message_id",
                (chat_id, since),
            )
        ]

    async def forget_chat(self, chat_id: int) -> None:
        await self._db.execute("DELETE FROM chat_messages WHERE chat_id = ?", (chat_id,))

    async def prune(self) -> None:
        """Older messages cannot be deleted any more, so there is no reason to keep their ids."""
        before = self._db.clock.ago(DELETABLE_FOR)
        await self._db.execute("DELETE FROM chat_messages WHERE at <= ?", (before,))
