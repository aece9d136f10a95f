"""Delivering the outbox: notices to staff and answers to people, retried on 429, 5xx and network errors.

With a pacer (bot.telegram.pacing: Telegram's 30 a second in all, 1 a second in a chat, 20 a minute in a group),
a row is sent only when the pacer has room for it, so that Telegram never has to refuse. A round claims at most one
row per chat, the chat's oldest (storage.outbox: a chat's rows keep their order, whichever instance sends them), and
sends them side by side: a chat waiting for room holds up no other. A row waits in the process while the wait fits
in the round (`hold` seconds); one that would wait longer is put off to when the chat should have room, and the
chat's later rows stay behind it.
"""

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

from bot.telegram.pacing import Pacer, Reservation
from storage.database import Database
from storage.outbox import CLAIM_LEASE, OutboxItem, OutboxRepository
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
HOLD = 2.0  # seconds a round may wait in the process for room in a chat; a row that would wait longer is put off
SEND_TIMEOUT = 30.0  # the outbox bot's request timeout
# A row's send starts only this long after its claim: it ends (SEND_TIMEOUT) before the claim does, with a margin.
CLAIM_USABLE = CLAIM_LEASE - SEND_TIMEOUT - 15.0
STAMP_ROUNDING = 1.0  # next_attempt_at is kept to the second: a row put off is due no earlier than meant


def _key(params: dict[str, Any]) -> tuple[int, int]:
    return int(params["chat_id"]), int(params.get("message_id") or 0)


def _look(params: dict[str, Any]) -> str:
    return json.dumps([params.get("text"), params.get("reply_markup")], ensure_ascii=False, sort_keys=True)


class OutboxWorker:
    """One task in the bot process; `wake()` after a commit makes it look at once instead of at the next tick."""

    def __init__(
        self, bot: Bot, db: Database, tick: float = 1.0, pacer: Pacer | None = None, hold: float = HOLD
    ) -> None:
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
        self._claim_ends = float("inf")  # when the rows of the round's claim may no longer be started
        # Telegram's sending limits (None: no pacing, the rows go one after another as they come).
        self._pacer = pacer
        self._hold = hold

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._pacer is not None:
            await self._pacer.close()

    async def _run(self) -> None:
        if self._db.dialect == "sqlite":  # the only instance on this database: claims left by a killed run are void
            await self._outbox.release_claims()
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
        items = await self._outbox.claim()  # at most one row per chat
        loop = asyncio.get_running_loop()
        self._claim_ends = loop.time() + CLAIM_USABLE
        if self._pacer is None:
            for item in items:
                await self._deliver(item)
            return len(items)
        deadline = loop.time() + self._hold
        outcomes = await asyncio.gather(*(self._deliver(item, deadline) for item in items), return_exceptions=True)
        for failure in outcomes:
            if isinstance(failure, Exception):  # one broken row must not stop the other chats' rows
                log.error("outbox row failed", exc_info=failure)
        return len(items)

    async def _make_room(self, item: OutboxItem, deadline: float | None) -> Reservation | None:
        """The pacer's grant for a send to the row's chat, waited for until `deadline` at most; None: the row was
        put off instead (pacing, not a failure: no attempt is counted and nothing is logged as one)."""
        if self._pacer is None:
            return Reservation()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._hold if deadline is None else deadline
        while True:
            reservation = await self._pacer.reserve(item.chat_id)
            if reservation.granted:
                return reservation
            if loop.time() + reservation.wait > deadline:
                log.debug("outbox %s: the chat is at its sending limit, put off %.1f s", item.id, reservation.wait)
                await self._outbox.postpone(item.id, reservation.wait + STAMP_ROUNDING)
                return None
            await asyncio.sleep(reservation.wait)

    async def _send(self, method: TelegramMethod[Any], reservation: Reservation) -> Any:
        try:
            return await self._bot(method)
        finally:
            await reservation.sent()  # the send counts from when Telegram answered

    async def _deliver(self, item: OutboxItem, deadline: float | None = None) -> None:
        if asyncio.get_running_loop().time() > self._claim_ends:  # another instance may take it from now on
            await self._outbox.postpone(item.id, 0)
            return
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
        reservation = await self._make_room(item, deadline)
        if reservation is None:
            return
        method = METHODS[item.method](**params)
        try:
            result = await self._send(method, reservation)
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
