"""Telegram's sending limits: the pacer keeps to them at Telegram's real numbers (a fake clock), two pacers sharing
one Redis keep to them together, the local server enforces them when told to (and only then), and the outbox
worker delivers a burst into one group through the enforcing server without a single 429 while another chat's row
goes through at once."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiohttp import ClientSession

from bot.localapi.limits import FloodLimiter, FloodLimits
from bot.localapi.people import LocalGroup, LocalUser
from bot.localapi.server import LocalBotApi
from bot.settings import Settings
from bot.telegram.outbox import OutboxWorker
from bot.telegram.pacing import MemoryPacer, PaceLimits, RedisPacer, SendCounter, Window, build_pacer
from storage.database import Database
from storage.outbox import OutboxRepository
from tests.servers import Redis, free_port

GROUP = -100555001
# The tests that take real time run Telegram's clock this many times as fast, on both sides (the server's windows
# and the pacer's rates): a group's 20 a minute become 20 in any second, a chat's one a second one in 1/60 s.
SPEED = 60
GROUP_WINDOW = 60 / SPEED  # seconds
SHORT_WINDOW = 1 / SPEED  # a chat's, and the 30 a second in all
FASTER = PaceLimits.from_rates(30 * SPEED, 1 * SPEED, 20 * SPEED)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The largest number of `times` within any window of `seconds` (start included, end excluded)."""
    ordered = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


async def send_all(pacer: MemoryPacer, clock: FakeClock, chats: list[int], latency: float = 0.0) -> list[float]:
    """A sender on the fake clock: each send (to the chats in turn) waits as long as the pacer says, then goes and
    takes `latency` until Telegram answers. Returns the moments the sends went."""
    sent: list[float] = []
    for chat_id in chats:
        while not (reservation := await pacer.reserve(chat_id)).granted:
            clock.now += reservation.wait
        sent.append(clock.now)
        clock.now += latency
        await reservation.sent()
    return sent


def test_the_settings_rates_keep_telegrams_counts() -> None:
    real = PaceLimits.from_rates(30, 1, 20)
    assert (real.per_second, real.per_chat, real.per_group) == (Window(30, 1.0), Window(1, 1.0), Window(20, 60.0))
    faster = PaceLimits.from_rates(600, 20, 400)  # Telegram's clock 20 times as fast: the counts stay
    assert (faster.per_second, faster.per_chat, faster.per_group) == (Window(30, 0.05), Window(1, 0.05), Window(20, 3))
    slower = PaceLimits.from_rates(10, 0.5, 6)  # fewer in each window, never a wider burst
    assert (slower.per_second, slower.per_chat, slower.per_group) == (Window(10, 1.0), Window(1, 2.0), Window(6, 60))
    assert PaceLimits.from_settings(Settings(_env_file=None)) == real  # type: ignore[call-arg]


async def test_two_hundred_notices_into_one_group_at_telegrams_numbers() -> None:
    clock = FakeClock()
    pacer = MemoryPacer(PaceLimits(), clock=clock)
    sent = await send_all(pacer, clock, [GROUP] * 200, latency=0.05)
    assert most_in_any_window(sent, 60.0) == 20  # 20 a minute in the group, and never more
    assert most_in_any_window(sent, 1.0) == 1  # and one a second
    minutes = (sent[-1] - sent[0]) / 60
    print(f"\n200 notices into one group at Telegram's numbers: the last goes after {minutes:.1f} min (fake clock)")
    assert 9.0 < minutes < 10.2  # 10 windows of 20: as fast as the limit allows, less the margin of 5 %


async def test_a_hundred_private_chats_at_once_go_at_thirty_a_second() -> None:
    clock = FakeClock()
    pacer = MemoryPacer(PaceLimits(), clock=clock)
    sent = await send_all(pacer, clock, list(range(1, 101)))
    assert most_in_any_window(sent, 1.0) == 30
    assert sent[-1] - sent[0] < 3 * 1.05 + 0.01  # 100 sends: three full seconds and the margin


