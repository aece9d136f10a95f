"""The middle level: handlers driven through `Dispatcher.feed_update`, in the test's own process.

The dispatcher is built by the app's own factory (bot.app.build_dispatcher) on a temporary database; the bot's
session records every call, answers it as Telegram would (a message gets an id), refuses what Telegram refuses
(HTML that does not parse, text over 4096 UTF-16 units, callback data over 64 bytes) and never opens a socket.
Time is the database's clock, which a test may move.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetMe, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update, User

from bot.app import build_dispatcher
from bot.core.i18n import create_i18n
from bot.courses.desk import CourseDesk
from bot.localapi.html import ParseError, parse_html, utf16_length
from bot.requests.desk import Helpdesk
from bot.settings import Settings
from storage.bootstrap import ensure_centers, ensure_courses
from storage.commissioners import CommissionerRepository
from storage.crisis import CrisisRepository
from storage.database import Database, open_migrated
from tests.conftest import new_postgres_database, new_sqlite_database

BOT_ID = 123456
ADMIN_ID = 700001


class RecordingSession(BaseSession):
    """Telegram as far as handlers can tell, with no network: every call is kept in `calls`."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.sent: dict[int, Message] = {}  # id(call) -> the message it made
        self._ids = itertools.count(1000)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:  # noqa: ARG002, ASYNC109 -- aiogram's session interface
        self._refuse_what_telegram_refuses(bot, method)
        self.calls.append(method)
        if isinstance(method, GetMe):
            return User(id=BOT_ID, is_bot=True, first_name="Otbasy", username="otbasy_test_bot")
        if method.__returning__ in (Message, Message | bool):
            message = self._message(bot, method)
            self.sent[id(method)] = message
            return message
        return [] if getattr(method.__returning__, "__origin__", None) is list else True

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG002
        raise AssertionError("handler tests open no network connection")

    async def close(self) -> None:
        """Nothing to close."""

    def _refuse_what_telegram_refuses(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        text = getattr(method, "text", None) or getattr(method, "caption", None)
        mode = getattr(method, "parse_mode", None)
        if mode is not None and not isinstance(mode, str):
            mode = bot.default.parse_mode
        if isinstance(text, str):
            try:
                shown = parse_html(text).text if mode == ParseMode.HTML else text
            except ParseError as error:
                raise TelegramBadRequest(method, f"Bad Request: can't parse entities: {error}") from None
            if utf16_length(shown) > 4096:
                raise TelegramBadRequest(method, "Bad Request: message is too long")
        markup = getattr(method, "reply_markup", None)
        for row in getattr(markup, "inline_keyboard", None) or []:
            for button in row:
                if button.callback_data is not None and not 1 <= len(button.callback_data.encode()) <= 64:
                    raise TelegramBadRequest(method, "Bad Request: BUTTON_DATA_INVALID")

    def _message(self, bot: Bot, method: TelegramMethod[Any]) -> Message:
        chat_id = getattr(method, "chat_id", None) or 0
        message_id = getattr(method, "message_id", None) or next(self._ids)
        data: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if int(chat_id) > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Otbasy"},
        }
        text = getattr(method, "text", None)
        if text is not None:
            data["text"] = parse_html(text).text if isinstance(text, str) and "<" in text else text
        markup = getattr(method, "reply_markup", None)
        if markup is not None and hasattr(markup, "inline_keyboard"):
            data["reply_markup"] = markup.model_dump(exclude_none=True)
        return Message.model_validate(data, context={"bot": bot})


@dataclass
class World:
    """The bot as handlers see it: the dispatcher, the bot with its recording session, the database."""

    dispatcher: Dispatcher
    bot: Bot
    session: RecordingSession
    db: Database
    helpdesk: Helpdesk
    courses: CourseDesk
    settings: Settings
    _updates = itertools.count(1)
    _callbacks = itertools.count(1)

    def person(self, user_id: int, language_code: str = "ru", first_name: str = "Test") -> Person:
        return Person(self, user_id, language_code, first_name)

    def last_message_to(self, chat_id: int) -> Message | None:
        """The newest message the bot sent to the chat, as the next button press would carry it."""
        for method in reversed(self.session.calls):
            if getattr(method, "chat_id", None) == chat_id and isinstance(getattr(method, "text", None), str):
                return self.session.sent[id(method)]
        return None

    async def feed(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._updates)
        await self.dispatcher.feed_update(self.bot, Update.model_validate(update, context={"bot": self.bot}))


