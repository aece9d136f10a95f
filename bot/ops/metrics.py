"""Prometheus metrics, in a registry of the process's own (tests make theirs).

Every label takes its value from a small known set: the update's type, an outcome, a Bot API method name and a
result code. Nothing that names a person (user or chat ids, texts, names, phones) is ever a label value.

- `otbasy_updates_total{type, outcome}`: updates the dispatcher handled; outcome is handled, unhandled or error.
- `otbasy_update_seconds{type}`: how long handling an update took (a histogram).
- `otbasy_bot_api_calls_total{method, code}`: every Bot API call, each retry too; code is 200, 400, 401, 403, 404,
  409, 413, 429, 5xx, network or other.
- `otbasy_bot_api_errors_total{method, code}`: the calls among those that failed (code is not 200).
- `otbasy_bot_api_429_total{method}`: the calls Telegram refused with "too many requests".
- Refreshed from the database on each scrape: `otbasy_outbox_pending`, `otbasy_outbox_oldest_pending_age_seconds`,
  `otbasy_outbox_oldest_due_wait_seconds`, `otbasy_help_requests_open{status}`, `otbasy_help_requests_escalated`,
  and `otbasy_database_up` (0 when that refresh failed; the other gauges then keep their last values).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiogram.methods
from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from bot.requests.models import OPEN_STATUSES
from storage.health import HealthRepository

log = logging.getLogger(__name__)

UPDATE_TYPES = frozenset(name for name in Update.model_fields if name != "update_id")
BOT_API_METHODS = frozenset(
    api_name
    for name in aiogram.methods.__all__
    if isinstance(cls := getattr(aiogram.methods, name), type) and issubclass(cls, TelegramMethod)
    if isinstance(api_name := getattr(cls, "__api_method__", None), str)
)
OTHER = "other"
# Most specific first: TelegramEntityTooLarge is a TelegramNetworkError, TelegramMigrateToChat a 400 in disguise.
_ERROR_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (TelegramRetryAfter, "429"),
    (TelegramMigrateToChat, "400"),
    (TelegramEntityTooLarge, "413"),
    (TelegramBadRequest, "400"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramServerError, "5xx"),
    (TelegramNetworkError, "network"),
)
# Handling an update: from a few milliseconds to the Bot API's patience.
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def update_type(event: TelegramObject) -> str:
    if not isinstance(event, Update):
        return OTHER
    try:
        kind = event.event_type
    except LookupError:
        return OTHER
    return kind if kind in UPDATE_TYPES else OTHER


def method_label(method: TelegramMethod[Any]) -> str:
    name = getattr(method, "__api_method__", None)
    return name if name in BOT_API_METHODS else OTHER


def error_code(error: BaseException) -> str:
    for kind, code in _ERROR_CODES:
        if isinstance(error, kind):
            return code
    return OTHER  # another TelegramAPIError, or an answer that did not decode


class Metrics:
    """One per process: `Metrics()` makes its own registry; `with_process=True` adds CPU, memory and open files."""

    def __init__(self, registry: CollectorRegistry | None = None, with_process: bool = False) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        if with_process:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
        self.updates = Counter(
            "otbasy_updates", "Updates handled, by type and outcome.", ["type", "outcome"], registry=self.registry
        )
        self.update_seconds = Histogram(
            "otbasy_update_seconds",
            "Time spent handling an update, by type.",
            ["type"],
            buckets=UPDATE_BUCKETS,
            registry=self.registry,
        )
        self.api_calls = Counter(
            "otbasy_bot_api_calls", "Bot API calls, by method and result code.", ["method", "code"],
            registry=self.registry,
        )  # fmt: skip
        self.api_errors = Counter(
            "otbasy_bot_api_errors", "Bot API calls that failed, by method and code.", ["method", "code"],
            registry=self.registry,
        )  # fmt: skip
        self.api_429 = Counter(
            "otbasy_bot_api_429", "Bot API calls refused with 429 Too Many Requests, by method.", ["method"],
            registry=self.registry,
        )  # fmt: skip
        self.outbox_pending = Gauge(
            "otbasy_outbox_pending", "Outbox rows waiting to be delivered.", registry=self.registry
        )
        self.outbox_oldest_age = Gauge(
            "otbasy_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered outbox row (0 when there is none).",
            registry=self.registry,
        )
        self.outbox_due_wait = Gauge(
            "otbasy_outbox_oldest_due_wait_seconds",
            "How long the longest-waiting due outbox row has been due (0 when none is due).",
            registry=self.registry,
        )
        self.requests_open = Gauge(
            "otbasy_help_requests_open", "Open help requests, by status.", ["status"], registry=self.registry
        )
        self.requests_escalated = Gauge(
            "otbasy_help_requests_escalated", "Open help requests that were escalated.", registry=self.registry
        )
        self.database_up = Gauge(
            "otbasy_database_up", "1 when the last refresh of the database gauges succeeded.", registry=self.registry
        )
        for status in OPEN_STATUSES:
            self.requests_open.labels(status=status)

    def update_middleware(self) -> UpdateMetricsMiddleware:
        return UpdateMetricsMiddleware(self)

    def session_middleware(self) -> BotApiMetricsMiddleware:
        return BotApiMetricsMiddleware(self)

    def count_call(self, method: str, code: str) -> None:
        self.api_calls.labels(method=method, code=code).inc()
        if code != "200":
            self.api_errors.labels(method=method, code=code).inc()
        if code == "429":
            self.api_429.labels(method=method).inc()

    async def refresh(self, health: HealthRepository) -> bool:
        """The gauges read from the database; False (and `otbasy_database_up` 0) when that failed."""
        try:
            outbox = await health.outbox_state()
            open_requests = await health.open_requests()
            escalated = await health.escalated_requests()
        except Exception as error:
            log.warning("metrics: the database did not answer: %s", type(error).__name__)
            self.database_up.set(0)
            return False
        self.outbox_pending.set(outbox.pending)
        self.outbox_oldest_age.set(outbox.oldest_age_seconds or 0)
        self.outbox_due_wait.set(outbox.oldest_due_wait_seconds or 0)
        for status in OPEN_STATUSES:
            self.requests_open.labels(status=status).set(open_requests.get(status, 0))
        self.requests_escalated.set(escalated)
        self.database_up.set(1)
        return True


class UpdateMetricsMiddleware(BaseMiddleware):
    """An outer middleware of the dispatcher's updates: counts each update by type and outcome, and times it."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = update_type(event)
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            self._metrics.update_seconds.labels(type=kind).observe(time.perf_counter() - started)
            self._metrics.updates.labels(type=kind, outcome=outcome).inc()


class BotApiMetricsMiddleware(BaseRequestMiddleware):
    """A session middleware: counts every Bot API call by method and result. Registered last, it sits nearest the
    network, so each retry of the retrying middleware counts as the call it is."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method_label(method)
        try:
            result = await make_request(bot, method)
        except Exception as error:
            self._metrics.count_call(name, error_code(error))
            raise
        self._metrics.count_call(name, "200")
        return result
