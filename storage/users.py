"""Users: the Telegram id and the chosen language, nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Database


@dataclass(frozen=True, slots=True)
class User:
    id: int
    locale: str | None


class UserRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def touch(self, user_id: int) -> User:
        """The stored user, created on first contact; last_seen_at is refreshed at most once a minute. Most updates
        come from someone seen this minute: for them this is one read and no write."""
        now = self._db.clock.now_iso()
        row = await self._db.fetch_one("SELECT id, locale, last_seen_at FROM users WHERE id = ?", (user_id,))
        if row is not None and row["last_seen_at"][:16] == now[:16]:
            return User(row["id"], row["locale"])
        await self._db.execute(
            "INSERT INTO users (id, locale, created_at, last_seen_at) VALUES (?, NULL, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at "
            "WHERE substr(users.last_seen_at, 1, 16) != substr(excluded.last_seen_at, 1, 16)",
            (user_id, now, now),
        )
        if row is not None:  # the locale is only ever changed by the person, in this update's handler, later
            return User(row["id"], row["locale"])
        return await self.get(user_id)  # type: ignore[return-value]

    async def get(self, user_id: int) -> User | None:
        row = await self._db.fetch_one("SELECT id, locale FROM users WHERE id = ?", (user_id,))
        return User(row["id"], row["locale"]) if row else None

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self._db.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))
