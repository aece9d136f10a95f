"""handlers/faq.py through the dispatcher, in both languages: /faq and the menu's button, topics, an article and
«Did this help?», a typed question (after place names, before the hint) with the way to a center, articles offered
inside a help request (and skipped on the urgent path), the commissioner for children's rights under the articles
on a child's safety, a help request taken up again from any of its steps by an article's buttons (never started
over), the counts in /stats, and forged or stale buttons.

The articles are the tests' own (tests/unit/test_faq.py), put in the dispatcher as the app's desk would hold them.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod

from bot.faq import views
from bot.faq.callbacks import FaqVoteCb
from bot.faq.desk import FaqDesk
from bot.faq.library import Library, load_folder
from bot.faq.models import article_key
from bot.faq.rules import BODY_MAX
from tests.handlers.conftest import ADMIN_ID, Person, World, buttons, keyboard, texts
from tests.handlers.test_programmes import ASTANA_KK, LINES_111_150_KK, LINES_111_150_RU
from tests.handlers.test_requests import (
    DANGER_RU,
    MONDAY_MORNING,
    ZHANUYA,
    send_anonymously,
    to_the_contact,
    to_the_text,
)
from tests.unit.test_faq import DIVORCE, FIXTURES, TEENAGERS, TODAY, article_data, write_fixtures

DIVORCE_KEY = article_key("divorce-and-mediation")
TEENAGERS_KEY = article_key("talking-with-teenagers")
VIOLENCE = article_data(
    "violence-at-home",
    "violence",
    {"kk": ["зорлық-зомбылық"], "ru": ["насилие"], "latin": ["nasilie"]},
    "Үйдегі зорлық-зомбылық",
    "Насилие в семье",
)
VIOLENCE_KEY = article_key("violence-at-home")
KARAGANDA_KK = "Қарағанды облысы бойынша Бала құқықтары жөніндегі уәкіл, +7 (7212) 00-77-13"
CHILD_BLOCK_RU = "\n".join(
    [
        "🧒 <b>Куда обратиться по вопросу ребёнка</b>",
        "⚖️ В каждом регионе работает уполномоченный по правам ребёнка.",
        *LINES_111_150_RU,
        "Если ребёнку угрожает опасность прямо сейчас, звоните 112.",
    ]
)
GO_ON = {"ru": "Продолжить моё обращение", "kk": "Өтінішімді жалғастыру"}
ASK = {"ru": "Спросить центр", "kk": "Орталықтан сұрау"}
TOPIC_QUESTION = {
    "ru": "О чём ваше обращение? Выберите наиболее близкую тему.",
    "kk": "Өтінішіңіз не туралы? Ең жақын тақырыпты таңдаңыз.",
}
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
    assert buttons(found) == ["Развод и медиация", "✍️ Спросить центр", "❓ Все вопросы и ответы"]
    assert "<b>Развод и медиация</b>" in texts(await ru.tap("Развод и медиация"))

    kk = await ready(world, 9122, "kk")
    found = await kk.send("ajyrasu kerek")  # Latin letters
    assert texts(found) == "📚 Көмектесуі мүмкін жауаптар:"
    assert buttons(found) == ["Ажырасу және медиация", "✍️ Орталықтан сұрау", "❓ Барлық сұрақ-жауап"]
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


# ---- a typed question: one tap to a person ----


@pytest.mark.parametrize(("language", "question"), [("ru", "Как оформить развод?"), ("kk", "ajyrasu kerek")])
async def test_a_typed_question_leads_to_a_center_in_one_tap(world: World, language: str, question: str) -> None:
    person = await ready(world, 9125, language)
    await person.send(question)
    asked = messages(await person.tap(ASK[language]))  # no article to go through first
    assert [call.text for call in asked] == [TOPIC_QUESTION[language]]
    assert await person.state() == "RequestForm:category"


@pytest.mark.parametrize(
    ("language", "text", "question", "found"),
    [
        ("ru", "Нужна консультация", "Как оформить развод?", "Развод и медиация"),
        ("kk", "Кеңес керек", "ajyrasu kerek", "Ажырасу және медиация"),
    ],
)
async def test_a_question_typed_inside_a_request_leads_back_to_it(
    world: World, language: str, text: str, question: str, found: str
) -> None:
    person = world.person(9126, language)
    [contact] = messages(await to_the_contact(person, ZHANUYA, text))
    answered = await person.send(question)  # typed where the request wants a tap
    assert buttons(answered) == [found, "➡️ " + GO_ON[language]]  # no way out to the topics, no new request
    back = messages(await person.tap(GO_ON[language]))
    assert [(call.text, call.reply_markup) for call in back] == [(contact.text, contact.reply_markup)]
    assert await person.state() == "RequestForm:contact"


# ---- a child's safety: the commissioner for children's rights, 111 and 150 ----


async def test_an_article_on_children_gives_111_and_150_when_no_center_is_known(world: World) -> None:
    person = await ready(world, 9151, "ru")
    [shown] = messages(await person.press(f"fqa:{TEENAGERS_KEY}:0"))
    assert shown.text.startswith("<b>Как говорить с подростком</b>")
    assert f"⚠️ ОБРАЗЕЦ: этот текст ещё не проверен Центром поддержки семьи.\n\n{CHILD_BLOCK_RU}\n\n" in shown.text
    assert EMERGENCY_LINE_RU in shown.text and shown.text.endswith("<b>Это помогло?</b>")
    assert buttons([shown]) == ["👍 Да", "👎 Нет", "✍️ Спросить центр", "📚 Ещё по этой теме"]
    other = texts(await person.press(f"fqa:{DIVORCE_KEY}:0"))  # another topic: no block
    assert "🧒" not in other and "уполномоченный" not in other


async def test_an_article_on_violence_names_the_commissioner_of_the_center_chosen_last(
    world: World, tmp_path: Path
) -> None:
    library = load_folder(write_fixtures(tmp_path / "violence", (*FIXTURES, VIOLENCE)), TODAY).library
    world.dispatcher["faq"] = FaqDesk(world.db, library, world.settings.zone)
    person = world.person(9152, "kk")
    await send_anonymously(person, ZHANUYA, "Кеңес керек")  # sent to Astana's «Жанұя»: the dialog is over
    after_request = texts(await person.press(f"fqa:{VIOLENCE_KEY}:0"))
    assert "🧒 <b>Бала мәселесі бойынша қайда жүгінуге болады</b>" in after_request
    assert f"⚖️ Өңіріңіздегі бала құқықтары жөніндегі уәкіл: {ASTANA_KK}" in after_request
    assert all(line in after_request for line in LINES_111_150_KK)

    await to_the_text(person, "karaganda-city")  # a new draft, to Karaganda: the center chosen last
    opened = await person.press(f"fqa:{VIOLENCE_KEY}:0")
    assert KARAGANDA_KK in texts(opened) and ASTANA_KK not in texts(opened)
    assert buttons(opened) == ["👍 Иә", "👎 Жоқ", "➡️ Өтінішімді жалғастыру"]  # the draft is the way to a person


def long_child_article() -> dict[str, Any]:
    """Every part an article on children may have at its longest that the check allows."""
    data = copy.deepcopy(TEENAGERS)
    data["slug"] = "longest-on-children"
    data["keywords"] = {"kk": ["мектеп"], "ru": ["школа"], "latin": ["shkola"]}
    data["source"] = {"kk": "Кодекс " * 57, "ru": "Кодекс " * 57, "url": "https://adilet.zan.kz/" + "k" * 300}
    for locale in ("kk", "ru"):
        data["source"][locale] = data["source"][locale][:400].strip()
        data[locale]["title"] = ("Бала мен мектеп " * 10)[:120].strip()
        data[locale]["body"] = ("Балаңызбен сөйлесіңіз, мектепке барыңыз. " * 60)[:BODY_MAX].strip()
    return data


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_the_longest_article_on_children_keeps_the_block_in_one_message(
    world: World, tmp_path: Path, language: str
) -> None:
    loaded = load_folder(write_fixtures(tmp_path / "long", (long_child_article(),)), TODAY)
    assert loaded.problems == {}
    world.dispatcher["faq"] = FaqDesk(world.db, loaded.library, world.settings.zone)
    person = await ready(world, 9153, language)
    [shown] = messages(await person.press(f"fqa:{article_key('longest-on-children')}:0"))  # the session: ≤ 4096
    assert (
        "🧒" in shown.text
        and "📞 150" in shown.text
        and buttons([shown])[:2] in (["👍 Да", "👎 Нет"], ["👍 Иә", "👎 Жоқ"])
    )


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_an_article_that_would_not_fit_with_the_block_gets_it_in_a_second_message(
    world: World, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    person = await ready(world, 9154, language)
    [whole] = messages(await person.press(f"fqa:{TEENAGERS_KEY}:0"))
    monkeypatch.setattr(views, "MESSAGE_MAX", views.shown_length(whole.text) - 1)  # one character too many
    first, second = messages(await person.press(f"fqa:{TEENAGERS_KEY}:0"))
    assert second.text.startswith("🧒 <b>") and "📞 150" in second.text and second.reply_markup is None
    assert first.text == whole.text.replace("\n\n" + second.text, "")  # the article as it is without the block
    assert first.reply_markup == whole.reply_markup  # the article's buttons stay with the article


# ---- a help request taken up again by an article's buttons, from whatever step it is at ----


async def step_again(person: Person, asked: list[TelegramMethod[Any]], label: str, state: str) -> None:
    """The step just asked (`asked`) is asked again, the same, by the article's `label` button; the state stays."""
    [question] = [call for call in messages(asked) if call.reply_markup is not None][-1:]
    again = messages(await person.tap(label))
    assert [(call.text, call.reply_markup) for call in again] == [(question.text, question.reply_markup)]
    assert await person.state() == f"RequestForm:{state}"


