"""Dialog state and the rate limit in Redis (REDIS_URL), against a real private Redis (skipped where there is none):
what one instance writes another reads, /forget erases exactly the person's keys, and the rate limit counts a
person's updates on every instance together."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import TelegramObject, User
from redis.asyncio import Redis

from bot.app import build_dispatcher
from bot.core.i18n import create_i18n
from bot.privacy.desk import PrivacyDesk
from bot.requests.desk import Helpdesk
from bot.settings import Settings
from bot.telegram.middlewares import ThrottleMiddleware
from bot.telegram.redis_state import RedisDialogStorage, person_of
from bot.telegram.throttle import RedisThrottle, Verdict
from storage.database import open_migrated
from tests.servers import Redis as RedisServer

BOT_ID = 5_000
people = itertools.count(7_000_001, 10)  # ids of their own for each test: the server is shared by the run


def settings_for(url: str, **extra: Any) -> Settings:
    return Settings(bot_token=f"{BOT_ID}:REDIS-TESTS", redis_url=url, _env_file=None, **extra)  # type: ignore[call-arg]


@pytest.fixture
async def two_instances(redis_server: RedisServer) -> AsyncIterator[tuple[RedisDialogStorage, RedisDialogStorage]]:
    """Two storages, each with its own connection pool, as two bot processes have."""
    settings = settings_for(redis_server.url)
    first, second = RedisDialogStorage.from_settings(settings), RedisDialogStorage.from_settings(settings)
    yield first, second
    await first.close()
    await second.close()


def key(chat_id: int, user_id: int, thread_id: int | None = None) -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=chat_id, user_id=user_id, thread_id=thread_id)


async def test_a_dialog_written_by_one_instance_is_read_by_another(
    two_instances: tuple[RedisDialogStorage, RedisDialogStorage],
) -> None:
    first, second = two_instances
    user = next(people)
    await first.set_state(key(user, user), "RequestForm:text")
    await first.set_data(key(user, user), {"topic": "legal", "text": "Помогите, пожалуйста", "draft": "d-1"})
    assert await second.get_state(key(user, user)) == "RequestForm:text"
    assert await second.get_data(key(user, user)) == {"topic": "legal", "text": "Помогите, пожалуйста", "draft": "d-1"}
    await second.set_state(key(user, user), None)
    await second.set_data(key(user, user), {})
    assert await first.get_state(key(user, user)) is None and await first.get_data(key(user, user)) == {}


async def test_forget_removes_exactly_the_persons_keys(
    two_instances: tuple[RedisDialogStorage, RedisDialogStorage],
) -> None:
    first, second = two_instances
    person = next(people)
    group = -1_001_234_000_000 - person
    theirs = [key(person, person), key(group, person), key(group, person, thread_id=77)]
    # Others, some with the person's id as a thread, or ids that contain it.
    others = [key(group, person + 1), key(group, person + 2, thread_id=person), key(person * 10, person * 10)]
    for storage_key in theirs + others:
        await first.set_state(storage_key, "Form:step")
        await first.set_data(storage_key, {"text": f"typed by {storage_key.user_id}"})
    throttle = RedisThrottle(first.redis, burst=3, per_second=1)
    await throttle.check(person)
    await throttle.check(person + 1)

    assert await second.forget(person) == 2 * len(theirs) + 1  # state and data in each chat, and the rate limit
    for storage_key in theirs:
        assert await first.get_state(storage_key) is None and await first.get_data(storage_key) == {}
    for storage_key in others:
        assert await first.get_data(storage_key) == {"text": f"typed by {storage_key.user_id}"}
    remaining = [k.decode() async for k in first.redis.scan_iter(match=f"*{person}*")]
    assert all(person_of(k) != str(person) for k in remaining if k.startswith("fsm:")), remaining
    assert await first.redis.exists(f"throttle:{person}") == 0 and await first.redis.exists(f"throttle:{person + 1}")


async def test_the_rate_limit_is_shared_by_two_instances(redis_server: RedisServer) -> None:
    clients = [Redis.from_url(redis_server.url), Redis.from_url(redis_server.url)]
    try:
        a, b = (RedisThrottle(client, burst=3, per_second=1.0, warn_every=30) for client in clients)
        person, other = next(people), next(people)
        now = 1_800_000_000.0
        verdicts = [(a if n % 2 else b).check(person, now) for n in range(6)]
        assert [await verdict for verdict in verdicts] == [
            Verdict.ALLOW, Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN, Verdict.DROP, Verdict.DROP
        ]  # fmt: skip
        assert await a.check(other, now) is Verdict.ALLOW  # somebody else is not held back
        assert await b.check(person, now + 0.5) is Verdict.DROP
        assert await a.check(person, now + 1.6) is Verdict.ALLOW  # a second later, one more, on either
        assert await b.check(person, now + 1.7) is Verdict.DROP
        later = [await (a, b)[n % 2].check(person, now + 31) for n in range(4)]  # full again, and warned again
        assert later == [Verdict.ALLOW, Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]
        assert 0 < await clients[0].ttl(f"throttle:{person}") <= 31  # forgotten once it would be full again
    finally:
        for client in clients:
            await client.aclose()


async def test_two_middlewares_hold_a_flood_together(redis_server: RedisServer) -> None:
    clients = [Redis.from_url(redis_server.url), Redis.from_url(redis_server.url)]
    i18n = create_i18n("kk")
    handled: list[int] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        handled.append(data["event_from_user"].id)

    try:
        middlewares = [ThrottleMiddleware(RedisThrottle(client, burst=5, per_second=0.01), i18n) for client in clients]
        flooder = User(id=next(people), is_bot=False, first_name="F")
        calm = User(id=next(people), is_bot=False, first_name="C")
        for n in range(20):
            await middlewares[n % 2](handler, flooder, {"event_from_user": flooder})
        await middlewares[1](handler, calm, {"event_from_user": calm})
        assert handled.count(flooder.id) == 5 and handled.count(calm.id) == 1  # not 5 per instance
    finally:
        for client in clients:
            await client.aclose()


async def test_the_app_keeps_dialogs_in_redis_and_forget_erases_them(
    redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("BOT_TOKEN", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_for(redis_server.url, database_url=f"sqlite:///{tmp_path / 'redis.db'}")
    db = await open_migrated(settings.database_path)
    i18n = create_i18n("kk")
    dispatcher = build_dispatcher(db, settings, i18n, Helpdesk(db, i18n, ()))
    storage = dispatcher.storage
    try:
        assert isinstance(storage, RedisDialogStorage)
        person = next(people)
        await storage.set_data(key(person, person), {"text": "what they typed"})
        privacy: PrivacyDesk = dispatcher["privacy"]
        await privacy.forget(person)
        assert await storage.get_data(key(person, person)) == {}
        assert await db.fetch_all("SELECT key FROM fsm_states") == []  # nothing went to the database
    finally:
        await dispatcher.emit_shutdown()  # closes the storage (and with it the rate limit's pool)
        await db.close()
        for router in dispatcher.sub_routers:
            router._parent_router = None
        dispatcher.sub_routers.clear()
