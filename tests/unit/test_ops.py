"""Running as a service: JSON log lines, Prometheus metrics without personal data, and /healthz, /readyz, /metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter
from aiogram.filters import Command
from aiogram.types import Message, Update
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.localapi.people import LocalUser
from bot.localapi.server import LocalBotApi
from bot.ops.health import HEALTH_KEY, make_health_app
from bot.ops.logs import JsonFormatter, setup_logging
from bot.ops.metrics import BOT_API_METHODS, OTHER, UPDATE_TYPES, Metrics, method_label
from bot.requests.models import NewRequest
from bot.settings import Settings
from storage.bootstrap import load_sample_centers
from storage.database import Database
from storage.health import HealthRepository
from storage.outbox import OutboxRepository
from storage.requests import RequestRepository
from tests.servers import free_port

PERSON_ID = 987_650_001  # a person's id: it must never show up in /metrics
STUCK_AFTER = 300.0
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


# ---- logs ----


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """setup_logging replaces the root logger's handlers: they are put back after the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_json_log_lines_parse_and_carry_only_their_fields(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    setup_logging(settings(log_format="json", log_level="INFO"), stream)
    log = logging.getLogger("otbasy.test")
    log.info("delivered %d notices", 3, extra={"user_id": PERSON_ID, "text": "Помогите"})
    log.debug("not at INFO")
    try:
        raise ValueError("broken row")
    except ValueError:
        log.exception("outbox round failed")

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # one line per event, the traceback inside it
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "INFO" and first["logger"] == "otbasy.test" and first["message"] == "delivered 3 notices"
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert set(second) == {"time", "level", "logger", "message", "exception"}
    assert second["level"] == "ERROR" and "ValueError: broken row" in second["exception"]
    assert str(PERSON_ID) not in stream.getvalue() and "Помогите" not in stream.getvalue()


def test_text_log_lines_stay_as_they_were(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    setup_logging(settings(log_format="text", log_level="WARNING"), stream)
    logging.getLogger("otbasy.test").info("hidden")
    logging.getLogger("otbasy.test").warning("the outbox is slow")
    (line,) = stream.getvalue().splitlines()
    assert line.endswith(" WARNING otbasy.test: the outbox is slow")


def test_json_formatter_keeps_a_stack_and_unicode() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "сәлем %s", ("ok",), None, sinfo="Stack (most…)")
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "сәлем ok" and line["exception"] == "Stack (most…)"


# ---- metrics: Bot API calls ----


def metered_bot(base_url: str, token: str, metrics: Metrics) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    session.middleware(metrics.session_middleware())
    return Bot(token, session=session)


@pytest.fixture
async def metrics_and_bot(api: LocalBotApi) -> AsyncIterator[tuple[Metrics, Bot]]:
    metrics = Metrics()
    bot = metered_bot(api.base_url, api.token, metrics)
    yield metrics, bot
    await bot.session.close()


def calls(metrics: Metrics, method: str, code: str) -> float:
    return metrics.registry.get_sample_value("otbasy_bot_api_calls_total", {"method": method, "code": code}) or 0.0


async def test_session_middleware_counts_calls_by_method_and_code(
    api: LocalBotApi, metrics_and_bot: tuple[Metrics, Bot]
) -> None:
    metrics, bot = metrics_and_bot
    user = LocalUser(api, PERSON_ID, first_name="Айгерим", language_code="kk")
    api.fail_next("sendMessage", chat_id=user.id, retry_after=2)
    api.fail_next("sendMessage", chat_id=user.id, code=403, description="Forbidden: bot was blocked by the user",
                  retry_after=None)  # fmt: skip
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(user.id, "сәлем")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(user.id, "сәлем")
    await bot.send_message(user.id, "сәлем")
    await bot.get_me()

    assert calls(metrics, "sendMessage", "429") == 1
    assert calls(metrics, "sendMessage", "403") == 1
    assert calls(metrics, "sendMessage", "200") == 1
    assert calls(metrics, "getMe", "200") == 1
    sample = metrics.registry.get_sample_value
    assert sample("otbasy_bot_api_429_total", {"method": "sendMessage"}) == 1
    assert sample("otbasy_bot_api_errors_total", {"method": "sendMessage", "code": "403"}) == 1
    assert sample("otbasy_bot_api_errors_total", {"method": "sendMessage", "code": "200"}) is None


async def test_a_call_that_never_reaches_telegram_counts_as_network() -> None:
    metrics = Metrics()
    bot = metered_bot(f"http://127.0.0.1:{free_port()}", "123456:NOBODY-LISTENS", metrics)
    try:
        with pytest.raises(TelegramNetworkError):
            await bot.get_me()
    finally:
        await bot.session.close()
    assert calls(metrics, "getMe", "network") == 1