async def test_go_on_asks_again_whichever_step_the_request_is_at_with_nothing_lost(world: World) -> None:
    person = world.person(9161, "ru")
    await to_the_contact(person, ZHANUYA, "Хочу развестись, нужна медиация", "Юридический вопрос")
    await person.tap("Развод и медиация")  # the article offered in the request, with «Go on»
    go_on = GO_ON["ru"]
    await step_again(person, await person.tap("Позвоните мне"), go_on, "phone")
    await step_again(person, await person.send("+7 701 111 22 33"), go_on, "safe_contact")
    await step_again(person, await person.tap("Напишу сам(а)"), go_on, "safe_contact_text")
    await step_again(person, await person.send("Только сообщения, после 19:00"), go_on, "consent")
    summary = await person.tap("Согласен")
    await step_again(person, summary, go_on, "confirm")  # the same summary: the same draft
    done = messages(await person.tap("✅ Отправить"))
    assert "R-000001" in done[-1].text and await person.state() is None
    stored = await world.db.fetch_all(
        "SELECT r.category, r.phone, r.safe_contact, m.text FROM help_requests r "
        "JOIN request_messages m ON m.request_id = r.id WHERE r.user_id = ?",
        (9161,),
    )
    assert [tuple(row) for row in stored] == [
        ("legal", "+7 701 111 22 33", "text:Только сообщения, после 19:00", "Хочу развестись, нужна медиация")
    ]
    assert alert(await person.tap(go_on)).text == BUTTON_GONE  # sent: nothing to go on with


