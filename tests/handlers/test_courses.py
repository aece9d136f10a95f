"""handlers/courses.py through the dispatcher: topics, groups nearest first, a group's card, signing up (one person
or a couple, with or without reminders), the waiting list, the partner's link, /my and cancelling, the staff's
rosters, and reminders and started groups with a moved clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import User

from bot.courses.models import NewGroup
from bot.courses.views import session_time
from tests.handlers.conftest import ADMIN_ID, BOT_ID, Person, World, buttons, keyboard, only, outbox_texts, texts

ALMATY = {"latitude": 43.24, "longitude": 76.89}
PAVLODAR = {"latitude": 52.28, "longitude": 76.97}
RU_MENU_FIRST = "📍 Найти центр"
PAVLODAR_PHONE = "+7 (7182) 00-00-25."
INCLUSIVE = "Дети с особыми образовательными потребностями"
STARTED = "Занятия этой группы уже начались: записаться нельзя. Выберите другую."


def km(label: str) -> float:
    """The distance in a group's button: '… · Павлодар · 1 006 км · …' is 1006.0."""
    part = next(part for part in label.split(" · ") if part.endswith(" км"))
    return float(part.removesuffix(" км").replace("\xa0", "").replace(",", "."))


def alert(calls: list[Any]) -> str:
    answer = only(calls, AnswerCallbackQuery)
    assert answer.show_alert, answer
    assert len(calls) == 1, calls  # nothing else happens
    return str(answer.text)


async def ready(world: World, user_id: int, language: str) -> Person:
    person = world.person(user_id, language)
    await person.send("/start")
    await person.tap("Қазақша" if language == "kk" else "Русский")
    return person


def turn(person: Person) -> Person:
    """The person about to act: what the bot did for others since their last action is not their answer."""
    person.new_calls()
    return person


def known_as(world: World, username: str = "otbasy_test_bot") -> None:
    """The bot's own account, for links to it: the recording session answers getMe with a bare True."""
    world.bot._me = User(id=BOT_ID, is_bot=True, first_name="Otbasy", username=username)


