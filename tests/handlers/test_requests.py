"""handlers/requests.py through the dispatcher: the person's side of a help request (/request, the dialog, the
number), /my, answering staff and rating the help.

Staff notices are read from the outbox (no worker runs here); what staff do is done through the help desk, the
way their own handlers would, to give the person something to answer or rate.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup

from bot.core.callbacks import AskHereCb, ConfirmCb, OthersContactCb, PersonReplyCb, PickCenterCb, RateCb
from bot.requests.models import HelpRequest, NewRequest
from storage.staff import StaffRepository
from tests.handlers.conftest import ADMIN_ID, Person, World, outbox_texts, texts

ALMATY = ZoneInfo("Asia/Almaty")
MONDAY_MORNING = datetime(2026, 6, 1, 10, 0, tzinfo=ALMATY)  # the sample centers are open
SUNDAY_NOON = datetime(2026, 6, 7, 12, 0, tzinfo=ALMATY)  # closed; «Жанұя» opens on Monday at 09:00
ZHANUYA = "astana-zhanuya"
ZHANUYA_RU = "Центр поддержки института семьи «Жанұя»"
ZHANUYA_KK = "«Жанұя» отбасы институтын қолдау орталығы"
STAFF_ID = 800001  # a staff member of «Жанұя», where a test makes one

LANGUAGE = {"ru": "Русский", "kk": "Қазақша"}
ASK_HERE = {"ru": "Обратиться в этот центр", "kk": "Осы орталықтан көмек сұрау"}
OTHER = {"ru": "Другое", "kk": "Басқа мәселе"}
ANONYMOUS = {"ru": "Остаться анонимным", "kk": "Жасырын қалу"}
SEND = {"ru": "✅ Отправить", "kk": "✅ Жіберу"}
MAIN_MENU = {"ru": ["📍 Найти центр", "✍️ Попросить помощи"], "kk": ["📍 Орталықты табу", "✍️ Көмек сұрау"]}
DANGER_RU = "⚠️ <b>Если вам угрожает опасность прямо сейчас, звоните 112 или 102 (полиция).</b>"
DANGER_KK = "⚠️ <b>Дәл қазір қауіп төніп тұрса, 112 немесе 102 (полиция) нөміріне қоңырау шалыңыз.</b>"
BUTTON_GONE = "Эта кнопка больше не действует. Воспользуйтесь меню."
TOO_MANY = (
    "Сегодня вы уже отправили несколько обращений: центр на них ответит. Если что-то не может ждать, звоните 111 "
    "или 150, а при опасности — 112."
)
NOT_ALLOWED = "Это обращение относится к другому центру: вы не можете с ним работать."


@pytest.fixture(autouse=True)
def monday_morning(world: World) -> None:
    """A weekday morning: the centers are open, so no reply speaks of opening hours unless a test moves the clock."""
    world.db.clock.set(MONDAY_MORNING)


# ---- reading what the bot did ----


def messages(calls: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [call for call in calls if isinstance(call, SendMessage)]


def answers(calls: list[TelegramMethod[Any]]) -> list[AnswerCallbackQuery]:
    return [call for call in calls if isinstance(call, AnswerCallbackQuery)]


def inline_labels(call: TelegramMethod[Any]) -> list[str]:
    markup = getattr(call, "reply_markup", None)
    assert isinstance(markup, InlineKeyboardMarkup), markup
    return [button.text for row in markup.inline_keyboard for button in row]


def reply_labels(call: TelegramMethod[Any]) -> list[str]:
    markup = getattr(call, "reply_markup", None)
    assert isinstance(markup, ReplyKeyboardMarkup), markup
    return [button.text for row in markup.keyboard for button in row]


def button_data(message: Message | None, label: str) -> str:
    """The callback data of the message's button whose text holds `label`."""
    assert message is not None and isinstance(message.reply_markup, InlineKeyboardMarkup)
    return next(str(b.callback_data) for row in message.reply_markup.inline_keyboard for b in row if label in b.text)


def refused_with(calls: list[TelegramMethod[Any]], text: str) -> bool:
    """The press was answered with this alert, and nothing else was sent."""
    [answer] = answers(calls)
    assert (answer.text, answer.show_alert, messages(calls)) == (text, True, [])
    return True


async def rows(world: World, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await world.db.fetch_all(sql, params)]


async def outbox_payloads(world: World, chat_id: int) -> list[tuple[str, dict[str, Any]]]:
    found = await world.db.fetch_all("SELECT method, payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [(row[0], json.loads(row[1])) for row in found]


async def outbox_button(world: World, chat_id: int, label: str) -> str:
    """The callback data of the newest button with this label in what the outbox holds for the chat."""
    for _, payload in reversed(await outbox_payloads(world, chat_id)):
        for row in payload.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"]:
                    return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} in the outbox of {chat_id}")


def newcomer(world: World, user_id: int, locale: str = "ru") -> Person:
    """Someone who joins a test under way: what the bot did before is not theirs to read."""
    person = world.person(user_id, locale)
    person.new_calls()
    return person


async def request(world: World, request_id: int) -> HelpRequest:
    found = await world.helpdesk.request(request_id)
    assert found is not None
    return found


# ---- the dialog, step by step ----


async def to_the_topic(person: Person, slug: str) -> None:
    """From the center's card (its deep link; the language chosen on the way if need be) to the topics."""
    locale = person.user["language_code"]
    opened = await person.send(f"/start c_{slug}")
    asked = [call for call in messages(opened) if isinstance(call.reply_markup, InlineKeyboardMarkup)]
    if any(LANGUAGE[locale] in label for call in asked for label in inline_labels(call)):
        await person.tap(LANGUAGE[locale])  # a newcomer is asked the language before the card
    await person.tap(ASK_HERE[locale])


