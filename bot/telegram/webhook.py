"""Webhook mode (WEBHOOK_URL): Telegram POSTs each update to this process, on aiohttp, through aiogram's own
webhook handler, instead of the bot polling for them.

- Every call must carry WEBHOOK_SECRET in `X-Telegram-Bot-Api-Secret-Token`; aiogram's `SimpleRequestHandler`
  compares it (in constant time) before it reads the body, and answers 401 "Unauthorized" to a call without it or
  with another one: nothing is parsed, handled or stored.
- An update is answered only once it has been handled (`handle_in_background=False`): what the handlers wrote is
  committed by then. An instance killed in the middle never answered, so Telegram delivers the update again, to
  whichever instance the load balancer picks.
- Every instance calls setWebhook with the same URL at start (the last call wins, and they are all the same); an
  instance that stops never calls deleteWebhook, since the others still serve it.
- SIGTERM/SIGINT: the port stops taking calls, the calls in progress are finished (up to `SHUTDOWN_GRACE`
  seconds), and only then do the dispatcher's shutdown hooks run (the outbox worker and the timed jobs stop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from redis.exceptions import RedisError

from bot.settings import Settings
from storage.database import database_unreachable

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# How long a stopping instance lets the calls in progress finish (Telegram waits about a minute for an answer).
SHUTDOWN_GRACE = 25.0


def webhook_path(url: str) -> str:
    """The path the bot listens on: the URL's own (a reverse proxy passes it through unchanged)."""
    return urlsplit(url).path or "/"


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler, answering as polling behaves: an update whose handler failed on the bot's own side is
    logged and acknowledged (Telegram would otherwise deliver it again and again, and the person's next updates
    would wait behind it); one that failed because the database or Redis could not serve is answered 503, so that
    Telegram delivers it again once they are back."""

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:  # noqa: ARG002 -- aiogram's signature
        # As bytes: compare_digest refuses str with characters beyond ASCII (a 500 and a traceback, not a 401).
        expected = (self.secret_token or "").encode()
        return bool(expected) and secrets.compare_digest(telegram_secret_token.encode(), expected)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            return await super()._handle_request(bot, request)
        except (*database_unreachable(), RedisError) as error:
            log.warning("webhook: %s; the update is left for Telegram to deliver again", type(error).__name__)
            return web.Response(status=503, text="Service Unavailable")
        except Exception:
            log.exception("webhook: an update failed; it is acknowledged, as polling would skip it")
            return web.json_response({})


def build_webhook_app(dispatcher: Dispatcher, bot: Bot, secret: str, path: str) -> web.Application:
    """The aiohttp application that takes Telegram's calls at `path`; no start-up or shutdown hooks of the
    dispatcher's (see `run_webhook`), so a test can serve it as it is."""
    if not secret:
        raise ValueError("a webhook without a secret would take anybody's calls")
    app = web.Application()
    handler = WebhookHandler(dispatcher, bot, handle_in_background=False, secret_token=secret)
    # Not handler.register(): that closes the bot's session in on_shutdown, which aiohttp runs before the calls in
    # progress have finished; run_webhook closes it after them.
    app.router.add_post(path, handler.handle)
    return app


async def run_webhook(dispatcher: Dispatcher, bot: Bot, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serves the webhook on WEBHOOK_HOST:WEBHOOK_PORT until SIGTERM/SIGINT (or `stop` is set), then stops
    cleanly. Closes the bot's session at the end, as polling does."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    path = webhook_path(settings.webhook_url)
    app = build_webhook_app(dispatcher, bot, secret, path)
    workflow: dict[str, Any] = {"dispatcher": dispatcher, "bots": [bot], "app": app, **dispatcher.workflow_data}
    stop = stop or asyncio.Event()
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        await dispatcher.emit_startup(bot=bot, **workflow)
        try:
            await runner.setup()
            site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
            await site.start()
            # Only once the port takes calls: Telegram starts delivering at once.
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=secret,
                allowed_updates=dispatcher.resolve_used_update_types(),
                drop_pending_updates=False,
            )
            log.info("webhook: listening on %s:%s%s", settings.webhook_host, settings.webhook_port, path)
            await stop.wait()
            log.info("webhook: stopping (the calls in progress are finished first)")
        finally:
            await runner.cleanup()  # stops listening, then waits for the calls in progress
            await dispatcher.emit_shutdown(bot=bot, **workflow)
    finally:
        for signum in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
        await bot.session.close()
