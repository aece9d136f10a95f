"""Records the id of every message the bot sends into a private chat, for the quick exit to delete."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Message

from storage.chat_log import ChatLog


class MessageLogMiddleware(BaseRequestMiddleware):
    def __init__(self, log: ChatLog) -> None:
        self._log = log

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        result = await make_request(bot, method)  # the method's result, despite the annotation
        if isinstance(result, Message) and result.chat.type == "private":
            await self._log.record(result.chat.id, result.message_id)
        return result
