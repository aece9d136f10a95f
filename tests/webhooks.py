"""Bots in webhook mode for the tests: the environment of a bot process that takes its updates as webhook calls
from the local Bot API server, and a round-robin load balancer to put in front of several of them.

    port = free_port()
    bot = webhook_bot(api, tmp_path / "one", port)            # the local server calls it straight
    await bot.start()                                          # returns once it has called setWebhook

    balancer = LoadBalancer()                                  # two instances behind one URL, as in compose.yaml
    await balancer.start()
    bots = [webhook_bot(api, tmp_path / name, free_port(), url=balancer.url, DATABASE_URL=..., REDIS_URL=...)
            for name in ("a", "b")]
    balancer.backends = [bot.webhook_backend for bot in bots]
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, bot_environment
from tests.servers import free_port

WEBHOOK_PATH = "/telegram/hook"
WEBHOOK_SECRET = "test-webhook-secret_0123456789"


class WebhookBot(BotProcess):
    """A bot process in webhook mode, listening on 127.0.0.1:`port`."""

    def __init__(self, api: LocalBotApi, workdir: Path, env: dict[str, str], port: int) -> None:
        super().__init__(api, workdir, env)
        self.port = port

    @property
    def webhook_backend(self) -> str:
        """Where a load balancer forwards calls for this instance."""
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"


def webhook_environment(
    api: LocalBotApi, workdir: Path, port: int, url: str | None = None, secret: str = WEBHOOK_SECRET, **extra: str
) -> dict[str, str]:
    """`bot_environment` plus webhook mode: WEBHOOK_URL is `url` (a load balancer's) or the bot's own port."""
    return bot_environment(
        api,
        workdir,
        WEBHOOK_URL=url or f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        WEBHOOK_SECRET=secret,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        **extra,
    )


def webhook_bot(
    api: LocalBotApi, workdir: Path, port: int | None = None, url: str | None = None, **extra: str
) -> WebhookBot:
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    return WebhookBot(api, workdir, webhook_environment(api, workdir, port, url, **extra), port)


class LoadBalancer:
    """A reverse proxy for the tests, like the one in deploy/: each webhook call goes to the next backend in turn;
    a backend that refuses the connection (stopped, killed) is skipped, as nginx does; a call that fails after it
    was sent is answered 502, so the local server delivers it again."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.served: Counter[str] = Counter()  # 2xx answers per backend
        self.port = 0
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    async def start(self) -> None:
        self.port = self.port or free_port()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {key: value for key, value in request.headers.items() if key.lower().startswith("x-telegram")}
        headers["Content-Type"] = request.content_type
        start = next(self._turn)
        for offset in range(len(self.backends)):
            backend = self.backends[(start + offset) % len(self.backends)]
            try:
                async with self._session.post(backend, data=body, headers=headers) as answer:
                    content = await answer.read()
                    if 200 <= answer.status < 300:
                        self.served[backend] += 1
                    return web.Response(body=content, status=answer.status, content_type=answer.content_type)
            except aiohttp.ClientConnectorError:
                continue  # nothing was sent: the next backend may take it
            except (aiohttp.ClientError, TimeoutError):
                return web.Response(status=502, text="Bad Gateway")
        return web.Response(status=502, text="Bad Gateway")
