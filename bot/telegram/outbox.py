"""Delivering the outbox: notices to staff and answers to people, retried on 429, 5xx and network errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    CopyMessage,
    CreateForumTopic,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import ForumTopic, Message

from storage.database import Database
from storage.outbox import OutboxItem, OutboxRepository
from storage.requests import RequestRepository
from storage.staff_tools import GroupRepository

log = logging.getLogger(__name__)

METHODS: dict[str, type[TelegramMethod[Any]]] = {
    "sendMessage": SendMessage,
    "editMessageText": EditMessageText,
    "sendPhoto": SendPhoto,
    "sendDocument": SendDocument,
    "copyMessage": CopyMessage,
    "createForumTopic": CreateForumTopic,
}
MAX_BACKOFF = 300.0
# In a row's parameters: "send this into the forum topic of the row's request", resolved at delivery.
TOPIC_MARK = "__request_topic__"
TOPIC_PATIENCE = 12  # tries, 5 seconds apart
SHOWN_REMEMBERED = 5000


def _key(params: dict[str, Any]) -> tuple[int, int]:
    return int(params["chat_id"]), int(params.get("message_id") or 0)


def _look(params: dict[str, Any]) -> str:
    return json.dumps([params.get("text"), params.get("reply_markup")], ensure_ascii=False, sort_keys=True)


class OutboxWorker:
    """One task in the bot process; `wake()` after a commit makes it look at once instead of at the next tick."""

    def __init__(self, bot: Bot, db: Database, tick: float = 1.0) -> None:
        self._bot = bot
        self._db = db
        self._outbox = OutboxRepository(db)
        self._requests = RequestRepository(db)
        self._groups = GroupRepository(db)
        self._tick = tick
        self._wake = asyncio.Event()
        # Told where each staff notice landed (set by the app: the help desk brings a late one up to date).
        self.on_notice: Callable[[int, int, int], Awaitable[None]] | None = None
        # Told of a chat that refused the bot with 403 (set by the app: the help desk decides what follows).
        self.on_refused: Callable[[int], Awaitable[object]] | None = None
        # What each recent message shows, so an edit that would change nothing is not sent (Telegram refuses it).
        self._shown: OrderedDict[tuple[int, int], str] = OrderedDict()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                delivered = await self.deliver_due()
            except Exception:  # one broken row must not stop every notice after it
                log.exception("outbox round failed")
                delivered = 0
            if delivered == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._tick)

    def _remember(self, method: str, params: dict[str, Any], result: object) -> None:
        if method == "sendMessage" and isinstance(result, Message):
            key = (result.chat.id, result.message_id)
        elif method == "editMessageText":
            key = _key(params)
        else:
            return
        self._shown[key] = _look(params)
        self._shown.move_to_end(key)
        while len(self._shown) > SHOWN_REMEMBERED:
            self._shown.popitem(last=False)

    async def _record_delivery(self, item: OutboxItem, result: object) -> None:
        """Telegram has the message: the row is marked sent at once, in one commit with what the delivery taught
        us (where a notice landed, a topic's id). Telegram has no idempotent send, so a process killed between
        Telegram's answer and this commit sends the row again after the restart: at least once, twice only then."""
        async with self._db.transaction():
            if item.notice and item.request_id is not None and isinstance(result, Message):
                await self._requests.add_notice(item.request_id, item.chat_id, result.message_id)
            if isinstance(result, ForumTopic) and item.request_id is not None:
                await self._groups.save_topic(item.request_id, item.chat_id, result.message_thread_id)
            await self._outbox.mark_sent(item.id)

    async def deliver_due(self) -> int:
        items = await self._outbox.due()
        for item in items:
            await self._deliver(item)
        return len(items)

    async def _deliver(self, item: OutboxItem) -> None:
        params = dict(item.params)
        if params.pop(TOPIC_MARK, False):
            thread_id = await self._groups.topic(item.request_id or 0)
            if thread_id is not None:
                params["message_thread_id"] = thread_id
            elif item.attempts < TOPIC_PATIENCE:  # created by an earlier row that has not gone through yet
                await self._outbox.retry_later(item.id, 5, "waiting for the forum topic")
                return
            # else: the topic could not be made; the group's general chat is better than nothing
        if item.method == "editMessageText" and self._shown.get(_key(params)) == _look(params):
            await self._outbox.mark_sent(item.id)
            return
        method = METHODS[item.method](**params)
        try:
            result = await self._bot(method)
        except TelegramRetryAfter as error:
            log.warning("outbox %s: flood limit, retry in %s s", item.id, error.retry_after)
            await self._outbox.retry_later(item.id, error.retry_after, "429")
        except (TelegramServerError, TelegramNetworkError) as error:
            delay = min(MAX_BACKOFF, 2.0 ** min(item.attempts, 8))
            log.warning("outbox %s: %s, retry in %.0f s", item.id, type(error).__name__, delay)
            await self._outbox.retry_later(item.id, delay, type(error).__name__)
        except TelegramForbiddenError:
            log.warning("outbox %s: the recipient blocked the bot", item.id)  # no ids of people in logs
            await self._outbox.mark_failed(item.id, "403")
            if self.on_refused is not None:
                await self.on_refused(item.chat_id)
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                await self._outbox.mark_sent(item.id)
            else:
                log.error("outbox %s: refused: %s", item.id, error.message)
                await self._outbox.mark_failed(item.id, error.message[:200])
        else:
            await self._record_delivery(item, result)
            self._remember(item.method, params, result)
            if item.notice and item.request_id is not None and isinstance(result, Message) and self.on_notice:
                await self.on_notice(item.request_id, item.chat_id, result.message_id)
