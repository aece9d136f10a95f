"""Webhook mode: the bot's webhook application (bot.telegram.webhook) with the app's own dispatcher, and webhooks in
the local Bot API server (setWebhook, getWebhookInfo, deleteWebhook, delivery, getUpdates refused).

A forged webhook call (no or a wrong secret) is refused with 401 and changes nothing: no Bot API call, no row."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.types import Message
from aiohttp import web

from bot.app import build_dispatcher
from bot.core.i18n import create_i18n
from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from bot.localapi.webhook import CONFLICT, SECRET_HEADER
from bot.requests.desk import Helpdesk
from bot.settings import Settings
from bot.telegram.webhook import build_webhook_app, webhook_path
from storage.bootstrap import ensure_centers
from storage.database import Database, open_migrated
from tests.conftest import wait_until
from tests.servers import free_port

SECRET = "unit-webhook-secret"
FORGERS = itertools.count(880_001)
PATH = "/telegram/hook-token"


def local_bot(api: LocalBotApi) -> Bot:
    return Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@dataclass
class Hooked:
    """The app's dispatcher behind its webhook application, on a temporary database."""

    url: str
    db: Database
    api: LocalBotApi


@pytest.fixture
async def hooked(api: LocalBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Hooked]:
    for key in ("BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "WEBHOOK_URL", "WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    settings = Settings(  # type: ignore[call-arg]
        bot_token=api.token,
        database_url=f"sqlite:///{tmp_path / 'webhook.db'}",
        _env_file=None,
    )
    db = await open_migrated(settings.database_path)
    await ensure_centers(db)
    i18n = create_i18n(settings.default_locale)
    dispatcher = build_dispatcher(db, settings, i18n, Helpdesk(db, i18n, settings.admin_ids))
    bot = local_bot(api)
    runner, base = await serve(build_webhook_app(dispatcher, bot, SECRET, PATH))
    yield Hooked(base + PATH, db, api)
    await runner.cleanup()
    await bot.session.close()
    await db.close()
    for router in dispatcher.sub_routers:  # module-level routers join one dispatcher at a time (as in handlers/)
        router._parent_router = None
    dispatcher.sub_routers.clear()


def start_update(api: LocalBotApi, user: LocalUser, update_id: int) -> dict[str, Any]:
    message = api.user_message(user.id, user.id, text="/start")
    message["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    return {"update_id": update_id, "message": message}


async def post(url: str, body: Any, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as answer:
        return answer.status, await answer.text()


async def traces(db: Database, user_id: int) -> list[str]:
    """Every row the bot could have written about the person."""
    found = []
    for table, column in (("users", "id"), ("chat_messages", "chat_id"), ("outbox", "chat_id")):
        rows = await db.fetch_all(f"SELECT * FROM {table} WHERE {column} = ?", (user_id,))
        found += [f"{table}: {tuple(row)}" for row in rows]
    rows = await db.fetch_all("SELECT key FROM fsm_states WHERE key LIKE ?", (f"%:{user_id}:%",))
    return found + [f"fsm_states: {row[0]}" for row in rows]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SECRET_HEADER: ""},
        {SECRET_HEADER: "wrong"},
        {SECRET_HEADER: SECRET + "x"},
        {SECRET_HEADER: SECRET.upper()},
        {SECRET_HEADER: "секрет-é"},
    ],
    ids=["no secret", "empty", "wrong", "longer", "other case", "not ascii"],
)
async def test_a_forged_webhook_call_is_refused_and_changes_nothing(hooked: Hooked, headers: dict[str, str]) -> None:
    user = LocalUser(hooked.api, next(FORGERS))
    calls_before = len(hooked.api.calls)
    update = json.dumps(start_update(hooked.api, user, 1))
    status, text = await post(hooked.url, update, {"Content-Type": "application/json", **headers})
    assert (status, text) == (401, "Unauthorized")
    # Not even a body that is not an update gets further than the secret.
    assert (await post(hooked.url, b"\x00not json", headers))[0] == 401
    assert hooked.api.calls[calls_before:] == []  # nothing sent, no question asked
    assert user.chat.events == []
    assert await traces(hooked.db, user.id) == []


async def test_the_right_secret_is_answered_once_the_update_is_handled(hooked: Hooked) -> None:
    user = LocalUser(hooked.api, 881_001, language_code="ru")
    update = json.dumps(start_update(hooked.api, user, 2))
    status, _ = await post(hooked.url, update, {"Content-Type": "application/json", SECRET_HEADER: SECRET})
    assert status == 200
    # Answered only after the handlers ran (handle_in_background=False): what they wrote is there already, so a
    # process killed before answering leaves Telegram to deliver the update again.
    assert "Выберите язык" in message_text(user.chat.events[0].message)
    assert await traces(hooked.db, user.id)


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (ConnectionError("the database went away"), 503),  # Telegram delivers it again, to any instance
        (RuntimeError("a bug in a handler"), 200),  # logged and acknowledged, as polling skips it
    ],
)
async def test_a_failed_update_is_delivered_again_only_when_the_database_was_out_of_reach(
    api: LocalBotApi, failure: Exception, status: int
) -> None:
    """An update that failed for want of the database comes back later; one that failed on a bug would fail the
    same way each time and hold up the person's next updates behind it, so it is not asked for again."""
    router = Router()

    @router.message()
    async def broken(message: Message) -> None:
        raise failure

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = local_bot(api)
    runner, base = await serve(build_webhook_app(dispatcher, bot, SECRET, "/hook"))
    user = LocalUser(api, 882_001)
    try:
        body = json.dumps(start_update(api, user, 3))
        answered, _ = await post(base + "/hook", body, {"Content-Type": "application/json", SECRET_HEADER: SECRET})
        assert answered == status
    finally:
        await runner.cleanup()
        await bot.session.close()