def test_only_known_method_names_become_labels() -> None:
    class Custom:
        __api_method__ = f"sendTo{PERSON_ID}"

    assert method_label(Custom()) == OTHER  # type: ignore[arg-type]
    assert {"sendMessage", "getUpdates", "answerCallbackQuery"} <= BOT_API_METHODS
    assert {"message", "callback_query", "my_chat_member"} <= UPDATE_TYPES


# ---- metrics: updates ----


def message_update(update_id: int, text: str) -> Update:
    person = {"id": PERSON_ID, "is_bot": False, "first_name": "Айгерим"}
    chat = {"id": PERSON_ID, "type": "private", "first_name": "Айгерим"}
    message = {"message_id": update_id, "date": 1_700_000_000, "chat": chat, "from": person, "text": text}
    return Update.model_validate({"update_id": update_id, "message": message})


def callback_update(update_id: int) -> Update:
    person = {"id": PERSON_ID, "is_bot": False, "first_name": "Айгерим"}
    query = {"id": "cb1", "from": person, "chat_instance": "1", "data": "nothing"}
    return Update.model_validate({"update_id": update_id, "callback_query": query})


def metered_dispatcher(metrics: Metrics) -> Dispatcher:
    router = Router()

    @router.message(Command("start"))
    async def start(message: Message) -> None:
        assert message.from_user is not None

    @router.message(Command("broken"))
    async def broken(message: Message) -> None:
        raise RuntimeError("a handler failed")

    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(metrics.update_middleware())
    dispatcher.include_router(router)
    return dispatcher


async def test_update_middleware_counts_and_times_updates_by_type_and_outcome() -> None:
    metrics = Metrics()
    dispatcher = metered_dispatcher(metrics)
    bot = Bot("123456:NO-CALLS-MADE")
    try:
        await dispatcher.feed_update(bot, message_update(1, "/start"))
        await dispatcher.feed_update(bot, message_update(2, "/start"))
        await dispatcher.feed_update(bot, callback_update(3))  # no handler takes it
        with pytest.raises(RuntimeError):
            await dispatcher.feed_update(bot, message_update(4, "/broken"))
    finally:
        await bot.session.close()

    sample = metrics.registry.get_sample_value
    assert sample("otbasy_updates_total", {"type": "message", "outcome": "handled"}) == 2
    assert sample("otbasy_updates_total", {"type": "callback_query", "outcome": "unhandled"}) == 1
    assert sample("otbasy_updates_total", {"type": "message", "outcome": "error"}) == 1
    assert sample("otbasy_update_seconds_count", {"type": "message"}) == 3
    assert sample("otbasy_update_seconds_count", {"type": "callback_query"}) == 1


# ---- the health server ----


@pytest.fixture
async def health(db: Database) -> AsyncIterator[tuple[TestClient[Any, Any], Metrics]]:
    metrics = Metrics()
    async with TestClient(TestServer(make_health_app(db, metrics, STUCK_AFTER))) as client:
        yield client, metrics


async def test_healthz_says_ok(health: tuple[TestClient[Any, Any], Metrics]) -> None:
    client, _ = health
    response = await client.get("/healthz")
    assert response.status == 200 and await response.text() == "ok"


async def test_readyz_fails_when_the_oldest_due_outbox_row_waited_too_long(
    db: Database, health: tuple[TestClient[Any, Any], Metrics]
) -> None:
    client, _ = health
    db.clock.set(NOW)
    response = await client.get("/readyz")
    assert response.status == 200
    assert await response.json() == {"ready": True, "checks": {"database": "ok", "migrations": "ok", "outbox": "ok"}}

    await OutboxRepository(db).enqueue(PERSON_ID, "sendMessage", {"chat_id": PERSON_ID, "text": "Сәлем"})
    db.clock.advance(timedelta(seconds=STUCK_AFTER - 10))
    assert (await client.get("/readyz")).status == 200  # due, but not for long

    db.clock.advance(timedelta(seconds=20))
    response = await client.get("/readyz")
    assert response.status == 503
    body = await response.json()
    assert body["ready"] is False and body["checks"]["outbox"].startswith("stuck: a row has been due for 310 s")
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"


async def test_readyz_ignores_a_row_waiting_for_its_retry(db: Database) -> None:
    outbox = OutboxRepository(db)
    await outbox.enqueue(PERSON_ID, "sendMessage", {"chat_id": PERSON_ID, "text": "Сәлем"})
    (item,) = await outbox.claim()
    await outbox.retry_later(item.id, 3600, "429")
    db.clock.advance(timedelta(seconds=1800))
    state = await HealthRepository(db).outbox_state()
    assert state.pending == 1 and state.oldest_due_wait_seconds is None
    assert state.oldest_age_seconds is not None and state.oldest_age_seconds >= 1800