async def add_group(world: World, slug: str, topic: str, center: str, *, seats: int = 12, days: int = 10,
                    language: str = "ru", online: bool = False) -> int:  # fmt: skip
    """A group whose two sessions are `days` and `days` + 7 from the bot's clock, on a whole hour."""
    found = await world.helpdesk.centers.by_slug(center)
    assert found is not None
    start = (world.db.clock.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    group = NewGroup(slug, topic, found.id, online, language, seats, (start, start + timedelta(days=7)))
    return await world.courses.courses.add_group(group)


async def signups(world: World, group_id: int) -> list[tuple[Any, ...]]:
    rows = await world.db.fetch_all(
        "SELECT user_id, name, phone, partner_name, partner_user_id, marriage_date, seats, status FROM signups "
        "WHERE group_id = ? ORDER BY id",
        (group_id,),
    )
    return [tuple(row) for row in rows]


async def consents(world: World, user_id: int) -> set[str]:
    rows = await world.db.fetch_all(
        "SELECT purpose FROM consents WHERE user_id = ? AND withdrawn_at IS NULL", (user_id,)
    )
    return {row[0] for row in rows}


async def open_group(person: Person, group_id: int) -> list[Any]:
    """The group's card, as its button in a list opens it (pressed on a made-up message)."""
    return await person.press(f"gr:{group_id}")


async def sign_up(person: Person, group_id: int, name: str, phone: str = "87011234567",
                  consent: str = "напоминайте") -> list[Any]:  # fmt: skip
    """From the group's card through name, phone and consent, to the answer (Russian labels)."""
    await open_group(person, group_id)
    await person.press(f"su:{group_id}")
    await person.send(name)
    await person.send(phone)
    return await person.tap(consent)


# ---- topics and groups ----


async def test_academy_and_premarital_list_their_topics(world: World) -> None:
    person = await ready(world, 7001, "ru")
    academy = await person.send("/academy")
    assert texts(academy).startswith("<b>Академия родителей</b>")
    assert buttons(academy) == [
        "Воспитание личным примером",
        "Безопасность детей — забота взрослых",
        "Цифровая безопасность детей",
        "Профилактика интернет-зависимости",
        "Общение с подростками",
        "Дети с особыми образовательными потребностями",
    ]
    premarital = await person.send("💍 Добрачный курс")
    assert texts(premarital).startswith("<b>Добрачный курс</b>") and buttons(premarital) == ["Добрачный курс"]
    kazakh = await ready(world, 7002, "kk")
    topics = await kazakh.send("👨\u200d👩\u200d👧 Ата-аналар академиясы")
    assert texts(topics).startswith("<b>Ата-аналар академиясы</b>")
    assert "Жасөспірімдермен қарым-қатынас" in buttons(topics)
    assert texts(await kazakh.send("/premarital")).startswith("<b>Некеге дейінгі курс</b>")


async def test_a_topic_lists_upcoming_groups_and_offers_the_nearest(world: World) -> None:
    person = await ready(world, 7003, "ru")
    await person.send("/academy")
    calls = await person.tap("Цифровая безопасность детей")
    listing, hint = [call for call in calls if isinstance(call, SendMessage)]
    assert listing.text.startswith("<b>Цифровая безопасность детей</b>")
    assert "Ближайшие группы, сначала ближайшие к вам:" in listing.text
    labels = buttons([listing])
    assert labels and all(" · " in label for label in labels)
    assert sum("онлайн" in label for label in labels) == 2 and "онлайн" in labels[-1]  # online after the others
    assert all("свободно" in label for label in labels)
    assert hint.text == "📍 Отправьте геопозицию, чтобы сначала увидеть ближайшие к вам группы."
    assert keyboard([hint]) == ["📍 Ближайшие ко мне", "🆘 Экстренные номера", "🏠 Главное меню"]
    assert hint.reply_markup.keyboard[0][0].request_location


async def test_groups_nearest_to_a_shared_location_come_first(world: World) -> None:
    await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city", days=3)
    await add_group(world, "teens-almaty", "teenagers", "almaty-city", days=20)
    person = await ready(world, 7004, "ru")
    await person.send("/academy")
    await person.tap("Общение с подростками")
    near_almaty = buttons(await person.share(location=ALMATY))
    assert near_almaty[0].split(" · ")[1:3] == ["Алматы", "0,1 км"]
    assert [km(label) for label in near_almaty] == sorted(km(label) for label in near_almaty)
    near_pavlodar = buttons(await person.share(location=PAVLODAR))
    assert near_pavlodar[0].split(" · ")[1:] == ["Павлодар", "0,4 км", "свободно 12 мест"]
    assert [km(label) for label in near_pavlodar] == sorted(km(label) for label in near_pavlodar)
    assert sorted(label.split(" · ")[1] for label in near_pavlodar) == sorted(
        label.split(" · ")[1] for label in near_almaty
    )  # the same groups, in another order


async def test_courses_from_a_center_card_start_at_that_center(world: World) -> None:
    await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city", days=30)
    person = await ready(world, 7005, "kk")
    await person.send("/start c_pavlodar-city")
    await person.tap("Ата-аналар академиясы")
    calls = await person.tap("Жасөспірімдермен қарым-қатынас")
    assert "Алдағы топтар, ең жақыны бірінші:" in texts(calls)
    assert "Павлодар · 0,0 км" in buttons(calls)[0]  # measured from the center, although it starts last
    assert len([call for call in calls if isinstance(call, SendMessage)]) == 1  # no "share your location" hint


async def test_no_upcoming_groups_and_gone_things(world: World) -> None:
    person = await ready(world, 7006, "ru")
    await person.send("/academy")
    world.db.clock.advance(timedelta(days=60))  # every sample group has started
    calls = await person.tap("Общение с подростками")
    listing = next(call for call in calls if isinstance(call, SendMessage))
    assert "По этой теме пока нет ближайших групп" in listing.text and listing.reply_markup is None
    assert "Этой группы больше нет" in texts(await person.press("tp:999999"))
    assert alert(await person.press("gr:999999")) == "Этой группы больше нет. Выберите другую."
    assert alert(await person.press("su:999999")) == "Этой группы больше нет. Выберите другую."


# ---- one person signs up ----


async def test_group_card_and_sign_up_with_reminders(world: World) -> None:
    group = await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city", seats=5, days=9)
    person = await ready(world, 7007, "ru")
    card = only(await open_group(person, group), SendMessage)
    assert card.text.startswith("<b>Общение с подростками</b>")
    for fragment in ("Где: Центр поддержки семьи Павлодарской области, ул. Естая, 52", "Язык: Русский",
                     "Места: свободно 5 мест", "<b>Занятия</b>", "Пример данных"):  # fmt: skip
        assert fragment in card.text, fragment
    assert card.text.count("\n• ") == 2 and buttons([card]) == ["✍️ Записаться"]

    ask = await person.tap("Записаться")
    assert only(ask, SendMessage).text == "Ваши имя и фамилия:"
    assert keyboard(ask) == ["🆘 Экстренные номера", "❌ Отмена", "🙈 Скрыть"]
    assert texts(await person.send("R2-D2")) == "Напишите имя буквами, например: Айгерим Сапарова."
    phone = await person.send("  Айгерим   Сапарова ")
    assert "номер телефона" in texts(phone) and keyboard(phone)[0] == "📱 Отправить мой номер"
    assert only(phone, SendMessage).reply_markup.keyboard[0][0].request_contact
    assert "не похоже на казахстанский мобильный номер" in texts(await person.send("12345"))
    consent = await person.send("+7 (701) 123-45-67")
    assert texts(consent).startswith("<b>Согласие на обработку персональных данных</b>")
    assert "«Центр поддержки семьи Павлодарской области»" in texts(consent)
    assert buttons(consent) == ["✅ Согласен(на), напоминайте", "✅ Согласен(на), без напоминаний", "✖️ Не согласен(на)"]
    assert await signups(world, group) == []  # nothing is stored before the consent

    done = await person.tap("напоминайте")
    assert any(isinstance(call, EditMessageReplyMarkup) for call in done)  # the consent's buttons are taken off
    answer = only(done, SendMessage).text
    assert answer.startswith("✅ <b>Вы записаны!</b>") and "Телефон центра: +7 (7182) 00-00-25" in answer
    assert "Мы напомним за день и за два часа до каждого занятия" in answer and keyboard(done)[0] == RU_MENU_FIRST
    assert await signups(world, group) == [
        (7007, "Айгерим Сапарова", "+7 701 123 45 67", None, None, None, 1, "confirmed")
    ]
    assert await consents(world, 7007) == {"course_signup", "reminders"}
    assert await world.db.fetch_value("SELECT count(*) FROM reminders WHERE user_id = 7007") == 4
    notice = await outbox_texts(world.db, ADMIN_ID)  # no staff at the sample center: the admins are told
    assert len(notice) == 1 and notice[0].startswith("✍️ Жаңа жазылу: <b>Жасөспірімдермен қарым-қатынас</b>")
    assert "Айгерим Сапарова, +7 701 123 45 67" in notice[0]

    again = only(await open_group(person, group), SendMessage)
    assert "✅ Вы записаны в эту группу." in again.text and again.reply_markup is None
    assert "свободно 4 места" in again.text
    assert alert(await person.press(f"su:{group}")) == "Вы уже записаны в эту группу."


async def test_sign_up_in_kazakh_without_reminders_and_with_a_shared_contact(world: World) -> None:
    group = await add_group(world, "digital-kostanay", "digital-safety", "kostanay-city", language="kk", seats=4)
    person = await ready(world, 7008, "kk")
    card = await open_group(person, group)
    assert "Тіл: Қазақша" in texts(card) and "Орындар: 4 бос орын" in texts(card)
    assert only(await person.tap("Жазылу"), SendMessage).text == "Атыңыз бен тегіңізді жазыңыз:"
    await person.send("Әсел Нұрланова")
    contact = {"phone_number": "+77011112233", "first_name": "Әсел", "user_id": 7008}
    consent = await person.share(contact=contact)
    assert "Дербес деректерді өңдеуге келісім" in texts(consent)
    done = only(await person.tap("еске салмаңыз"), SendMessage).text
    assert done.startswith("✅ <b>Сіз жазылдыңыз!</b>") and "/my жазылуларыңызды көрсетеді" in done
    assert "Әр сабақтың алдында" not in done  # no reminders promised to someone who did not want them
    assert await signups(world, group) == [(7008, "Әсел Нұрланова", "+7 701 111 22 33", None, None, None, 1,
                                            "confirmed")]  # fmt: skip
    assert await consents(world, 7008) == {"course_signup"}


async def test_declining_the_consent_signs_up_nobody(world: World) -> None:
    group = await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city")
    person = await ready(world, 7009, "ru")
    calls = await sign_up(person, group, "Ана Бала", consent="Не согласен")
    answer = only(calls, SendMessage)
    assert answer.text == "Без вашего согласия мы не можем вас записать. Вы можете позвонить в центр: " + PAVLODAR_PHONE
    assert keyboard(calls)[0] == RU_MENU_FIRST
    assert await signups(world, group) == [] and await consents(world, 7009) == set()
    assert await outbox_texts(world.db, ADMIN_ID) == []
    assert "Извините, я не понял" in texts(await person.send("87011234567"))  # the dialog is over


async def test_cancel_inside_the_sign_up_leaves_it(world: World) -> None:
    group = await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city")
    person = await ready(world, 7010, "ru")
    await open_group(person, group)
    await person.tap("Записаться")
    assert "Отменено" in texts(await person.send("/cancel"))
    assert "Извините, я не понял" in texts(await person.send("Айгерим Сапарова"))
    await person.press(f"su:{group}")
    assert "Главное меню" in texts(await person.send("❌ Отмена"))  # the dialog keyboard's own button
    assert await signups(world, group) == []


# ---- a full group ----


async def test_full_group_waiting_list_and_promotion_on_cancel(world: World) -> None:
    group = await add_group(world, "tiny-teens", "inclusive", "pavlodar-city", seats=1)
    first, second = await ready(world, 7011, "ru"), await ready(world, 7012, "kk")
    confirmed = texts(await sign_up(first, group, "Ана Бала"))
    assert "Вы записаны!" in confirmed

    card = await open_group(turn(second), group)
    assert "Орындар: орын жоқ, күту тізімі" in texts(card) and buttons(card) == ["⏳ Күту тізіміне жазылу"]
    await second.tap("Күту тізіміне")
    await second.send("Бала Ана")
    await second.send("87017654321")
    waiting = only(await second.tap("еске салыңыз"), SendMessage).text
    assert waiting.startswith("⏳ Топта орын жоқ: сіз күту тізімінде 1-сыз.")
    assert [row[-1] for row in await signups(world, group)] == ["confirmed", "waiting"]
    assert await world.db.fetch_value("SELECT count(*) FROM reminders WHERE user_id = 7012") == 0
    assert (await outbox_texts(world.db, ADMIN_ID))[-1].startswith("⏳ Күту тізіміне жаңа жазылу")

    mine = await turn(first).send("/my")
    assert "У вас пока нет обращений" in texts(mine)
    listing = only([call for call in mine if buttons([call])], SendMessage)
    assert listing.text.startswith("<b>Ваши записи на курсы</b>") and "подтверждено" in listing.text
    assert buttons([listing]) == ["✖️ Отменить: Дети с особыми образовательными потребностями"]
    question = await first.tap("Отменить: Дети")
    assert only(question, SendMessage).text == f"Отменить вашу запись на «{INCLUSIVE}»?"
    assert buttons(question) == ["Да, отменить"]
    done = await first.tap("Да, отменить")
    edit = only(done, EditMessageText)
    assert edit.text == "Ваша запись на «Дети с особыми образовательными потребностями» отменена."
    assert edit.reply_markup is None

    assert [row[-1] for row in await signups(world, group)] == ["cancelled", "confirmed"]
    assert (await outbox_texts(world.db, 7012))[-1].startswith("🎉 Орын босады: сіз енді «Ерекше білім беру")
    assert await world.db.fetch_value("SELECT count(*) FROM reminders WHERE user_id = 7012") == 4
    assert await world.db.fetch_value(
        "SELECT count(*) FROM reminders WHERE user_id = 7011 AND status = 'pending'"
    ) == 0  # fmt: skip
    staff = await outbox_texts(world.db, ADMIN_ID)
    assert staff[-2].startswith("✖️ Жазылу тоқтатылды") and staff[-1].startswith("🎉 Күту тізімінен ауыстырылды")
    assert "Бала Ана, +7 701 765 43 21" in staff[-1]
    second_mine = texts(await turn(second).send("/my"))
    assert "расталды" in second_mine and "Курстарға жазылуларыңыз" in second_mine
    assert "У вас нет записей на курсы" in texts(await turn(first).send("/my"))


async def test_cancel_buttons_of_others_and_a_second_tap(world: World) -> None:
    group = await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city")
    owner, other = await ready(world, 7013, "ru"), await ready(world, 7014, "ru")
    await sign_up(owner, group, "Ана Бала")
    signup_id = await world.db.fetch_value("SELECT id FROM signups WHERE user_id = 7013")
    refusal = alert(await turn(other).press(f"cx:{signup_id}"))
    assert refusal == alert(await other.press(f"cxy:{signup_id}"))
    assert await signups(world, group) == [(7013, "Ана Бала", "+7 701 123 45 67", None, None, None, 1, "confirmed")]

    await turn(owner).send("/my")
    await owner.tap("Отменить")
    await owner.tap("Да, отменить")
    assert (await signups(world, group))[0][-1] == "cancelled"
    assert alert(await owner.press(f"cx:{signup_id}")) == "Этой группы больше нет. Выберите другую."
    second_tap = await owner.press(f"cxy:{signup_id}")  # the same "Yes, cancel" once more
    assert only(second_tap, AnswerCallbackQuery).show_alert and len(second_tap) == 1
    assert len([text for text in await outbox_texts(world.db, ADMIN_ID) if text.startswith("✖️")]) == 1


# ---- a couple ----


async def test_a_couple_books_and_the_partner_joins_by_link(world: World) -> None:
    known_as(world)
    group = await add_group(world, "couples-pavlodar", "premarital", "pavlodar-city", seats=8)
    groom = await ready(world, 7015, "ru")
    card = await open_group(groom, group)
    assert buttons(card) == ["💍 Записать нас двоих"]
    await groom.tap("Записать нас двоих")
    assert texts(await groom.send("Арман Серікұлы")) == "Имя и фамилия партнёра:"
    assert "Напишите имя буквами" in texts(await groom.send("12"))
    await groom.send("Дана Әлиқызы")
    ask_date = await groom.send("+7 (777) 123-45-67")
    assert "Планируемая дата регистрации брака" in texts(ask_date) and buttons(ask_date) == ["Пропустить"]
    assert "ДД.ММ.ГГГГ" in texts(await groom.send("31.02.2027"))
    assert "ДД.ММ.ГГГГ" in texts(await groom.send("01.01.2001"))
    today = world.db.clock.now().astimezone(world.settings.zone).date()
    wedding = date(today.year + 1, 6, 15)
    consent = await groom.send(f"{wedding:%d.%m.%Y}")
    assert "Согласие на обработку" in texts(consent)
    done = await groom.tap("напоминайте")
    answer, invite = [call.text for call in done if isinstance(call, SendMessage)]
    assert answer.startswith("✅ <b>Вы записаны!</b>")
    assert invite.startswith("Отправьте эту ссылку Дана Әлиқызы:")
    assert "https://t.me/otbasy_test_bot?start=p_" in invite
    token = invite.split("start=p_")[1].split()[0]
    assert await signups(world, group) == [
        (7015, "Арман Серікұлы", "+7 777 123 45 67", "Дана Әлиқызы", None, wedding.isoformat(), 2, "confirmed")
    ]
    assert "Арман Серікұлы + Дана Әлиқызы" in (await outbox_texts(world.db, ADMIN_ID))[-1]

    own = await groom.send(f"/start p_{token}")  # the groom's own link: shown, but not his to join
    assert "Арман Серікұлы записал(а) вас обоих" in texts(own)
    assert alert(await groom.tap("Присоединиться")) == "Это ссылка на вашу собственную запись: отправьте её партнёру."

    bride = world.person(7016, "kk")
    assert buttons(await bride.send(f"/start p_{token}")) == ["✅ Қазақша", "Русский"]  # the language first
    offer = await bride.tap("Қазақша")
    assert "Қош келдіңіз" in texts(offer)
    assert "Арман Серікұлы екеуіңізді «Некеге дейінгі курс» курсына жазды" in texts(offer)
    assert buttons(offer) == ["✅ Жазылуға қосылу"]
    joined = await bride.tap("Жазылуға қосылу")
    assert "✅ <b>Сіз жазылдыңыз!</b>" in texts(joined) and "Әр сабақтың алдында" in texts(joined)
    row = await world.db.fetch_one("SELECT partner_user_id, invite_token FROM signups WHERE group_id = ?", (group,))
    assert tuple(row) == (7016, None)
    assert await consents(world, 7016) == {"course_signup", "reminders"}
    assert (await outbox_texts(world.db, 7015))[-1] == "Дана Әлиқызы присоединился(ась) к вашей записи."
    assert await world.db.fetch_value("SELECT count(*) FROM reminders WHERE user_id = 7016") == 4
    assert "Некеге дейінгі курс" in texts(await bride.send("/my"))

    stranger = await ready(world, 7017, "ru")
    used = await stranger.send(f"/start p_{token}")
    assert "Эта ссылка уже использована или запись отменена." in texts(used)
    signup_id = await world.db.fetch_value("SELECT id FROM signups WHERE group_id = ?", (group,))
    assert alert(await stranger.press(f"jb:{signup_id}")) == "Эта ссылка уже использована или запись отменена."


async def test_a_couple_skips_the_date_and_waits_when_two_seats_are_not_free(world: World) -> None:
    known_as(world)
    group = await add_group(world, "one-seat-couples", "premarital", "pavlodar-city", seats=1)
    groom = await ready(world, 7018, "ru")
    await open_group(groom, group)
    await groom.tap("Записать нас двоих")
    await groom.send("Арман Серікұлы")
    await groom.send("Дана Әлиқызы")
    await groom.send("87771234567")
    skipped = await groom.tap("Пропустить")
    assert any(isinstance(call, EditMessageReplyMarkup) for call in skipped)  # Skip is taken off
    assert "Согласие на обработку" in texts(skipped)
    done = [call.text for call in await groom.tap("напоминайте") if isinstance(call, SendMessage)]
    assert done[0].startswith("⏳ Мест нет: вы 1-й в листе ожидания.") and "start=p_" in done[1]
    assert (await signups(world, group))[0][5:] == (None, 2, "waiting")
    token = done[1].split("start=p_")[1].split()[0]

    bride = await ready(world, 7019, "ru")
    await bride.send(f"/start p_{token}")
    joined = await bride.tap("Присоединиться")
    assert "⏳ Мест нет: вы 1-й в листе ожидания." in texts(joined)
    assert await world.db.fetch_value("SELECT count(*) FROM reminders") == 0


async def test_a_join_button_without_the_link_or_for_a_cancelled_booking(world: World) -> None:
    known_as(world)
    group = await add_group(world, "couples-pavlodar", "premarital", "pavlodar-city")
    groom = await ready(world, 7020, "ru")
    await open_group(groom, group)
    await groom.tap("Записать нас двоих")
    for answer in ("Арман Серікұлы", "Дана Әлиқызы", "87771234567"):
        await groom.send(answer)
    await groom.tap("Пропустить")
    invite = [call.text for call in await groom.tap("напоминайте") if isinstance(call, SendMessage)][1]
    token = invite.split("start=p_")[1].split()[0]
    signup_id = await world.db.fetch_value("SELECT id FROM signups WHERE group_id = ?", (group,))

    forger = await ready(world, 7021, "ru")
    assert alert(await forger.press(f"jb:{signup_id}")) == "Эта ссылка уже использована или запись отменена."
    assert await world.db.fetch_value("SELECT partner_user_id FROM signups WHERE id = ?", (signup_id,)) is None

    bride = await ready(world, 7022, "ru")
    offer = await bride.send(f"/start p_{token}")
    await world.courses.cancel(signup_id, 7020)  # the groom cancels meanwhile
    assert alert(await bride.press(f"jb:{signup_id}", on=world.session.sent[id(offer[-1])])) == (
        "Эта ссылка уже использована или запись отменена."
    )
    assert "Эта ссылка уже использована" in texts(await bride.send(f"/start p_{token}"))
    assert "Эта ссылка уже использована" in texts(await bride.send("/start p_no-such-token"))


# ---- the staff's rosters ----


async def test_roster_for_the_admin_and_for_a_centers_staff(world: World) -> None:
    group = await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city", seats=1)
    empty = await add_group(world, "teens-pavlodar-later", "teenagers", "pavlodar-city", days=40)
    parent, waiting = await ready(world, 7023, "ru"), await ready(world, 7024, "ru")
    await sign_up(parent, group, "Айгерим Сапарова")
    await sign_up(waiting, group, "Бала Ана", phone="87017654321")

    admin = await ready(world, ADMIN_ID, "kk")
    rosters = await admin.send("/roster")
    assert texts(rosters) == "Орталығыңыздың топтары: тізімін көру үшін топты басыңыз."
    labels = buttons(rosters)
    assert len(labels) == 40  # every center's groups, the first forty
    own = await admin.press(f"ro:{group}", on=world.session.sent[id(rosters[0])])
    roster = only(own, SendMessage).text
    assert roster.startswith("<b>Жасөспірімдермен қарым-қатынас</b>")
    assert "Бос емес орындар: 1 орынның 1" in roster
    assert "1. Айгерим Сапарова, +7 701 123 45 67\n2. Бала Ана, +7 701 765 43 21 ⏳" in roster
    assert "Әзірге ешкім жазылған жоқ." in texts(await admin.press(f"ro:{empty}"))
    assert alert(await admin.press("ro:999999"))  # no such group: refused, nothing shown

    pavlodar = await world.helpdesk.centers.by_slug("pavlodar-city")
    assert pavlodar is not None
    await world.helpdesk.staff.add(7025, pavlodar.id)
    staff = await ready(world, 7025, "ru")
    listing = await staff.send("/roster")
    assert texts(listing) == "Группы вашего центра: нажмите на группу, чтобы увидеть список."
    assert len(buttons(listing)) == 4  # the sample group, a premarital one and the two added
    assert any("1/1" in label and "Общение с подростками" in label for label in buttons(listing))
    assert "1. Айгерим Сапарова" in texts(await staff.tap("1/1"))
    others = await world.db.fetch_value("SELECT id FROM course_groups WHERE center_id != ? LIMIT 1", (pavlodar.id,))
    assert alert(await staff.press(f"ro:{others}")) == alert(await turn(parent).press(f"ro:{group}"))


async def test_roster_refuses_people_and_shows_an_empty_center(world: World) -> None:
    parent = await ready(world, 7026, "ru")
    assert texts(await parent.send("/roster")) == "Эта команда для сотрудников центров."
    ili = await world.helpdesk.centers.by_slug("almreg-ili")  # no courses there
    assert ili is not None
    await world.helpdesk.staff.add(7027, ili.id)
    staff = await ready(world, 7027, "kk")
    calls = await staff.send("/roster")
    assert texts(calls) == "Орталығыңызда курс топтары жоқ." and buttons(calls) == []


# ---- time: reminders and groups that have started ----


async def test_reminders_with_a_moved_clock_each_once_and_only_for_who_wanted_them(world: World) -> None:
    group = await add_group(world, "reminded", "digital-safety", "kostanay-city", language="kk", seats=5, days=5)
    start = (await world.courses.courses.group(group)).starts_at  # type: ignore[union-attr]
    reminded, quiet = await ready(world, 7028, "kk"), await ready(world, 7029, "ru")
    await reminded.press(f"gr:{group}")
    await reminded.tap("Жазылу")
    await reminded.send("Әсел Нұрланова")
    await reminded.send("+77011112233")
    await reminded.tap("еске салыңыз")
    await sign_up(quiet, group, "Ана Бала", consent="без напоминаний")

    world.db.clock.set(start - timedelta(hours=25))
    assert await world.courses.send_due_reminders() == 0
    world.db.clock.set(start - timedelta(hours=23))
    assert await world.courses.send_due_reminders() == 1
    day_before = (await outbox_texts(world.db, 7028))[-1]
    assert day_before.startswith("⏰ Еске салу: «Балалардың цифрлық қауіпсіздігі» ертең,")
    assert "Қайда: Қостанай облысының отбасын қолдау орталығы" in day_before
    assert await world.courses.send_due_reminders() == 0  # once
    world.db.clock.advance(timedelta(hours=21, minutes=30))
    assert await world.courses.send_due_reminders() == 1
    assert "екі сағаттан кейін" in (await outbox_texts(world.db, 7028))[-1]
    assert not [text for text in await outbox_texts(world.db, 7029) if text.startswith("⏰")]
    assert await world.db.fetch_value("SELECT count(*) FROM reminders WHERE status = 'pending' AND user_id = 7028") == 2


async def test_a_group_that_has_started(world: World) -> None:
    group = await add_group(world, "soon", "teenagers", "pavlodar-city", days=2)
    person = await ready(world, 7030, "ru")
    await person.send("/academy")
    listing = await person.tap("Общение с подростками")
    assert any("Павлодар" in label for label in buttons(listing))
    await open_group(person, group)
    await person.tap("Записаться")
    await person.send("Ана Бала")
    await person.send("87011234567")  # the consent is asked ...
    start = (await world.courses.courses.group(group)).starts_at  # type: ignore[union-attr]
    world.db.clock.set(start + timedelta(minutes=5))  # ... and answered after the first session began
    late = await person.tap("напоминайте")
    assert STARTED in texts(late)
    assert await signups(world, group) == []
    assert alert(await person.press(f"su:{group}")) == STARTED
    await person.send("/academy")
    assert not any("Павлодар" in label for label in buttons(await person.tap("Общение с подростками")))
    admin = await ready(world, ADMIN_ID, "ru")
    label = f"{session_time(start, world.settings.zone, 'ru')} · Общение с подростками · 0/12"
    assert label in buttons(await admin.send("/roster"))  # begun but not over: still on the staff's list
    assert "Пока никто не записался." in texts(await admin.tap(label))


async def test_signed_up_meanwhile_by_another_way(world: World) -> None:
    group = await add_group(world, "teens-pavlodar", "teenagers", "pavlodar-city")
    person = await ready(world, 7031, "ru")
    await open_group(person, group)
    await person.tap("Записаться")
    await person.send("Ана Бала")
    await person.send("87011234567")
    await world.courses.sign_up(group, 7031, "Ана Бала", "+7 701 123 45 67")  # e.g. from a second phone
    calls = await person.tap("напоминайте")
    assert only(calls, SendMessage).text == "Вы уже записаны в эту группу." and keyboard(calls)[0] == RU_MENU_FIRST
    assert len(await signups(world, group)) == 1
