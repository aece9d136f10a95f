"""handlers/commands.py, language.py, common.py and fallback.py through the dispatcher: the first /start, choosing
and changing the language, the commands and menu buttons at any moment, and what nobody handles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SetMyCommands
from aiogram.types import BotCommandScopeChat

from handlers.centers import CenterSearch
from tests.handlers.conftest import ADMIN_ID, World, buttons, keyboard, texts

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
RU_MENU = [
    "📍 Найти центр",
    "✍️ Попросить помощи",
    "👨\u200d👩\u200d👧 Академия родителей",
    "💍 Добрачный курс",
    "❓ Вопросы и ответы",
    "📚 Программы",
    "🆘 Экстренные номера",
    "🌐 Язык / Тіл",
    "ℹ️ Помощь",
    "🙈 Скрыть",
]
EMERGENCY_NUMBERS = ("<b>112</b>", "<b>102</b>", "<b>111</b>", "<b>150</b>")


def answer_of(calls: list[Any]) -> AnswerCallbackQuery:
    found = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    assert len(found) == 1, calls
    return found[0]


async def stored_locale(world: World, user_id: int) -> str | None:
    return await world.db.fetch_value("SELECT locale FROM users WHERE id = ?", (user_id,))


async def dialog_state(world: World, user_id: int) -> str | None:
    return await world.dispatcher.fsm.get_context(world.bot, chat_id=user_id, user_id=user_id).get_state()


async def ready(world: World, user_id: int, language: str) -> Any:
    """Someone who has started the bot and chosen `language`."""
    person = world.person(user_id, language)
    await person.send("/start")
    await person.tap("Қазақша" if language == "kk" else "Русский")
    return person


# ---- the first /start and the language ----


async def test_first_contact_in_kazakh(world: World) -> None:
    person = world.person(6001, "kk")
    question = await person.send("/start")
    assert len(question) == 1 and isinstance(question[0], SendMessage)
    assert "Тілді таңдаңыз" in question[0].text and "Выберите язык" in question[0].text  # said in both
    assert buttons(question) == ["✅ Қазақша", "Русский"]
    assert await stored_locale(world, 6001) is None  # known, but no language yet

    calls = await person.tap("Қазақша")
    assert answer_of(calls).text == "Тіл: Қазақша"
    edit = next(call for call in calls if isinstance(call, EditMessageText))
    assert edit.text == "✅ Тіл: Қазақша" and edit.reply_markup is None
    commands = next(call for call in calls if isinstance(call, SetMyCommands))
    assert commands.scope == BotCommandScopeChat(chat_id=6001)
    assert (commands.commands[0].command, commands.commands[0].description) == (
        "centers",
        "Отбасын қолдау орталығын табу",
    )
    welcome = [call for call in calls if isinstance(call, SendMessage)]
    assert len(welcome) == 1 and "Қош келдіңіз" in welcome[0].text
    assert keyboard(calls) == KK_MENU
    assert await stored_locale(world, 6001) == "kk"


async def test_first_contact_in_russian(world: World) -> None:
    person = world.person(6002, "ru")
    assert buttons(await person.send("/start")) == ["✅ Русский", "Қазақша"]
    calls = await person.tap("Русский")
    assert answer_of(calls).text == "Язык: Русский"
    assert "Добро пожаловать" in texts(calls) and keyboard(calls) == RU_MENU
    commands = next(call for call in calls if isinstance(call, SetMyCommands))
    assert commands.commands[0].description == "Найти Центр поддержки семьи"
    assert await stored_locale(world, 6002) == "ru"


async def test_a_telegram_language_we_do_not_speak_preselects_nothing(world: World) -> None:
    person = world.person(6003, "en")
    assert buttons(await person.send("/start")) == ["Қазақша", "Русский"]
    regional = world.person(6004, "ru-RU")
    assert buttons(await regional.send("/start")) == ["✅ Русский", "Қазақша"]


async def test_a_phone_in_russian_may_still_choose_kazakh(world: World) -> None:
    person = world.person(6005, "ru")
    await person.send("/start")
    calls = await person.tap("Қазақша")
    assert "Қош келдіңіз" in texts(calls) and keyboard(calls) == KK_MENU
    assert await stored_locale(world, 6005) == "kk"
    assert "Басты мәзір" in texts(await person.send("/menu"))  # the choice wins over Telegram's language


async def test_start_again_greets_at_once_and_ends_a_dialog(world: World) -> None:
    person = await ready(world, 6006, "ru")
    await person.send("/centers")
    assert await dialog_state(world, 6006) == CenterSearch.waiting_place.state
    calls = await person.send("/start")
    assert len(calls) == 1 and "Добро пожаловать" in texts(calls) and buttons(calls) == []
    assert keyboard(calls) == RU_MENU
    assert await dialog_state(world, 6006) is None


async def test_lang_switches_and_old_buttons_still_work(world: World) -> None:
    person = await ready(world, 6007, "kk")
    picker = await person.send("/lang")
    assert buttons(picker) == ["✅ Қазақша", "Русский"]  # the current choice ticked
    calls = await person.tap("Русский")
    assert answer_of(calls).text == "Язык: Русский"
    assert next(call for call in calls if isinstance(call, EditMessageText)).text == "✅ Язык: Русский"
    assert "Главное меню" in texts(calls) and "Добро пожаловать" not in texts(calls)  # a change, not a greeting
    assert keyboard(calls) == RU_MENU
    assert await stored_locale(world, 6007) == "ru"
    assert "Что я умею" in texts(await person.send("/help"))
    # A Kazakh button from a keyboard sent before the switch still works, answered in Russian.
    assert "Как будем искать центр" in texts(await person.send("📍 Орталықты табу"))


async def test_the_language_button_and_a_second_tap_on_the_picker(world: World) -> None:
    person = await ready(world, 6008, "ru")
    picker = await person.send("🌐 Язык / Тіл")
    assert buttons(picker) == ["✅ Русский", "Қазақша"]
    await person.tap("Қазақша")
    assert await stored_locale(world, 6008) == "kk"
    # The same picker once more (an old message): it still switches, and only switches.
    again = await person.press("lang:ru", on=world.session.sent[id(picker[0])])
    assert "Главное меню" in texts(again) and await stored_locale(world, 6008) == "ru"


async def test_a_forged_language_changes_nothing(world: World) -> None:
    person = await ready(world, 6009, "kk")
    calls = await person.press("lang:en")
    assert len(calls) == 1 and answer_of(calls).text is None
    assert await stored_locale(world, 6009) == "kk"


async def test_a_command_menu_telegram_refuses_does_not_stop_the_choice(world: World, monkeypatch: Any) -> None:
    async def refused(bot: Any, i18n: Any, chat_id: int, locale: str) -> None:
        raise TelegramBadRequest(SetMyCommands(commands=[]), "Bad Request: chat not found")

    monkeypatch.setattr("handlers.language.set_chat_commands", refused)
    person = world.person(6026, "kk")
    await person.send("/start")
    calls = await person.tap("Қазақша")
    assert "Қош келдіңіз" in texts(calls) and await stored_locale(world, 6026) == "kk"


# ---- commands and menu buttons ----


async def test_every_command_answers_in_the_chosen_language(world: World) -> None:
    expected = {
        "ru": {
            "/menu": "Главное меню. Выберите нужное",
            "/centers": "Как будем искать центр?",
            "/sos": "звоните 112",
            "/help": "Что я умею",
            "/cancel": "Отменять нечего.",
            "/lang": "Выберите язык",
        },
        "kk": {
            "/menu": "Басты мәзір. Қажетін таңдаңыз",
            "/centers": "Орталықты қалай іздейміз?",
            "/sos": "112-ге қоңырау шалыңыз",
            "/help": "Мен не істей аламын",
            "/cancel": "Тоқтататын ештеңе жоқ.",
            "/lang": "Тілді таңдаңыз",
        },
    }
    for number, (language, answers) in enumerate(expected.items()):
        person = await ready(world, 6010 + number, language)
        for command, fragment in answers.items():
            assert fragment in texts(await person.send(command)), (language, command)


async def test_menu_buttons_do_what_their_commands_do(world: World) -> None:
    person = await ready(world, 6012, "kk")
    menu = await person.send("🏠 Басты мәзір")
    assert "Басты мәзір" in texts(menu) and keyboard(menu) == KK_MENU
    help_text = texts(await person.send("ℹ️ Анықтама"))
    assert "/centers" in help_text and "/academy" in help_text and "/sos" in help_text and "112" in help_text
    numbers = texts(await person.send("🆘 Шұғыл көмек нөмірлері"))
    assert all(number in numbers for number in EMERGENCY_NUMBERS)
    search = await person.send("📍 Орталықты табу")
    assert "Орталықты қалай іздейміз" in texts(search)
    assert keyboard(search) == ["📍 Орналасқан жерімді жіберу", "🗺 Облысты таңдау", "🆘 Шұғыл көмек нөмірлері",
                                "🏠 Басты мәзір"]  # fmt: skip
    assert await dialog_state(world, 6012) == CenterSearch.waiting_place.state
    await person.send("🏠 Басты мәзір")  # the menu leaves the search
    assert await dialog_state(world, 6012) is None


async def test_help_lists_the_commands_in_russian(world: World) -> None:
    person = await ready(world, 6013, "ru")
    calls = await person.send("ℹ️ Помощь")
    for command in ("/centers", "/request", "/academy", "/premarital", "/my", "/mydata", "/sos", "/lang", "/cancel"):
        assert command in texts(calls), command
    assert "112" in texts(calls)
    assert keyboard(calls) == RU_MENU


async def test_sos_from_inside_a_dialog_keeps_the_dialog(world: World) -> None:
    person = await ready(world, 6014, "kk")
    await person.send("/centers")
    numbers = await person.send("/sos")
    assert all(number in texts(numbers) for number in EMERGENCY_NUMBERS)
    assert keyboard(numbers) == []  # the dialog's keyboard stays
    assert await dialog_state(world, 6014) == CenterSearch.waiting_place.state
    assert "112" in texts(await person.send("🆘 Шұғыл көмек нөмірлері"))  # the dialog's keyboard has it too
    assert await dialog_state(world, 6014) == CenterSearch.waiting_place.state
    assert "деген жерді таба алмадым" in texts(await person.send("Жжжжжж"))  # the search answers, not the hint


async def test_sos_inside_a_sign_up_keeps_what_was_typed(world: World) -> None:
    person = await ready(world, 6015, "ru")
    await person.send("/academy")
    await person.tap("Общение с подростками")
    await person.tap("·")  # the first group
    await person.tap("Записаться")
    await person.send("Айгерим Сапарова")
    assert "звоните 112" in texts(await person.send("/sos"))
    calls = await person.send("87011234567")  # the sign-up goes on where it was
    assert "Согласие на обработку" in texts(calls)


async def test_sos_button_on_a_card(world: World) -> None:
    person = await ready(world, 6016, "ru")
    calls = await person.press("sos")
    assert answer_of(calls).text is None
    assert all(number in texts(calls) for number in EMERGENCY_NUMBERS) and "звоните 112" in texts(calls)


async def test_cancel_leaves_a_dialog(world: World) -> None:
    person = await ready(world, 6017, "kk")
    await person.send("/centers")
    calls = await person.send("/cancel")
    assert "Тоқтатылды. Енді не істейміз?" in texts(calls) and keyboard(calls) == KK_MENU
    assert await dialog_state(world, 6017) is None
    assert "Тоқтататын ештеңе жоқ" in texts(await person.send("/cancel"))
    hint = await person.send("мүлде түсініксіз сөз")  # outside the dialog: a hint, not "place not found"
    assert "Кешіріңіз, түсінбедім" in texts(hint) and keyboard(hint) == KK_MENU


# ---- what no one else handles ----


async def test_unknown_text_gets_the_hint_and_the_menu(world: World) -> None:
    person = await ready(world, 6018, "ru")
    calls = await person.send("qwertyuiop zxcv")
    assert len(calls) == 1 and "Извините, я не понял" in texts(calls) and "/help" in texts(calls)
    assert keyboard(calls) == RU_MENU
    unknown_command = await person.send("/nosuchcommand")
    assert "Извините, я не понял" in texts(unknown_command)


async def test_a_sticker_or_a_photo_gets_the_hint(world: World) -> None:
    person = await ready(world, 6019, "kk")
    sticker = {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False}  # fmt: skip
    calls = await person.share(sticker=sticker)
    assert "Кешіріңіз, түсінбедім" in texts(calls) and keyboard(calls) == KK_MENU
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
    assert "түсінбедім" in texts(await person.share(photo=photo))


async def test_text_before_any_language_asks_for_one(world: World) -> None:
    person = world.person(6020, "ru")
    calls = await person.send("привет")
    assert "Выберите язык" in texts(calls) and "Тілді таңдаңыз" in texts(calls)
    assert buttons(calls) == ["✅ Русский", "Қазақша"]
    chosen = await person.tap("Русский")
    assert "Главное меню" in texts(chosen) and await stored_locale(world, 6020) == "ru"


async def test_a_stale_or_forged_button_is_refused_politely(world: World) -> None:
    person = await ready(world, 6021, "ru")
    for data in ("garbage", "tk:99999999999999999999999", "rg", "hide:extra:parts"):
        calls = await person.press(data)
        answer = answer_of(calls)
        assert answer.show_alert and answer.text == "Эта кнопка больше не действует. Воспользуйтесь меню.", data
        assert len(calls) == 1, data
    kazakh = await ready(world, 6022, "kk")
    answer = answer_of(await kazakh.press("garbage"))
    assert answer.text == "Бұл батырма енді жұмыс істемейді. Мәзірді пайдаланыңыз."


# ---- /start links (handlers/common.py) ----


async def test_a_staff_invite_link_makes_staff_once(world: World) -> None:
    center = await world.helpdesk.centers.by_slug("pavlodar-city")
    assert center is not None
    token = await world.helpdesk.create_invite(center.id, ADMIN_ID, timedelta(days=1))
    staff = await ready(world, 6023, "ru")
    calls = await staff.send(f"/start s_{token}")
    assert f"Теперь вы сотрудник «{center.name('ru')}»" in texts(calls)
    assert keyboard(calls) == [*RU_MENU[:6], "🏢 Мой центр", "👥 Группы курсов", *RU_MENU[6:]]  # the staff's row
    assert await world.helpdesk.staff.centers_of(6023) == {center.id}
    other = await ready(world, 6024, "ru")
    refused = await other.send(f"/start s_{token}")
    assert "Это приглашение уже использовано или истекло" in texts(refused)
    assert await world.helpdesk.staff.centers_of(6024) == set()


async def test_an_unknown_start_payload_is_a_plain_welcome(world: World) -> None:
    person = await ready(world, 6025, "kk")
    calls = await person.send("/start something-else")
    assert len(calls) == 1 and "Қош келдіңіз" in texts(calls) and keyboard(calls) == KK_MENU