async def test_go_on_in_kazakh_from_the_first_steps_and_from_someone_elses_contact(world: World) -> None:
    person = world.person(9162, "kk")
    await to_the_contact(person, ZHANUYA, "ajyrasu kerek, mediatsiya")
    await person.tap("Ажырасу және медиация")
    go_on = GO_ON["kk"]
    await step_again(person, await person.send("/request"), go_on, "category")  # an older article's button
    await step_again(person, await person.tap("Басқа мәселе"), go_on, "center")
    await person.send("Астана")
    await step_again(person, await person.tap("«Жанұя»"), go_on, "text")
    await step_again(person, await person.send("Кеңес керек"), go_on, "contact")
    await person.tap("Маған қоңырау шалыңыз")
    question = await person.share(contact={"phone_number": "87014445566", "first_name": "Әпкем"})
    await step_again(person, question, go_on, "phone")  # the question about the sister's number, again
    await person.tap("Иә, осы нөмірге қоңырау шалсын")
    await person.tap("Кез келген уақытта")
    await person.tap("Келісемін")
    await person.tap("✅ Жіберу")
    stored = await world.db.fetch_all(
        "SELECT category, phone, safe_contact FROM help_requests WHERE user_id = ?", (9162,)
    )
    assert [tuple(row) for row in stored] == [("other", "+7 701 444 55 66", "any")]


