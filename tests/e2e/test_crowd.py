"""A crowd at once against the real bot process: every person is answered, every request is stored once and
noticed once, and a newcomer is answered at once afterwards. Each burst is released within one second."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from bot.localapi.people import LocalUser, inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language, outbox_settled, wait_until
from tests.e2e.flows import describe_request, open_topic

ADMIN_ID = 900009
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID)}
CROWD = 200
CENTERS = ("astana-zhanuya", "almaty-city", "shymkent-city", "karaganda-city")
NUMBER = re.compile(r"R-\d{6}")


async def in_waves(steps: list[Callable[[], Awaitable[Any]]], size: int = 50) -> list[Any]:
    """Bring many people to where the burst starts, some at a time, so that the set-up itself is no test."""
    results: list[Any] = []
    for start in range(0, len(steps), size):
        results += await asyncio.gather(*(step() for step in steps[start : start + size]))
    return results


async def burst(steps: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Everyone acts within one second: all the updates are queued before the bot's next poll takes them."""
    started = time.monotonic()
    results = await asyncio.gather(*(step() for step in steps))
    assert time.monotonic() - started < 60
    return results


async def ready_to_send(citizen: LocalUser, center: str) -> dict[str, Any]:
    await choose_language(citizen, "ru")
    await describe_request(citizen, center, f"Нужна консультация психолога, {citizen.id}")
    await citizen.click("Остаться анонимным")
    return await citizen.reply_with("Проверьте ваше обращение")


def button_data(message: dict[str, Any], text: str) -> str:
    rows = message["reply_markup"]["inline_keyboard"]
    return next(button["callback_data"] for row in rows for button in row if text in button["text"])


def stored_requests(bot: BotProcess, people: list[LocalUser]) -> int:
    """How many requests these people have stored."""
    with sqlite3.connect(bot.database) as db:
        sql = "SELECT count(*) FROM help_requests WHERE user_id BETWEEN ? AND ?"
        return int(db.execute(sql, (people[0].id, people[-1].id)).fetchone()[0])


async def browse(visitor: LocalUser) -> None:
    await choose_language(visitor, "ru")
    await visitor.send("/start c_astana-zhanuya")
    await visitor.reply_with("Услуги")
    await visitor.send("Алматы")
    await visitor.reply()


async def the_admin(api: LocalBotApi, admin_id: int = ADMIN_ID) -> LocalUser:
    """Told of every request and sign-up at the sample centers, which have no staff."""
    admin = LocalUser(api, admin_id, first_name="Admin", language_code="ru")
    if not admin.chat.messages:
        await choose_language(admin, "ru")
    admin.skip_to_end()
    return admin


async def sos_is_answered_at_once(person: PersonFactory) -> float:
    newcomer = person("ru")
    started = time.monotonic()
    await newcomer.send("/sos")
    assert "112" in message_text(await newcomer.reply(timeout=5))
    return time.monotonic() - started


