"""First contact, language choice and switching, commands and the command menu, through the real bot process."""

from __future__ import annotations

from bot.localapi.people import inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import PersonFactory, choose_language

KK_MENU = [
    "📍 Орталықты табу",
    "✍️ Көмек сұрау",
    "👨\u200d👩\u200d👧 Ата-аналар академиясы",
    "💍 Некеге дейінгі курс",
    "🆘 Шұғыл көмек нөмірлері",
    "🌐 Тіл / Язык",
    "ℹ️ Анықтама",
    "🙈 Жасыру",
]
RU_MENU = [
    "📍 Найти центр",
    "✍️ Попросить помощи",
    "👨\u200d👩\u200d👧 Академия родителей",
    "💍 Добрачный курс",
    "🆘 Экстренные номера",
    "🌐 Язык / Тіл",
    "ℹ️ Помощь",
    "🙈 Скрыть",
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


async def test_first_contact_in_russian(running_bot, person: PersonFactory) -> None:
    user = person("ru")
    await user.send("/start")
    question = await user.reply()
    assert inline_buttons(question) == ["✅ Русский", "Қазақша"]
    await user.click("Русский")
    welcome = await user.reply()
    assert "Добро пожаловать" in message_text(welcome)
    assert user.keyboard_texts() == RU_MENU


async def test_unknown_telegram_language_gets_the_question_without_preselection(
    running_bot, person: PersonFactory
) -> None:
    user = person("en")
    await user.send("/start")
    assert inline_buttons(await user.reply()) == ["Қазақша", "Русский"]


async def test_language_switch_keeps_old_buttons_working(running_bot, person: PersonFactory) -> None:
    user = person("kk")
    await choose_language(user, "kk")
    await user.press("🌐 Тіл / Язык")
    picker = await user.reply()
    assert inline_buttons(picker)[0] == "✅ Қазақша"
    await user.click("Русский")
    assert message_text(await user.edit()) == "✅ Язык: Русский"
    assert "Главное меню" in message_text(await user.reply())
    assert user.keyboard_texts() == RU_MENU
    await user.send("/help")
    assert "Что я умею" in message_text(await user.reply())
    # A Kazakh button from a keyboard sent before the switch still works, answered in Russian.
    await user.send("📍 Орталықты табу")
    assert "Как будем искать центр" in message_text(await user.reply())


async def test_command_menu_is_registered_per_language(running_bot, api: LocalBotApi) -> None:
    kk = [command["command"] for command in api.commands[("default", "kk")]]
    ru_descriptions = {c["command"]: c["description"] for c in api.commands[("default", "ru")]}
    assert kk == [
        "centers",
        "request",
        "academy",
        "premarital",
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


async def test_every_command_answers_in_the_chosen_language(running_bot, person: PersonFactory) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    expected = {
        "/menu": "Главное меню",
        "/centers": "Как будем искать центр",
        "/sos": "звоните 112",
        "/help": "Что я умею",
        "/cancel": "Отменять нечего",
        "/lang": "Выберите язык",
    }
    for command, fragment in expected.items():
        await user.send(command)
        assert fragment in message_text(await user.reply()), command


async def test_cancel_leaves_a_dialog(running_bot, person: PersonFactory) -> None:
    user = person("kk")
    await choose_language(user, "kk")
    await user.send("/centers")
    await user.reply()
    await user.send("/cancel")
    assert "Тоқтатылды" in message_text(await user.reply())
    assert user.keyboard_texts() == KK_MENU
    await user.send("мүлде түсініксіз сөз")  # outside the dialog: a hint, not "place not found"
    assert "түсінбедім" in message_text(await user.reply())


async def test_unknown_input_gets_a_hint_and_the_menu(running_bot, person: PersonFactory, api: LocalBotApi) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    await user.send("qwertyuiop zxcv")
    assert "не понял" in message_text(await user.reply())
    assert user.keyboard_texts() == RU_MENU
    sticker = api.user_message(
        user.id,
        user.id,
        sticker={
            "file_id": "s1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )
    await api.push_update({"message": sticker})
    assert "не понял" in message_text(await user.reply())


async def test_forged_callback_is_refused_politely(running_bot, person: PersonFactory) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    await user.send("/centers")
    prompt = await user.reply()
    answer = await user.click_data("c:999999", prompt)
    assert answer["show_alert"] and "нет в справочнике" in answer["text"]
    answer = await user.click_data("garbage", prompt)
    assert answer["show_alert"] and "больше не действует" in answer["text"]