async def to_the_text(person: Person, slug: str, topic: str | None = None) -> list[TelegramMethod[Any]]:
    """Up to the question that asks for the text; returns the bot's answer to the topic."""
    await to_the_topic(person, slug)
    return await person.tap(topic or OTHER[person.user["language_code"]])


async def to_the_contact(person: Person, slug: str, text: str, topic: str | None = None) -> list[TelegramMethod[Any]]:
    """Up to the question of how to be reached; returns the bot's answer to the text."""
    await to_the_text(person, slug, topic)
    return await person.send(text)


async def send_anonymously(person: Person, slug: str, text: str, topic: str | None = None) -> str:
    """A whole request without a name or phone; returns its number."""
    locale = person.user["language_code"]
    await to_the_contact(person, slug, text, topic)
    await person.tap(ANONYMOUS[locale])
    done = messages(await person.tap(SEND[locale]))
    return done[-1].text.split("<b>")[1].split("</b>")[0]  # type: ignore[union-attr]


async def make_staff(world: World, slug: str = ZHANUYA) -> None:
    center = await world.helpdesk.center_by_slug(slug)
    assert center is not None
    await StaffRepository(world.db).add(STAFF_ID, center.id)


# ---- the whole dialog ----


async def test_a_request_by_typed_city_with_a_photo_and_a_written_wish_reaches_the_center(world: World) -> None:
    maria = world.person(5101, "ru", first_name="Мария")
    topics = await maria.send("/request")
    assert texts(topics) == "О чём ваше обращение? Выберите наиболее близкую тему."
    assert inline_labels(topics[-1]) == [
        "🧠 Психологическая помощь",
        "⚖️ Юридический вопрос",
        "🏠 Социальная поддержка: пособия, жильё, документы",
        "🤝 Семейный конфликт, медиация",
        "🧒 Ситуация с ребёнком",
        "🚨 Насилие дома",
        "💬 Другое",
        "🙈 Скрыть",
    ]

    where = await maria.tap("Психологическая помощь")
    assert [call.text for call in answers(where)] == [None]
    assert texts(messages(where)) == (
        "В какой центр отправить обращение? Отправьте геопозицию или напишите название города, села или района."
    )
    assert reply_labels(where[-1]) == ["📍 Отправить мою геопозицию", "🆘 Экстренные номера", "❌ Отмена", "🙈 Скрыть"]
    assert where[-1].reply_markup.keyboard[0][0].request_location  # type: ignore[union-attr]
    picks = await maria.send("Астана")
    assert texts(picks) == "Выберите центр:"
    assert ZHANUYA_RU in inline_labels(picks[-1])

    describe = await maria.tap("«Жанұя»")
    assert texts(messages(describe)).startswith("Опишите ситуацию своими словами.")
    assert reply_labels(describe[-1]) == ["🆘 Экстренные номера", "❌ Отмена", "🙈 Скрыть"]
    photo = [
        {"file_id": f"photo-{size}", "file_unique_id": f"u-{size}", "width": size, "height": size} for size in (90, 640)
    ]
    assert texts(await maria.share(photo=photo)) == "Файл приложен. Теперь опишите ситуацию словами."
    contact = messages(await maria.send("Муж & я <b>ругаемся</b> 😢"))
    assert contact[0].text.startswith("📚 Пока вы заканчиваете обращение, это может помочь.")  # articles on quarrels
    assert contact[-1].text == "Как центру связаться с вами?"  # then the request goes on; nothing urgent: no numbers
    assert len(contact) == 2
    assert inline_labels(contact[-1]) == [
        "💬 Ответьте мне здесь, в Telegram",
        "📞 Позвоните мне",
        "🕶 Остаться анонимным",
        "🙈 Скрыть",
    ]

    safe = await maria.tap("Ответьте мне здесь")
    assert texts(messages(safe)).startswith("Когда и как с вами безопасно связаться?")
    assert inline_labels(messages(safe)[-1]) == [
        "💬 Только писать, не звонить",
        "🌆 Только после 18:00",
        "🏢 Только в будни до 18:00",
        "✅ В любое время",
        "✏️ Напишу сам(а)",
        "🙈 Скрыть",
    ]
    ask = await maria.tap("Напишу сам(а)")
    assert texts(messages(ask)).startswith("Напишите одним сообщением, когда и как с вами безопасно связаться")
    consent = await maria.send("только во вторник <после 14:00>")
    assert texts(consent).startswith("<b>Согласие на обработку персональных данных</b>\n\nСотрудники «Центр поддержки")
    assert inline_labels(consent[-1]) == ["✅ Согласен(на)", "✖️ Не согласен(на)", "🙈 Скрыть"]

    summary = messages(await maria.tap("Согласен"))[-1]
    assert summary.text == "\n".join(
        [
            "<b>Проверьте ваше обращение</b>",
            "",
            "Тема: 🧠 Психологическая помощь",
            f"Центр: {ZHANUYA_RU}",
            "Способ связи: ответ здесь, в Telegram",
            "Безопасная связь: только во вторник &lt;после 14:00&gt;",
            "",
            "Муж &amp; я &lt;b&gt;ругаемся&lt;/b&gt; 😢",
        ]
    )
    assert inline_labels(summary) == ["✅ Отправить", "✏️ Начать заново", "🙈 Скрыть"]

    done = await maria.tap("✅ Отправить")
    assert [answer.text for answer in answers(done)] == [None]
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in done)
    [confirmation] = messages(done)
    assert confirmation.text == (
        f"✅ Ваше обращение <b>R-000001</b> отправлено в «{ZHANUYA_RU}».\nСтатус: новое, ждёт специалиста.\n\n"
        "Ответ придёт сюда. Ваши обращения: /my."
    )  # a weekday morning: not a word about opening hours
    assert reply_labels(confirmation)[:2] == MAIN_MENU["ru"]
    assert await maria.state() is None

    stored = await rows(
        world,
        "SELECT user_id, category, status, urgent, contact_method, contact_name, phone, locale, safe_contact "
        "FROM help_requests",
    )
    assert stored == [
        (5101, "psychological", "new", 0, "telegram", "Мария", None, "ru", "text:только во вторник <после 14:00>")
    ]
    assert await rows(world, "SELECT author, text, file_id, file_kind FROM request_messages") == [
        ("person", "Муж & я <b>ругаемся</b> 😢", "photo-640", "photo")
    ]
    assert await rows(world, "SELECT user_id, purpose, withdrawn_at FROM consents") == [(5101, "help_request", None)]

    # No staff at «Жанұя»: the notice goes to the admin, in the default language (Kazakh), with the photo after it.
    [(method, notice), (photo_method, sent_photo)] = await outbox_payloads(world, ADMIN_ID)
    assert method == "sendMessage" and notice["text"] == "\n".join(
        [
            "<b>R-000001</b> · 🧠 Психологиялық көмек",
            ZHANUYA_KK,
            "Байланыс: Мария, бот арқылы жауап беріңіз",
            "Қауіпсіз байланыс: только во вторник &lt;после 14:00&gt;",
            "Мәртебесі: жаңа, маманды күтуде",
            "",
            "Муж &amp; я &lt;b&gt;ругаемся&lt;/b&gt; 😢",
        ]
    )
    assert notice["reply_markup"]["inline_keyboard"][0][0]["text"] == "🙋 Алу"  # staff act on it
    assert photo_method == "sendPhoto" and (sent_photo["photo"], sent_photo["caption"]) == ("photo-640", "R-000001")


