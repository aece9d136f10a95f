"""The service's own HTTP port: /healthz (the process is alive), /readyz (it can do its work) and /metrics.

It runs beside the bot in either mode, polling or webhook, on HEALTH_HOST:HEALTH_PORT; HEALTH_PORT=0 turns it off.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.ops.metrics import Metrics
from bot.settings import Settings
from storage.database import Database
from storage.health import HealthRepository

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0  # seconds: a database that has not answered by then is as good as unreachable
HEALTH_KEY = web.AppKey("health", HealthRepository)
METRICS_KEY = web.AppKey("metrics", Metrics)
STUCK_KEY = web.AppKey("outbox_stuck_seconds", float)
STATE_KEY = web.AppKey("readiness", dict)


def make_health_app(db: Database, metrics: Metrics, outbox_stuck_seconds: float) -> web.Application:
    app = web.Application()
    app[HEALTH_KEY] = HealthRepository(db)
    app[METRICS_KEY] = metrics
    app[STUCK_KEY] = outbox_stuck_seconds
    app[STATE_KEY] = {"ready": None}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    return app


async def healthz(request: web.Request) -> web.Response:  # noqa: ARG001 -- aiohttp passes the request
    return web.Response(text="ok")


async def readyz(request: web.Request) -> web.Response:
    """200 and each check's result, or 503 naming what failed. A check that raises fails; it never becomes a 500."""
    checks = await readiness(request.app[HEALTH_KEY], request.app[STUCK_KEY])
    ready = all(result == "ok" for result in checks.values())
    state = request.app[STATE_KEY]
    if state["ready"] is not ready:  # a change is logged once, not every probe
        if ready:
            log.info("ready")
        else:
            log.warning("not ready: %s", "; ".join(f"{name}: {result}" for name, result in checks.items()))
        state["ready"] = ready
    return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)


async def readiness(health: HealthRepository, stuck_after: float) -> dict[str, str]:
    checks = {"database": "ok", "migrations": "skipped", "outbox": "skipped"}
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await health.ping()
    except Exception as error:
        checks["database"] = f"unreachable ({type(error).__name__})"
        return checks
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            schema = await health.schema()
        checks["migrations"] = (
            "ok" if schema.current else f"not current: database at {schema.applied}, code at {schema.latest}"
        )
    except Exception as error:
        checks["migrations"] = f"failed ({type(error).__name__})"
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            outbox = await health.outbox_state()
        waited = outbox.oldest_due_wait_seconds or 0.0
        checks["outbox"] = (
            "ok" if waited <= stuck_after else f"stuck: a row has been due for {waited:.0f} s (limit {stuck_after:g} s)"
        )
    except Exception as error:
        checks["outbox"] = f"failed ({type(error).__name__})"
    return checks


async def metrics_page(request: web.Request) -> web.Response:
    metrics = request.app[METRICS_KEY]
    await metrics.refresh(request.app[HEALTH_KEY])
    response = web.Response(body=generate_latest(metrics.registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


async def start_health_server(settings: Settings, db: Database, metrics: Metrics) -> web.AppRunner | None:
    """Serving at once; None when HEALTH_PORT is 0 (off)."""
    if settings.health_port == 0:
        return None
    runner = web.AppRunner(make_health_app(db, metrics, settings.outbox_stuck_seconds), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.health_host, settings.health_port).start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("health and metrics on http://%s:%d", settings.health_host, settings.health_port)
    return runner


async def stop_health_server(runner: web.AppRunner | None) -> None:
    if runner is not None:
        await runner.cleanup()
