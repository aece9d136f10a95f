"""Safety and privacy end to end: the quick exit, data rights, open-now, abuse control."""

from __future__ import annotations

import pytest

from bot.localapi.people import LocalUser, inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language, find_person, outbox_settled
from tests.e2e.flows import describe_request, make_admin, make_staff

ADMIN_ID = 900003
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID), "JOBS_INTERVAL_SECONDS": "0.5"}


@pytest.fixture(scope="module")
async def admin(api: LocalBotApi, bot_process: BotProcess) -> LocalUser:
    """The administrator in ADMIN_IDS: centers without staff send their notices here."""
    return await make_admin(api, ADMIN_ID)


async def test_quick_exit_leaves_only_a_neutral_message_and_the_request(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff = await make_staff(running_bot, person, "akmola-kokshetau", "Айдана")
    citizen = person("ru")
    await choose_language(citizen, "ru")
    await describe_request(citizen, "akmola-kokshetau", "Первое обращение, которое надо сохранить")
    await citizen.click("Остаться анонимным")
    await citizen.click("Отправить", await citizen.reply_with("Проверьте"))
    await citizen.reply_with("отправлено в")
    await staff.reply_with("Первое обращение")

    await describe_request(citizen, "akmola-kokshetau", "Второе, недописанное")
    await citizen.click("Скрыть")
    done = await citizen.reply_with("Готово.")
    remaining = list(citizen.chat.messages.values())
    assert [message_text(m) for m in remaining] == ["Готово."]  # the user's own messages went too
    assert done["message_id"] == remaining[0]["message_id"]
    assert "Второе" not in str(remaining)
    sent = [p for m, p in api.calls if m == "sendMessage" and p.get("chat_id") == citizen.id][-1]
    assert sent["reply_markup"] == {"remove_keyboard": True}  # no keyboard that tells what the bot is

    await citizen.send("привет")  # the dialog is over: a fresh start, not the half-written request
    assert "не понял" in message_text(await citizen.reply())
    with_staff = [m for m in staff.chat.messages.values() if "Первое обращение" in message_text(m)]
    assert len(with_staff) == 1  # the request sent before stays with the staff


async def test_quick_exit_from_the_main_menu(running_bot: BotProcess, person: PersonFactory) -> None:
    citizen = person("kk")
    await choose_language(citizen, "kk")
    await citizen.send("/sos")
    await citizen.reply()
    await citizen.press("🙈 Жасыру")
    await citizen.reply_with("Дайын.")
    assert [message_text(m) for m in citizen.chat.messages.values()] == ["Дайын."]


async def test_forget_leaves_no_personal_field_anywhere(
    running_bot: BotProcess, person: PersonFactory, admin: LocalUser
) -> None:
    staff = await make_staff(running_bot, person, "kyzylorda-city", "Гүлзада")
    citizen = person("ru", first_name="Зарина")
    await choose_language(citizen, "ru")
    await describe_request(citizen, "kyzylorda-city", "Секретная история Зарины")
    await citizen.click("Позвоните мне")
    await citizen.reply_with("номер")
    await citizen.send("+7 747 987 65 43")
    await citizen.click("Только после 18:00", await citizen.reply_with("безопасно связаться"))
    await citizen.click("Согласен", await citizen.reply_with("Согласие"))
    await citizen.click("Отправить", await citizen.reply_with("Проверьте"))
    await citizen.reply_with("отправлено в")
    notice = await staff.reply_with("Секретная история")
    await staff.click("Жауап беру", notice)
    await staff.reply_with("бір хабарламамен")
    await staff.send("Зарина, мы вам перезвоним")
    await citizen.reply_with("перезвоним")

    await citizen.send("/academy")
    await citizen.reply()
    await citizen.click("Общение с подростками")
    listing = await citizen.reply()
    await citizen.click(next(label for label in inline_buttons(listing) if "свободно" in label))
    await citizen.click("Записаться", await citizen.reply_with("Занятия"))
    await citizen.reply_with("имя и фамилия")
    await citizen.send("Зарина Нурланова")
    await citizen.reply_with("номер телефона")
    await citizen.send("+7 747 987 65 43")
    await citizen.click("напоминайте", await citizen.reply_with("Согласие на обработку"))
    await citizen.reply_with("Вы записаны")

    await citizen.send("/forget")
    await citizen.click("Да, удалить всё", await citizen.reply_with("Удалить все ваши данные"))
    await citizen.reply_with("Ваши данные удалены")
    assert "заявитель отозвал согласие" not in message_text(notice)
    await staff.reply_with("өтініш иесі келісімін қайтарып алып")

    await outbox_settled(running_bot)  # nothing the outbox held may name her either
    leftovers = find_person(running_bot.database, citizen.id, ("Зарина", "747 987 65 43", "7479876543", "Секретная"))
    assert leftovers == [], leftovers