async def test_a_kazakh_request_by_location_with_a_typed_phone_out_of_hours(world: World) -> None:
    world.db.clock.set(SUNDAY_NOON)
    aigerim = world.person(5102, "kk", first_name="Айгерім")
    await aigerim.send("/request")
    await aigerim.tap("Заң мәселесі")
    picks = await aigerim.share(location={"latitude": 51.17, "longitude": 71.45})
    assert texts(picks) == "Орталықты таңдаңыз:"
    assert ZHANUYA_KK in inline_labels(picks[-1])
    await aigerim.tap("«Жанұя»")
    await aigerim.send("Ажырасу туралы кеңес керек")

    phone = await aigerim.tap("Маған қоңырау шалыңыз")
    assert texts(messages(phone)) == (
        "Нөміріңізді төмендегі батырмамен жіберіңіз немесе жазыңыз, мысалы: +7 701 234 56 78."
    )
    share = phone[-1].reply_markup.keyboard[0][0]  # type: ignore[union-attr]
    assert share.text == "📱 Нөмірімді жіберу" and share.request_contact
    bad = await aigerim.send("12345")
    assert texts(bad) == "Бұл қазақстандық ұялы нөмірге ұқсамайды. +7 7XX XXX XX XX түрінде жазыңыз."
    safe = await aigerim.send("8 701 234 56 78")
    assert texts(safe).startswith("Сізбен қашан және қалай байланысқан қауіпсіз?")
    consent = await aigerim.tap("Тек 18:00-ден кейін")
    assert texts(messages(consent)).startswith(f"<b>Дербес деректерді өңдеуге келісім</b>\n\n«{ZHANUYA_KK}»")
    summary = texts(messages(await aigerim.tap("Келісемін")))
    assert "Тақырыбы: ⚖️ Заң мәселесі" in summary
    assert "Байланыс тәсілі: маған +7 701 234 56 78 нөміріне қоңырау шалыңыз" in summary
    assert "Қауіпсіз байланыс: 🌆 Тек 18:00-ден кейін" in summary

    done = texts(messages(await aigerim.tap("✅ Жіберу")))
    assert done == (
        f"✅ <b>R-000001</b> өтінішіңіз «{ZHANUYA_KK}» орталығына жіберілді.\nМәртебесі: жаңа, маманды күтуде.\n\n"
        "Жауап осында келеді. Өтініштеріңіз: /my.\n\n"
        "⏰ Орталық қазір жабық: қызметкерлер өтінішіңізді орталық ашылғанда көреді, ертең 09:00. Күте алмайтын "
        "болса, 111 және 150 тәулік бойы жауап береді, ал қауіп төнсе 112-ге қоңырау шалыңыз."
    )
    assert await rows(
        world, "SELECT category, contact_method, contact_name, phone, safe_contact, locale FROM help_requests"
    ) == [("legal", "phone", "Айгерім", "+7 701 234 56 78", "evening", "kk")]
    [notice] = await outbox_texts(world.db, ADMIN_ID)
    assert "Байланыс: Айгерім, +7 701 234 56 78 нөміріне қоңырау шалыңыз" in notice
    assert "Қауіпсіз байланыс: 🌆 Тек 18:00-ден кейін" in notice


# ---- the phone: one's own contact at once, someone else's asked about first ----


async def finish_after_the_phone(person: Person) -> str:
    """Safe contact «any time», consent, and the summary's text."""
    await person.tap("В любое время")
    return texts(messages(await person.tap("Согласен")))


async def test_an_own_shared_contact_is_taken_at_once(world: World) -> None:
    person = world.person(5103, "ru")
    await to_the_contact(person, ZHANUYA, "Нужна консультация по алиментам")
    await person.tap("Позвоните мне")
    safe = await person.share(contact={"phone_number": "77011112233", "first_name": "Test", "user_id": person.id})
    assert texts(safe).startswith("Когда и как с вами безопасно связаться?")
    assert "Способ связи: позвонить мне по номеру +7 701 111 22 33" in await finish_after_the_phone(person)


