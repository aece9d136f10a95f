"""Abuse control end to end: blocking a sender and lifting the block. (The daily limit on requests is checked in
tests/handlers/test_requests.py: it needs no process.)"""

from __future__ import annotations

import pytest

from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language, outbox_settled
from tests.e2e.flows import make_admin, make_staff, send_request

ADMIN_ID = 900004
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID)}


@pytest.fixture(scope="module")
async def admin(api: LocalBotApi, bot_process: BotProcess) -> LocalUser:
    return await make_admin(api, ADMIN_ID)


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
    await outbox_settled(running_bot)  # had a notice been queued, it would be out by now
    assert not [m for m in staff.chat.messages.values() if "Снова реклама" in message_text(m)]

    await admin.send("/blocked")
    listing = await admin.reply_with("Заблокированные отправители")
    await admin.click("Разблокировать", listing)
    await send_request(troll, "shymkent-city", "Теперь настоящий вопрос")
    await staff.reply_with("Теперь настоящий вопрос")
