"""Per-update context: the repositories bound to the connection, and the stored user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TgUser

from storage.centers import CenterRepository
from storage.chat_log import ChatLog
from storage.users import UserRepository


class RepositoryMiddleware(BaseMiddleware):
    """Runs on the update, before the locale middleware, so the locale comes from the stored user."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._users = UserRepository(connection)
        self._centers = CenterRepository(connection)
        self._chat_log = ChatLog(connection)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["users"] = self._users
        data["centers"] = self._centers
        data["chat_log"] = self._chat_log
        if isinstance(event, Update) and event.message is not None and event.message.chat.type == "private":
            await self._chat_log.record(event.message.chat.id, event.message.message_id)
        telegram_user: TgUser | None = data.get("event_from_user")
        if telegram_user is not None and not telegram_user.is_bot:
            data["user"] = await self._users.touch(telegram_user.id)
        return await handler(event, data)