async def test_someone_elses_contact_is_asked_about_and_refused_for_an_own_number(world: World) -> None:
    person = world.person(5104, "ru")
    await to_the_contact(person, ZHANUYA, "Хочу поговорить с психологом")
    await person.tap("Позвоните мне")
    sister = {"phone_number": "+77052223344", "first_name": "Сестра", "user_id": person.id + 500_000}
    question = await person.share(contact=sister)
    assert texts(question) == (
        "Это контакт другого человека: +7 705 222 33 44. Центру звонить по вашему обращению на этот номер?"
    )
    assert inline_labels(question[-1]) == ["✅ Да, звоните на этот номер", "✏️ Нет, я напишу свой номер", "🙈 Скрыть"]

    own = await person.tap("Нет, я напишу свой номер")
    assert len(answers(own)) == 1
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in own)
    [ask] = messages(own)
    assert ask.text == "Напишите свой номер, например +7 701 234 56 78, или отправьте его кнопкой ниже."
    assert reply_labels(ask)[0] == "📱 Отправить мой номер" and ask.reply_markup.keyboard[0][0].request_contact  # type: ignore[union-attr]
    await person.send("8 747 555 66 77")
    summary = await finish_after_the_phone(person)
    assert "+7 747 555 66 77" in summary and "+7 705 222 33 44" not in summary


async def test_someone_elses_contact_is_taken_on_yes(world: World) -> None:
    person = world.person(5133, "ru")
    await to_the_contact(person, ZHANUYA, "Вопрос о пособии")
    await person.tap("Позвоните мне")
    await person.share(contact={"phone_number": "+7 777 333 44 55", "first_name": "Муж", "user_id": 42})
    yes = await person.tap("Да, звоните на этот номер")
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in yes)
    assert texts(messages(yes)).startswith("Когда и как с вами безопасно связаться?")
    assert "Способ связи: позвонить мне по номеру +7 777 333 44 55" in await finish_after_the_phone(person)


async def test_an_own_number_typed_instead_of_answering_wins_and_the_question_goes_stale(world: World) -> None:
    person = world.person(5105, "ru")
    await to_the_contact(person, ZHANUYA, "Вопрос о пособии на ребёнка")
    await person.tap("Позвоните мне")
    await person.share(contact={"phone_number": "+7 777 333 44 55", "first_name": "Муж", "user_id": 42})
    question = world.last_message_to(person.id)
    await person.send("+7 701 999 88 77")  # typed while the question waits
    late_yes = await person.press(OthersContactCb(use=True).pack(), on=question)
    assert refused_with(late_yes, BUTTON_GONE)
    summary = await finish_after_the_phone(person)
    assert "+7 701 999 88 77" in summary and "+7 777 333 44 55" not in summary


async def test_a_card_without_a_telegram_account_is_asked_about_in_kazakh_and_taken_on_yes(world: World) -> None:
    person = world.person(5106, "kk")
    await to_the_contact(person, ZHANUYA, "Заңгердің кеңесі керек")
    await person.tap("Маған қоңырау шалыңыз")
    question = await person.share(contact={"phone_number": "87014445566", "first_name": "Әпкем"})  # no user_id
    assert texts(question) == (
        "Бұл басқа адамның контактісі: +7 701 444 55 66. Өтінішіңіз бойынша орталық осы нөмірге қоңырау шалсын ба?"
    )
    safe = await person.tap("Иә, осы нөмірге қоңырау шалсын")
    assert texts(messages(safe)).startswith("Сізбен қашан және қалай байланысқан қауіпсіз?")
    await person.tap("Кез келген уақытта")
    summary = texts(messages(await person.tap("Келісемін")))
    assert "Байланыс тәсілі: маған +7 701 444 55 66 нөміріне қоңырау шалыңыз" in summary
    await person.tap("✅ Жіберу")
    assert await rows(world, "SELECT phone, safe_contact FROM help_requests") == [("+7 701 444 55 66", "any")]


# ---- danger: the numbers at once, the request marked urgent ----


async def test_the_violence_topic_shows_the_numbers_at_once_and_the_crisis_center_once_the_center_is_known(
    world: World,
) -> None:
    person = world.person(5107, "ru")
    await person.send("/request")
    warned = messages(await person.tap("Насилие дома"))
    assert warned[0].text == "\n".join(
        [
            DANGER_RU,
            "111: контакт-центр по вопросам семьи, прав женщин и детей.",
            "150: бесплатный телефон доверия для детей и молодёжи.",
            "Ваше обращение будет отмечено как срочное и всё равно отправлено в центр. Центр поддержки семьи не "
            "убежище: безопасное место, где можно остаться, подскажут полиция и 111, они направят в кризисный центр.",
        ]
    )  # no region known yet: no crisis center
    assert warned[1].text.startswith("В какой центр отправить обращение?")
    await person.send("Астана")
    await person.tap("«Жанұя»")

    again = messages(await person.send("Мне страшно идти домой"))  # no danger word: the topic says enough
    assert again[0].text.startswith(DANGER_RU)
    assert again[0].text.endswith(
        "\n\n🏠 Кризисный центр вашего региона (безопасное место, где можно остаться): Кризисный центр (Астана), "
        "+7 (7172) 00-99-01\n⚠️ <i>Пример данных: это не настоящие адрес и телефон центра.</i>"
    )
    assert again[1].text == "Как центру связаться с вами?"
    summary = texts(messages(await person.tap("Остаться анонимным")))
    assert "⚠️ Отмечено как срочное" in summary
    await person.tap("✅ Отправить")
    assert await rows(world, "SELECT category, urgent FROM help_requests") == [("violence", 1)]
    [notice] = await outbox_texts(world.db, ADMIN_ID)
    assert notice.startswith("🚨 ШҰҒЫЛ · <b>R-000001</b> · 🚨 Үйдегі зорлық-зомбылық")


