"""The real bot process in webhook mode (WEBHOOK_URL): the local Bot API server POSTs the updates to it.

A forged webhook call (no or a wrong secret) is refused and changes nothing; a stop leaves the webhook set, and
what people sent meanwhile reaches the bot when it is back."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from bot.localapi.webhook import SECRET_HEADER
from tests.conftest import BotProcess, PersonFactory, choose_language, wait_until
from tests.e2e.flows import describe_request
from tests.servers import Redis as RedisServer
from tests.webhooks import WEBHOOK_PATH, WEBHOOK_SECRET, LoadBalancer, WebhookBot, webhook_bot


@pytest.fixture(scope="module")
async def bot_process(api: LocalBotApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = webhook_bot(api, tmp_path_factory.mktemp("webhook-bot"))
    await process.start()
    yield process
    if process.process is not None:
        assert await process.stop() == 0, process.log()


def stored_user(bot: BotProcess, user_id: int) -> int:
    with sqlite3.connect(bot.database) as db:
        return int(db.execute("SELECT count(*) FROM users WHERE id = ?", (user_id,)).fetchone()[0])


async def test_a_person_is_answered_through_the_webhook(
    running_bot: WebhookBot, person: PersonFactory, api: LocalBotApi
) -> None:
    user = person("ru")
    await user.send("/start")
    assert "Выберите язык" in message_text(await user.reply())
    set_webhook = [params for method, params in api.calls if method == "setWebhook"][-1]
    assert set_webhook["url"] == running_bot.webhook_backend
    assert set_webhook["secret_token"] == WEBHOOK_SECRET
    assert {"message", "callback_query"} <= set(set_webhook["allowed_updates"])
    assert not [method for method, _ in api.calls if method in ("getUpdates", "deleteWebhook")]
    webhook = api.webhook
    assert webhook is not None
    await wait_until(lambda: webhook.pending == 0, "the update is acknowledged (the answer comes after the reply)")
    assert [attempt.status for attempt in webhook.attempts] == [200]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
async def test_a_forged_webhook_call_is_refused_and_changes_nothing(
    running_bot: WebhookBot, person: PersonFactory, api: LocalBotApi, secret: str | None
) -> None:
    user: LocalUser = person("kk")
    forged = {"update_id": 900_000 + user.id, "message": api.user_message(user.id, user.id, text="/start")}
    forged["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{running_bot.port}{WEBHOOK_PATH}", json=forged, headers=headers) as answer,
    ):
        assert answer.status == 401
        assert await answer.text() == "Unauthorized"
    # The refusal comes before the update is read: nothing was stored, nothing sent. The same person's real /start
    # is then their first contact, answered once.
    assert stored_user(running_bot, user.id) == 0
    assert user.chat.events == []
    await user.send("/start")
    assert "Тілді таңдаңыз" in message_text(await user.reply())
    assert stored_user(running_bot, user.id) == 1
    assert len(user.chat.events) == 1


async def test_a_stopped_bot_leaves_the_webhook_and_gets_what_was_sent_meanwhile(
    running_bot: WebhookBot, person: PersonFactory, api: LocalBotApi
) -> None:
    assert await running_bot.stop() == 0
    assert api.webhook is not None  # never deleted: other instances may still serve it
    user = person("ru")
    await user.send("/start")  # the local server cannot reach the bot, and keeps trying
    await running_bot.start()
    assert "Выберите язык" in message_text(await user.reply())
    assert any(attempt.status is None for attempt in api.webhook.attempts)  # it was tried while the bot was down
    assert not [method for method, _ in api.calls if method in ("getUpdates", "deleteWebhook")]


async def test_two_instances_behind_a_balancer_share_the_dialog_and_survive_a_kill(
    api: LocalBotApi, person: PersonFactory, redis_server: RedisServer, postgres_url: str, tmp_path: Path
) -> None:
    """Each update goes to the next instance in turn, so every step of the dialog lands on the other one: the
    dialog lives in Redis. Then one instance is killed (-9) and the other finishes the dialog alone."""
    balancer = LoadBalancer()
    await balancer.start()
    shared = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_server.url}  # as compose.yaml runs them
    bots = [webhook_bot(api, tmp_path / name, url=balancer.url, **shared) for name in ("a", "b")]
    balancer.backends = [bot.webhook_backend for bot in bots]
    try:
        for bot in bots:  # one after the other: the first one migrates the database
            await bot.start()
        citizen = person("ru")
        await choose_language(citizen, "ru")
        await describe_request(citizen, "astana-zhanuya", "Муж кричит на детей каждый вечер")
        assert all(balancer.served[bot.webhook_backend] >= 2 for bot in bots), balancer.served
        killed = bots[0].process
        assert killed is not None
        killed.kill()
        killed.wait(10)
        bots[0].process = None
        await citizen.click("Остаться анонимным")
        summary = await citizen.reply_with("Проверьте ваше обращение")
        assert "Муж кричит на детей каждый вечер" in message_text(summary)
        assert "Traceback" not in bots[1].log() and " ERROR " not in bots[1].log(), bots[1].log()
    finally:
        for bot in bots:
            if bot.process is not None:
                assert await bot.stop() == 0, bot.log()
        await balancer.stop()
