"""/programs in both languages (the list, each card in place, back, each card's action), and a child's situation:
the region's commissioner for children's rights with 111 and 150, when the center is known and with the
confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod

from bot.programmes.content import PROGRAMMES
from bot.requests.models import NewRequest
from handlers.centers import CenterSearch
from handlers.requests import RequestForm
from tests.handlers.conftest import Person, World, buttons, only, texts

MONDAY_MORNING = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))  # the sample centers are open
BUTTON_GONE = "Эта кнопка больше не действует. Воспользуйтесь меню."

LIST_RU = [
    "👨\u200d👩\u200d👧 Академия родителей",
    "💍 Добрачное консультирование",
    "🤝 «Бақытты отбасы»",
    "🏢 Работа, удобная для семьи",
    "🏆 Национальный конкурс «Мерейлі отбасы»",
    "🌿 «Saulyq Life»",
    "📞 Контакт-центр 111",
    "🧠 Центры психологической помощи",
]
LIST_KK = [
    "👨\u200d👩\u200d👧 Ата-аналар академиясы",
    "💍 Некеге дейінгі кеңес беру",
    "🤝 «Бақытты отбасы»",
    "🏢 Отбасына қолайлы жұмыс орны",
    "🏆 «Мерейлі отбасы» ұлттық байқауы",
    "🌿 «Saulyq Life»",
    "📞 111 байланыс орталығы",
    "🧠 Психологиялық көмек орталықтары",
]
ACTIONS_KK = {
    "academy": "✍️ Топқа жазылу",
    "premarital": "💍 Курсқа жазылу",
    "request_conflict": "🤝 Кеңес немесе медиация сұрау",
    "request_other": "✍️ Орталықтан сұрау",
    "emergency": "🆘 Шұғыл көмек нөмірлері",
    "find_center": "📍 Орталықты табу",
}
KARAGANDA_RU = "Уполномоченный по правам ребёнка по Карагандинской области, +7 (7212) 00-77-13"
ASTANA_KK = "Астана қаласы бойынша Бала құқықтары жөніндегі уәкіл, +7 (7172) 00-77-01"
LINES_111_150_RU = (
    "📞 111: контакт-центр по вопросам семьи, прав женщин и детей; можно позвонить или написать.",
    "📞 150: бесплатный круглосуточный телефон доверия для детей и молодёжи.",
)
LINES_111_150_KK = (
    "📞 111: отбасы, әйелдер мен балалар құқықтары жөніндегі байланыс орталығы; қоңырау шалуға да, жазуға да болады.",
    "📞 150: балалар мен жастарға арналған тәулік бойы тегін сенім телефоны.",
)


@pytest.fixture(autouse=True)
def monday_morning(world: World) -> None:
    world.db.clock.set(MONDAY_MORNING)


def messages(calls: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [call for call in calls if isinstance(call, SendMessage)]


async def ready(world: World, user_id: int, language: str) -> Person:
    """Someone who has started the bot and chosen `language`."""
    person = world.person(user_id, language)
    await person.send("/start")
    await person.tap("Қазақша" if language == "kk" else "Русский")
    person.new_calls()
    return person


async def dialog_data(world: World, person: Person) -> dict[str, Any]:
    context = world.dispatcher.fsm.get_context(world.bot, chat_id=person.id, user_id=person.id)
    return await context.get_data()


# ---- the page and its cards ----


async def test_the_programmes_in_russian_open_in_place_and_go_back(world: World) -> None:
    person = await ready(world, 9101, "ru")
    calls = await person.send("📚 Программы")
    [listing] = messages(calls)
    assert listing.text is not None and listing.text.startswith("📚 <b>Программы для семей</b>\n\n")
    assert buttons(calls) == LIST_RU

    card = only(await person.tap("Контакт-центр 111"), EditMessageText)
    assert card.text.split("\n")[0] == "<b>📞 Контакт-центр 111</b>"
    assert "Дети чаще пишут, чем звонят" in card.text and "150" in card.text
    assert "👥 <b>Для кого:</b> Всем: детям и подросткам" in card.text
    assert buttons([card]) == ["🆘 Экстренные номера", "⬅️ Все программы"]

    numbers = messages(await person.tap("Экстренные номера"))
    assert all(number in texts(numbers) for number in ("112", "102", "111", "150"))

    back = only(await person.tap("Все программы"), EditMessageText)
    assert (back.text, buttons([back])) == (listing.text, LIST_RU)


async def test_every_card_in_kazakh_by_the_command(world: World) -> None:
    person = await ready(world, 9102, "kk")
    calls = await person.send("/programs")
    assert texts(calls).startswith("📚 <b>Отбасыларға арналған бағдарламалар</b>")
    assert buttons(calls) == LIST_KK
    for label, programme in zip(LIST_KK, PROGRAMMES, strict=True):
        card = only(await person.tap(label), EditMessageText)
        assert card.text.startswith(f"<b>{label}</b>\n\n")
        assert programme.what_kk.split(".")[0] in card.text.replace("&quot;", '"')
        assert "👥 <b>Кімге арналған:</b> " in card.text
        assert buttons([card]) == [ACTIONS_KK[programme.action], "⬅️ Барлық бағдарламалар"]
        assert buttons([only(await person.tap("Барлық бағдарламалар"), EditMessageText)]) == LIST_KK


async def test_the_help_lists_programs_in_both_languages(world: World) -> None:
    assert "/programs: программы для семей" in texts(await (await ready(world, 9103, "ru")).send("/help"))
    assert "/programs: отбасыларға арналған бағдарламалар" in texts(
        await (await ready(world, 9104, "kk")).send("/help")
    )


async def test_programs_inside_a_dialog_leaves_it(world: World) -> None:
    person = await ready(world, 9105, "ru")
    await person.send("/request")
    assert await person.state() == RequestForm.category.state
    assert buttons(await person.send("/programs")) == LIST_RU
    assert await person.state() is None


@pytest.mark.parametrize("data", ["pg:nothing", "pgo:nothing", "pgo:", "pg:academy:extra"])
async def test_forged_programme_buttons_are_answered_as_stale(world: World, data: str) -> None:
    person = await ready(world, 9106, "ru")
    calls = await person.press(data)
    [answer] = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    assert (answer.text, answer.show_alert, messages(calls)) == (BUTTON_GONE, True, [])


# ---- each card's action ----


async def test_the_academy_and_the_premarital_cards_open_their_courses(world: World) -> None:
    person = await ready(world, 9107, "ru")
    await person.send("/programs")
    await person.tap("Академия родителей")
    academy = messages(await person.tap("Записаться в группу"))
    assert academy[0].text is not None and academy[0].text.startswith("<b>Академия родителей</b>")
    assert "Общение с подростками" in buttons(academy)

    couple = await ready(world, 9108, "kk")
    await couple.send("📚 Бағдарламалар")
    await couple.tap("Некеге дейінгі кеңес беру")
    premarital = messages(await couple.tap("Курсқа жазылу"))
    assert buttons(premarital) == ["Некеге дейінгі курс"]


async def test_the_mediation_card_starts_a_family_conflict_request(world: World) -> None:
    person = await ready(world, 9109, "ru")
    await person.send("/programs")
    await person.tap("«Бақытты отбасы»")
    asked = messages(await person.tap("Попросить консультацию или медиацию"))
    assert [call.text for call in asked] == [
        "В какой центр отправить обращение? Отправьте геопозицию или напишите название города, села или района."
    ]
    assert await person.state() == RequestForm.center.state
    assert (await dialog_data(world, person))["category"] == "conflict"
    await person.send("Караганда")
    await person.tap("Караганд")
    await person.send("Мы с мужем всё время ссоримся, хотим сохранить семью")
    summary = texts(await person.tap("Остаться анонимным"))
    assert "Тема: 🤝 Семейный конфликт, медиация" in summary
    await person.tap("✅ Отправить")
    assert [tuple(row) for row in await world.db.fetch_all("SELECT user_id, category FROM help_requests")] == [
        (9109, "conflict")
    ]


async def test_the_workplace_card_starts_a_request_to_a_center_in_kazakh(world: World) -> None:
    person = await ready(world, 9110, "kk")
    await person.send("/programs")
    await person.tap("Отбасына қолайлы жұмыс орны")
    asked = messages(await person.tap("Орталықтан сұрау"))
    assert asked[0].text is not None and asked[0].text.startswith("Өтінішіңізді қай орталыққа жібереміз?")
    assert (await person.state(), (await dialog_data(world, person))["category"]) == (RequestForm.center.state, "other")


async def test_the_psychology_card_finds_a_center(world: World) -> None:
    person = await ready(world, 9111, "ru")
    await person.send("/programs")
    await person.tap("Центры психологической помощи")
    search = messages(await person.tap("Найти центр"))
    assert search[0].text is not None and search[0].text.startswith("Как будем искать центр?")
    assert await person.state() == CenterSearch.waiting_place.state


async def test_a_programmes_request_keeps_to_the_daily_limit(world: World) -> None:
    person = await ready(world, 9112, "ru")
    center = await world.helpdesk.center_by_slug("astana-zhanuya")
    assert center is not None
    for number in range(world.settings.requests_per_day):
        await world.helpdesk.submit(
            NewRequest(9112, center.id, "other", False, "anonymous", None, None, "ru", "…", draft_id=f"d{number}")
        )
    await person.send("/programs")
    await person.tap("«Бақытты отбасы»")
    refused = messages(await person.tap("Попросить консультацию или медиацию"))
    assert [call.text for call in refused] == [
        "Сегодня вы уже отправили несколько обращений: центр на них ответит. Если что-то не может ждать, звоните 111 "
        "или 150, а при опасности — 112."
    ]
    assert await person.state() is None


# ---- a child's situation: the commissioner, 111 and 150 ----


async def test_a_childs_situation_at_a_known_center_shows_the_commissioner_then_again_when_sent(world: World) -> None:
    person = world.person(9113, "ru")
    await person.send("/start c_karaganda-city")
    await person.tap("Русский")
    await person.tap("Обратиться в этот центр")
    shown = messages(await person.tap("Ситуация с ребёнком"))
    block = shown[0].text
    assert block is not None and block.split("\n") == [
        "🧒 <b>Куда обратиться по вопросу ребёнка</b>",
        f"⚖️ Уполномоченный по правам ребёнка в вашем регионе: {KARAGANDA_RU}",
        "⚠️ <i>Пример данных: это не настоящий телефон уполномоченного.</i>",
        *LINES_111_150_RU,
        "Если ребёнку угрожает опасность прямо сейчас, звоните 112.",
    ]
    assert shown[1].text is not None and shown[1].text.startswith("Опишите ситуацию своими словами.")
    contact = messages(await person.send("Соседский мальчик часто один дома и голодный"))
    assert contact[-1].text == "Как центру связаться с вами?"
    assert "Уполномоченный" not in texts(contact)  # shown once in the dialog (and again with the confirmation)
    await person.tap("Остаться анонимным")
    [confirmation] = messages(await person.tap("✅ Отправить"))
    assert confirmation.text is not None and confirmation.text.startswith("✅ Ваше обращение <b>R-000001</b>")
    assert confirmation.text.endswith("\n\n" + block)


async def test_a_childs_situation_in_kazakh_shows_the_commissioner_once_the_center_is_picked(world: World) -> None:
    person = await ready(world, 9114, "kk")
    await person.send("/request")
    asked = messages(await person.tap("Баланың жағдайы"))
    assert [call.text for call in asked] == [
        "Өтінішіңізді қай орталыққа жібереміз? Орналасқан жеріңізді жіберіңіз немесе қалаңыздың, елді мекеніңіздің "
        "не ауданыңыздың атын жазыңыз."
    ]  # no region known yet
    await person.send("Астана")
    shown = messages(await person.tap("«Жанұя»"))
    assert shown[0].text is not None
    assert f"⚖️ Өңіріңіздегі бала құқықтары жөніндегі уәкіл: {ASTANA_KK}" in shown[0].text
    assert all(line in shown[0].text for line in LINES_111_150_KK)
    assert shown[1].text is not None and shown[1].text.startswith("Жағдайыңызды өз сөзіңізбен сипаттаңыз.")
    await person.send("Қызым мектепте қорлық көріп жүр")
    await person.tap("Жасырын қалу")
    [confirmation] = messages(await person.tap("✅ Жіберу"))
    assert confirmation.text is not None and ASTANA_KK in confirmation.text
    assert all(line in confirmation.text for line in LINES_111_150_KK)


async def test_a_region_without_a_commissioner_still_gets_111_and_150(world: World) -> None:
    await world.db.execute("DELETE FROM commissioners WHERE region = 'karaganda'")
    person = world.person(9115, "ru")
    await person.send("/start c_karaganda-city")
    await person.tap("Русский")
    await person.tap("Обратиться в этот центр")
    block = messages(await person.tap("Ситуация с ребёнком"))[0].text
    assert block is not None
    assert "⚖️ В каждом регионе работает уполномоченный по правам ребёнка." in block
    assert all(line in block for line in LINES_111_150_RU) and "Пример данных" not in block


async def test_other_topics_show_no_commissioner(world: World) -> None:
    person = world.person(9116, "ru")
    await person.send("/start c_karaganda-city")
    await person.tap("Русский")
    await person.tap("Обратиться в этот центр")
    assert "Уполномоченный" not in texts(await person.tap("Другое"))
    await person.send("Вопрос о документах")
    await person.tap("Остаться анонимным")
    assert "Уполномоченный" not in texts(await person.tap("✅ Отправить"))
