"""handlers/staff.py (and the admins' tools of handlers/admin.py) through the dispatcher: the staff's side of a help
request, the queue, staff groups, blocks, invites and numbers. Every action is checked where it matters: the request's
row, the audit log, what waits in the outbox for the person and for colleagues, and what the presser is answered, in
Kazakh or Russian."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import ForceReply, InlineKeyboardMarkup, Message, User

from bot.directory.models import Center
from bot.requests.models import HelpRequest, NewRequest
from tests.handlers.conftest import ADMIN_ID, BOT_ID, Person, World, outbox_texts, texts

ZHANUYA = "astana-zhanuya"  # «Жанұя» отбасы институтын қолдау орталығы
ZHANUYA_RU = "Центр поддержки института семьи «Жанұя»"
GROUP = -100500001
CITIZEN = 5001

NOT_ALLOWED = {"kk": "басқа орталыққа тиесілі", "ru": "относится к другому центру"}
BUTTON_GONE = {"kk": "Бұл батырма енді жұмыс істемейді", "ru": "Эта кнопка больше не действует"}


# ---- setting the scene ----


class Member(Person):
    """A Person whose send and press return only what their own update made the bot do. (Person.new_calls gives
    every call since that person last looked, so with several people it would include the others' calls too.)"""

    async def send(self, text: str, group_id: int | None = None, **extra: Any) -> list[Any]:
        self.new_calls()
        return await super().send(text, group_id, **extra)

    async def press(self, data: str, on: Message | None = None, group_id: int | None = None) -> list[Any]:
        self.new_calls()
        return await super().press(data, on, group_id)


def person(world: World, user_id: int, locale: str = "ru", name: str = "Test") -> Member:
    return Member(world, user_id, locale, name)


async def center(world: World, slug: str) -> Center:
    found = await world.helpdesk.centers.by_slug(slug)
    assert found is not None
    return found


async def staff_member(world: World, user_id: int, slug: str, locale: str = "kk", name: str = "Айгүл") -> Person:
    """A staff member of `slug` who has started the bot and chosen `locale`."""
    await world.helpdesk.staff.add(user_id, (await center(world, slug)).id)
    await world.helpdesk.users.touch(user_id)
    await world.helpdesk.users.set_locale(user_id, locale)
    return person(world, user_id, locale, name)


async def admin(world: World, locale: str = "ru") -> Person:
    await world.helpdesk.users.touch(ADMIN_ID)
    await world.helpdesk.users.set_locale(ADMIN_ID, locale)
    return person(world, ADMIN_ID, locale, "Admin")


async def ask(
    world: World,
    slug: str = ZHANUYA,
    text: str = "Нужна консультация психолога",
    user_id: int = CITIZEN,
    contact: str = "telegram",
    urgent: bool = False,
) -> HelpRequest:
    """A Russian-speaking person's request, as the request dialog submits it."""
    await world.helpdesk.users.touch(user_id)
    await world.helpdesk.users.set_locale(user_id, "ru")
    name = "Мария" if contact != "anonymous" else None
    new = NewRequest(user_id, (await center(world, slug)).id, "other", urgent, contact, name, None, "ru", text)
    return await world.helpdesk.submit(new)


async def bind_group(world: World, staff: Person, group_id: int = GROUP) -> None:
    await staff.send("/bind", group_id=group_id)
    assert await bound_center(world, group_id) in await world.helpdesk.staff.centers_of(staff.id)


async def delivered(world: World, request: HelpRequest, chat_id: int, message_id: int) -> None:
    """As the outbox worker records a notice it delivered: the notices then follow the request's state."""
    await world.helpdesk.requests.add_notice(request.id, chat_id, message_id)


def with_bot_username(world: World) -> None:
    """/invite asks the bot for its username (bot.me()); the recording session answers getMe with True."""
    world.bot._me = User(id=BOT_ID, is_bot=True, first_name="Otbasy", username="otbasy_test_bot")


# ---- reading what happened ----


async def outbox(world: World, chat_id: int) -> list[dict[str, Any]]:
    """What waits in the outbox for a chat: each row's parameters, with its method under "method"."""
    rows = await world.db.fetch_all("SELECT method, payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [{"method": row[0], **json.loads(row[1])} for row in rows]


def buttons(markup: Any) -> dict[str, str]:
    """Inline buttons, label to callback data, of a markup (an object or its dict in an outbox row)."""
    if markup is None:
        return {}
    if isinstance(markup, InlineKeyboardMarkup):
        markup = markup.model_dump(exclude_none=True)
    return {button["text"]: button["callback_data"] for row in markup.get("inline_keyboard", []) for button in row}


def alert(calls: list[Any]) -> AnswerCallbackQuery:
    """The press's answer: exactly one, whatever else the bot did."""
    answers = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    assert len(answers) == 1, calls
    return answers[0]


def messages(calls: list[Any], chat_id: int) -> list[SendMessage]:
    return [call for call in calls if isinstance(call, SendMessage) and call.chat_id == chat_id]


def shown(world: World, call: SendMessage) -> Message:
    """The message a recorded sendMessage made, as a later press or reply would carry it."""
    return world.session.sent[id(call)]


def reply_to(world: World, call: SendMessage) -> dict[str, Any]:
    """`reply_to_message` of a message that answers the bot's message: in a group, how a staff member's text comes."""
    return shown(world, call).model_dump(exclude_none=True)


async def request_row(world: World, request: HelpRequest) -> HelpRequest:
    current = await world.helpdesk.requests.get(request.id)
    assert current is not None
    return current


async def audit(world: World, request: HelpRequest | None = None) -> list[tuple[int, str, str | None]]:
    if request is None:
        rows = await world.db.fetch_all("SELECT actor_id, action, detail FROM audit_log WHERE request_id IS NULL")
    else:
        rows = await world.db.fetch_all(
            "SELECT actor_id, action, detail FROM audit_log WHERE request_id = ? ORDER BY id", (request.id,)
        )
    return [(row[0], row[1], row[2]) for row in rows]


async def thread(world: World, request: HelpRequest) -> list[tuple[str, int | None, str]]:
    rows = await world.db.fetch_all(
        "SELECT author, staff_id, text FROM request_messages WHERE request_id = ? ORDER BY id", (request.id,)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def bound_center(world: World, chat_id: int = GROUP) -> int | None:
    group = await world.helpdesk.groups.of_chat(chat_id)
    return group.center_id if group else None


# ---- take ----


async def test_take_tells_the_person_updates_colleagues_and_a_second_take_is_refused(world: World) -> None:
    aigul = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    dana = await staff_member(world, 42, ZHANUYA, "ru", "Дана")
    request = await ask(world, text="<b>Муж</b> & я ругаемся")
    notice_kk, notice_ru = (await outbox(world, 41))[0], (await outbox(world, 42))[0]
    assert list(buttons(notice_kk["reply_markup"])) == [
        "🙋 Алу", "💬 Жауап беру", "✅ Шешілді", "➡️ Басқаға беру", "📝 Жазба", "🚫 Спам", "⛔ Жіберушіні бұғаттау",
    ]  # fmt: skip
    assert buttons(notice_ru["reply_markup"])["🙋 Взять"] == f"tk:{request.id}"
    assert "&lt;b&gt;Муж&lt;/b&gt; &amp; я" in notice_ru["text"]  # the person's text, escaped
    await delivered(world, request, 42, 77)

    answer = alert(await aigul.press(buttons(notice_kk["reply_markup"])["🙋 Алу"]))
    assert answer.text == "🙋" and not answer.show_alert
    taken = await request_row(world, request)
    assert (taken.status, taken.assignee_id, taken.last_actor) == ("in_progress", 41, "Айгүл")
    assert (41, "in_progress", None) in await audit(world, request)
    assert await outbox_texts(world.db, CITIZEN) == [f"Ваше обращение {request.number}: специалист работает над ним."]
    edit = (await outbox(world, 42))[-1]  # Dana's notice, in Russian, shows who took it and loses «Взять»
    assert edit["method"] == "editMessageText" and edit["message_id"] == 77
    assert "🙋 Взял(а): Айгүл" in edit["text"] and "🙋 Взять" not in buttons(edit["reply_markup"])

    refused = alert(await dana.press(f"tk:{request.id}"))
    assert refused.show_alert and refused.text == "Это обращение уже взял другой сотрудник."
    assert (await request_row(world, request)).assignee_id == 41
    assert len(await outbox_texts(world.db, CITIZEN)) == 1


async def test_taking_a_closed_request_says_it_is_closed(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA)
    request = await ask(world)
    await staff.press(f"rs:{request.id}")
    refused = alert(await staff.press(f"tk:{request.id}"))
    assert refused.show_alert and refused.text == "Бұл өтініш жабылған."
    assert (await request_row(world, request)).status == "resolved"


# ---- rights on every press ----

PRESSES = ["tk:{id}", "rs:{id}", "sp:{id}", "sr:{id}", "nt:{id}", "tf:{id}", "tt:{id}:{other}", "bk:{id}", "qo:{id}",
           "sv:{id}:{reply}"]  # fmt: skip


@pytest.mark.parametrize("data", PRESSES, ids=[data.split(":")[0] for data in PRESSES])
async def test_a_stranger_is_refused_every_action_on_a_request(world: World, data: str) -> None:
    await bind_group(world, await staff_member(world, 41, ZHANUYA))
    other_staff = await staff_member(world, 51, "almaty-city", "kk", "Бөтен")  # staff, of another center
    nobody = person(world, 52, "ru", "Иван")  # not staff at all
    outsider = person(world, 53, "kk", "Қонақ")  # a member of the center's staff group who is not staff
    request = await ask(world)
    reply = await world.helpdesk.saved_replies.add(request.center_id, "ru", "Запись", "Приходите в среду.")
    forged = data.format(id=request.id, other=(await center(world, "almaty-city")).id, reply=reply)
    before = await outbox(world, CITIZEN), await outbox(world, GROUP)

    for who, locale, group_id in ((other_staff, "kk", None), (nobody, "ru", None), (outsider, "kk", GROUP)):
        calls = await who.press(forged, group_id=group_id)
        assert len(calls) == 1 and calls[0].show_alert and NOT_ALLOWED[locale] in calls[0].text

    unchanged = await request_row(world, request)
    assert (unchanged.status, unchanged.assignee_id, unchanged.center_id) == ("new", None, request.center_id)
    assert await audit(world, request) == []
    assert (await outbox(world, CITIZEN), await outbox(world, GROUP)) == before
    assert not await world.helpdesk.blocks.is_blocked(CITIZEN)


HUGE = "99999999999999999999999"  # beyond any row id: the data does not parse, and no handler's query runs
FORGED = [f"tk:{HUGE}", "tk:-1", "tk:abc", "tk:", "tk:1:2", "rs:1e3", "sp:9223372036854775808", f"sv:1:{HUGE}",
          f"tt:1:{HUGE}", f"bk:{HUGE}", f"ub:{HUGE}", f"qp:{HUGE}", f"gbd:{HUGE}:1:1", "qo:"]  # fmt: skip


@pytest.mark.parametrize("data", FORGED)
async def test_forged_callback_data_is_answered_and_changes_nothing(world: World, data: str) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "ru")
    request = await ask(world)
    before = await outbox(world, CITIZEN)
    for who, locale in ((staff, "ru"), (await admin(world, "kk"), "kk")):
        calls = await who.press(data)
        assert len(calls) == 1 and calls[0].show_alert and BUTTON_GONE[locale] in calls[0].text
    assert (await request_row(world, request)).status == "new"
    assert await audit(world, request) == [] and await outbox(world, CITIZEN) == before


async def test_a_press_on_a_request_that_does_not_exist_is_refused(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA)
    for data in ("tk:424242", "sr:424242", "bk:424242", "tt:424242:1", "sv:424242:1", "qo:0"):
        refused = alert(await staff.press(data))
        assert refused.show_alert and NOT_ALLOWED["kk"] in refused.text
    assert await world.db.fetch_value("SELECT count(*) FROM audit_log") == 0


# ---- reply: in a private chat ----


async def test_an_answer_in_a_private_chat_reaches_the_person_and_takes_the_request(world: World) -> None:
    aigul = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    request = await ask(world)

    calls = await aigul.press(f"sr:{request.id}")
    assert alert(calls).text is None  # answered at once, silently
    (prompt,) = messages(calls, 41)
    assert prompt.text == f"{request.number} өтінішіне жауабыңызды бір хабарламамен жазыңыз."
    assert prompt.reply_markup is None  # the center has no saved replies

    sent = await aigul.send("<b>Сәлеметсіз бе</b> & көмектесеміз")
    (done,) = messages(sent, 41)
    assert done.text == "Жіберілді." and done.reply_markup is not None  # the main menu is back
    taken = await request_row(world, request)
    assert (taken.status, taken.assignee_id) == ("in_progress", 41)  # answering is taking
    assert await thread(world, request) == [
        ("person", None, "Нужна консультация психолога"),
        ("staff", 41, "<b>Сәлеметсіз бе</b> & көмектесеміз"),
    ]
    assert [action for _, action, _ in await audit(world, request)] == ["answer", "in_progress"]
    status, answer = await outbox(world, CITIZEN)
    assert "специалист работает" in status["text"]
    assert answer["text"] == (
        f"<b>{ZHANUYA_RU}</b> · {request.number}\n\n&lt;b&gt;Сәлеметсіз бе&lt;/b&gt; &amp; көмектесеміз"
    )  # signed by the center, in the person's language, never by the staff member
    assert buttons(answer["reply_markup"]) == {"↩️ Ответить": f"pr:{request.id}"}

    await aigul.send("Тағы бір нәрсе")  # the wait is over: this is not a second answer
    assert len(await outbox(world, CITIZEN)) == 2


async def test_cancel_in_a_private_chat_sends_nothing(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "ru", "Дана")
    request = await ask(world)
    await staff.press(f"sr:{request.id}")
    assert "Отменено" in texts(await staff.send("/cancel"))
    await staff.send("Это уже не ответ")
    assert await outbox(world, CITIZEN) == [] and (await request_row(world, request)).status == "new"


async def test_an_answer_after_the_right_was_withdrawn_is_refused(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "ru")
    request = await ask(world)
    await staff.press(f"sr:{request.id}")
    await world.helpdesk.staff.remove(41, request.center_id)
    assert NOT_ALLOWED["ru"] in texts(await staff.send("Ответ после увольнения"))
    assert await outbox(world, CITIZEN) == []
    assert [author for author, _, _ in await thread(world, request)] == ["person"]


async def test_an_answer_to_a_request_closed_meanwhile_is_not_sent(world: World) -> None:
    aigul = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    dana = await staff_member(world, 42, ZHANUYA, "ru", "Дана")
    request = await ask(world)
    await aigul.press(f"sr:{request.id}")
    await dana.press(f"rs:{request.id}")
    assert texts(await aigul.send("Кеш жауап")) == "Бұл өтініш жабылған."
    assert [row["text"] for row in await outbox(world, CITIZEN)] == [
        f"Ваше обращение {request.number} решено. Насколько центр вам помог?"
    ]
    assert alert(await aigul.press(f"sr:{request.id}")).text == "Бұл өтініш жабылған."


# ---- reply: in a staff group ----


async def test_in_a_group_the_prompt_mentions_the_staff_member_and_the_answer_comes_as_a_reply(world: World) -> None:
    aigul = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    erlan = await staff_member(world, 42, ZHANUYA, "kk", "Ерлан")
    await bind_group(world, aigul)
    request = await ask(world, text="Как оформить пособие на ребёнка?")
    (notice,) = await outbox(world, GROUP)
    assert await outbox(world, 41) == [] and "пособие" in notice["text"]  # a bound group gets the notices

    calls = await aigul.press(f"sr:{request.id}", group_id=GROUP)
    assert messages(calls, 41) == []  # asked in the group, not privately
    (prompt,) = messages(calls, GROUP)
    assert prompt.text.startswith('👤 <a href="tg://user?id=41">Айгүл</a>: ')
    assert f"{request.number} өтінішіне жауабыңызды" in prompt.text and "жауап (Reply)" in prompt.text
    assert prompt.reply_markup == ForceReply(force_reply=True, selective=True)

    assert await erlan.send("Кім алады бұны?", group_id=GROUP) == []  # a colleague's message is not the answer
    replied = await aigul.send("Құжаттар тізімін жібереміз", group_id=GROUP, reply_to_message=reply_to(world, prompt))
    (done,) = messages(replied, GROUP)
    assert done.text == "Жіберілді." and done.reply_markup is None  # no private menu in a group
    assert (await outbox(world, CITIZEN))[-1]["text"].endswith("Құжаттар тізімін жібереміз")
    assert await thread(world, request) == [
        ("person", None, "Как оформить пособие на ребёнка?"),
        ("staff", 41, "Құжаттар тізімін жібереміз"),
    ]


async def test_in_a_group_a_command_while_the_text_is_awaited_asks_again_and_cancel_stops(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    await bind_group(world, staff)
    request = await ask(world)
    await staff.press(f"sr:{request.id}", group_id=GROUP)

    calls = await staff.send("/help", group_id=GROUP)
    (reminder,) = messages(calls, GROUP)
    assert reminder.text.startswith(f"{request.number} бойынша мәтініңізді әлі күтемін")
    assert reminder.reply_markup == ForceReply(force_reply=True, selective=True)
    assert reminder.reply_parameters is not None  # a reply to their /help: their reply box opens again
    await staff.send("Мектеп психологымен сөйлесейік", group_id=GROUP, reply_to_message=reply_to(world, reminder))
    assert [text for text in await outbox_texts(world.db, CITIZEN) if "/help" in text] == []
    assert (await outbox_texts(world.db, CITIZEN))[-1].endswith("Мектеп психологымен сөйлесейік")

    await staff.press(f"nt:{request.id}", group_id=GROUP)
    assert texts(await staff.send("/cancel", group_id=GROUP)) == "Тоқтатылды: ештеңе жіберілген жоқ."
    assert await staff.send("Бұл жазба емес", group_id=GROUP) == []
    assert [author for author, _, _ in await thread(world, request)] == ["person", "staff"]


# ---- saved replies ----


async def test_saved_replies_in_the_persons_language_send_in_one_tap(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "kk", "Гүлмира")
    request = await ask(world)
    replies = world.helpdesk.saved_replies
    ru = await replies.add(request.center_id, "ru", "Запись", "Приходите в среду к 10:00.")
    await replies.add(request.center_id, "kk", "Жазылу", "Сәрсенбі 10:00-де келіңіз.")
    elsewhere = await replies.add((await center(world, "almaty-city")).id, "ru", "Чужой", "Не наш ответ.")

    (prompt,) = messages(await staff.press(f"sr:{request.id}"), 41)
    assert buttons(prompt.reply_markup) == {"📋 Запись": f"sv:{request.id}:{ru}"}  # only the person's language

    refused = alert(await staff.press(f"sv:{request.id}:{elsewhere}"))
    assert refused.show_alert and NOT_ALLOWED["kk"] in refused.text  # another center's reply on our request
    assert alert(await staff.press(f"sv:{request.id}:424242")).show_alert

    sent = alert(await staff.press(f"sv:{request.id}:{ru}", on=shown(world, prompt)))
    assert sent.text == "Жіберілді." and not sent.show_alert
    answered = await outbox_texts(world.db, CITIZEN)
    assert answered[-1] == f"<b>{ZHANUYA_RU}</b> · {request.number}\n\nПриходите в среду к 10:00."
    assert (await request_row(world, request)).status == "in_progress"
    assert (41, "answer", None) in await audit(world, request)
    await staff.send("Артық мәтін")  # the wait for typed text ended with the tap
    assert await outbox_texts(world.db, CITIZEN) == answered

    await staff.press(f"rs:{request.id}")
    assert alert(await staff.press(f"sv:{request.id}:{ru}")).text == "Бұл өтініш жабылған."


async def test_in_a_group_saved_replies_come_in_a_message_of_their_own(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "kk", "Гүлмира")
    await bind_group(world, staff)
    request = await ask(world)
    saved = await world.helpdesk.saved_replies.add(request.center_id, "ru", "Запись", "Приходите в среду.")
    prompt, choices = messages(await staff.press(f"sr:{request.id}", group_id=GROUP), GROUP)
    assert isinstance(prompt.reply_markup, ForceReply)
    assert choices.text == "Немесе орталықтың сақталған жауаптарының бірін жіберіңіз:"
    assert buttons(choices.reply_markup) == {"📋 Запись": f"sv:{request.id}:{saved}"}


# ---- note ----


async def test_a_note_reaches_colleagues_in_their_language_and_never_the_person(world: World) -> None:
    akbota = await staff_member(world, 41, ZHANUYA, "kk", "Ақбота")
    await staff_member(world, 42, ZHANUYA, "ru", "Ержан")
    request = await ask(world)
    person_before = await outbox(world, CITIZEN)

    (prompt,) = messages(await akbota.press(f"nt:{request.id}"), 41)
    assert prompt.text == f"{request.number} бойынша ішкі жазба жазыңыз. Өтініш иесі оны көрмейді."
    saved = await akbota.send("Мектеп психологына <хабарластым>")
    assert texts(saved) == "Жазба сақталды және орталық қызметкерлеріне көрсетілді."

    note = (await outbox(world, 42))[-1]
    assert note["text"] == (
        f"📝 {request.number}: внутренняя заметка от Ақбота (заявитель её не видит):\n\n"
        "Мектеп психологына &lt;хабарластым&gt;"
    )
    assert len(await outbox(world, 41)) == 1  # the author gets their own notice only, not the note
    assert await outbox(world, CITIZEN) == person_before
    assert await thread(world, request) == [
        ("person", None, "Нужна консультация психолога"),
        ("note", 41, "Мектеп психологына <хабарластым>"),
    ]
    assert (41, "note", None) in await audit(world, request)
    assert (await request_row(world, request)).status == "new"  # a note does not take the request


async def test_an_anonymous_request_shows_staff_no_identity(world: World) -> None:
    staff = await staff_member(world, 41, "shymkent-city", "kk", "Ерлан")
    request = await ask(world, "shymkent-city", "Вопрос о разводе", contact="anonymous")
    await staff.press(f"qo:{request.id}")  # the notice, and the same again opened from /queue
    for notice in await outbox(world, 41):
        assert "Байланыс: жасырын; бот арқылы жауап беріңіз" in notice["text"]
        assert "Мария" not in notice["text"] and str(CITIZEN) not in notice["text"]


# ---- transfer ----


async def test_transfer_offers_the_nearest_centers_and_moves_the_request_and_its_rights(world: World) -> None:
    aisha = await staff_member(world, 41, "almaty-city", "kk", "Айша")
    bota = await staff_member(world, 42, "almaty-auezov", "kk", "Бота")
    auezov = await center(world, "almaty-auezov")
    request = await ask(world, "almaty-city", "Нужен юрист по алиментам")
    await aisha.press(f"tk:{request.id}")
    await delivered(world, request, 41, 77)

    (offer,) = messages(await aisha.press(f"tf:{request.id}"), 41)
    assert offer.text == f"{request.number} өтінішін қай орталыққа жібереміз?"
    choices = buttons(offer.reply_markup)
    assert len(choices) == 6 and next(iter(choices)) == "Әуезов ауданының отбасын қолдау орталығы"  # the nearest
    assert all(data.startswith(f"tt:{request.id}:") for data in choices.values())

    calls = await aisha.press(choices["Әуезов ауданының отбасын қолдау орталығы"], on=shown(world, offer))
    assert alert(calls).text == "«Әуезов ауданының отбасын қолдау орталығы» орталығына жіберілді."
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in calls)
    moved = await request_row(world, request)
    assert (moved.center_id, moved.status, moved.assignee_id) == (auezov.id, "new", None)
    assert (41, "transfer", "almaty-auezov") in await audit(world, request)
    closed = (await outbox(world, 41))[-1]  # Aisha's notice says where it went and loses its buttons
    assert closed["method"] == "editMessageText" and closed["message_id"] == 77
    assert "➡️ «Әуезов ауданының отбасын қолдау орталығы» орталығына берілді" in closed["text"]
    assert "reply_markup" not in closed
    (new_notice,) = await outbox(world, 42)
    assert "Нужен юрист по алиментам" in new_notice["text"] and "🙋 Алу" in buttons(new_notice["reply_markup"])
    assert (await outbox_texts(world.db, CITIZEN))[-1] == (
        f"Ваше обращение {request.number} передано в «Центр поддержки семьи Ауэзовского района»: "
        "там вам смогут помочь лучше."
    )

    assert NOT_ALLOWED["kk"] in alert(await aisha.press(f"tk:{request.id}")).text  # the rights went with it
    assert alert(await bota.press(f"tk:{request.id}")).text == "🙋"
    assert (await request_row(world, request)).assignee_id == 42


async def test_transfer_refusals(world: World) -> None:
    staff = await staff_member(world, 41, "almaty-city", "ru", "Айша")
    request = await ask(world, "almaty-city")
    refused = alert(await staff.press(f"tt:{request.id}:424242"))  # no such center
    assert refused.show_alert and NOT_ALLOWED["ru"] in refused.text
    own = alert(await staff.press(f"tt:{request.id}:{request.center_id}"))  # to the center it is at
    assert own.show_alert
    assert (await request_row(world, request)).center_id == request.center_id
    await staff.press(f"sp:{request.id}")
    auezov = await center(world, "almaty-auezov")
    assert alert(await staff.press(f"tt:{request.id}:{auezov.id}")).text == "Это обращение уже закрыто."
    assert alert(await staff.press(f"tf:{request.id}")).text == "Это обращение уже закрыто."
    assert (await request_row(world, request)).center_id == request.center_id
    assert [action for _, action, _ in await audit(world, request)] == ["spam"]


async def test_in_a_group_transfer_offers_buttons_there_and_no_reply_box(world: World) -> None:
    staff = await staff_member(world, 41, "almreg-konaev", "kk", "Айгүл")
    await bind_group(world, staff)
    request = await ask(world, "almreg-konaev", "Вопрос не к нашему центру")
    calls = await staff.press(f"tf:{request.id}", group_id=GROUP)
    (offer,) = messages(calls, GROUP)
    assert isinstance(offer.reply_markup, InlineKeyboardMarkup) and buttons(offer.reply_markup)
    assert not any(isinstance(getattr(call, "reply_markup", None), ForceReply) for call in calls)
    assert messages(calls, 41) == []


# ---- resolve and spam ----


async def test_resolve_asks_the_person_for_a_rating_and_closes_the_notices(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "ru", "Салтанат")
    request = await ask(world)
    await delivered(world, request, 41, 77)
    answer = alert(await staff.press(f"rs:{request.id}"))
    assert answer.text == "✅" and not answer.show_alert
    resolved = await request_row(world, request)
    assert (resolved.status, resolved.last_actor) == ("resolved", "Салтанат")
    assert (41, "resolved", None) in await audit(world, request)
    (rating,) = await outbox(world, CITIZEN)
    assert rating["text"] == f"Ваше обращение {request.number} решено. Насколько центр вам помог?"
    assert list(buttons(rating["reply_markup"]).values()) == [f"rt:{request.id}:{score}" for score in range(1, 6)]
    edit = (await outbox(world, 41))[-1]
    assert "✅ Решил(а): Салтанат" in edit["text"] and "reply_markup" not in edit

    again = alert(await staff.press(f"rs:{request.id}"))
    assert again.show_alert and again.text == "Это обращение уже закрыто."
    assert len(await outbox(world, CITIZEN)) == 1


async def test_spam_closes_the_request_and_its_buttons(world: World) -> None:
    nurlan = await staff_member(world, 41, "jambyl-taraz", "kk", "Нұрлан")
    request = await ask(world, "jambyl-taraz", "купите рекламу дешево")
    await delivered(world, request, 41, 77)
    assert alert(await nurlan.press(f"sp:{request.id}")).text == "🚫"
    assert (await request_row(world, request)).status == "spam"
    assert await outbox_texts(world.db, CITIZEN) == [f"Ваше обращение {request.number}: закрыто."]
    edit = (await outbox(world, 41))[-1]
    assert "🚫 Спам ретінде жапқан: Нұрлан" in edit["text"] and "reply_markup" not in edit
    for data in (f"sp:{request.id}", f"rs:{request.id}", f"tk:{request.id}", f"sr:{request.id}"):
        refused = alert(await nurlan.press(data))
        assert refused.show_alert and refused.text == "Бұл өтініш жабылған."
    assert [action for _, action, _ in await audit(world, request)] == ["spam"]


# ---- block and unblock ----


async def test_block_the_sender_then_an_admin_lifts_it(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    boss = await admin(world, "ru")
    request = await ask(world, text="спам спам спам")

    blocked = alert(await staff.press(f"bk:{request.id}"))
    assert blocked.show_alert and blocked.text == "Жіберуші бұғатталды: оның өтініштері енді орталыққа жетпейді."
    assert await world.helpdesk.blocks.is_blocked(CITIZEN)
    assert (await request_row(world, request)).status == "spam"
    assert [action for _, action, _ in await audit(world, request)] == ["block", "spam"]
    notices = len(await outbox(world, 41))
    later = await ask(world, text="снова спам")
    assert (await request_row(world, later)).status == "spam" and len(await outbox(world, 41)) == notices

    assert texts(await staff.send("/blocked")) == "Бұл команда әкімшілерге арналған."
    (listing,) = messages(await boss.send("/blocked"), ADMIN_ID)
    assert listing.text.startswith("<b>Заблокированные отправители</b>\n• " + request.number)
    assert buttons(listing.reply_markup) == {f"Разблокировать отправителя {request.number}": f"ub:{CITIZEN}"}

    refused = alert(await staff.press(f"ub:{CITIZEN}"))
    assert refused.show_alert and refused.text == "Бұл команда әкімшілерге арналған."
    assert await world.helpdesk.blocks.is_blocked(CITIZEN)
    lifted = alert(await boss.press(f"ub:{CITIZEN}", on=shown(world, listing)))
    assert lifted.show_alert and lifted.text == "Блокировка снята."
    assert not await world.helpdesk.blocks.is_blocked(CITIZEN)
    assert (ADMIN_ID, "unblock", None) in await audit(world)
    assert texts(await boss.send("/blocked")) == "Никто не заблокирован."
    back = await ask(world, text="теперь по делу")
    assert (await request_row(world, back)).status == "new" and len(await outbox(world, 41)) == notices + 1


async def test_blocking_from_a_closed_request_keeps_its_status(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "ru")
    request = await ask(world)
    await staff.press(f"rs:{request.id}")
    assert alert(await staff.press(f"bk:{request.id}")).text.startswith("Отправитель заблокирован")
    assert (await request_row(world, request)).status == "resolved"
    assert await world.helpdesk.blocks.is_blocked(CITIZEN)


# ---- the queue ----


async def test_the_queue_urgent_first_a_page_at_a_time(world: World) -> None:
    samat = await staff_member(world, 41, "north-kz-petropavl", "kk", "Самат")
    plain = [await ask(world, "north-kz-petropavl", f"Обычный вопрос {n}", user_id=6000 + n) for n in range(5)]
    urgent = await ask(world, "north-kz-petropavl", "Отец угрожает нам", user_id=6010, urgent=True)
    done = await ask(world, "north-kz-petropavl", "Уже решено", user_id=6011)
    await samat.press(f"rs:{done.id}")
    await ask(world, "almaty-city", "Чужой центр", user_id=6012)

    assert (await outbox(world, 41))[5]["text"].startswith(f"🚨 ШҰҒЫЛ · <b>{urgent.number}</b>")
    (page,) = messages(await samat.send("/queue"), 41)
    assert page.text.startswith("<b>Ашық өтініштер: 6</b> (2 беттің 1-беті)\n🚨 <b>" + urgent.number)
    assert list(buttons(page.reply_markup).items()) == [
        (f"🚨 {urgent.number}", f"qo:{urgent.id}"),
        *[(request.number, f"qo:{request.id}") for request in plain[:4]],
        ("➡️", "qp:2"),
    ]
    calls = await samat.press("qp:2", on=shown(world, page))
    (second,) = [call for call in calls if isinstance(call, EditMessageText)]
    assert second.message_id == shown(world, page).message_id and "(2 беттің 2-беті)" in second.text
    assert buttons(second.reply_markup) == {plain[4].number: f"qo:{plain[4].id}", "⬅️": "qp:1"}

    before = len(await outbox(world, 41))
    assert alert(await samat.press(f"qo:{plain[4].id}")).text is None
    resent = (await outbox(world, 41))[before:]
    assert len(resent) == 1 and "Обычный вопрос 4" in resent[0]["text"]
    assert buttons(resent[0]["reply_markup"])["🙋 Алу"] == f"tk:{plain[4].id}"


async def test_the_queue_is_for_staff_and_admins_see_every_center(world: World) -> None:
    await staff_member(world, 41, ZHANUYA)
    await ask(world, ZHANUYA, user_id=6001)
    await ask(world, "almaty-city", user_id=6002)
    assert texts(await person(world, 52, "ru").send("/queue")) == "Эта команда для сотрудников центров."
    assert texts(await person(world, 53, "kk").send("/queue")) == "Бұл команда орталық қызметкерлеріне арналған."
    refused = alert(await person(world, 52, "ru").press("qp:1"))  # a page of the queue, pressed by a stranger
    assert refused.show_alert and BUTTON_GONE["ru"] in refused.text
    assert "<b>Открытых обращений: 2</b>" in texts(await (await admin(world, "ru")).send("/queue"))
    empty = await staff_member(world, 43, "mangystau-aktau", "ru")
    assert texts(await empty.send("/queue")) == "Открытых обращений нет. 🎉"


async def test_the_queue_in_a_group_and_it_ends_a_wait_for_text(world: World) -> None:
    staff = await staff_member(world, 41, "astana-esil", "kk", "Айгүл")
    await bind_group(world, staff)
    request = await ask(world, "astana-esil", "Нужна консультация юриста")
    await staff.press(f"sr:{request.id}", group_id=GROUP)
    assert "Ашық өтініштер: 1" in texts(await staff.send("/queue", group_id=GROUP))
    assert await staff.send("Бұл жауап емес", group_id=GROUP) == []  # /queue ended the wait
    assert await outbox(world, CITIZEN) == []


# ---- staff groups: /bind, rebinding, /unbind ----


async def test_bind_who_may_and_which_center(world: World) -> None:
    zhanuya, esil = await center(world, ZHANUYA), await center(world, "astana-esil")
    nobody = person(world, 52, "ru", "Иван")
    assert texts(await nobody.send("/bind", group_id=GROUP)).startswith("Привязать группу может только сотрудник")
    assert texts(await nobody.send(f"/bind {ZHANUYA}", group_id=GROUP)).startswith("Привязать группу")
    two = await staff_member(world, 41, ZHANUYA, "kk", "Гаухар")
    await world.helpdesk.staff.add(41, esil.id)
    assert texts(await two.send("/bind", group_id=GROUP)).startswith("Топты тек орталық қызметкері")  # which one?
    assert texts(await two.send("/bind almaty-city", group_id=GROUP)).startswith("Топты тек")  # not hers
    assert texts(await two.send("/bind no-such-center", group_id=GROUP)).startswith("Топты тек")
    assert await bound_center(world) is None

    bound = texts(await two.send(f"/bind {ZHANUYA}", group_id=GROUP))
    assert bound == "Енді бұл топқа ««Жанұя» отбасы институтын қолдау орталығы» өтініштері келеді."
    assert await bound_center(world) == zhanuya.id
    assert (41, "bind", str(GROUP)) in await audit(world)
    request = await ask(world)
    assert [row["chat_id"] for row in await outbox(world, GROUP)] == [GROUP]
    assert await outbox(world, 41) == []
    assert request.center_id == zhanuya.id

    boss = await admin(world, "ru")
    assert texts(await boss.send("/bind almaty-city", group_id=-100500002)).startswith("Теперь в эту группу")
    assert await bound_center(world, -100500002) == (await center(world, "almaty-city")).id


async def test_binding_a_forum_gives_each_request_a_topic(world: World) -> None:
    staff = await staff_member(world, 41, "turkistan-city", "kk", "Дәурен")
    forum = {"id": GROUP, "type": "supergroup", "title": "Түркістан ОҚО", "is_forum": True}
    bound = texts(await staff.send("/bind", group_id=GROUP, chat=forum))
    assert bound.endswith("\nӘр өтінішке жеке тақырып ашылады.")
    request = await ask(world, "turkistan-city", "Вопрос для группы")
    topic, notice = await outbox(world, GROUP)
    assert topic["method"] == "createForumTopic" and topic["name"].startswith(request.number)
    assert notice["method"] == "sendMessage" and "Вопрос для группы" in notice["text"]


async def test_another_centers_staff_cannot_take_over_a_group(world: World) -> None:
    owner = await staff_member(world, 41, "pavlodar-city", "kk", "Арман")
    intruder = await staff_member(world, 51, "kostanay-city", "kk", "Бекзат")
    await bind_group(world, owner)
    pavlodar = await center(world, "pavlodar-city")

    taken = f"Бұл топ «{pavlodar.name('kk')}» өтініштерін алады. Мұны тек сол орталықтың қызметкерлері немесе әкімші"
    assert texts(await intruder.send("/bind", group_id=GROUP)).startswith(taken)
    assert texts(await intruder.send("/unbind", group_id=GROUP)).startswith(taken)
    assert await bound_center(world) == pavlodar.id
    assert [action for _, action, _ in await audit(world)] == ["bind"]

    await ask(world, "pavlodar-city", "Павлодар: обращение после попытки захвата", user_id=6001)
    await ask(world, "kostanay-city", "Костанай: обращение мимо группы", user_id=6002)
    assert "попытки захвата" in (await outbox(world, GROUP))[-1]["text"]
    assert "мимо группы" in (await outbox(world, 51))[-1]["text"]


async def test_rebinding_needs_the_groups_own_staff_and_a_confirmation(world: World) -> None:
    manager = await staff_member(world, 41, "atyrau-city", "kk", "Гаухар")
    atyrau, akmola = await center(world, "atyrau-city"), await center(world, "akmola-kokshetau")
    await world.helpdesk.staff.add(41, akmola.id)  # she works for both centers
    assert "Енді бұл топқа" in texts(await manager.send("/bind atyrau-city", group_id=GROUP))

    (question,) = messages(await manager.send("/bind akmola-kokshetau", group_id=GROUP), GROUP)
    assert question.text.startswith(f"Бұл топ «{atyrau.name('kk')}» өтініштерін алады. Оның орнына")
    choice = buttons(question.reply_markup)
    confirm, cancel = choice["✅ Иә, ауыстыру"], choice["❌ Бас тарту"]
    assert (confirm, cancel) == (f"gbd:{akmola.id}:{atyrau.id}:1", f"gbd:{akmola.id}:{atyrau.id}:0")
    asked = shown(world, question)

    outsider = person(world, 53, "kk", "Қонақ")  # a group member who is not staff forges both presses
    for data in (confirm, cancel):
        refused = alert(await outsider.press(data, on=asked))
        assert refused.show_alert and "тек сол орталықтың қызметкерлері немесе әкімші" in refused.text
    akmola_only = await staff_member(world, 42, "akmola-kokshetau", "kk", "Ақмола")  # the new center's, not the old
    assert "тек сол орталықтың" in alert(await akmola_only.press(confirm, on=asked)).text
    atyrau_only = await staff_member(world, 43, "atyrau-city", "ru", "Атырау")  # the old center's, not the new
    assert alert(await atyrau_only.press(confirm, on=asked)).text.startswith("Привязать группу может только")
    forged = alert(await manager.press(f"gbd:{akmola.id}:{akmola.id}:1", on=asked))  # not what the group has
    assert forged.text == "Осы уақытта топтың байланысы өзгерді. /bind командасын қайта жіберіңіз."
    private = alert(await manager.press(confirm))  # pressed outside a group
    assert private.text.startswith("Осы уақытта топтың байланысы өзгерді")
    assert await bound_center(world) == atyrau.id
    await ask(world, "atyrau-city", "Атырау: всё ещё в группе", user_id=6001)
    assert "всё ещё в группе" in (await outbox(world, GROUP))[-1]["text"]

    kept = await manager.press(cancel, on=asked)
    (edit,) = [call for call in kept if isinstance(call, EditMessageText)]
    assert edit.text == f"Ештеңе өзгерген жоқ: бұл топ әлі де «{atyrau.name('kk')}» өтініштерін алады."
    assert await bound_center(world) == atyrau.id

    switched = await manager.press(confirm, on=asked)
    assert alert(switched).text == "✅"
    assert any(isinstance(call, EditMessageReplyMarkup) and call.reply_markup is None for call in switched)
    (rebound,) = messages(switched, GROUP)
    assert rebound.text.startswith(f"Бұл топ енді «{akmola.name('kk')}» өтініштерін алады.")
    assert await bound_center(world) == akmola.id
    assert [action for _, action, _ in await audit(world)] == ["bind", "bind"]
    stale = alert(await manager.press(confirm, on=asked))  # the same question again: the group has moved on
    assert stale.text.startswith("Осы уақытта топтың байланысы өзгерді")

    await ask(world, "akmola-kokshetau", "Кокшетау: теперь в группе", user_id=6002)
    await ask(world, "atyrau-city", "Атырау: теперь лично", user_id=6003)
    assert "теперь в группе" in (await outbox(world, GROUP))[-1]["text"]
    assert "теперь лично" in (await outbox(world, 41))[-1]["text"]


async def test_an_admin_may_move_any_group(world: World) -> None:
    owner = await staff_member(world, 41, "pavlodar-city", "kk", "Арман")
    await bind_group(world, owner)
    boss = await admin(world, "ru")
    (question,) = messages(await boss.send("/bind kostanay-city", group_id=GROUP), GROUP)
    switched = await boss.press(buttons(question.reply_markup)["✅ Да, переключить"], on=shown(world, question))
    assert alert(switched).text == "✅"
    assert await bound_center(world) == (await center(world, "kostanay-city")).id


async def test_unbind_sends_the_notices_back_to_the_staff(world: World) -> None:
    staff = await staff_member(world, 41, "akmola-kokshetau", "ru", "Гаухар")
    nobody = person(world, 52, "kk", "Қонақ")
    assert texts(await staff.send("/unbind", group_id=GROUP)) == "Эта группа не привязана ни к одному центру."
    await bind_group(world, person(world, 41, "kk", "Гаухар"))
    assert "тек сол орталықтың" in texts(await nobody.send("/unbind", group_id=GROUP))
    assert await bound_center(world) is not None

    unbound = texts(await staff.send("/unbind", group_id=GROUP))
    assert unbound.startswith("Эта группа больше не получает обращения «")
    assert await bound_center(world) is None
    assert (41, "unbind", str(GROUP)) in await audit(world)
    await ask(world, "akmola-kokshetau", "Кокшетау: после отвязки")
    assert await outbox(world, GROUP) == [] and "после отвязки" in (await outbox(world, 41))[-1]["text"]
    assert texts(await staff.send("/unbind", group_id=GROUP)) == "Эта группа не привязана ни к одному центру."


# ---- the admins' tools: invites and numbers ----


async def test_an_invite_makes_its_first_opener_staff_once(world: World) -> None:
    with_bot_username(world)
    boss = await admin(world, "ru")
    assert texts(await person(world, 41, "kk").send("/invite karaganda-city")) == "Бұл команда әкімшілерге арналған."
    assert texts(await boss.send("/invite")).startswith("Укажите центр: /invite CENTER_ID")
    assert texts(await boss.send("/invite no-such-center")).startswith("Укажите центр")
    assert await world.db.fetch_value("SELECT count(*) FROM staff_invites") == 0

    invite = texts(await boss.send("/invite karaganda-city"))
    karaganda = await center(world, "karaganda-city")
    assert invite.startswith(f"Одноразовое приглашение для сотрудника «{karaganda.name('ru')}», действует 3 дня:\n")
    token = invite.split("https://t.me/otbasy_test_bot?start=s_")[1].split()[0]
    assert (ADMIN_ID, "invite", str(karaganda.id)) in await audit(world)

    newcomer = person(world, 61, "kk", "Жаңа")  # first contact: the language first, then the invite
    await newcomer.send(f"/start s_{token}")
    joined = texts(await newcomer.tap("Қазақша"))
    assert f"Сіз енді «{karaganda.name('kk')}» қызметкерісіз." in joined
    assert await world.helpdesk.staff.centers_of(61) == {karaganda.id}
    assert (61, "join", str(karaganda.id)) in await audit(world)

    latecomer = person(world, 62, "ru")
    await world.helpdesk.users.touch(62)
    await world.helpdesk.users.set_locale(62, "ru")
    assert texts(await latecomer.send(f"/start s_{token}")).startswith("Это приглашение уже использовано")
    assert await world.helpdesk.staff.centers_of(62) == set()

    await ask(world, "karaganda-city", "Первое обращение нового сотрудника")
    assert "Первое обращение нового сотрудника" in (await outbox(world, 61))[-1]["text"]


async def test_an_expired_invite_is_refused(world: World) -> None:
    with_bot_username(world)
    boss = await admin(world, "kk")
    invite = texts(await boss.send("/invite karaganda-city"))
    assert ", 3 күн жарамды:" in invite
    token = invite.split("start=s_")[1].split()[0]
    world.db.clock.advance(timedelta(days=3, minutes=1))
    late = person(world, 61, "kk")
    await world.helpdesk.users.touch(61)
    await world.helpdesk.users.set_locale(61, "kk")
    assert texts(await late.send(f"/start s_{token}")).startswith("Бұл шақыру пайдаланылған немесе мерзімі өткен.")
    assert await world.helpdesk.staff.centers_of(61) == set()


async def test_stats_for_admins_only(world: World) -> None:
    staff = await staff_member(world, 41, ZHANUYA, "kk", "Айгүл")
    first, second = await ask(world, user_id=6001), await ask(world, user_id=6002)
    await ask(world, "almaty-city", user_id=6003)
    world.db.clock.advance(timedelta(hours=2))
    await staff.press(f"tk:{first.id}")
    await staff.press(f"rs:{first.id}")
    await staff.press(f"sp:{second.id}")

    assert texts(await staff.send("/stats")) == "Бұл команда әкімшілерге арналған."
    numbers = texts(await (await admin(world, "ru")).send("/stats"))
    assert numbers.startswith("<b>Обращений: 3</b>\n\n<b>По статусу</b>\n")
    assert "решено: 1" in numbers and "закрыто: 1" in numbers
    assert f"{ZHANUYA_RU}: 2" in numbers
    assert "Медианное время до взятия в работу: 2 часа" in numbers  # spam counts by status, not in the times
    assert "Медианное время до решения: 2 часа" in numbers
    kk = texts(await (await admin(world, "kk")).send("/stats"))
    assert kk.startswith("<b>Өтініштер: 3</b>") and "Жұмысқа алуға кеткен медиандық уақыт: 2 сағат" in kk


# ---- a staff member blocks the bot, and comes back ----


async def chat_member(world: World, who: Person, status: str) -> list[Any]:
    """Telegram's my_chat_member update when a person blocks the bot ("kicked") or unblocks it ("member")."""
    old = "member" if status == "kicked" else "kicked"
    bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Otbasy"}
    who.new_calls()
    await world.feed({"my_chat_member": {
        "chat": {"id": who.id, "type": "private", "first_name": who.user["first_name"]},
        "from": who.user, "date": 0,
        "old_chat_member": {"status": old, "user": bot_user} | ({"until_date": 0} if old == "kicked" else {}),
        "new_chat_member": {"status": status, "user": bot_user} | ({"until_date": 0} if status == "kicked" else {}),
    }})  # fmt: skip
    return who.new_calls()


async def test_a_staff_member_who_blocks_the_bot_gets_no_notices_until_back(world: World) -> None:
    gone = await staff_member(world, 41, "aktobe-city", "kk", "Кетті")
    present = await staff_member(world, 42, "aktobe-city", "kk", "Қалды")
    assert await chat_member(world, gone, "kicked") == []  # nothing is said to someone who blocked the bot
    members = await world.helpdesk.staff.of_center((await center(world, "aktobe-city")).id)
    assert [(member.user_id, member.blocked_bot) for member in members] == [(41, True), (42, False)]
    await ask(world, "aktobe-city", "Первое после блокировки", user_id=6001)
    assert await outbox(world, 41) == [] and len(await outbox(world, 42)) == 1

    await chat_member(world, present, "kicked")  # nobody left to reach: the admins are told instead
    await ask(world, "aktobe-city", "Никого нет", user_id=6002)
    assert "Никого нет" in (await outbox(world, ADMIN_ID))[-1]["text"]

    await chat_member(world, gone, "member")
    await ask(world, "aktobe-city", "Второе после возвращения", user_id=6003)
    assert "Второе после возвращения" in (await outbox(world, 41))[-1]["text"]
    assert len(await outbox(world, 42)) == 1
    await chat_member(world, person(world, 52, "ru"), "kicked")  # someone who is not staff: nothing to change
    assert all(not member.blocked_bot or member.user_id == 42 for member in await world.helpdesk.staff.all())


async def test_a_staff_group_that_loses_the_bot_hands_its_open_requests_to_the_staff_privately(world: World) -> None:
    """Removed from the group (or refused there by Telegram): nothing may wait in a group nobody can read."""
    staff = await staff_member(world, 41, ZHANUYA)
    await bind_group(world, staff)
    request = await ask(world, ZHANUYA, "Помогите с документами")
    assert not [row for row in await outbox(world, staff.id)]  # while the group is bound, notices go there

    kicked = {
        "chat": {"id": GROUP, "type": "supergroup", "title": "Staff"},
        "from": {"id": 41, "is_bot": False, "first_name": "Айгүл"},
        "date": 0,
        "old_chat_member": {"status": "member", "user": {"id": 123456, "is_bot": True, "first_name": "Otbasy"}},
        "new_chat_member": {"status": "kicked", "until_date": 0,
                            "user": {"id": 123456, "is_bot": True, "first_name": "Otbasy"}},
    }  # fmt: skip
    await world.feed({"my_chat_member": kicked})

    assert await bound_center(world) is None
    private = [row for row in await outbox(world, staff.id) if request.number in str(row.get("text"))]
    assert len(private) == 1  # the open request, announced to its staff at once
    assert await world.helpdesk.group_lost(GROUP) == 0  # once: the group is not bound any more
