"""The real bot process as a service: /healthz, /readyz and /metrics on HEALTH_PORT, and JSON log lines."""

from __future__ import annotations

import json

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from bot.localapi.people import message_text
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.servers import free_port

HEALTH_PORT = free_port()
BOT_ENV = {"HEALTH_PORT": str(HEALTH_PORT), "LOG_FORMAT": "json"}
FRESH_INTERPRETER = True  # `python -m bot` as a service starts it: from a new interpreter, not a fork (tests/forks.py)
NAME = "Гүлнар"  # the person's name: in no log line and no metric


def samples(page: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    found = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


async def test_health_readiness_and_metrics_of_a_running_bot(running_bot: BotProcess, person: PersonFactory) -> None:
    user = person("ru", first_name=NAME)
    await choose_language(user, "ru")
    await user.send("/help")
    assert message_text(await user.reply())

    base = f"http://127.0.0.1:{HEALTH_PORT}"
    async with ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200 and await response.text() == "ok"
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 200, await response.text()
            assert (await response.json())["checks"] == {"database": "ok", "migrations": "ok", "outbox": "ok"}
        async with http.get(f"{base}/metrics") as response:
            assert response.status == 200
            page = await response.text()

    updates = samples(page, "otbasy_updates_total")
    assert updates[(("outcome", "handled"), ("type", "message"))] >= 2  # /start and /help
    assert updates[(("outcome", "handled"), ("type", "callback_query"))] >= 1  # the language button
    assert samples(page, "otbasy_update_seconds_count")[(("type", "message"),)] >= 2
    api_calls = samples(page, "otbasy_bot_api_calls_total")
    assert api_calls[(("code", "200"), ("method", "sendMessage"))] >= 2
    assert api_calls[(("code", "200"), ("method", "getUpdates"))] >= 1
    assert samples(page, "otbasy_database_up")[()] == 1
    assert samples(page, "otbasy_outbox_pending")[()] >= 0
    assert "process_resident_memory_bytes" in page
    label_values = {value for family in text_string_to_metric_families(page) for sample in family.samples
                    for value in sample.labels.values()}  # fmt: skip
    assert str(user.id) not in label_values and NAME not in page

    # One JSON object per log line (the start-up notice on standard output aside), none an error, no name.
    log = running_bot.log()
    events = [json.loads(line) for line in log.splitlines() if not line.startswith("BOT_TOKEN is set")]
    assert any(event["message"].startswith("health and metrics on http://") for event in events)
    assert all(set(event) <= {"time", "level", "logger", "message", "exception"} for event in events)
    assert not [event for event in events if event["level"] in ("ERROR", "CRITICAL")]
    assert NAME not in log
