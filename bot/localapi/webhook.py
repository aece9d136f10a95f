"""Webhooks in the local Bot API server: setWebhook, getWebhookInfo, deleteWebhook, and the delivery of updates.

While a webhook is set, as on Telegram:
- getUpdates is refused with 409 (see `CONFLICT`);
- each update (from `LocalBotApi.push_update`) is POSTed to the URL as JSON, with the secret in
  `X-Telegram-Bot-Api-Secret-Token`; an answer other than 2xx, or none (refused connection, reset, timeout), is
  recorded as the webhook's last error and the update is delivered again after a short wait, until some answer
  is 2xx. Telegram waits longer between tries; here the waits are short (`retry_delays`) so tests stay fast;
- the updates of one chat are delivered one after another, in order (the next waits for the previous one's 2xx);
  those of different chats go in parallel, up to `max_connections` (40 by default, 1-100);
- updates of a type missing from `allowed_updates` are not delivered (dropped), when that list was given.
An update stays in the queue until delivered, so deleteWebhook leaves the undelivered ones for getUpdates.

A method in the webhook's answer (aiogram can answer an update with a Bot API call) is not carried out here: it is
recorded as a refusal, so that a test sees it.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.localapi import server as api  # a module import: server.py imports this module too

if TYPE_CHECKING:
    from bot.localapi.server import LocalBotApi

CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40


@dataclass
class Attempt:
    """One POST of an update: the HTTP status of the answer, or None when there was no answer."""

    update_id: int
    status: int | None
    error: str | None = None


@dataclass
class WebhookSender:
    """Delivers the server's queued updates to the webhook while it is set."""

    server: LocalBotApi
    config: WebhookConfig
    timeout: float = 60.0  # Telegram gives up on an answer after about a minute
    retry_delays: tuple[float, float] = (0.05, 1.0)  # the first wait after a failure, and the longest
    attempts: list[Attempt] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None
    _in_flight: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _loop: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._loop = asyncio.create_task(self._run(), name="local webhook delivery")
        self.wake()

    async def stop(self) -> None:
        """Stops delivering; updates in flight stay queued (they may have been handled: at-least-once, as on
        Telegram)."""
        tasks = [task for task in (self._loop, *self._in_flight.values()) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()

    def wake(self) -> None:
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self.server.updates)

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.config.url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending,
            "max_connections": self.config.max_connections,
            "ip_address": "127.0.0.1",
        }
        if self.config.allowed_updates:
            info["allowed_updates"] = self.config.allowed_updates
        if self.last_error_date is not None:
            info.update(last_error_date=self.last_error_date, last_error_message=self.last_error_message)
        return info

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            self._schedule()

    def _schedule(self) -> None:
        """Starts the deliveries that may start: the oldest waiting update of each chat that has none in flight,
        while fewer than max_connections are in flight."""
        allowed = self.config.allowed_updates
        if allowed:
            self.server.updates = [u for u in self.server.updates if update_type(u) in allowed]
        busy: set[object] = set()
        for update in self.server.updates:
            key = chat_key(update)
            if update["update_id"] in self._in_flight or key in busy:
                busy.add(key)
                continue
            busy.add(key)
            if len(self._in_flight) >= self.config.max_connections:
                break
            task = asyncio.create_task(self._deliver(update), name=f"webhook update {update['update_id']}")
            self._in_flight[update["update_id"]] = task

    async def _deliver(self, update: dict[str, Any]) -> None:
        delay, longest = self.retry_delays
        try:
            while not await self._post(update):
                await asyncio.sleep(delay)
                delay = min(delay * 2, longest)
            self.server.updates = [u for u in self.server.updates if u["update_id"] != update["update_id"]]
        finally:
            self._in_flight.pop(update["update_id"], None)
            self.wake()

    async def _post(self, update: dict[str, Any]) -> bool:
        assert self._session is not None
        headers = {SECRET_HEADER: self.config.secret_token} if self.config.secret_token else {}
        try:
            async with self._session.post(self.config.url, json=update, headers=headers) as response:
                body = await response.read()
                if 200 <= response.status < 300:
                    self.attempts.append(Attempt(update["update_id"], response.status))
                    self._check_answer(response.content_type, body)
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
                status: int | None = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as failure:
            error = _connection_error(failure)
            status = None
        self.attempts.append(Attempt(update["update_id"], status, error))
        self.last_error_date, self.last_error_message = int(time.time()), error
        return False

    def _check_answer(self, content_type: str, body: bytes) -> None:
        if content_type == "multipart/form-data" or (content_type == "application/json" and b'"method"' in body):
            self.server.refusals.append(
                api.Refusal("webhook", 400, "a method in the webhook's answer is not carried out by the local server")
            )


async def set_webhook(server: LocalBotApi, params: dict[str, Any]) -> bool:
    url = str(params.get("url") or "")
    if not url:
        await delete_webhook(server, params)
        return True
    if not url.startswith(("https://", "http://")):  # Telegram wants https; plain http is let through, for tests
        raise api.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and secret != "" and not SECRET_TOKEN.fullmatch(str(secret)):
        raise api.bad_request("secret token contains unallowed characters")
    allowed = params.get("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise api.bad_request("can't parse allowed updates JSON object")
    connections = min(max(int(params.get("max_connections") or 40), 1), 100)
    config = WebhookConfig(url, str(secret) if secret else None, allowed or None, connections)
    if params.get("drop_pending_updates"):
        server.updates = []
    if server.webhook is None:
        server.webhook = WebhookSender(server, config)
        server.webhook.start()
    else:  # another instance setting the same webhook, or a new one: the next tries use it
        server.webhook.config = config
        server.webhook.wake()
    server.wake_long_poll()  # a getUpdates waiting in a long poll answers 409 now
    return True


async def delete_webhook(server: LocalBotApi, params: dict[str, Any]) -> bool:
    sender, server.webhook = server.webhook, None
    if sender is not None:
        await sender.stop()
    if params.get("drop_pending_updates"):
        server.updates = []
    return True


def webhook_info(server: LocalBotApi) -> dict[str, Any]:
    if server.webhook is None:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(server.updates)}
    return server.webhook.info()


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def chat_key(update: dict[str, Any]) -> object:
    """What orders an update: its chat (a button's message's chat), else its sender, else the update itself."""
    content = update.get(update_type(update))
    if not isinstance(content, dict):
        return ("update", update["update_id"])
    chat = content.get("chat") or (content.get("message") or {}).get("chat")
    if chat is not None:
        return ("chat", chat["id"])
    sender = content.get("from") or content.get("user")
    if sender is not None:
        return ("user", sender["id"])
    return ("update", update["update_id"])


def _connection_error(failure: BaseException) -> str:
    if isinstance(failure, TimeoutError):
        return "Read timeout expired"
    if isinstance(failure, aiohttp.ClientConnectorError):
        return "Connection refused"
    return f"Connection error: {failure.__class__.__name__}"
