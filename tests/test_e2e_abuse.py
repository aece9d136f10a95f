"""Abuse control end to end: the daily limit on requests, blocking a sender and lifting the block."""

from __future__ import annotations

import asyncio

import pytest

from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.flows import make_admin, make_staff, send_request

ADMIN_ID = 900004
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID), "REQUESTS_PER_DAY": "3"}


@pytest.fixture(scope="module")
async def admin(api: LocalBotApi, bot_process: BotProcess) -> LocalUser:
    return await make_admin(api, ADMIN_ID)


async def test_requests_a_day_are_limited(running_bot: BotProcess, person: PersonFactory, admin: LocalUser) -> None:
    citizen = person("ru")
    await choose_language(citizen, "ru")
    for number in range(3):
        await send_request(citizen, "pavlodar-city", f"Вопрос номер {number}")
        await asyncio.sleep(0.5)
    await citizen.send("/request")
    assert "уже отправили несколько обращений" in message_text(await citizen.reply())


async def test_staff_block_a_sender_who_sees_no_difference(
    running_bot: BotProcess, person: PersonFactory, admin: LocalUser
) -> None:
    staff = await make_staff(running_bot, person, "shymkent-city", "Талғат")
    troll = person("ru")
    await choose_language(troll, "ru")
    await send_request(troll, "shymkent-city", "Оскорбления и реклама")
    notice = await staff.reply_with("Оскорбления")
    answer = await staff.click("Жіберушіні бұғаттау", notice)
    assert answer["show_alert"] and "бұғатталды" in answer["text"]

    confirmation = await send_request(troll, "shymkent-city", "Снова реклама")
    assert "новое, ждёт специалиста" in message_text(confirmation)  # nothing tells them they are blocked
    await asyncio.sleep(1.5)
    assert not [m for m in staff.chat.messages.values() if "Снова реклама" in message_text(m)]

    await admin.send("/blocked")
    listing = await admin.reply_with("Заблокированные отправители")
    await admin.click("Разблокировать", listing)
    await send_request(troll, "shymkent-city", "Теперь настоящий вопрос")
    await staff.reply_with("Теперь настоящий вопрос")