async def test_one_private_chat_gets_one_a_second() -> None:
    clock = FakeClock()
    pacer = MemoryPacer(PaceLimits(), clock=clock)
    sent = await send_all(pacer, clock, [42] * 10)
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert min(gaps) >= 1.0 and max(gaps) < 1.1


async def test_a_refusal_takes_nothing_and_a_full_group_leaves_room_for_others() -> None:
    clock = FakeClock()
    pacer = MemoryPacer(PaceLimits(), clock=clock)
    await send_all(pacer, clock, [GROUP] * 20)
    refused = await pacer.reserve(GROUP)
    assert not refused.granted and 30 < refused.wait < 62  # the group's minute
    assert (await pacer.reserve(42)).granted  # another chat goes at once
    clock.now += 1.1
    assert (await pacer.reserve(43)).granted
    assert not (await pacer.reserve(GROUP)).granted  # the refusals counted nothing: still full


async def test_the_stamp_moves_to_when_telegram_answered() -> None:
    clock = FakeClock()
    pacer = MemoryPacer(PaceLimits(), clock=clock)
    first = await pacer.reserve(42)
    clock.now = 0.8  # a slow call: Telegram may have counted it as late as this
    await first.sent()
    clock.now = 1.2
    later = await pacer.reserve(42)
    assert not later.granted and later.wait == pytest.approx(0.8 + 1.05 - 1.2)


async def test_what_the_handlers_sent_counts_too() -> None:
    clock = FakeClock()
    pacer = MemoryPacer(PaceLimits(), clock=clock)
    await pacer.note(GROUP)  # a handler's reply in the group, sent at once
    clock.now = 1.1
    sent = await send_all(pacer, clock, [GROUP] * 20)
    assert most_in_any_window([0.0, *sent], 60.0) == 20  # the outbox left the reply its place in the minute
    for _ in range(3):  # handlers do not wait: their sends count even over the limit ...
        await pacer.note(42)
    assert (await pacer.reserve(42)).wait == pytest.approx(1.05)  # ... and the outbox waits for all of them


async def test_without_redis_the_settings_build_a_pacer_in_memory() -> None:
    pacer = build_pacer(Settings(_env_file=None, send_per_group_minute=400))  # type: ignore[call-arg]
    assert isinstance(pacer, MemoryPacer) and pacer.limits.per_group == Window(20, 3.0)


# ---- the pacer in Redis ----


@pytest.fixture
async def shared_redis(redis_server: Redis) -> AsyncIterator[tuple[RedisPacer, RedisPacer]]:
    """Two pacers, as in two instances of the bot, on one Redis (keys of their own for this test), at Telegram's
    counts on the faster clock: 30 in any 1/60 s in all, 1 in 1/60 s a chat, 20 in any second a group."""
    prefix = f"pace-{uuid.uuid4().hex[:8]}"
    first = RedisPacer.from_url(redis_server.url, FASTER, prefix)
    second = RedisPacer.from_url(redis_server.url, FASTER, prefix)
    yield first, second
    await first.close()
    await second.close()


async def keep_sending(pacer: RedisPacer, chats: list[int], sent: list[float], until: float) -> None:
    index = 0
    while time.monotonic() < until:
        reservation = await pacer.reserve(chats[index % len(chats)])
        if not reservation.granted:
            await asyncio.sleep(reservation.wait)
            continue
        sent.append(time.monotonic())
        index += 1
        await reservation.sent()


async def test_two_instances_sharing_redis_keep_a_group_to_its_limit_together(
    shared_redis: tuple[RedisPacer, RedisPacer],
) -> None:
    first, second = shared_redis
    sent_first: list[float] = []
    sent_second: list[float] = []
    until = time.monotonic() + 2.2 * GROUP_WINDOW
    await asyncio.gather(
        keep_sending(first, [GROUP], sent_first, until), keep_sending(second, [GROUP], sent_second, until)
    )
    together = sent_first + sent_second
    assert sent_first and sent_second, "both instances sent"
    assert most_in_any_window(together, GROUP_WINDOW) <= 20  # Telegram's 20 a minute, on the faster clock
    assert most_in_any_window(together, SHORT_WINDOW) <= 1
    assert len(together) >= 40  # two windows' worth at least: pacing, not a standstill