async def test_two_hundred_requests_in_one_second_while_two_hundred_browse(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    admin = await the_admin(api)
    citizens = [person("ru") for _ in range(CROWD)]
    summaries = await in_waves(
        [lambda c=c, n=n: ready_to_send(c, CENTERS[n % len(CENTERS)]) for n, c in enumerate(citizens)]
    )
    visitors = [person("ru") for _ in range(CROWD)]

    async def send(citizen: LocalUser, summary: dict[str, Any]) -> str:
        await citizen.click("Отправить", summary)
        return message_text(await citizen.reply_with("отправлено в", timeout=60))

    confirmations = await burst(
        [lambda c=c, s=s: send(c, s) for c, s in zip(citizens, summaries, strict=True)]
        + [lambda v=v: browse(v) for v in visitors]
    )
    numbers = [NUMBER.search(text).group(0) for text in confirmations[:CROWD]]  # type: ignore[union-attr]
    assert len(set(numbers)) == CROWD, "every person has a number of their own"

    noticed: Counter[str] = Counter()
    deadline = time.monotonic() + 120
    while sum(noticed.values()) < CROWD and time.monotonic() < deadline:
        event = await admin.next_event(timeout=60)
        found = NUMBER.search(message_text(event.message))
        if event.kind == "send" and found:  # the admin is sent nothing else: the notices
            noticed[found.group(0)] += 1
    assert set(noticed) == set(numbers) and set(noticed.values()) == {1}, "one notice per request"

    assert await sos_is_answered_at_once(person) < 1.0
    with sqlite3.connect(running_bot.database) as db:
        assert db.execute("SELECT count(*) FROM help_requests").fetchone()[0] == CROWD


async def test_fifty_sign_ups_and_fifty_erasures_at_once(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    await the_admin(api)
    parents = [person("ru") for _ in range(50)]

    async def ready_to_sign_up(parent: LocalUser) -> dict[str, Any]:
        await choose_language(parent, "ru")
        listing = await open_topic(parent, "/academy", "Общение с подростками")
        await parent.click(inline_buttons(listing)[0], listing)
        await parent.click("Записаться", await parent.reply_with("Занятия"))
        await parent.reply_with("имя и фамилия")
        await parent.send("Айгерим Сапарова")
        await parent.reply_with("номер телефона")
        await parent.send("87011234567")
        return await parent.reply_with("Согласие на обработку")

    consents = await in_waves([lambda p=p: ready_to_sign_up(p) for p in parents])

    async def agree(parent: LocalUser, consent: dict[str, Any]) -> str:
        await parent.click("напоминайте", consent)
        return message_text(await parent.reply(timeout=60))

    answers = await burst([lambda p=p, c=c: agree(p, c) for p, c in zip(parents, consents, strict=True)])
    with sqlite3.connect(running_bot.database) as db:
        group_id, seats = db.execute(
            "SELECT g.id, g.seats FROM course_groups g JOIN signups s ON s.group_id = g.id WHERE s.user_id = ?",
            (parents[0].id,),
        ).fetchone()
        taken = db.execute(
            "SELECT coalesce(sum(seats), 0) FROM signups WHERE group_id = ? AND status = 'confirmed'", (group_id,)
        ).fetchone()[0]
    confirmed = sum("Вы записаны" in answer for answer in answers)
    waiting = sum("листе ожидания" in answer for answer in answers)
    assert taken == seats and confirmed == seats and confirmed + waiting == 50, answers

    async def ask_to_forget(parent: LocalUser) -> dict[str, Any]:
        await parent.send("/forget")
        return await parent.reply_with("Удалить все ваши данные")

    questions = await in_waves([lambda p=p: ask_to_forget(p) for p in parents])

    async def forget(parent: LocalUser, question: dict[str, Any]) -> str:
        await parent.click("Да, удалить всё", question)
        # A parent on the waiting list may first hear that a seat came free (another parent's erasure freed it).
        return message_text(await parent.reply_with("удалены", timeout=60))

    farewells = await burst([lambda p=p, q=q: forget(p, q) for p, q in zip(parents, questions, strict=True)])
    assert all("удалены" in text for text in farewells), farewells
    ids = [parent.id for parent in parents]
    marks = ",".join("?" * len(ids))
    with sqlite3.connect(running_bot.database) as db:
        assert db.execute(f"SELECT count(*) FROM users WHERE id IN ({marks})", ids).fetchone()[0] == 0
        assert db.execute(f"SELECT count(*) FROM signups WHERE user_id IN ({marks})", ids).fetchone()[0] == 0
    assert await sos_is_answered_at_once(person) < 1.0


async def test_a_kill_9_in_the_middle_of_a_burst_leaves_every_request_whole_and_sent_once(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    """A hundred people press Send and the process is killed (SIGKILL) while it works through them. What was
    committed is whole (the request, its text and its notice) and nothing is half-stored; after the restart the
    taps Telegram still holds are handled again, each person ends with exactly one request however often they
    tap, and every request reaches the staff."""
    admin = await the_admin(api)
    citizens = [person("ru") for _ in range(100)]
    summaries = await in_waves([lambda c=c: ready_to_send(c, "pavlodar-city") for c in citizens])
    sends = [button_data(summary, "Отправить") for summary in summaries]

    for citizen, summary, data in zip(citizens, summaries, sends, strict=True):  # taps, not waiting for answers
        query = {"id": api.new_callback_id(), "from": api.users[citizen.id], "chat_instance": str(citizen.id),
                 "message": summary, "data": data}  # fmt: skip
        await api.push_update({"callback_query": query})
    await wait_until(lambda: stored_requests(running_bot, citizens) >= 10, "the bot is working through the burst")
    assert running_bot.process is not None
    running_bot.process.kill()  # no shutdown of any kind
    running_bot.process.wait()
    running_bot.process = None
    stored_at_kill = stored_requests(running_bot, citizens)
    assert stored_at_kill < len(citizens), "the kill came too late to prove anything"

    with sqlite3.connect(running_bot.database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        half_stored = db.execute(
            "SELECT count(*) FROM help_requests r WHERE NOT EXISTS (SELECT 1 FROM request_messages m "
            "WHERE m.request_id = r.id) OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.request_id = r.id AND o.notice)"
        ).fetchone()[0]
    assert half_stored == 0

    await running_bot.start()
    for citizen, summary, data in zip(citizens, summaries, sends, strict=True):  # and whoever got silence taps again
        await citizen.click_data(data, summary)
    await outbox_settled(running_bot)
    with sqlite3.connect(running_bot.database) as db:
        per_person = db.execute(
            "SELECT user_id, count(*) FROM help_requests WHERE user_id BETWEEN ? AND ? GROUP BY user_id",
            (citizens[0].id, citizens[-1].id),
        ).fetchall()
        numbers = [f"R-{row[0]:06d}" for row in db.execute(
            "SELECT id FROM help_requests WHERE user_id BETWEEN ? AND ?", (citizens[0].id, citizens[-1].id)
        )]  # fmt: skip
    assert len(per_person) == len(citizens) and {count for _, count in per_person} == {1}
    noticed = " ".join(message_text(m) for m in admin.chat.messages.values())
    assert all(number in noticed for number in numbers), "every request reaches the staff"
