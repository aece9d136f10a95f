"""Per-update context: the rate limit first, then the repositories bound to the connection and the stored user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TgUser
from aiogram.utils.i18n import I18n

from bot.core import keyboards
from bot.core.i18n import supported_locale
from bot.telegram.throttle import RateLimit, Verdict
from storage.centers import CenterRepository
from storage.chat_log import ChatLog
from storage.database import Database
from storage.users import UserRepository


class RepositoryMiddleware(BaseMiddleware):
    """Runs on the update, before the locale middleware, so the locale comes from the stored user."""

    def __init__(self, db: Database) -> None:
        self._users = UserRepository(db)
        self._centers = CenterRepository(db)
        self._chat_log = ChatLog(db)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["users"] = self._users
        data["centers"] = self._centers
        data["chat_log"] = self._chat_log
        telegram_user: TgUser | None = data.get("event_from_user")
        if telegram_user is not None and not telegram_user.is_bot:
            data["user"] = await self._users.touch(telegram_user.id)
        if isinstance(event, Update) and event.message is not None and event.message.chat.type == "private":
            await self._chat_log.record(event.message.chat.id, event.message.message_id)  # after touch: stored
        return await handler(event, data)


class ThrottleMiddleware(BaseMiddleware):
    """Drops a person's updates beyond the rate limit before any database work, so a flood from one
    person does not slow anyone else; they are told, politely and rarely, to slow down. The limit is kept in
    memory (`Throttle`) or, with several instances, in Redis (`RedisThrottle`)."""

    def __init__(self, throttle: RateLimit, i18n: I18n) -> None:
        self._throttle = throttle
        self._i18n = i18n

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: TgUser | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        verdict = await self._throttle.check(user.id)
        if verdict is Verdict.ALLOW:
            return await handler(event, data)
        if verdict is Verdict.WARN and isinstance(event, Update):
            await self._warn(event, user, data)
        return None

    async def _warn(self, update: Update, user: TgUser, data: dict[str, Any]) -> None:
        locale = supported_locale(user.language_code) or self._i18n.default_locale
        text = self._i18n.gettext("You are sending messages very fast. Please wait a moment.", locale=locale)
        bot = data["bot"]
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await bot.send_message(update.message.chat.id, text)


class StaffLookup(Protocol):
    async def is_staff_cached(self, user_id: int, fresh: bool = False) -> bool: ...

    def staff_known(self, user_id: int) -> bool: ...


class StaffMenuMiddleware(BaseMiddleware):
    """Whether the person writing privately is staff (or an admin), for the main menu's staff row: read through
    the help desk's cache (Helpdesk.is_staff_cached: at most one query per person a minute; none for groups) and
    kept for the update, so that every keyboards.main_menu() of its handler shows the row to staff only."""

    def __init__(self, helpdesk: StaffLookup) -> None:
        self._helpdesk = helpdesk

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: TgUser | None = data.get("event_from_user")
        chat = data.get("event_chat")
        if user is None or user.is_bot or chat is None or chat.type != "private":
            return await handler(event, data)
        await self._helpdesk.is_staff_cached(user.id)
        with keyboards.staff_row_while(partial(self._helpdesk.staff_known, user.id)):
            return await handler(event, data)
