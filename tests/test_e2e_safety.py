"""Safety and privacy end to end: the quick exit, data rights, open-now, abuse control."""

from __future__ import annotations

from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language

ADMIN_ID = 900003
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID), "JOBS_INTERVAL_SECONDS": "0.5"}


async def make_staff(bot: BotProcess, person: PersonFactory, center: str, name: str) -> LocalUser:
    staff = person("kk", first_name=name)
    await choose_language(staff, "kk")
    await bot.cli("staff", "add", str(staff.id), center)
    return staff


async def start_request(citizen: LocalUser, center: str, text: str) -> None:
    """From the center's deep link up to the question of how to be reached."""
    await citizen.send(f"/start c_{center}")
    card = await citizen.reply_with("Услуги")
    await citizen.click("Обратиться в этот центр", card)
    await citizen.reply_with("О чём ваше обращение")
    await citizen.click("Другое")
    await citizen.reply_with("Опишите ситуацию")
    await citizen.send(text)
    await citizen.reply_with("Как центру связаться")


async def test_quick_exit_leaves_only_a_neutral_message_and_the_request(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff = await make_staff(running_bot, person, "akmola-kokshetau", "Айдана")
    citizen = person("ru")
    await choose_language(citizen, "ru")
    await start_request(citizen, "akmola-kokshetau", "Первое обращение, которое надо сохранить")
    await citizen.click("Остаться анонимным")
    await citizen.click("Отправить", await citizen.reply_with("Проверьте"))
    await citizen.reply_with("отправлено в")
    await staff.reply_with("Первое обращение")

    await start_request(citizen, "akmola-kokshetau", "Второе, недописанное")
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
