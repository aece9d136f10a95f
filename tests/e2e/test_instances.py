"""Two real bot processes in webhook mode on one PostgreSQL and one Redis, behind a round-robin load balancer, as
compose.yaml runs them: updates alternate between the instances, one is killed (-9) in the middle of forty
requests, and twenty people race for five seats across both."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.localapi.people import LocalUser, inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from storage.database import Database
from tests.conftest import PersonFactory, choose_language, wait_until
from tests.e2e.flows import open_topic
from tests.e2e.test_courses import in_days
from tests.e2e.test_crowd import NUMBER, burst, button_data, in_waves, ready_to_send, the_admin
from tests.servers import Redis
from tests.webhooks import LoadBalancer, WebhookBot, webhook_bot

ADMIN_ID = 900011


class Pair:
    """Two instances behind one balancer, and the database they share, for the test to read."""

    def __init__(self, bots: list[WebhookBot], balancer: LoadBalancer, db: Database) -> None:
        self.bots = bots
        self.balancer = balancer
        self.db = db

    async def pending_outbox(self) -> int:
        return int(await self.db.fetch_value("SELECT count(*) FROM outbox WHERE status = 'pending'"))

    async def settled(self) -> None:
        for _ in range(600):
            if await self.pending_outbox() == 0:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the outbox did not deliver what it holds within 30 s")


@pytest.fixture
async def pair(api: LocalBotApi, postgres_url: str, redis_server: Redis, tmp_path: Path) -> AsyncIterator[Pair]:
    balancer = LoadBalancer()
    await balancer.start()
    database = f"{redis_server.url[:-2]}/{abs(hash(postgres_url)) % 15 + 1}"  # a Redis database of its own
    shared = {"DATABASE_URL": postgres_url, "REDIS_URL": database, "ADMIN_IDS": str(ADMIN_ID)}
    bots = [webhook_bot(api, tmp_path / name, url=balancer.url, **shared) for name in ("a", "b")]
    balancer.backends = [bot.webhook_backend for bot in bots]
    db = await Database.open(postgres_url)
    try:
        await asyncio.gather(*(bot.start() for bot in bots))  # both at once: they migrate and seed one database
        yield Pair(bots, balancer, db)
        for bot in bots:
            assert "Traceback" not in bot.log(), bot.log()
    finally:
        for bot in bots:
            if bot.process is not None:
                await bot.stop()
        await balancer.stop()
        await db.close()


async def test_a_kill_9_of_one_instance_in_the_middle_of_forty_requests_loses_none_and_repeats_none(
    pair: Pair, person: PersonFactory, api: LocalBotApi
) -> None:
    admin = await the_admin(api, ADMIN_ID)
    citizens = [person("ru") for _ in range(40)]
    summaries = await in_waves([lambda c=c: ready_to_send(c, "pavlodar-city") for c in citizens], size=20)
    assert all(pair.balancer.served[bot.webhook_backend] > 40 for bot in pair.bots), pair.balancer.served

    async def stored() -> int:
        sql = "SELECT count(*) FROM help_requests WHERE user_id BETWEEN ? AND ?"
        return int(await pair.db.fetch_value(sql, (citizens[0].id, citizens[-1].id)))

    taps = [
        {"id": api.new_callback_id(), "from": api.users[c.id], "chat_instance": str(c.id), "message": summary,
         "data": button_data(summary, "Отправить")}
        for c, summary in zip(citizens, summaries, strict=True)
    ]  # fmt: skip
    for tap in taps:  # forty people press Send within a moment; the balancer spreads them over both instances
        await api.push_update({"callback_query": tap})
    for _ in range(400):
        if await stored() >= 4:
            break
        await asyncio.sleep(0.01)
    killed = pair.bots[0]
    assert killed.process is not None
    killed.process.kill()  # no shutdown of any kind, in the middle of the burst
    killed.process.wait()
    killed.process = None
    assert await stored() < len(citizens), "the kill came too late to prove anything"

    # Telegram delivers again what the killed instance never acknowledged; the balancer sends it to the other.
    async def everyone_answered() -> bool:
        return await stored() == len(citizens)

    for _ in range(600):
        if await everyone_answered():
            break
        await asyncio.sleep(0.05)
    assert await stored() == len(citizens), "every request accepted"
    await pair.settled()
    rows = await pair.db.fetch_all(
        "SELECT id, user_id FROM help_requests WHERE user_id BETWEEN ? AND ?", (citizens[0].id, citizens[-1].id)
    )
    assert sorted(row[1] for row in rows) == [c.id for c in citizens]  # one each
    noticed = Counter(  # a notice opens with its request's number
        found.group(0) for message in admin.chat.messages.values() if (found := NUMBER.match(message_text(message)))
    )
    numbers = {f"R-{row[0]:06d}" for row in rows}
    assert set(noticed) == numbers and set(noticed.values()) == {1}, noticed  # every one, once

    # And a request finishes its cycle with the surviving instance: taken, answered, read by the person.
    await wait_until(lambda: all(c.chat.messages for c in citizens), "every person had an answer")


async def test_twenty_sign_ups_for_five_seats_across_two_instances_give_five_seats(
    pair: Pair, person: PersonFactory, api: LocalBotApi
) -> None:
    await the_admin(api, ADMIN_ID)
    output = await pair.bots[0].cli(
        "groups", "add", "--id", "five-seats", "--topic", "inclusive", "--center", "pavlodar-city",
        "--language", "ru", "--seats", "5", "--session", in_days(12, 15),
    )  # fmt: skip
    assert "added 1 group" in output, output
    parents = [person("ru") for _ in range(20)]

    async def ready_to_sign_up(parent: LocalUser) -> dict[str, Any]:
        await choose_language(parent, "ru")
        listing = await open_topic(parent, "/academy", "особыми образовательными")
        label = next(label for label in inline_buttons(listing) if "Павлодар" in label and "свободно 5 мест" in label)
        await parent.click(label, listing)
        await parent.click("Записаться", await parent.reply_with("Занятия"))
        await parent.reply_with("имя и фамилия")
        await parent.send("Айгерим Сапарова")
        await parent.reply_with("номер телефона")
        await parent.send("87011234567")
        return await parent.reply_with("Согласие на обработку")

    consents = await in_waves([lambda p=p: ready_to_sign_up(p) for p in parents], size=10)

    async def agree(parent: LocalUser, consent: dict[str, Any]) -> str:
        await parent.click("напоминайте", consent)
        return message_text(await parent.reply(timeout=60))

    answers = await burst([lambda p=p, c=c: agree(p, c) for p, c in zip(parents, consents, strict=True)])
    group_id = await pair.db.fetch_value("SELECT id FROM course_groups WHERE slug = 'five-seats'")
    taken = await pair.db.fetch_value(
        "SELECT CAST(coalesce(sum(seats), 0) AS INTEGER) FROM signups WHERE group_id = ? AND status = 'confirmed'",
        (group_id,),
    )
    confirmed = sum("Вы записаны" in answer for answer in answers)
    waiting = sum("листе ожидания" in answer for answer in answers)
    assert (taken, confirmed, waiting) == (5, 5, 15), answers
    served = [pair.balancer.served[bot.webhook_backend] for bot in pair.bots]
    assert min(served) > 20, served  # both instances took their share of the race