def test_the_path_comes_from_the_url_and_a_secret_is_required() -> None:
    assert webhook_path("https://bot.example.kz/telegram/abc123") == "/telegram/abc123"
    assert webhook_path("https://bot.example.kz") == "/"
    with pytest.raises(ValueError, match="secret"):
        build_webhook_app(Dispatcher(), Bot("1:x"), "", "/hook")


# ---- the local Bot API server's webhooks ----


@dataclass
class Receiver:
    """A webhook endpoint for the local server: records each call; `failures` first answers 500 that many times;
    `delay` holds each call."""

    calls: list[tuple[int, object, str | None]] = field(default_factory=list)  # (update_id, chat, secret)
    failures: int = 0
    delay: float = 0.0
    status: int = 200
    active: dict[object, int] = field(default_factory=dict)
    most_per_chat: int = 0
    most_at_once: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        chat = chat_of(update)
        self.calls.append((update["update_id"], chat, request.headers.get(SECRET_HEADER)))
        self.active[chat] = self.active.get(chat, 0) + 1
        self.most_per_chat = max(self.most_per_chat, self.active[chat])
        self.most_at_once = max(self.most_at_once, sum(self.active.values()))
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.active[chat] -= 1
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        return web.json_response({}, status=self.status)


def chat_of(update: dict[str, Any]) -> object:
    if "message" in update:
        return update["message"]["chat"]["id"]
    return update["callback_query"]["message"]["chat"]["id"]


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    local = LocalBotApi()
    await local.start()
    yield local
    await local.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    endpoint = Receiver()
    app = web.Application()
    app.router.add_post("/hook", endpoint.handle)
    runner, base = await serve(app)
    yield endpoint, base + "/hook"
    await runner.cleanup()


async def test_updates_are_posted_with_the_secret_and_retried_until_answered(
    server: LocalBotApi, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    endpoint.failures = 1
    client = local_bot(server)
    try:
        assert await client.set_webhook(url, secret_token=SECRET, allowed_updates=["message"])
        with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook is active"):
            await client.get_updates(timeout=0)
        user = LocalUser(server, 883_001)
        await user.send("first")
        await user.send("second")
        button = {"message_id": 1, "date": 0, "chat": {"id": user.id, "type": "private"}}
        query = {"id": "1", "from": server.users[user.id], "chat_instance": "1", "message": button, "data": "x"}
        await server.push_update({"callback_query": query})
        await wait_until(lambda: server.updates == [] and len(endpoint.calls) == 3, "both messages delivered")
        # The first was refused once (500) and delivered again; the second waited for it; the button press is
        # not an allowed update and was dropped, as Telegram does.
        assert [(update_id, secret) for update_id, _, secret in endpoint.calls] == [
            (1, SECRET), (1, SECRET), (2, SECRET)
        ]  # fmt: skip
        info = await client.get_webhook_info()
        assert (info.url, info.pending_update_count, info.allowed_updates) == (url, 0, ["message"])
        assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    finally:
        await client.session.close()


async def test_one_chat_in_order_and_chats_in_parallel(server: LocalBotApi, receiver: tuple[Receiver, str]) -> None:
    endpoint, url = receiver
    endpoint.delay = 0.2
    client = local_bot(server)
    try:
        await client.set_webhook(url, secret_token=SECRET, max_connections=3)
        people = [LocalUser(server, 884_001 + number) for number in range(5)]
        for _ in range(2):
            for user in people:
                await user.send("hello")
        await wait_until(lambda: len(endpoint.calls) == 10 and not server.updates, "ten deliveries")
        assert endpoint.most_per_chat == 1
        assert endpoint.most_at_once == 3  # max_connections
        for user in people:
            ids = [update_id for update_id, chat, _ in endpoint.calls if chat == user.id]
            assert ids == sorted(ids) and len(ids) == 2
    finally:
        await client.session.close()


async def test_delete_webhook_leaves_undelivered_updates_to_get_updates(
    server: LocalBotApi, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    endpoint.status = 503
    client = local_bot(server)
    try:
        await client.set_webhook(url, secret_token=SECRET)
        user = LocalUser(server, 885_001)
        await user.send("are you there?")
        await wait_until(lambda: len(endpoint.calls) >= 2, "delivery tried again")
        info = await client.get_webhook_info()
        assert info.pending_update_count == 1 and info.last_error_message is not None
        assert await client.delete_webhook()
        assert (await client.get_webhook_info()).url == ""
        updates = await client.get_updates(timeout=0)
        assert [update.message.text for update in updates if update.message] == ["are you there?"]
    finally:
        await client.session.close()


async def test_set_webhook_refuses_what_telegram_refuses(server: LocalBotApi) -> None:
    client = local_bot(server)
    try:
        with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
            await client.set_webhook("https://bot.example.kz/hook", secret_token="not base64+/=")
        with pytest.raises(TelegramBadRequest, match="An HTTPS URL must be provided"):
            await client.set_webhook("ftp://bot.example.kz/hook")
        assert server.webhook is None
        assert CONFLICT.startswith("Conflict: ")
    finally:
        await client.session.close()
