"""What staff work with besides requests: invite links, bound staff groups and forum topics, saved replies."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from bot.requests.models import BlockedSender, SavedReply, StaffGroup
from storage.database import Database


class InviteRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def create(self, token: str, center_id: int, created_by: int, valid_for: timedelta) -> None:
        expires = self._db.clock.later(valid_for)
        await self._db.execute(
            "INSERT INTO staff_invites (token, center_id, created_by, expires_at) VALUES (?, ?, ?, ?)",
            (token, center_id, created_by, expires),
        )

    async def redeem(self, token: str, user_id: int) -> int | None:
        """The center the invite is for, once: a used or expired invite gives None."""
        written = await self._db.execute(
            "UPDATE staff_invites SET used_by = ?, used_at = ? WHERE token = ? AND used_by IS NULL "
            "AND expires_at > ? RETURNING center_id",
            (user_id, self._db.clock.now_iso(), token, self._db.clock.now_iso()),
        )
        row = written.first()
        return int(row[0]) if row else None


class GroupRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def bind(self, center_id: int, chat_id: int, is_forum: bool, bound_by: int) -> None:
        async with self._db.transaction():
            await self._db.execute("DELETE FROM center_groups WHERE chat_id = ? OR center_id = ?", (chat_id, center_id))
            await self._db.execute(
                "INSERT INTO center_groups (center_id, chat_id, is_forum, bound_by, bound_at) VALUES (?, ?, ?, ?, ?)",
                (center_id, chat_id, int(is_forum), bound_by, self._db.clock.now_iso()),
            )

    async def of_center(self, center_id: int) -> StaffGroup | None:
        row = await self._db.fetch_one(
            "SELECT center_id, chat_id, is_forum FROM center_groups WHERE center_id = ?", (center_id,)
        )
        return StaffGroup(row[0], row[1], bool(row[2])) if row else None

    async def topic(self, request_id: int) -> int | None:
        row = await self._db.fetch_one("SELECT thread_id FROM request_topics WHERE request_id = ?", (request_id,))
        return int(row[0]) if row else None

    async def save_topic(self, request_id: int, chat_id: int, thread_id: int) -> None:
        await self._db.execute(
            "INSERT INTO request_topics (request_id, chat_id, thread_id) VALUES (?, ?, ?) "
            "ON CONFLICT (request_id) DO UPDATE SET chat_id = excluded.chat_id, thread_id = excluded.thread_id",
            (request_id, chat_id, thread_id),
        )

    async def of_chat(self, chat_id: int) -> StaffGroup | None:
        row = await self._db.fetch_one(
            "SELECT center_id, chat_id, is_forum FROM center_groups WHERE chat_id = ?", (chat_id,)
        )
        return StaffGroup(row[0], row[1], bool(row[2])) if row else None

    async def unbind(self, chat_id: int) -> bool:
        written = await self._db.execute("DELETE FROM center_groups WHERE chat_id = ?", (chat_id,))
        return written.rowcount > 0


class SavedReplyRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def add(self, center_id: int, locale: str, title: str, text: str) -> int:
        written = await self._db.execute(
            "INSERT INTO saved_replies (center_id, locale, title, text) VALUES (?, ?, ?, ?) RETURNING id",
            (center_id, locale, title, text),
        )
        return int(written.rows[0][0])

    async def for_center(self, center_id: int, locale: str | None = None) -> list[SavedReply]:
        sql = "SELECT id, center_id, locale, title, text FROM saved_replies WHERE center_id = ?"
        params: tuple[object, ...] = (center_id,)
        if locale is not None:
            sql += " AND locale = ?"
            params = (center_id, locale)
        return [SavedReply(*row) for row in await self._db.fetch_all(sql + " ORDER BY id", params)]

    async def get(self, reply_id: int) -> SavedReply | None:
        row = await self._db.fetch_one(
            "SELECT id, center_id, locale, title, text FROM saved_replies WHERE id = ?", (reply_id,)
        )
        return SavedReply(*row) if row else None


def sender_key(secret: str, user_id: int) -> str:
    """A keyed hash of a Telegram id: the same person always gives the same key, and the key names nobody
    without the secret."""
    return hmac.new(bytes.fromhex(secret), str(user_id).encode(), hashlib.sha256).hexdigest()


class BlockRepository:
    """A block outlives the person's erasure (/forget), kept under `sender_key` only, so that erasing oneself
    does not lift it."""

    def __init__(self, connection: Database) -> None:
        self._db = connection
        self._secret: str | None = None

    async def key(self, user_id: int) -> str:
        if self._secret is None:
            self._secret = await self._db.fetch_value("SELECT value FROM app_secrets WHERE name = 'sender_key'")
        assert self._secret is not None, "migration 0007 creates the key"
        return sender_key(self._secret, user_id)

    async def block(self, user_id: int, blocked_by: int, request_id: int) -> None:
        await self._db.execute(
            "INSERT INTO blocked_senders (user_id, sender_key, blocked_by, request_id, blocked_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET blocked_by = excluded.blocked_by, "
            "request_id = excluded.request_id, blocked_at = excluded.blocked_at",
            (user_id, await self.key(user_id), blocked_by, request_id, self._db.clock.now_iso()),
        )

    async def unblock(self, user_id: int) -> bool:
        written = await self._db.execute(
            "DELETE FROM blocked_senders WHERE user_id = ? OR sender_key = ?", (user_id, await self.key(user_id))
        )
        return written.rowcount >= 1

    async def is_blocked(self, user_id: int) -> bool:
        row = await self._db.fetch_one(
            "SELECT 1 FROM blocked_senders WHERE user_id = ? OR sender_key = ?", (user_id, await self.key(user_id))
        )
        return row is not None

    async def forget_identity(self, user_id: int) -> None:
        """The person erased their data: the block stays, under the keyed hash alone."""
        await self._db.execute(
            "UPDATE blocked_senders SET user_id = NULL, sender_key = ? WHERE user_id = ?",
            (await self.key(user_id), user_id),
        )

    async def all(self) -> list[BlockedSender]:
        return [
            BlockedSender(*row)
            for row in await self._db.fetch_all(
                "SELECT user_id, request_id, blocked_at FROM blocked_senders WHERE user_id IS NOT NULL "
                "ORDER BY blocked_at DESC"
            )
        ]
