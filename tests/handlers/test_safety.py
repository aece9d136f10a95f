"""handlers/safety.py through the dispatcher: the quick exit, /mydata, withdrawing a consent, /forget.

What Telegram does with the deletions (which messages really disappear) is the end-to-end tests' part; here the
bot's own side: which ids it asks to delete, what it says, what it stores and erases.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import DeleteMessages, EditMessageReplyMarkup, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import ReplyKeyboardRemove

from bot.core.callbacks import ForgetCb
from bot.telegram.message_log import MessageLogMiddleware
from storage.chat_log import ChatLog
from tests.conftest import find_person_in
from tests.handlers.conftest import ADMIN_ID, World, outbox_texts, texts
from tests.handlers.test_requests import (
    BUTTON_GONE,
    ZHANUYA,
    answers,
    inline_labels,
    messages,
    monday_morning,  # noqa: F401 -- autouse here too: a weekday morning
    refused_with,
    rows,
    send_anonymously,
    to_the_contact,
    to_the_text,
)

ERASE_QUESTION_RU = (
    "<b>Удалить все ваши данные?</b>\nВаш язык, согласия и записи на курсы будут удалены, а из обращений — ваши имя, "
    "телефон, данные Telegram и тексты. На открытые обращения после этого ответить будет нельзя. Для статистики "
    "останутся только обезличенные числа. Отменить это нельзя."
)
ERASED_RU = "Ваши данные удалены. Если напишете снова, бот начнёт заново."
HELP_REQUEST_PURPOSE_RU = "передача ваших обращений с именем и телефоном сотрудникам центра"


@pytest.fixture
def logged(world: World) -> World:
    """The bot's own messages into private chats are logged too, as the running bot's session logs them."""
    world.session.middleware(MessageLogMiddleware(ChatLog(world.db)))
    return world


class RefuseFirstDeletion(BaseRequestMiddleware):
    """Telegram refusing one batch (some messages already gone or too old); every attempt is kept."""

    def __init__(self) -> None:
        self.attempts: list[list[int]] = []

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if isinstance(method, DeleteMessages):
            self.attempts.append(list(method.message_ids))
            if len(self.attempts) == 1:
                raise TelegramBadRequest(method, "Bad Request: message to delete not found")
        return await make_request(bot, method)


async def logged_ids(world: World, chat_id: int) -> list[int]:
    return [row[0] for row in await rows(world, "SELECT message_id FROM chat_messages WHERE chat_id = ?", (chat_id,))]


def deleted(calls: list[TelegramMethod[Any]]) -> list[int]:
    return [message_id for call in calls if isinstance(call, DeleteMessages) for message_id in call.message_ids]


# ---- the quick exit ----


async def test_the_hide_button_deletes_the_recent_conversation_ends_the_dialog_and_keeps_the_request(
    logged: World,
) -> None:
    world = logged
    person = world.person(6101, "ru")
    number = await send_anonymously(person, ZHANUYA, "Первое обращение, которое надо сохранить")
    await to_the_contact(person, ZHANUYA, "Второе, недописанное")
    before = await logged_ids(world, person.id)
    assert len(before) > 10  # the person's messages and the bot's

    hide_id = max(message_id for message_id in before if message_id < 1000) + 1  # the person's next message
    hidden = await person.send("🙈 Скрыть")
    assert sorted(deleted(hidden)) == sorted([*before, hide_id])  # the tap on «Скрыть» goes too
    [done] = messages(hidden)
    assert done.text == "Готово." and isinstance(done.reply_markup, ReplyKeyboardRemove)  # nothing that tells
    assert await logged_ids(world, person.id) == [world.session.sent[id(done)].message_id]  # only «Готово.» is left
    assert await person.state() is None

    again = await person.send("привет")  # a fresh start, not the half-written request
    assert texts(again).startswith("Извините, я не понял.")
    assert await rows(world, "SELECT id FROM help_requests") == [(1,)]
    [notice] = await outbox_texts(world.db, ADMIN_ID)  # the request sent before stays with the staff
    assert number in notice and "Первое обращение" in notice


async def test_the_inline_hide_button_in_kazakh(logged: World) -> None:
    world = logged
    person = world.person(6102, "kk")
    topics = await person.send("/request")
    hidden = await person.tap("🙈 Жасыру")
    assert [answer.text for answer in answers(hidden)] == [None]
    assert deleted(hidden) == [1, world.session.sent[id(topics[-1])].message_id]  # "/request" and the topics
    [done] = messages(hidden)
    assert done.text == "Дайын." and isinstance(done.reply_markup, ReplyKeyboardRemove)
    assert await person.state() is None


async def test_the_quick_exit_deletes_in_batches_what_telegram_still_allows_and_survives_a_refusal(
    logged: World,
) -> None:
    world = logged
    refusing = RefuseFirstDeletion()
    world.session.middleware(refusing)
    person = world.person(6103, "ru")
    await person.send("/sos")
    old = await logged_ids(world, person.id)
    world.db.clock.advance(timedelta(hours=49))  # Telegram lets a bot delete messages for 48 hours
    for _ in range(110):
        await person.send("/sos")
    recent = await logged_ids(world, person.id)
    assert len(recent) == 222

    hidden = await person.send("🙈 Скрыть")
    assert [len(batch) for batch in refusing.attempts] == [100, 100, 21]  # the 221 recent ids and the tap
    attempted = [message_id for batch in refusing.attempts for message_id in batch]
    hide_id = max(message_id for message_id in recent if message_id < 1000) + 1
    assert sorted(attempted) == sorted([*(set(recent) - set(old)), hide_id])  # nothing older than 48 hours
    assert deleted(hidden) == attempted[100:]  # the refused batch is skipped, the rest still deleted
    assert texts(messages(hidden)) == "Готово."


# ---- /mydata and consents ----


async def test_mydata_shows_what_is_held_and_a_withdrawn_consent_takes_the_contact_away(world: World) -> None:
    person = world.person(6201, "ru", first_name="Асель")
    await to_the_contact(person, "atyrau-city", "Нужна консультация юриста")
    await person.tap("Позвоните мне")
    await person.send("87051234567")
    await person.tap("В любое время")
    await person.tap("Согласен")
    await person.tap("✅ Отправить")
    request = await world.helpdesk.request(1)
    assert request is not None
    await world.helpdesk.staff_answer(request, ADMIN_ID, "Бақыт", "Перезвоним <завтра>")
    await world.helpdesk.add_note(request, ADMIN_ID, "Бақыт", "Внутренняя заметка")

    world.db.clock.advance(timedelta(hours=1))
    await to_the_text(person, "atyrau-city")  # /mydata ends a dialog
    held = messages(await person.send("/mydata"))
    assert [call.text for call in held] == [
        "\n".join(
            [
                "<b>Что бот хранит о вас</b>",
                "",
                "Язык: Русский",
                "",
                "<b>Согласия</b>",
                f"• {HELP_REQUEST_PURPOSE_RU}: дано: 1 июня 2026, 10:00 (2026-11-v1)",
                "",
                "<b>Обращения</b>",
                "• <b>R-000001</b>, 1 июня 2026, 10:00",
                "  Асель, +7 705 123 45 67",
                "  вы: Нужна консультация юриста",
                "  центр: Перезвоним &lt;завтра&gt;",  # the internal note is not the person's to see
                "",
                "<b>Записи на курсы</b>",
                "нет",
            ]
        )
    ]
    assert inline_labels(held[0]) == [f"✖️ Отозвать: {HELP_REQUEST_PURPOSE_RU}"[:64], "🗑 Удалить все мои данные"]
    assert await person.state() is None

    withdrawn = await person.tap("Отозвать")
    assert [answer.text for answer in answers(withdrawn)] == [None]
    assert texts(messages(withdrawn)) == f"Согласие отозвано: {HELP_REQUEST_PURPOSE_RU}."
    assert await rows(world, "SELECT purpose, given_at, withdrawn_at FROM consents") == [
        ("help_request", "2026-06-01T05:00:00+00:00", "2026-06-01T06:00:00+00:00")  # 10:00 and 11:00 in Almaty
    ]
    assert await rows(world, "SELECT contact_method, contact_name, phone, safe_contact FROM help_requests") == [
        ("anonymous", None, None, None)
    ]

    again = messages(await person.send("/mydata"))
    assert f"• {HELP_REQUEST_PURPOSE_RU}: отозвано: 1 июня 2026, 11:00 (2026-11-v1)" in again[0].text
    assert "+7 705 123 45 67" not in again[0].text and "Асель" not in again[0].text
    assert inline_labels(again[0]) == ["🗑 Удалить все мои данные"]  # nothing left to withdraw


async def test_mydata_lists_course_sign_ups_and_withdrawing_that_consent_cancels_them(world: World) -> None:
    person = world.person(6205, "ru")
    group, topic = (await world.courses.upcoming_groups(None))[0]
    await world.courses.sign_up(group.id, person.id, "Асель Нурланова", "+7 705 123 45 67")
    [held] = messages(await person.send("/mydata"))
    assert held.text is not None and held.text.endswith(
        f"<b>Записи на курсы</b>\n• {topic.title('ru')}: Асель Нурланова, +7 705 123 45 67"
    )
    assert inline_labels(held) == [
        "✖️ Отозвать: передача ваших записей на курсы с именем и телефоном центру, который ведёт группу"[:64],
        "✖️ Отозвать: напоминания перед занятиями курсов",
        "🗑 Удалить все мои данные",
    ]
    withdrawn = await person.tap("записей на курсы")
    assert texts(messages(withdrawn)) == (
        "Согласие отозвано: передача ваших записей на курсы с именем и телефоном центру, который ведёт группу."
    )
    assert await rows(world, "SELECT status FROM signups WHERE user_id = ?", (person.id,)) == [("cancelled",)]
    [again] = messages(await person.send("/mydata"))
    assert again.text is not None and again.text.endswith("<b>Записи на курсы</b>\nнет")


async def test_mydata_for_a_newcomer_in_kazakh(world: World) -> None:
    person = world.person(6202, "kk")
    [held] = messages(await person.send("/mydata"))
    assert held.text == (
        "<b>Бот сіз туралы не сақтайды</b>\n\nТіл: —\n\n<b>Келісімдер</b>\nжоқ\n\n<b>Өтініштер</b>\nжоқ\n\n"
        "<b>Курстарға жазылулар</b>\nжоқ"
    )
    assert inline_labels(held) == ["🗑 Барлық деректерімді өшіру"]


async def test_long_mydata_comes_in_whole_lines_with_the_buttons_under_the_last_part(world: World) -> None:
    person = world.person(6203, "ru")
    stories = [f"История {n}: " + f"подробности {n} & <детали> " * 120 for n in range(3)]
    for story in stories:
        await to_the_contact(person, ZHANUYA, story)
        await person.tap("Ответьте мне здесь")
        await person.tap("Только писать")
        await person.tap("Согласен")
        await person.tap("✅ Отправить")

    parts = messages(await person.send("/mydata"))  # the session refuses any part over Telegram's limit
    assert len(parts) >= 3
    assert [part.reply_markup is not None for part in parts] == [False] * (len(parts) - 1) + [True]
    assert inline_labels(parts[-1])[0].startswith("✖️ Отозвать")
    assert all(len(part.text) <= 3500 for part in parts)  # type: ignore[arg-type]
    whole = "\n".join(str(part.text) for part in parts)
    assert whole.startswith("<b>Что бот хранит о вас</b>") and whole.endswith("<b>Записи на курсы</b>\nнет")
    for story in stories:  # every piece of every story, in its place, nothing cut inside an entity
        shown = [line.removeprefix("  вы: ") for line in whole.split("\n") if line.startswith("  вы: ")]
        escaped = story.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert any(escaped.startswith(piece) for piece in shown)
    assert sum(line.startswith("  вы: ") for line in whole.split("\n")) == sum(-(-len(s) // 1000) for s in stories)


async def test_a_forged_consent_purpose_is_answered(world: World) -> None:
    person = world.person(6204, "ru")
    await person.send("/mydata")
    assert refused_with(await person.press("wd:everything"), BUTTON_GONE)
    assert refused_with(await person.press("fg:maybe"), BUTTON_GONE)
    assert refused_with(await person.press("hide:now"), BUTTON_GONE)


# ---- /forget ----


async def test_forget_asks_first_then_erases_the_person_and_tells_the_staff(logged: World) -> None:
    world = logged
    person = world.person(6301, "ru", first_name="Зарина")
    await to_the_contact(person, "kyzylorda-city", "Секретная история Зарины")
    await person.tap("Позвоните мне")
    await person.send("+7 747 987 65 43")
    await person.tap("Только после 18:00")
    await person.tap("Согласен")
    await person.tap("✅ Отправить")
    [notice] = await outbox_texts(world.db, ADMIN_ID)
    assert "Зарина" in notice and "Секретная история" in notice

    held = messages(await person.send("/mydata"))
    question = messages(await person.press(ForgetCb(confirmed=False).pack(), on=world.session.sent[id(held[-1])]))
    assert [call.text for call in question] == [ERASE_QUESTION_RU]
    assert inline_labels(question[0]) == ["🗑 Да, удалить всё"]
    await to_the_text(person, "kyzylorda-city")  # a dialog under way: /forget ends it
    asked = messages(await person.send("/forget"))
    assert [call.text for call in asked] == [ERASE_QUESTION_RU]
    assert await person.state() is None

    erased = await person.tap("Да, удалить всё")
    assert [answer.text for answer in answers(erased)] == [None]
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in erased)
    [goodbye] = messages(erased)
    assert goodbye.text == ERASED_RU and isinstance(goodbye.reply_markup, ReplyKeyboardRemove)

    assert await rows(world, "SELECT count(*) FROM users WHERE id = ?", (person.id,)) == [(0,)]
    assert await rows(world, "SELECT count(*) FROM consents") == [(0,)]
    assert await rows(world, "SELECT count(*) FROM chat_messages WHERE chat_id = ?", (person.id,)) == [(0,)]
    assert await rows(
        world, "SELECT user_id, status, contact_method, contact_name, phone, safe_contact FROM help_requests"
    ) == [(None, "new", "anonymous", None, None, None)]
    assert await rows(world, "SELECT text FROM request_messages") == [(None,)]
    # The notice that quoted her was not delivered yet: it is gone; the staff are told, in words that name nobody.
    assert await outbox_texts(world.db, ADMIN_ID) == [
        "🗑 R-000001: өтініш иесі келісімін қайтарып алып, деректерін өшіруді сұрады. Мәтіндері мен байланыс "
        "деректері өшірілді; бұл өтінішке енді жауап беру мүмкін емес."
    ]
    assert await find_person_in(world.db, person.id, ("Зарина", "747 987 65 43", "Секретная")) == []

    fresh = await person.send("привет")
    assert texts(fresh) == "Сәлеметсіз бе! Тілді таңдаңыз.\nЗдравствуйте! Выберите язык."  # the bot starts afresh


async def test_forget_leaves_no_notice_that_names_the_person_of_a_course_sign_up(world: World) -> None:
    person = world.person(6303, "ru", first_name="Зарина")
    group, _ = (await world.courses.upcoming_groups(None))[0]
    await world.courses.sign_up(group.id, person.id, "Зарина Нурланова", "+7 747 987 65 43")
    await person.send("/forget")
    await person.tap("Да, удалить всё")
    assert await rows(world, "SELECT count(*) FROM signups WHERE user_id = ?", (person.id,)) == [(0,)]
    assert await find_person_in(world.db, person.id, ("Зарина", "747 987 65 43")) == []


async def test_a_double_tap_on_the_forget_confirmation_erases_once_and_answers_both_in_kazakh(world: World) -> None:
    person = world.person(6302, "kk")
    await send_anonymously(person, ZHANUYA, "Ашық өтініш")
    [question] = messages(await person.send("/forget"))
    assert question.text.startswith("<b>Барлық деректеріңізді өшіреміз бе?</b>")
    erase = question.reply_markup.inline_keyboard[0][0]  # type: ignore[union-attr]
    assert erase.text == "🗑 Иә, бәрін өшіру" and erase.callback_data == ForgetCb(confirmed=True).pack()
    shown = world.session.sent[id(question)]

    first = await person.press(erase.callback_data, on=shown)
    second = await person.press(erase.callback_data, on=shown)
    for tap in (first, second):
        assert len(answers(tap)) == 1 and not any(answer.show_alert for answer in answers(tap))
        assert texts(messages(tap)) == "Деректеріңіз өшірілді. Қайта жазсаңыз, бот жаңадан бастайды."
    withdrawals = [text for text in await outbox_texts(world.db, ADMIN_ID) if text.startswith("🗑 R-000001")]
    assert len(withdrawals) == 1  # the staff are told once
    assert await rows(world, "SELECT user_id FROM help_requests") == [(None,)]
