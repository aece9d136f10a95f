"""/staff end to end, in the real process: an admin removes a staff member who holds two taken requests; the
center's group is told the numbers, the requests are in /queue again, the leaver's press on an old notice is
refused and their command menu is everyone's again; the admin's own menu has the admins' commands from the start."""

from __future__ import annotations

import pytest

from bot.localapi.people import LocalGroup, LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language, wait_until
from tests.e2e.flows import make_admin, make_staff, send_request

ADMIN_ID = 900012
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID)}
CENTER = "kostanay-city"


@pytest.fixture(scope="module")
async def admin(api: LocalBotApi, bot_process: BotProcess) -> LocalUser:
    return await make_admin(api, ADMIN_ID)


def menu(api: LocalBotApi, chat_id: int) -> list[str]:
    return [command["command"] for command in api.commands.get((f"chat:{chat_id}", ""), [])]


async def test_an_admin_removes_a_staff_member_holding_two_requests(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi, admin: LocalUser
) -> None:
    await wait_until(lambda: "staff" in menu(api, ADMIN_ID), "the admin's menu set at start-up")
    assert menu(api, ADMIN_ID)[:8] == ["queue", "center", "groups", "roster", "staff", "invite", "stats", "console"]

    colleague = await make_staff(running_bot, person, CENTER, "Сәуле")
    leaver = person("kk", first_name="Айгүл")  # joins by the invite of /staff's button
    await choose_language(leaver, "kk")
    await admin.send(f"/staff {CENTER}")
    await admin.click("➕ Пригласить", await admin.reply_with("Сотрудники"))
    token = message_text(await admin.reply_with("start=s_")).split("start=s_")[1].split()[0]
    await leaver.send(f"/start s_{token}")
    await leaver.reply_with("қызметкерісіз")
    await wait_until(lambda: menu(api, leaver.id)[:1] == ["queue"], "the newcomer's menu has the staff's commands")
    group = LocalGroup(api, -100912, "Қостанай ОҚО")
    await colleague.send("/bind", group=group)
    await group.reply_with("Қостанай")
    notices = []
    for text in ("Первый вопрос к центру", "Второй вопрос к центру"):
        citizen = person("ru")
        await citizen.send("/start")
        await citizen.reply()
        await citizen.click("Русский")
        await citizen.reply()
        await send_request(citizen, CENTER, text)
        notice = await group.reply_with(text)
        await leaver.click("Алу", notice)
        assert "Алған: Айгүл" in message_text(await group.edit(notice))
        notices.append(notice)
    numbers = ["R-" + message_text(notice).split("R-")[1][:6] for notice in notices]

    await admin.send(f"/staff {CENTER}")
    listing = await admin.reply_with("Айгүл")
    assert "в работе 2 обращения" in message_text(listing)
    await admin.click("➖ Айгүл", listing)
    question = message_text(await admin.edit(listing))
    assert "Удалить Айгүл из сотрудников?" in question and all(number in question for number in numbers)
    await admin.click("✅ Да, удалить", listing)
    assert "больше не сотрудник" in message_text(await admin.edit(listing))

    told = message_text(await group.reply_with("жұмыс істемейді"))
    assert "Айгүл" in told and all(number in told for number in numbers)
    assert "вопрос к центру" not in told  # numbers only, never a request's text
    refused = await leaver.click_data(f"tk:{numbers[0][2:].lstrip('0')}", notices[0])
    assert refused["show_alert"] and "басқа орталыққа" in refused["text"]
    await colleague.send("/queue")
    queue = message_text(await colleague.reply_with("Ашық өтініштер"))
    assert all(number in queue for number in numbers)
    await wait_until(lambda: menu(api, leaver.id)[:1] == ["centers"], "the leaver's menu is everyone's again")
    assert "queue" not in menu(api, leaver.id)
