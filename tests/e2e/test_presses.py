"""Presses as they come from real thumbs: double taps at once and a late second tap. Every press is answered,
nothing is stored twice, and the bot logs no error. (Forged numbers and stale buttons need no process:
tests/handlers/test_requests.py.)"""

from __future__ import annotations

import asyncio
import re

from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language, outbox_settled
from tests.e2e.flows import describe_request

ADMIN_ID = 900011
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID)}


def button_data(message: dict, text: str) -> str:
    rows = message["reply_markup"]["inline_keyboard"]
    return next(button["callback_data"] for row in rows for button in row if text in button["text"])


async def test_a_double_tap_on_send_stores_one_request_and_a_late_tap_names_it(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    admin = LocalUser(api, ADMIN_ID, first_name="Admin", language_code="ru")
    await choose_language(admin, "ru")
    citizen = person("ru")
    await choose_language(citizen, "ru")
    await describe_request(citizen, "astana-zhanuya", "Нужен совет юриста")
    await citizen.click("Остаться анонимным")
    summary = await citizen.reply_with("Проверьте ваше обращение")
    send = button_data(summary, "Отправить")

    answers = await asyncio.gather(citizen.click_data(send, summary), citizen.click_data(send, summary))
    confirmation = message_text(await citizen.reply_with("отправлено в"))
    number = re.search(r"R-\d{6}", confirmation).group(0)  # type: ignore[union-attr]
    alerts = [answer.get("text", "") for answer in answers if answer.get("text")]
    assert alerts == [f"Это обращение уже отправлено: {number}. Оно есть в /my."]

    late = await citizen.click_data(send, summary)  # minutes later, from the same summary
    assert late["text"] == alerts[0] and late["show_alert"]

    notice = await admin.reply_with(number)
    await outbox_settled(running_bot)  # a second notice, if one had been queued, is out by now
    later = [message_text(m) for m in admin.chat.messages.values() if m["message_id"] > notice["message_id"]]
    assert not any(number in text for text in later)
    await citizen.send("/my")
    assert message_text(await citizen.reply_with("R-")).count("R-") == 1


async def test_a_double_tap_on_forget_erases_once_without_an_error(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    person_ = person("ru")
    await choose_language(person_, "ru")
    await person_.send("/forget")
    question = await person_.reply_with("Удалить все ваши данные")
    erase = button_data(question, "Да, удалить")
    refused_before = len(api.refusals)
    await asyncio.gather(person_.click_data(erase, question), person_.click_data(erase, question))
    assert "удалены" in message_text(await person_.reply_with("удалены"))
    await person_.reply_with("удалены")  # each tap is answered: both handlers are done
    # Telegram refuses to take away buttons that are gone already; the bot takes that calmly (no error logged).
    refused = [api.refusals.pop() for _ in range(len(api.refusals) - refused_before)]
    assert all("message is not modified" in refusal.description for refusal in refused)
