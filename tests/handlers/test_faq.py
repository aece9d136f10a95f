"""handlers/faq.py through the dispatcher, in both languages: /faq and the menu's button, topics, an article and
«Did this help?», a typed question (after place names, before the hint), articles offered inside a help request
(and skipped on the urgent path), the counts in /stats, and forged or stale buttons.

The articles are the tests' own (tests/unit/test_faq.py), put in the dispatcher as the app's desk would hold them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod

from bot.faq.desk import FaqDesk
from bot.faq.library import Library, load_folder
from bot.faq.models import article_key
from bot.faq.rules import BODY_MAX
from tests.handlers.conftest import ADMIN_ID, Person, World, buttons, keyboard, texts
from tests.handlers.test_requests import DANGER_RU, MONDAY_MORNING, to_the_text
from tests.unit.test_faq import DIVORCE, FIXTURES, TODAY, write_fixtures

DIVORCE_KEY = article_key("divorce-and-mediation")
EMERGENCY_LINE_RU = "🆘 При опасности звоните <b>112</b> или <b>102</b> (полиция); <b>111</b>"
EMERGENCY_LINE_KK = "🆘 Қауіп төнсе, <b>112</b> немесе <b>102</b> (полиция)"
BUTTON_GONE = "Эта кнопка больше не действует. Воспользуйтесь меню."


def long_article() -> dict[str, Any]:
    """The longest body the check allows, full of what HTML must escape: still one message."""
    data = copy.deepcopy(DIVORCE)
    data["slug"] = "longest-possible"
    data["topic"] = "documents"
    data["keywords"] = {"kk": ["анықтама"], "ru": ["справка"], "latin": ["spravka"]}
    for locale in ("kk", "ru"):
        data[locale]["body"] = ("Сумма < 100 & > 50 «A&B» " * 100)[:BODY_MAX]
    return data


@pytest.fixture(autouse=True)
def articles(world: World, tmp_path: Path) -> Library:
    world.db.clock.set(MONDAY_MORNING)
    folder = write_fixtures(tmp_path / "articles", (*FIXTURES, long_article()))
    loaded = load_folder(folder, TODAY)
    assert loaded.problems == {}
    world.dispatcher["faq"] = FaqDesk(world.db, loaded.library, world.settings.zone)
    return loaded.library


async def ready(world: World, user_id: int, language: str) -> Person:
    person = world.person(user_id, language)
    await person.send("/start")
    await person.tap("Қазақша" if language == "kk" else "Русский")
    person.new_calls()
    return person


def messages(calls: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [call for call in calls if isinstance(call, SendMessage)]


def alert(calls: list[TelegramMethod[Any]]) -> AnswerCallbackQuery:
    [answer] = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    return answer


async def admin(world: World, locale: str) -> Person:
    await world.helpdesk.users.touch(ADMIN_ID)
    await world.helpdesk.users.set_locale(ADMIN_ID, locale)
    person = world.person(ADMIN_ID, locale, "Admin")
    person.new_calls()
    return person


async def votes(world: World) -> list[tuple[Any, ...]]:
    rows = await world.db.fetch_all("SELECT slug, helped, votes FROM faq_feedback ORDER BY slug, helped")
    return [tuple(row) for row in rows]


# ---- browsing ----


async def test_faq_in_russian_topics_then_an_article(world: World) -> None:
    person = await ready(world, 9101, "ru")
    intro = await person.send("/faq")
    assert texts(intro).startswith("<b>❓ Вопросы и ответы</b>\nКороткие ответы о семейных делах.")
    assert buttons(intro) == [
        "👶 Дети и воспитание",
        "💔 Развод и медиация",
        "💳 Пособия и социальная поддержка",
        "📄 Документы",
    ]  # only the topics that have articles, in their order
    listed = await person.tap("Развод и медиация")
    [edit] = [call for call in listed if isinstance(call, EditMessageText)]
    assert edit.text == "<b>💔 Развод и медиация</b>\n1 ответ:"
    assert buttons(listed) == ["Развод и медиация", "⬅️ Все темы"]
    opened = await person.tap("Развод и медиация")
    [shown] = messages(opened)
    text = shown.text
    assert text.startswith("<b>Развод и медиация</b>\n\nРазвод и медиация: специалист центра проконсультирует")
    assert '📄 Источник: <a href="https://adilet.zan.kz/rus/docs/K1100000518">Кодекс РК «О браке' in text
    assert "🗓 Проверено: 25 ноября 2026\n" in text
    assert "⚠️ ОБРАЗЕЦ: этот текст ещё не проверен Центром поддержки семьи." in text
    assert EMERGENCY_LINE_RU in text and "<b>150</b>" in text
    assert text.endswith("<b>Это помогло?</b>")
    assert buttons(opened) == ["👍 Да", "👎 Нет", "✍️ Спросить центр", "📚 Ещё по этой теме"]
    back = await person.tap("Ещё по этой теме")  # a new message: the article stays
    assert [type(call) for call in back] == [AnswerCallbackQuery, SendMessage]
    assert await person.tap("Все темы")


async def test_the_menu_button_in_kazakh(world: World) -> None:
    person = await ready(world, 9102, "kk")
    intro = await person.send("❓ Сұрақ-жауап")
    assert texts(intro).startswith("<b>❓ Сұрақ-жауап</b>\nОтбасылық мәселелер бойынша қысқа жауаптар.")
    assert buttons(intro)[1] == "💔 Ажырасу және медиация"
    await person.tap("Ажырасу және медиация")
    opened = await person.tap("Ажырасу және медиация")
    text = messages(opened)[0].text
    assert text.startswith("<b>Ажырасу және медиация</b>\n\nАжырасу және медиация: орталық маманы тегін кеңес береді.")
    assert "📄 Дереккөз: " in text and "🗓 Тексерілген күні: 25 қараша 2026\n" in text
    assert "⚠️ ҮЛГІ: бұл мәтінді Отбасын қолдау орталығы әлі тексерген жоқ." in text
    assert EMERGENCY_LINE_KK in text and text.endswith("<b>Бұл көмектесті ме?</b>")
    assert buttons(opened) == ["👍 Иә", "👎 Жоқ", "✍️ Орталықтан сұрау", "📚 Осы тақырып бойынша тағы"]


async def test_the_russian_button_works_for_a_kazakh_speaker_too_and_leaves_a_dialog(world: World) -> None:
    person = await ready(world, 9103, "kk")
    await person.send("/centers")
    intro = await person.send("❓ Вопросы и ответы")  # a keyboard sent before a language switch
    assert texts(intro).startswith("<b>❓ Сұрақ-жауап</b>")
    assert await person.state() is None


async def test_the_longest_article_fits_in_one_message_with_everything_escaped(world: World) -> None:
    person = await ready(world, 9104, "ru")
    await person.send("/faq")
    await person.tap("Документы")
    opened = await person.tap("Развод и медиация")  # the long one borrows its title
    assert "Сумма &lt; 100 &amp; &gt; 50 «A&amp;B»" in texts(opened)  # the session refuses bad HTML, over 4096


async def test_a_reviewed_article_shows_its_reviewer(world: World, tmp_path: Path) -> None:
    reviewed = {**copy.deepcopy(DIVORCE), "reviewed_by": "Әсел Нұрланқызы <«Жанұя»>"}
    library = load_folder(write_fixtures(tmp_path / "reviewed", (reviewed,)), TODAY).library
    world.dispatcher["faq"] = FaqDesk(world.db, library, world.settings.zone)
    person = await ready(world, 9105, "ru")
    text = texts(await person.press(f"fqa:{DIVORCE_KEY}:0"))
    assert "✅ Проверил(а): Әсел Нұрланқызы &lt;«Жанұя»&gt;" in text and "ОБРАЗЕЦ" not in text


# ---- «Did this help?» and /stats ----


async def test_did_this_help_is_counted_once_per_person_and_shown_in_stats(world: World) -> None:
    maria = await ready(world, 9111, "ru")
    await maria.press(f"fqa:{DIVORCE_KEY}:0")
    helped = await maria.tap("👍 Да")
    assert alert(helped).text == "Спасибо! Рады, что это помогло." and not alert(helped).show_alert
    [edited] = [call for call in helped if isinstance(call, EditMessageReplyMarkup)]
    assert [b.text for row in edited.reply_markup.inline_keyboard for b in row] == [  # type: ignore[union-attr]
        "✍️ Спросить центр",
        "📚 Ещё по этой теме",
    ]
    await maria.press(f"fqa:{DIVORCE_KEY}:0")  # the article again, and the answer again
    again = await maria.tap("👎 Нет")
    assert alert(again).text == "Ваш ответ уже учтён. Спасибо!" and messages(again) == []
    assert await votes(world) == [("divorce-and-mediation", 1, 1)]

    aigerim = await ready(world, 9112, "kk")
    await aigerim.press(f"fqa:{DIVORCE_KEY}:0")
    no = await aigerim.tap("👎 Жоқ")
    assert texts(messages(no)).startswith("Айтқаныңызға рақмет. Отбасын қолдау орталығының маманы")
    assert buttons(no) == ["✍️ Орталықтан сұрау"]
    asked = await aigerim.tap("Орталықтан сұрау")  # on to a person: the help request's first question
    assert texts(messages(asked)) == "Өтінішіңіз не туралы? Ең жақын тақырыпты таңдаңыз."
    assert await aigerim.state() == "RequestForm:category"
    assert sorted(await votes(world)) == [("divorce-and-mediation", 0, 1), ("divorce-and-mediation", 1, 1)]
    rows = await world.db.fetch_all("SELECT * FROM faq_feedback")
    assert not any(str(value) in ("9111", "9112") for row in rows for value in tuple(row))  # nobody's id

    [stats] = messages(await (await admin(world, "ru")).send("/stats"))
    assert stats.text.startswith("<b>Обращений: 0</b>")  # the numbers of requests, then whether the answers helped
    assert stats.text.endswith("\n\n<b>Вопросы и ответы: помогло ли?</b>\nРазвод и медиация: 👍 1 · 👎 1")


async def test_stats_before_any_answer(world: World) -> None:
    stats = texts(await (await admin(world, "kk")).send("/stats"))
    assert stats.endswith("<b>Сұрақ-жауап: көмектесті ме?</b>\nӘзірге ешкім жауап бермеді.")


# ---- a typed question ----


async def test_a_typed_question_finds_articles_in_both_languages(world: World) -> None:
    ru = await ready(world, 9121, "ru")
    found = await ru.send("Как оформить развод?")
    assert texts(found) == "📚 Ответы, которые могут помочь:"
    assert buttons(found) == ["Развод и медиация", "❓ Все вопросы и ответы"]
    assert "<b>Развод и медиация</b>" in texts(await ru.tap("Развод и медиация"))

    kk = await ready(world, 9122, "kk")
    found = await kk.send("ajyrasu kerek")  # Latin letters
    assert texts(found) == "📚 Көмектесуі мүмкін жауаптар:" and buttons(found)[0] == "Ажырасу және медиация"
    assert buttons(await kk.send("жардемакы калай алам"))[0] == "Бала күтімі бойынша жәрдемақы"  # no Kazakh letters


async def test_a_place_name_still_finds_centers_and_nonsense_gets_the_hint(world: World) -> None:
    person = await ready(world, 9123, "ru")
    places = texts(await person.send("Шымкент"))
    assert "Шымкент" in places and "Ответы, которые могут помочь" not in places
    hint = await person.send("абвгд")
    assert texts(hint) == (
        "Извините, я не понял. Воспользуйтесь меню ниже, напишите название своего города или отправьте /help."
    )
    assert keyboard(hint)[0] == "📍 Найти центр"


async def test_a_typed_danger_gets_the_emergency_numbers_first(world: World) -> None:
    person = await ready(world, 9124, "ru")
    calls = messages(await person.send("Муж бьёт меня, хочу развод"))
    assert calls[0].text.startswith("🆘 <b>Если вам или кому-то рядом угрожает опасность прямо сейчас, звоните 112.")
    assert calls[1].text == "📚 Ответы, которые могут помочь:"


# ---- inside a help request ----


async def test_a_request_is_offered_articles_and_goes_on_unchanged(world: World) -> None:
    person = world.person(9131, "ru")
    await to_the_text(person, "astana-zhanuya", "Юридический вопрос")
    described = messages(await person.send("Хочу развестись, нужна медиация"))
    assert [call.text for call in described] == [
        "📚 Пока вы заканчиваете обращение, это может помочь. Ваше обращение не потеряется: оно продолжается ниже, "
        "и центр на него ответит.",
        "Как центру связаться с вами?",
    ]
    assert buttons(described[:1]) == ["Развод и медиация"]  # no topic list: the request comes first
    opened = await person.tap("Развод и медиация")
    assert buttons(opened) == ["👍 Да", "👎 Нет", "➡️ Продолжить моё обращение"]
    assert "Ваше обращение сохранено: нажмите «Продолжить моё обращение» ниже" in texts(opened)
    not_helped = messages(await person.tap("👎 Нет"))
    assert [call.text for call in not_helped] == [
        "Спасибо, что сказали. Ваше обращение продолжается: специалист центра разберётся в вашей ситуации."
    ]
    assert buttons(not_helped) == ["➡️ Продолжить моё обращение"]
    assert await person.state() == "RequestForm:contact"
    back = messages(await person.tap("Продолжить моё обращение"))
    assert [call.text for call in back] == ["Как центру связаться с вами?"]
    await person.tap("Остаться анонимным")
    await person.tap("✅ Отправить")
    assert await person.state() is None
    stored = await world.db.fetch_all(
        "SELECT r.category, m.text, r.urgent FROM help_requests r JOIN request_messages m ON m.request_id = r.id "
        "WHERE r.user_id = ?",
        (9131,),
    )
    assert [tuple(row) for row in stored] == [("legal", "Хочу развестись, нужна медиация", 0)]
    stale = await person.tap("Продолжить моё обращение")  # the request is sent: that button has done its work
    assert alert(stale).text == BUTTON_GONE


async def test_the_urgent_path_skips_the_articles(world: World) -> None:
    person = world.person(9132, "ru")
    await to_the_text(person, "karaganda-city", "Семейный конфликт")
    warned = messages(await person.send("Муж бьёт меня, хочу развод"))
    assert warned[0].text.startswith(DANGER_RU)
    assert [call.text for call in warned[1:]] == ["Как центру связаться с вами?"]
    kk = world.person(9133, "kk")
    await to_the_text(kk, "karaganda-city", "Үйдегі зорлық-зомбылық")  # the topic alone is urgent
    assert [call.text for call in messages(await kk.send("Ажырасқым келеді"))] == ["Орталық сізбен қалай байланыссын?"]


async def test_a_request_whose_text_names_no_article_is_as_before(world: World) -> None:
    person = world.person(9134, "kk")
    await to_the_text(person, "astana-zhanuya")
    assert [call.text for call in messages(await person.send("Кеңес керек"))] == ["Орталық сізбен қалай байланыссын?"]


# ---- forged and stale buttons ----


@pytest.mark.parametrize(
    "data", ["fqa:00000000:0", "fqa:ZZZZZZZZ:0", "fqa:" + "a" * 60, "fqv:00000000:1:0", "fqt:nowhere:0", "fqg"]
)
async def test_forged_or_stale_buttons_are_refused(world: World, data: str) -> None:
    person = await ready(world, 9141, "ru")
    calls = await person.press(data)
    assert alert(calls).text == BUTTON_GONE and alert(calls).show_alert and messages(calls) == []
    assert await votes(world) == []


async def test_every_button_fits_telegram(world: World, articles: Library) -> None:
    """The session refuses callback data over 64 bytes; every button of every article is pressed here."""
    person = await ready(world, 9142, "kk")
    for article in articles.articles:
        calls = await person.press(f"fqa:{article.key}:1")  # offered in a request, but none is being written
        assert buttons(calls)[2] == "✍️ Орталықтан сұрау"
    assert json.dumps([a.key for a in articles.articles])
