"""First contact and the command menus, as the local Bot API server stores them, through the real bot process.

The language switch, the commands, hints and stale buttons: tests/handlers/test_first_contact.py."""

from __future__ import annotations

from bot.localapi.people import inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import PersonFactory

KK_MENU = [
    "📍 Орталықты табу",
    "✍️ Көмек сұрау",
    "👨\u200d👩\u200d👧 Ата-аналар академиясы",
    "💍 Некеге дейінгі курс",
    "❓ Сұрақ-жауап",
    "📚 Бағдарламалар",
    "🆘 Шұғыл көмек нөмірлері",
    "🌐 Тіл / Язык",
    "ℹ️ Анықтама",
    "🙈 Жасыру",
]


async def test_first_contact_in_kazakh(running_bot, person: PersonFactory, api: LocalBotApi) -> None:
    user = person("kk")
    await user.send("/start")
    question = await user.reply()
    assert "Тілді таңдаңыз" in message_text(question) and "Выберите язык" in message_text(question)
    assert inline_buttons(question) == ["✅ Қазақша", "Русский"]

    answer = await user.click("Қазақша")
    assert answer["text"] == "Тіл: Қазақша"
    assert message_text(await user.edit()) == "✅ Тіл: Қазақша"
    welcome = await user.reply()
    assert "Қош келдіңіз" in message_text(welcome)
    assert user.keyboard_texts() == KK_MENU
    chat_menu = api.commands[(f"chat:{user.id}", "")]
    assert chat_menu[0] == {"command": "centers", "description": "Отбасын қолдау орталығын табу"}


async def test_command_menu_is_registered_per_language(running_bot, api: LocalBotApi) -> None:
    kk = [command["command"] for command in api.commands[("default", "kk")]]
    ru_descriptions = {c["command"]: c["description"] for c in api.commands[("default", "ru")]}
    assert kk == [
        "centers",
        "request",
        "academy",
        "premarital",
        "programs",
        "faq",
        "my",
        "sos",
        "menu",
        "lang",
        "help",
        "cancel",
        "mydata",
        "forget",
        "start",
    ]
    assert ru_descriptions["sos"] == "Экстренные номера"
    assert api.commands[("default", "")] == api.commands[("default", "kk")]  # DEFAULT_LOCALE=kk
    assert api.descriptions[("short_description", "ru")].startswith("Найдите свой Центр поддержки семьи")