async def test_the_violence_topic_at_a_known_center_warns_once_with_its_crisis_center_in_kazakh(world: World) -> None:
    person = world.person(5108, "kk")
    await to_the_topic(person, "karaganda-city")
    warned = messages(await person.tap("Үйдегі зорлық-зомбылық"))
    assert warned[0].text.startswith(DANGER_KK)
    crisis = "🏠 Облысыңыздағы дағдарыс орталығы (қауіпсіз баспана): Дағдарыс орталығы (Қарағанды), +7 (7212) 00-99-13"
    assert crisis in warned[0].text
    assert warned[1].text.startswith("Жағдайыңызды өз сөзіңізбен сипаттаңыз.")
    contact = messages(await person.send("Үйде қорқынышты"))
    assert [call.text for call in contact] == ["Орталық сізбен қалай байланыссын?"]  # warned already, not again


async def test_danger_words_in_another_topic_show_the_numbers_and_mark_the_request(world: World) -> None:
    person = world.person(5109, "ru")
    await to_the_text(person, "karaganda-city", "Семейный конфликт")
    warned = messages(await person.send("Муж бьёт меня, когда пьёт"))
    assert warned[0].text.startswith(DANGER_RU)
    assert "Кризисный центр (Караганда), +7 (7212) 00-99-13" in warned[0].text
    assert warned[1].text == "Как центру связаться с вами?"
    await person.tap("Остаться анонимным")
    await person.tap("✅ Отправить")

    calm = world.person(5110, "kk")
    await to_the_text(calm, "karaganda-city", "Отбасылық жанжал")
    calm_answer = messages(await calm.send("Күйеуім жұмыстан кеш келеді"))
    assert [call.text for call in calm_answer][-1:] == ["Орталық сізбен қалай байланыссын?"]
    assert not any(call.text.startswith("⚠️") for call in calm_answer)  # articles at most, no danger notice
    assert "Шұғыл деп белгіленді" not in texts(messages(await calm.tap("Жасырын қалу")))
    await calm.tap("✅ Жіберу")

    scared = world.person(5111, "kk")
    await to_the_text(scared, "karaganda-city", "Отбасылық жанжал")
    assert texts(messages(await scared.send("Күйеуім мені ұрады"))).startswith(DANGER_KK)
    assert "⚠️ Шұғыл деп белгіленді" in texts(messages(await scared.tap("Жасырын қалу")))
    await scared.tap("✅ Жіберу")
    assert await rows(world, "SELECT user_id, category, urgent FROM help_requests ORDER BY id") == [
        (5109, "conflict", 1),
        (5110, "conflict", 0),
        (5111, "conflict", 1),
    ]


# ---- the text, the center and the way out of the dialog ----


async def test_the_text_step_wants_words_and_keeps_a_document_that_came_with_them(world: World) -> None:
    person = world.person(5112, "ru")
    await to_the_text(person, ZHANUYA)
    nudged = await person.share(location={"latitude": 51.1, "longitude": 71.4})
    assert texts(nudged) == "Пожалуйста, опишите ситуацию словами (фото или документ можно приложить к тексту)."
    assert await person.state() == "RequestForm:text"
    document = {"file_id": "doc-1", "file_unique_id": "doc-u1", "file_name": "справка.pdf"}
    contact = messages(await person.share(document=document, caption="Справка из школы, нужна помощь"))
    assert contact[-1].text == "Как центру связаться с вами?"  # after the articles a «справка» may need
    await person.tap("Остаться анонимным")
    await person.tap("✅ Отправить")
    assert await rows(world, "SELECT text, file_id, file_kind FROM request_messages") == [
        ("Справка из школы, нужна помощь", "doc-1", "document")
    ]
    [(_, notice), (method, sent_document)] = await outbox_payloads(world, ADMIN_ID)
    assert "жасырын; бот арқылы жауап беріңіз" in notice["text"]
    assert method == "sendDocument" and sent_document["document"] == "doc-1"


async def test_an_unknown_place_is_said_and_the_cancel_button_ends_the_dialog(world: World) -> None:
    person = world.person(5113, "ru")
    topics = await person.send("✍️ Попросить помощи")  # the main menu's button
    assert texts(topics) == "О чём ваше обращение? Выберите наиболее близкую тему."
    await person.tap("Юридический вопрос")
    lost = await person.send("Неизвестноград")
    assert texts(lost) == (
        "Не нашёл место «Неизвестноград». Проверьте написание, напишите ближайший город или выберите область."
    )
    assert reply_labels(lost[-1])[0] == "📍 Отправить мою геопозицию"
    assert await person.state() == "RequestForm:center"

    cancelled = await person.send("❌ Отмена")
    assert texts(cancelled) == "Главное меню. Выберите нужное или напишите название своего города, чтобы найти центр."
    assert reply_labels(cancelled[-1])[:2] == MAIN_MENU["ru"]
    assert await person.state() is None
    assert await rows(world, "SELECT count(*) FROM help_requests") == [(0,)]


