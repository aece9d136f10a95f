"""Retrying Bot API calls that Telegram asks to repeat (429 with retry_after) or that failed in transit."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 4, max_wait: float = 60.0, backoff: float = 0.5) -> None:
        self.attempts = attempts
        self.max_wait = max_wait
        self.backoff = backoff

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):  # the polling loop has its own backoff
            return await make_request(bot, method)
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts or error.retry_after > self.max_wait:
                    raise
                log.warning("%s: flood limit, retrying in %s s", method.__api_method__, error.retry_after)
                await asyncio.sleep(error.retry_after)
            except TelegramBadRequest as error:
                if isinstance(method, AnswerCallbackQuery) and _expired(error):
                    # Answered already (by an instance killed before it acknowledged the update) or too late:
                    # nothing changes for the person, and the handler goes on.
                    log.info("answerCallbackQuery: the query expired or was answered already")
                    return Response[TelegramType](ok=True, result=True)  # type: ignore[arg-type]
                raise
            except (TelegramServerError, TelegramNetworkError) as error:
                if attempt == self.attempts:
                    raise
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning("%s: %s, retrying in %.1f s", method.__api_method__, type(error).__name__, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


def _expired(error: TelegramBadRequest) -> bool:
    return "query is too old" in error.message or "query ID is invalid" in error.message
