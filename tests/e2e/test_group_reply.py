"""Answering from a staff group as on real Telegram: the bot is in privacy mode (every bot's default), so of what
people type in the group it gets only commands and replies to its own messages. Staff type as their app lets them:
into the reply box a forced reply opens for them, else a plain message the bot never sees."""

from __future__ import annotations

from bot.localapi.people import LocalGroup, LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import make_staff, send_request


async def staff_group(
    bot: BotProcess, person: PersonFactory, api: LocalBotApi, center: str, chat_id: int
) -> tuple[LocalUser, LocalUser, LocalGroup]:
    """Two staff members of `center` in a group one of them has bound to it."""
    first = await make_staff(bot, person, center, "Айгүл")
    second = await make_staff(bot, person, center, "Ерлан")
    group = LocalGroup(api, chat_id, f"{center} staff")
    await first.send("/bind", group=group)
    await group.reply_with("Енді бұл топқа")
    return first, second, group


async def request_in_group(person: PersonFactory, group: LocalGroup, center: str, text: str) -> LocalUser:
    citizen = person("ru")
    await choose_language(citizen, "ru")
    await send_request(citizen, center, text)
    await group.reply_with(text)
    return citizen


def mentioned_ids(message: dict) -> list[int]:
    return [entity["user"]["id"] for entity in message.get("entities", []) if entity["type"] == "text_mention"]


async def test_an_answer_typed_in_the_group_reaches_the_person(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff, colleague, group = await staff_group(running_bot, person, api, "shymkent-city", -100500001)
    citizen = await request_in_group(person, group, "shymkent-city", "Как оформить пособие на ребёнка?")
    notice = group.chat.messages[max(group.chat.messages)]

    await staff.click("Жауап беру", notice)
    prompt = await group.reply_with("бір хабарламамен")
    assert mentioned_ids(prompt) == [staff.id] and "Айгүл" in message_text(prompt)
    assert "жауап (Reply)" in message_text(prompt)  # said in words too, for apps that open no reply box
    assert staff.reply_box(group) == prompt and colleague.reply_box(group) is None

    answer = await staff.type_in_group("Құжаттар тізімін жібереміз, ертең хабарласамыз", group)
    assert answer["reply_to_message"]["message_id"] == prompt["message_id"]
    await group.reply_with("Жіберілді")
    assert "Құжаттар тізімін" in message_text(await citizen.reply_with("Құжаттар тізімін"))
    assert group.withheld == []  # nothing the staff typed was lost on the way


async def test_a_plain_group_message_never_reaches_the_bot(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff, colleague, group = await staff_group(running_bot, person, api, "astana-esil", -100500002)
    await request_in_group(person, group, "astana-esil", "Нужна консультация юриста")
    chatter = await colleague.type_in_group("Кім алады бұны?", group)  # nobody asked: a plain group message
    assert group.withheld == [chatter]
    await staff.send("/queue", group=group)  # a command does reach it: the next thing the bot says is the queue
    assert "Ашық өтініштер: 1" in message_text(await group.reply())


async def test_a_command_while_the_answer_is_awaited_is_not_sent_as_the_answer(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff, _, group = await staff_group(running_bot, person, api, "east-kz-oskemen", -100500003)
    citizen = await request_in_group(person, group, "east-kz-oskemen", "Сын перестал ходить в школу")
    notice = group.chat.messages[max(group.chat.messages)]

    await staff.click("Жауап беру", notice)
    await group.reply_with("бір хабарламамен")
    command = await staff.send("/help", group=group)  # sent instead of the answer: it uses up the reply box
    reminder = await group.reply_with("әлі күтемін")
    assert reminder["reply_to_message"]["message_id"] == command["message_id"]
    assert staff.reply_box(group) == reminder  # a new forced reply opens the box again
    await staff.type_in_group("Мектеп психологымен сөйлесейік", group)
    await group.reply_with("Жіберілді")
    answer = await citizen.reply_with("Мектеп психологымен")
    assert "/help" not in message_text(answer)

    await staff.click("Жазба", notice)
    await group.reply_with("ішкі жазба")
    await staff.send("/cancel", group=group)
    await group.reply_with("Тоқтатылды")
    await staff.type_in_group("Бұл жазба емес", group)  # the box closed with /cancel: a plain message now
    assert group.withheld[-1]["text"] == "Бұл жазба емес"