async def test_a_center_gone_from_the_directory_is_said_when_picked_and_when_the_draft_is_summed_up(
    world: World,
) -> None:
    person = world.person(5114, "ru")
    await person.send("/request")
    await person.tap("Другое")
    await person.send("Астана")
    gone = await person.press(PickCenterCb(id=987654).pack(), on=world.last_message_to(person.id))
    assert refused_with(gone, "Этого центра больше нет в справочнике. Попробуйте поискать снова.")
    assert await person.state() == "RequestForm:center"

    # A card's button for a center that has left the directory (or forged data) is refused at once, before the
    # person writes their story for nobody.
    refused = await person.press(AskHereCb(center=987654).pack())
    assert refused_with(refused, "Этого центра больше нет в справочнике. Попробуйте поискать снова.")
    assert await person.state() == "RequestForm:center"  # the dialog in progress is kept as it was
    assert await rows(world, "SELECT count(*) FROM help_requests") == [(0,)]


async def test_declining_consent_offers_an_anonymous_request_that_names_nobody(world: World) -> None:
    person = world.person(5115, "ru", first_name="Секрет")
    await to_the_contact(person, "shymkent-city", "Вопрос о разводе", "Юридический вопрос")
    await person.tap("Ответьте мне здесь")
    await person.tap("Только писать")
    declined = messages(await person.tap("Не согласен"))
    assert [call.text for call in declined] == [
        "Без согласия мы не можем передать ваше имя или телефон. Обращение можно отправить анонимно: сотрудники не "
        "увидят, кто вы, и ответят здесь. Если вам угрожает опасность, звоните 112; 111 и 150 отвечают на звонки и "
        "сообщения."
    ]
    assert inline_labels(declined[0]) == ["🕶 Отправить анонимно", "🙈 Скрыть"]
    summary = texts(messages(await person.tap("Отправить анонимно")))
    assert "Способ связи: анонимно, ответ здесь, в Telegram" in summary
    assert "Безопасная связь" not in summary  # the wish would tell who it is
    await person.tap("✅ Отправить")

    assert await rows(world, "SELECT contact_method, contact_name, phone, safe_contact FROM help_requests") == [
        ("anonymous", None, None, None)
    ]
    assert await rows(world, "SELECT count(*) FROM consents") == [(0,)]
    [notice] = await outbox_texts(world.db, ADMIN_ID)
    assert "Байланыс: жасырын; бот арқылы жауап беріңіз" in notice
    assert "Секрет" not in notice and str(person.id) not in notice


async def test_start_over_keeps_the_center_and_the_old_summary_goes_stale(world: World) -> None:
    person = world.person(5116, "ru")
    await to_the_contact(person, ZHANUYA, "Первый вариант")
    await person.tap("Остаться анонимным")
    old_summary = world.last_message_to(person.id)
    again = await person.tap("Начать заново")
    assert texts(messages(again)) == "О чём ваше обращение? Выберите наиболее близкую тему."
    describe = await person.tap("Психологическая помощь")
    assert texts(messages(describe)).startswith("Опишите ситуацию своими словами.")  # the center is kept

    send_old = button_data(old_summary, "Отправить")
    assert refused_with(await person.press(send_old, on=old_summary), BUTTON_GONE)
    assert await person.state() == "RequestForm:text"
    await person.send("Второй вариант")
    assert f"Центр: {ZHANUYA_RU}" in texts(messages(await person.tap("Остаться анонимным")))
    await person.tap("✅ Отправить")
    assert await rows(world, "SELECT category FROM help_requests") == [("psychological",)]
    assert await rows(world, "SELECT text FROM request_messages") == [("Второй вариант",)]


# ---- once per draft, five a day ----


async def test_a_draft_is_sent_once_and_a_later_tap_names_its_number(world: World) -> None:
    person = world.person(5117, "ru")
    await to_the_contact(person, ZHANUYA, "Нужен совет юриста")
    await person.tap("Остаться анонимным")
    summary = world.last_message_to(person.id)
    assert summary is not None
    send = button_data(summary, "Отправить")

    first = await person.press(send, on=summary)
    assert "<b>R-000001</b>" in texts(messages(first))
    second = await person.press(send, on=summary)
    assert refused_with(second, "Это обращение уже отправлено: R-000001. Оно есть в /my.")
    world.db.clock.advance(timedelta(minutes=10))
    late = await person.press(send, on=summary)
    assert refused_with(late, "Это обращение уже отправлено: R-000001. Оно есть в /my.")

    assert await rows(world, "SELECT id FROM help_requests") == [(1,)]
    assert len(await outbox_texts(world.db, ADMIN_ID)) == 1  # staff told once
    assert texts(messages(await person.send("/my"))).count("R-") == 1


async def test_two_taps_at_once_on_send_store_one_request_and_the_other_names_it(world: World) -> None:
    person = world.person(5132, "ru")
    await to_the_contact(person, ZHANUYA, "Нажала два раза")
    await person.tap("Остаться анонимным")
    summary = world.last_message_to(person.id)
    send = button_data(summary, "Отправить")

    both = await asyncio.gather(person.press(send, on=summary), person.press(send, on=summary))
    calls = [call for calls in both for call in calls]
    assert sorted((answer.text or "", bool(answer.show_alert)) for answer in answers(calls)) == [
        ("", False),
        ("Это обращение уже отправлено: R-000001. Оно есть в /my.", True),
    ]
    assert [call.text.split("\n")[0] for call in messages(calls)] == [  # type: ignore[union-attr]
        f"✅ Ваше обращение <b>R-000001</b> отправлено в «{ZHANUYA_RU}»."
    ]
    assert await rows(world, "SELECT id FROM help_requests") == [(1,)]
    assert len(await outbox_texts(world.db, ADMIN_ID)) == 1