# ---- an older «Ask a center» while a request is being written: the draft goes on ----


async def test_an_older_ask_a_center_takes_up_the_draft_in_russian(world: World) -> None:
    person = await ready(world, 9171, "ru")
    await person.press(f"fqa:{DIVORCE_KEY}:0")  # outside any request: «Ask a center»
    await person.tap("👎 Нет")  # and again under the thanks
    await person.send("/request")
    await person.tap("Другое")
    await person.send("Астана")
    await person.tap("«Жанұя»")
    await person.send("Нужна консультация")
    summary = await person.tap("Остаться анонимным")
    await step_again(person, summary, ASK["ru"], "confirm")  # the summary again, not the first question
    reopened = await person.press(f"fqa:{DIVORCE_KEY}:0")  # the older article, opened again meanwhile
    assert buttons(reopened) == ["👍 Да", "👎 Нет", "➡️ Продолжить моё обращение"]
    assert "Ваше обращение сохранено" in texts(reopened)
    await person.tap("✅ Отправить")
    assert await person.state() is None
    stored = await world.db.fetch_all(
        "SELECT c.slug, m.text FROM help_requests r JOIN centers c ON c.id = r.center_id "
        "JOIN request_messages m ON m.request_id = r.id WHERE r.user_id = ?",
        (9171,),
    )
    assert [tuple(row) for row in stored] == [(ZHANUYA, "Нужна консультация")]


async def test_an_older_ask_a_center_takes_up_the_draft_in_kazakh(world: World) -> None:
    person = await ready(world, 9172, "kk")
    await person.send("ajyrasu kerek")  # a typed question: «Ask a center» under what it found
    await step_again(person, await to_the_text(person, "karaganda-city"), ASK["kk"], "text")
    await step_again(person, await person.send("Кеңес керек"), ASK["kk"], "contact")
    await person.tap("Жасырын қалу")
    await person.tap("✅ Жіберу")
    stored = await world.db.fetch_all(
        "SELECT c.slug, m.text FROM help_requests r JOIN centers c ON c.id = r.center_id "
        "JOIN request_messages m ON m.request_id = r.id WHERE r.user_id = ?",
        (9172,),
    )
    assert [tuple(row) for row in stored] == [("karaganda-city", "Кеңес керек")]


async def test_two_hundred_answers_in_one_second_are_all_counted_and_a_double_tap_once(world: World) -> None:
    """A crowd answers «Did this help?» at once, each tapping twice: every person counted, nobody twice."""
    people = [world.person(9300 + n, "ru") for n in range(200)]
    yes = FaqVoteCb(key=DIVORCE_KEY, helped=True).pack()
    world.session.calls.clear()
    await asyncio.gather(*(person.press(yes) for person in people for _ in range(2)))
    answers = [call.text for call in world.session.calls if isinstance(call, AnswerCallbackQuery)]
    assert (answers.count("Спасибо! Рады, что это помогло."), answers.count("Ваш ответ уже учтён. Спасибо!")) == (
        200,
        200,
    )
    assert await votes(world) == [("divorce-and-mediation", 1, 200)]