async def test_two_instances_sharing_redis_keep_to_thirty_a_second_in_all(
    shared_redis: tuple[RedisPacer, RedisPacer],
) -> None:
    first, second = shared_redis
    sent: list[float] = []
    until = time.monotonic() + 1.0
    await asyncio.gather(
        keep_sending(first, list(range(1, 1001)), sent, until),
        keep_sending(second, list(range(1001, 2001)), sent, until),
    )
    assert most_in_any_window(sent, SHORT_WINDOW) <= 30  # 30 a second in all, on the faster clock
    assert len(sent) >= 300


async def test_a_handlers_send_noted_by_one_instance_holds_back_the_other(
    shared_redis: tuple[RedisPacer, RedisPacer],
) -> None:
    first, second = shared_redis
    started = time.monotonic()
    for _ in range(20):
        await first.note(GROUP)
    refused = await second.reserve(GROUP)
    kept = GROUP_WINDOW * 1.05  # the window with the pacer's margin, from the first note on
    assert not refused.granted and kept - (time.monotonic() - started) <= refused.wait <= kept


async def test_redis_keys_expire_and_an_unreachable_redis_falls_back_to_memory(
    shared_redis: tuple[RedisPacer, RedisPacer], caplog: pytest.LogCaptureFixture
) -> None:
    first, _ = shared_redis
    assert (await first.reserve(GROUP)).granted
    ttl = await first.redis.pttl(f"{first.prefix}:chat:{GROUP}")
    assert GROUP_WINDOW * 1000 < ttl <= GROUP_WINDOW * 1050 + 1000  # the group's window and a second

    gone = RedisPacer.from_url(f"redis://127.0.0.1:{free_port()}/0", PaceLimits())
    try:
        with caplog.at_level(logging.WARNING, logger="bot.telegram.pacing"):
            reservation = await gone.reserve(42)
            assert reservation.granted  # delivered, paced by this instance alone
            await reservation.sent()
            assert not (await gone.reserve(42)).granted
    finally:
        await gone.close()
    assert "Redis out of reach" in caplog.text


async def test_the_handlers_bot_counts_its_sends(limited_api: LocalBotApi, limited_client: Bot) -> None:
    pacer = MemoryPacer(PaceLimits())
    limited_client.session.middleware(SendCounter(pacer))
    user = LocalUser(limited_api, 555002, language_code="ru")
    await limited_client.send_message(user.id, "hello")
    await limited_client.send_chat_action(user.id, "typing")  # not a message
    assert len(pacer._stamps[f"chat:{user.id}"]) == 1
    assert not (await pacer.reserve(user.id)).granted
    assert (await pacer.reserve(user.id + 1)).granted


# ---- the local server's limits ----


def test_the_server_enforces_telegrams_limits_only_when_told() -> None:
    assert LocalBotApi().flood is None
    assert LocalBotApi(flood_limits=FloodLimits()).flood is not None


def test_the_servers_limits_at_telegrams_numbers() -> None:
    clock = FakeClock()
    limiter = FloodLimiter(FloodLimits(), clock=clock)
    for chat_id in range(1, 31):  # 30 in a second in all
        assert not limiter.admit("sendMessage", chat_id).refused
    assert limiter.admit("sendMessage", 31).retry_after == 1
    clock.now = 1.0
    for _ in range(3):  # a chat's short burst ...
        assert not limiter.admit("sendMessage", 100).refused
    assert limiter.admit("sendMessage", 100).retry_after == 3  # ... and no more: 1 a second on average
    assert not limiter.admit("answerCallbackQuery", 100).refused  # not a message

    for second in range(20):  # a group: one a second is fine, 20 times
        clock.now = 10.0 + second
        assert not limiter.admit("sendMessage", GROUP).refused
    clock.now = 30.0
    assert limiter.admit("sendMessage", GROUP).retry_after == 40  # the 21st in the minute waits for the first
    clock.now = 70.0
    assert not limiter.admit("sendMessage", GROUP).refused

    for _ in range(20):  # edits in a group: their own 20 a minute
        assert not limiter.admit("editMessageText", GROUP).refused
    assert limiter.admit("editMessageText", GROUP).refused
    assert limiter.refused[("sendMessage", GROUP)] == 1 and limiter.too_many_requests == 4

    failed = limiter.admit("sendMessage", 200)
    failed.cancel()  # refused for another reason (400, 403): not counted
    assert not limiter.admit("sendMessage", 200).refused