async def test_readyz_fails_when_migrations_are_not_current(
    db: Database, health: tuple[TestClient[Any, Any], Metrics]
) -> None:
    client, _ = health
    await db.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
    response = await client.get("/readyz")
    assert response.status == 503
    assert (await response.json())["checks"]["migrations"].startswith("not current: database at")


class BrokenHealth(HealthRepository):
    """A database that fails every query, as one does when its server is gone."""

    async def ping(self) -> None:
        raise ConnectionRefusedError("gone")

    async def schema(self) -> Any:
        raise ConnectionRefusedError("gone")

    async def outbox_state(self) -> Any:
        raise ConnectionRefusedError("gone")


async def test_a_failing_database_is_a_503_not_a_500(db: Database) -> None:
    metrics = Metrics()
    app = make_health_app(db, metrics, STUCK_AFTER)
    app[HEALTH_KEY] = BrokenHealth(db)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/readyz")
        assert response.status == 503
        assert (await response.json())["checks"] == {
            "database": "unreachable (ConnectionRefusedError)",
            "migrations": "skipped",
            "outbox": "skipped",
        }
        page = await client.get("/metrics")  # the counters are still served; the database is reported down
        assert page.status == 200
        assert "otbasy_database_up 0.0" in await page.text()


async def test_metrics_page_has_the_metrics_and_no_person_in_any_label(
    db: Database, api: LocalBotApi, health: tuple[TestClient[Any, Any], Metrics]
) -> None:
    client, metrics = health
    db.clock.set(NOW)
    await load_sample_centers(db)
    requests = RequestRepository(db)
    center = await db.fetch_value("SELECT min(id) FROM centers")
    new = NewRequest(PERSON_ID, center, "other", False, "phone", "Айгерим", "+77011234567", "kk", "Помогите")
    first, second, _third = [await requests.create(new) for _ in range(3)]
    await requests.set_status(second, "in_progress", actor_id=41, actor_name="Staff")
    await requests.mark_escalated(first)
    await OutboxRepository(db).enqueue(PERSON_ID, "sendMessage", {"chat_id": PERSON_ID, "text": "Сәлем"})
    db.clock.advance(timedelta(seconds=42))

    dispatcher = metered_dispatcher(metrics)
    bot = metered_bot(api.base_url, api.token, metrics)
    user = LocalUser(api, PERSON_ID + 1, first_name="Айгерим", language_code="kk")
    try:
        await dispatcher.feed_update(bot, message_update(1, "/start"))
        await bot.send_message(user.id, "сәлем")
    finally:
        await bot.session.close()

    response = await client.get("/metrics")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain; version=")
    page = await response.text()
    families = {family.name: family for family in text_string_to_metric_families(page)}
    assert {
        "otbasy_updates",
        "otbasy_update_seconds",
        "otbasy_bot_api_calls",
        "otbasy_bot_api_errors",
        "otbasy_bot_api_429",
        "otbasy_outbox_pending",
        "otbasy_outbox_oldest_pending_age_seconds",
        "otbasy_outbox_oldest_due_wait_seconds",
        "otbasy_help_requests_open",
        "otbasy_help_requests_escalated",
        "otbasy_database_up",
    } <= set(families)

    def value(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, labels)

    assert value("otbasy_updates_total", type="message", outcome="handled") == 1
    assert value("otbasy_bot_api_calls_total", method="sendMessage", code="200") == 1
    assert value("otbasy_outbox_pending") == 1
    assert value("otbasy_outbox_oldest_due_wait_seconds") == 42
    assert value("otbasy_help_requests_open", status="new") == 2
    assert value("otbasy_help_requests_open", status="in_progress") == 1
    assert value("otbasy_help_requests_escalated") == 1
    assert value("otbasy_database_up") == 1

    allowed = {
        "type": UPDATE_TYPES | {OTHER},
        "outcome": {"handled", "unhandled", "error"},
        "method": BOT_API_METHODS | {OTHER},
        "code": {"200", "400", "401", "403", "404", "409", "413", "429", "5xx", "network", OTHER},
        "status": {"new", "in_progress"},
        "le": None,  # histogram buckets
    }
    for family in families.values():
        for sample in family.samples:
            for label, label_value in sample.labels.items():
                assert label in allowed, f"{sample.name} has an unexpected label {label}"
                assert allowed[label] is None or label_value in allowed[label], (sample.name, label, label_value)
    for secret in (str(PERSON_ID), str(PERSON_ID + 1), "Айгерим", "7011234567", "Помогите", "Сәлем"):
        assert secret not in page