async def test_five_requests_a_day_then_a_refusal_until_a_day_has_passed(world: World) -> None:
    person = world.person(5118, "ru")
    numbers = [await send_anonymously(person, ZHANUYA, f"Вопрос номер {n}") for n in range(5)]
    assert numbers == ["R-000001", "R-000002", "R-000003", "R-000004", "R-000005"]

    refused = await person.send("/request")
    assert texts(refused) == TOO_MANY
    assert reply_labels(refused[-1])[:2] == MAIN_MENU["ru"]
    assert await person.state() is None
    card_refused = await person.press(AskHereCb(center=1).pack())  # the card's button says the same
    assert texts(messages(card_refused)) == TOO_MANY and len(answers(card_refused)) == 1

    world.db.clock.advance(timedelta(hours=23))
    assert texts(await person.send("/request")) == TOO_MANY
    world.db.clock.advance(timedelta(hours=1, minutes=1))
    assert texts(await person.send("/request")) == "О чём ваше обращение? Выберите наиболее близкую тему."
    assert await send_anonymously(person, ZHANUYA, "Через день") == "R-000006"


async def test_the_limit_is_asked_again_when_the_draft_is_sent(world: World) -> None:
    person = world.person(5119, "ru")
    await to_the_contact(person, ZHANUYA, "Черновик ждёт")
    await person.tap("Остаться анонимным")
    summary = world.last_message_to(person.id)
    center = await world.helpdesk.center_by_slug(ZHANUYA)
    assert center is not None and summary is not None
    for n in range(5):  # requests stored meanwhile
        meanwhile = NewRequest(person.id, center.id, "other", False, "anonymous", None, None, "ru", f"{n}")
        await world.helpdesk.submit(meanwhile)
    send = button_data(summary, "Отправить")
    assert refused_with(await person.press(send, on=summary), TOO_MANY)
    assert await rows(world, "SELECT count(*) FROM help_requests") == [(5,)]


# ---- /my ----


async def test_my_lists_the_requests_newest_first_and_ends_a_dialog(world: World) -> None:
    person = world.person(5120, "ru")
    empty = await person.send("/my")
    assert [call.text for call in messages(empty)] == [
        "У вас пока нет обращений. Отправить обращение: /request.",
        "У вас нет записей на курсы. Группы: /academy и /premarital.",
    ]
    await send_anonymously(person, ZHANUYA, "Первое", "Юридический вопрос")
    world.db.clock.advance(timedelta(hours=2))
    await send_anonymously(person, ZHANUYA, "Второе", "Психологическая помощь")
    await world.helpdesk.take(await request(world, 1), ADMIN_ID, "Admin")

    await person.send("/request")  # a dialog is open
    listing = messages(await person.send("/my"))
    assert listing[0].text == "\n".join(
        [
            "<b>Ваши обращения</b>",
            "",
            "<b>R-000002</b> · 🧠 Психологическая помощь",
            "    1 июня 2026, 12:00 · новое, ждёт специалиста",
            "<b>R-000001</b> · ⚖️ Юридический вопрос",
            "    1 июня 2026, 10:00 · специалист работает над ним",
        ]
    )
    assert reply_labels(listing[0])[:2] == MAIN_MENU["ru"]
    assert await person.state() is None

    kazakh = world.person(5121, "kk")
    await send_anonymously(kazakh, ZHANUYA, "Сұрақ")
    assert messages(await kazakh.send("/my"))[0].text == "\n".join(
        [
            "<b>Сіздің өтініштеріңіз</b>",
            "",
            "<b>R-000003</b> · 💬 Басқа мәселе",
            "    1 маусым 2026, 12:00 · жаңа, маманды күтуде",
        ]
    )


# ---- answering staff, rating the help ----


async def test_the_person_answers_staff_and_the_answer_reaches_whoever_took_the_request(world: World) -> None:
    await make_staff(world)
    maria = world.person(5122, "ru", first_name="Мария")
    await send_anonymously(maria, ZHANUYA, "Когда у вас приём?")
    await world.helpdesk.staff_answer(await request(world, 1), STAFF_ID, "Айгүл", "Здравствуйте! Приходите во вторник.")
    answer_data = await outbox_button(world, maria.id, "Ответить")
    assert answer_data == PersonReplyCb(id=1).pack()
    staff_answer = (await outbox_texts(world.db, maria.id))[-1]
    assert staff_answer == f"<b>{ZHANUYA_RU}</b> · R-000001\n\nЗдравствуйте! Приходите во вторник."

    asked = await maria.press(answer_data)
    assert len(answers(asked)) == 1
    [prompt] = messages(asked)
    assert prompt.text == "Напишите ответ по обращению R-000001 одним сообщением."
    assert reply_labels(prompt) == ["🆘 Экстренные номера", "❌ Отмена", "🙈 Скрыть"]
    sent = await maria.send("Спасибо, когда можно прийти <после 18>?")
    assert texts(sent) == "Отправлено."
    assert reply_labels(sent[-1])[:2] == MAIN_MENU["ru"]
    assert await maria.state() is None

    assert await rows(world, "SELECT author, text FROM request_messages ORDER BY id") == [
        ("person", "Когда у вас приём?"),
        ("staff", "Здравствуйте! Приходите во вторник."),
        ("person", "Спасибо, когда можно прийти <после 18>?"),
    ]
    relayed = (await outbox_texts(world.db, STAFF_ID))[-1]
    assert relayed == "💬 R-000001: өтініш иесі жауап берді:\n\nСпасибо, когда можно прийти &lt;после 18&gt;?"

    assert refused_with(await maria.press(PersonReplyCb(id=999).pack()), NOT_ALLOWED)
    stranger = newcomer(world, 5123)
    assert refused_with(await stranger.press(answer_data), NOT_ALLOWED)


