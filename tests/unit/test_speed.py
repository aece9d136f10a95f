"""The two per-update savings of bot/telegram/speed.py keep aiogram's behaviour."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.methods.base import Response
from aiogram.types import Chat, Message

from bot.telegram.speed import KeepResponseTypes, run_sync_filters_inline


def _message(text: str, chat_type: str) -> Message:
    return Message.model_validate(
        {"message_id": 1, "date": 0, "chat": Chat(id=5, type=chat_type).model_dump(), "text": text}
    )


async def test_plain_filters_run_on_the_loop_and_still_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    dispatcher = Dispatcher()
    router = Router()
    router.message.filter(F.chat.type == "private")
    seen: list[str] = []

    @router.message(F.text == "yes")
    async def handler(message: Message) -> None:
        seen.append(message.text or "")

    dispatcher.include_router(router)
    assert run_sync_filters_inline(dispatcher) == 2
    assert run_sync_filters_inline(dispatcher) == 0  # a second call changes nothing

    async def no_threads(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a filter went to a thread")

    monkeypatch.setattr(asyncio, "to_thread", no_threads)
    observer = router.message
    for text, chat_type, passes in (("yes", "private", True), ("no", "private", False), ("yes", "group", False)):
        message = _message(text, chat_type)
        allowed, _ = await observer._handler.check(message)
        if allowed:
            allowed, _ = await observer.handlers[0].check(message)
        assert allowed is passes, (text, chat_type)


async def test_response_types_are_kept_between_calls() -> None:
    keep = KeepResponseTypes()

    async def make_request(_bot: Any, _method: Any) -> str:
        return "sent"

    # pydantic's cache of generic models is weak: under a running bot (not in this short test) the collector
    # takes Response[Message] between calls, and `bench --profile` showed 713 rebuilds in 1,020 updates.
    for method in (SendMessage(chat_id=1, text="hi"), AnswerCallbackQuery(callback_query_id="1")):
        assert await keep(make_request, None, method) == "sent"  # type: ignore[arg-type]
        assert keep._kept[method.__returning__] is Response[method.__returning__]
    assert len(keep._kept) == 2