@pytest.fixture
async def limited_api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(flood_limits=FloodLimits().scaled(1 / SPEED))  # a group: 20 in any second
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def limited_client(limited_api: LocalBotApi) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(limited_api.base_url))
    bot = Bot(limited_api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


async def test_over_a_limit_the_server_answers_429_as_telegram_does(
    limited_api: LocalBotApi, limited_client: Bot
) -> None:
    group = LocalGroup(limited_api, GROUP, "Staff")
    for number in range(20):
        await limited_client.send_message(group.chat_id, f"notice {number}")
        await asyncio.sleep(SHORT_WINDOW * 1.2)  # within the chat's 1 a second (1/60 s here)
    with pytest.raises(TelegramRetryAfter) as raised:
        await limited_client.send_message(group.chat_id, "one too many")
    waited = raised.value.retry_after
    assert waited == 1  # whole seconds, at least 1, until the group's window (a second here) has room
    assert limited_api.flood is not None and limited_api.flood.refused == {("sendMessage", GROUP): 1}
    assert len(group.chat.events) == 20

    async with ClientSession() as http:
        url = f"{limited_api.base_url}/bot{limited_api.token}/sendMessage"
        async with http.post(url, json={"chat_id": GROUP, "text": "again"}) as response:
            body: dict[str, Any] = await response.json()
            assert response.status == 429
    retry_after = body["parameters"]["retry_after"]
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }
    assert isinstance(retry_after, int) and 1 <= retry_after <= waited


# ---- the outbox worker through the enforcing server ----


async def test_the_worker_delivers_a_group_burst_without_429_and_others_go_meanwhile(
    limited_api: LocalBotApi, limited_client: Bot, db: Database
) -> None:
    """The server at Telegram's limits on the faster clock (a group: 20 in any second); the worker paced to the
    same (SEND_PER_GROUP_MINUTE 1200 and so on), holding a round for a third of a second at most: 60 notices into
    the group, then one to a person, who gets it before the group has had half of them."""
    group = LocalGroup(limited_api, GROUP, "Staff")
    person = LocalUser(limited_api, 555001, language_code="ru")
    outbox = OutboxRepository(db)
    async with db.transaction():
        for number in range(60):
            await outbox.enqueue(GROUP, "sendMessage", {"chat_id": GROUP, "text": f"notice {number}"})
        await outbox.enqueue(person.id, "sendMessage", {"chat_id": person.id, "text": "for you"})
    worker = OutboxWorker(limited_client, db, tick=0.1, pacer=MemoryPacer(FASTER), hold=GROUP_WINDOW / 3)
    started = time.monotonic()
    worker.start()
    try:
        await person.reply_with("for you", timeout=10)
        person_after = time.monotonic() - started
        group_then = len(group.chat.events)
        async with asyncio.timeout(30):
            while await outbox.pending_count():  # noqa: ASYNC110 -- the worker marks the rows; nothing to await
                await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert limited_api.flood is not None and limited_api.flood.too_many_requests == 0
    assert not limited_api.refusals
    took = time.monotonic() - started
    print(f"\n60 notices into one group: {took:.1f} s; the person's message after {person_after:.1f} s")
    assert group_then < 30 and person_after < 3, "the person did not wait for the group's burst"
    texts = [event.message["text"] for event in group.chat.events]
    assert texts == [f"notice {number}" for number in range(60)]  # all, and in order