async def test_answering_a_closed_request_is_refused_on_the_press_and_on_the_text(world: World) -> None:
    await make_staff(world)
    person = world.person(5124, "kk")
    await send_anonymously(person, ZHANUYA, "Сұрағым бар")
    await world.helpdesk.staff_answer(await request(world, 1), STAFF_ID, "Айгүл", "Сәлеметсіз бе!")
    answer_data = await outbox_button(world, person.id, "Жауап беру")

    await person.press(answer_data)
    await world.helpdesk.resolve(await request(world, 1), STAFF_ID, "Айгүл")  # while the person writes
    late = await person.send("Рақмет, тағы бір сұрақ")
    assert texts(late) == "Бұл өтініш жабылған."
    assert reply_labels(late[-1])[:2] == MAIN_MENU["kk"]
    assert await rows(world, "SELECT count(*) FROM request_messages WHERE author = 'person'") == [(1,)]

    pressed = await person.press(answer_data)
    [answer] = answers(pressed)
    assert answer.text == "Бұл өтініш жабылған." and answer.show_alert and not messages(pressed)


async def test_a_resolved_request_is_rated_and_commented_once_resolved_only(world: World) -> None:
    await make_staff(world)
    person = world.person(5125, "ru")
    await send_anonymously(person, ZHANUYA, "Нужна помощь психолога", "Психологическая помощь")
    early = await person.press(RateCb(id=1, score=5).pack())  # forged before it is resolved
    assert refused_with(early, NOT_ALLOWED)

    await world.helpdesk.resolve(await request(world, 1), STAFF_ID, "Айгүл")
    assert (await outbox_texts(world.db, person.id))[-1] == "Ваше обращение R-000001 решено. Насколько центр вам помог?"
    five = await outbox_button(world, person.id, "⭐⭐⭐⭐⭐")
    assert five == RateCb(id=1, score=5).pack()

    stranger = newcomer(world, 5126)
    assert refused_with(await stranger.press(five), NOT_ALLOWED)
    person.new_calls()  # the stranger's, not the person's
    rated = await person.press(RateCb(id=1, score=4).pack())
    assert [(answer.text, answer.show_alert) for answer in answers(rated)] == [("⭐⭐⭐⭐", None)]
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in rated)
    assert texts(messages(rated)) == (
        "Спасибо! Если хотите, напишите комментарий одним сообщением или отправьте /cancel."
    )
    thanked = await person.send("Очень помогли, спасибо")
    assert texts(thanked) == "Спасибо, ваш комментарий передан центру."
    assert await person.state() is None
    assert await rows(world, "SELECT rating, rating_comment FROM help_requests") == [(4, "Очень помогли, спасибо")]


async def test_rating_in_kazakh(world: World) -> None:
    await make_staff(world)
    person = world.person(5127, "kk")
    await send_anonymously(person, ZHANUYA, "Көмек керек")
    await world.helpdesk.resolve(await request(world, 1), STAFF_ID, "Айгүл")
    asked = (await outbox_texts(world.db, person.id))[-1]
    assert asked == "R-000001 өтінішіңіз шешілді. Орталық сізге қаншалықты көмектесті?"
    rated = await person.press(await outbox_button(world, person.id, "⭐⭐⭐"))
    assert texts(messages(rated)) == "Рақмет! Қаласаңыз, пікіріңізді бір хабарламамен жазыңыз немесе /cancel жіберіңіз."
    assert texts(await person.send("Жақсы")) == "Рақмет, пікіріңіз орталыққа жеткізілді."
    assert await rows(world, "SELECT rating, rating_comment FROM help_requests") == [(3, "Жақсы")]


# ---- forged and stale presses ----


@pytest.mark.parametrize(
    "data",
    [
        "tk:99999999999999999999999",  # beyond what the database holds
        "rt:-1:5",
        "rt:1:6",  # no such score
        "qp:1e9",
        "cf:send:",
        "cf:send:0123456789abcdef",  # a draft that never was
        "cf:restart",  # no summary open
        "cat:violence",  # a topic button from an old dialog
        "pick:1",
        "ct:telegram",
        "cs:1",
        "sc:any",
        "oc:1",
        "pr:99999999999999999999999",
    ],
)
async def test_forged_and_stale_presses_outside_a_dialog_are_answered(world: World, data: str) -> None:
    visitor = world.person(5130, "ru")
    await visitor.send("/help")
    assert refused_with(await visitor.press(data, on=world.last_message_to(visitor.id)), BUTTON_GONE)
    assert await visitor.state() is None


async def test_forged_presses_inside_the_dialog_are_answered_and_change_nothing(world: World) -> None:
    person = world.person(5131, "ru")
    await person.send("/request")
    assert refused_with(await person.press("cat:weather"), BUTTON_GONE)
    assert await person.state() == "RequestForm:category"

    await person.tap("Другое")
    await person.send("Астана")
    await person.tap("«Жанұя»")
    await person.send("Вопрос")
    assert refused_with(await person.press("ct:pigeon"), BUTTON_GONE)
    assert await person.state() == "RequestForm:contact"

    await person.tap("Позвоните мне")
    nothing_offered = messages(await person.press(OthersContactCb(use=True).pack()))  # no contact was shared
    assert [call.text for call in nothing_offered] == [
        "Напишите свой номер, например +7 701 234 56 78, или отправьте его кнопкой ниже."
    ]
    assert await person.state() == "RequestForm:phone"

    await person.send("+7 701 111 22 33")
    await person.tap("В любое время")
    await person.tap("Согласен")
    assert refused_with(await person.press(ConfirmCb(action="send", draft="forged").pack()), BUTTON_GONE)
    assert await person.state() == "RequestForm:confirm"
    assert await rows(world, "SELECT count(*) FROM help_requests") == [(0,)]