class Person:
    """Someone writing to the bot in a private chat (or a group); reads what the bot sent back."""

    def __init__(self, world: World, user_id: int, language_code: str, first_name: str) -> None:
        self.world = world
        self.id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        self._seen = 0
        self._message_ids = itertools.count(1)

    def _chat(self, group_id: int | None) -> dict[str, Any]:
        if group_id is not None:
            return {"id": group_id, "type": "supergroup", "title": "Staff"}
        return {"id": self.id, "type": "private", "first_name": self.user["first_name"]}

    async def send(self, text: str, group_id: int | None = None, **extra: Any) -> list[TelegramMethod[Any]]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(group_id),
            "from": self.user,
            "text": text,
            **extra,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.world.feed({"message": message})
        return self.new_calls()

    async def share(self, **content: Any) -> list[TelegramMethod[Any]]:
        """A message without text: a location, a contact, a photo."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": self._chat(None),
                   "from": self.user, **content}  # fmt: skip
        await self.world.feed({"message": message})
        return self.new_calls()

    async def press(self, data: str, on: Message | None = None, group_id: int | None = None) -> list[Any]:
        """A tap on an inline button with this callback data (of the bot's message `on`, or a made-up one)."""
        message = on.model_dump(exclude_none=True) if on is not None else {
            "message_id": 1, "date": int(time.time()), "chat": self._chat(group_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Otbasy"}, "text": "…",
        }  # fmt: skip
        query = {"id": str(next(self.world._callbacks)), "from": self.user, "chat_instance": "1", "data": data,
                 "message": message}  # fmt: skip
        await self.world.feed({"callback_query": query})
        return self.new_calls()

    async def tap(self, label: str) -> list[Any]:
        """A tap on the inline button whose text holds `label`, on the newest message to this person that has one."""
        for method in reversed(self.world.session.calls):
            if getattr(method, "chat_id", None) != self.id:
                continue
            for row in getattr(getattr(method, "reply_markup", None), "inline_keyboard", None) or []:
                for button in row:
                    if label in button.text and button.callback_data:
                        return await self.press(button.callback_data, on=self.world.session.sent.get(id(method)))
        raise AssertionError(f"no button {label!r} was sent to {self.id}")

    def new_calls(self) -> list[TelegramMethod[Any]]:
        calls = self.world.session.calls[self._seen :]
        self._seen = len(self.world.session.calls)
        return calls

    async def state(self) -> str | None:
        """The dialog state the bot keeps for this person's private chat; None outside any dialog."""
        context = self.world.dispatcher.fsm.get_context(self.world.bot, chat_id=self.id, user_id=self.id)
        return await context.get_state()


def texts(calls: list[TelegramMethod[Any]]) -> str:
    """What the calls show, as one text: message texts, alerts, edits."""
    return "\n".join(str(getattr(call, "text", None) or "") for call in calls)


def buttons(calls: list[Any]) -> list[str]:
    """The inline buttons of the last call that has some."""
    for call in reversed(calls):
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            return [button.text for row in markup.inline_keyboard for button in row]
    return []


def keyboard(calls: list[Any]) -> list[str]:
    """The reply keyboard of the last call that sends one."""
    for call in reversed(calls):
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, ReplyKeyboardMarkup):
            return [button.text for row in markup.keyboard for button in row]
    return []


def only(calls: list[Any], kind: type) -> Any:
    """The one call of this kind among `calls`."""
    found = [call for call in calls if isinstance(call, kind)]
    assert len(found) == 1, calls
    return found[0]


def sent_to(world: World, chat_id: int) -> list[TelegramMethod[Any]]:
    return [call for call in world.session.calls if getattr(call, "chat_id", None) == chat_id]


@pytest.fixture(params=["sqlite", "postgresql"])
async def world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    """The bot's dispatcher and desks on a fresh database, once on SQLite and once on PostgreSQL."""
    for key in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "MESSAGE_BURST"):
        monkeypatch.delenv(key, raising=False)
    if request.param == "sqlite":
        database_url = f"sqlite:///{await new_sqlite_database(tmp_path / 'handlers.db', seeded=True)}"
    else:
        database_url = await new_postgres_database(request.getfixturevalue("postgres_server"), seeded=True)
    settings = Settings(
        bot_token=f"{BOT_ID}:HANDLER-TESTS",
        database_url=database_url,
        admin_ids=(ADMIN_ID,),
        message_burst=1000,
        _env_file=None,
    )  # type: ignore[call-arg]
    db = await open_migrated(settings.database_url)
    await ensure_centers(db)
    await ensure_courses(db, settings.zone)
    await CrisisRepository(db).load_sample_if_empty()
    await CommissionerRepository(db).load_sample_if_empty()
    i18n = create_i18n(settings.default_locale)
    helpdesk = Helpdesk(db, i18n, settings.admin_ids)  # no outbox worker: its rows stay in the table to read
    dispatcher = build_dispatcher(db, settings, i18n, helpdesk)
    session = RecordingSession()
    bot = Bot(token=settings.bot_token.get_secret_value(), session=session,  # type: ignore[union-attr]
              default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True))  # fmt: skip
    yield World(dispatcher, bot, session, db, helpdesk, dispatcher["courses"], settings)
    await db.close()
    # The feature routers are module-level, as in the app, and aiogram lets a router join one dispatcher only:
    # the next test's dispatcher takes them again.
    for router in dispatcher.sub_routers:
        router._parent_router = None
    dispatcher.sub_routers.clear()


async def outbox_texts(db: Database, chat_id: int) -> list[str]:
    """What the outbox holds for a chat (staff notices, answers), in order."""
    rows = await db.fetch_all("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [str(json.loads(row[0]).get("text", "")) for row in rows]
