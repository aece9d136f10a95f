"""The local Bot API server refuses what Telegram refuses, seen through aiogram's own client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from bot.localapi.html import ParseError, parse_html
from bot.localapi.people import LocalGroup, LocalUser
from bot.localapi.server import LocalBotApi


@pytest.fixture
async def client(api: LocalBotApi) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    bot = Bot(api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


@pytest.fixture
def chat_id(api: LocalBotApi) -> int:
    user = LocalUser(api, 777001, language_code="ru")
    return user.id


def markup(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]])


async def test_sends_and_parses_html(client: Bot, chat_id: int) -> None:
    sent = await client.send_message(chat_id, "<b>Сәлем</b> &amp; 👋 <a href='https://example.org'>link</a>")
    assert sent.text == "Сәлем & 👋 link"
    assert [entity.type for entity in sent.entities or []] == ["bold", "text_link"]
    assert sent.html_text.startswith("<b>Сәлем</b> &amp; 👋")


@pytest.mark.parametrize(
    "text",
    ["<b>unclosed", "<script>x</script>", "a < b", "Tom & Jerry", "<b>x</i>", "</b>", "&nbsp;"],
)
async def test_refuses_html_that_does_not_parse(client: Bot, chat_id: int, text: str) -> None:
    with pytest.raises(TelegramBadRequest, match=r"(?i)can't parse entities"):
        await client.send_message(chat_id, text)


async def test_text_length_limits(client: Bot, chat_id: int) -> None:
    await client.send_message(chat_id, "я" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await client.send_message(chat_id, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await client.send_message(chat_id, "😀" * 2049)  # counted in UTF-16 units, as Telegram does
    with pytest.raises(TelegramBadRequest, match="empty"):
        await client.send_message(chat_id, "<b> </b>")


async def test_callback_data_is_limited_in_bytes(client: Bot, chat_id: int) -> None:
    await client.send_message(chat_id, "ok", reply_markup=markup("a" * 64))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await client.send_message(chat_id, "too long", reply_markup=markup("ә" * 33))  # 66 bytes


async def test_unknown_chat_and_blocked_user(client: Bot, api: LocalBotApi, chat_id: int) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await client.send_message(424242, "hello")
    api.chats[chat_id].blocked_bot = True
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await client.send_message(chat_id, "hello")
    api.chats[chat_id].blocked_bot = False


async def test_edits(client: Bot, chat_id: int) -> None:
    sent = await client.send_message(chat_id, "first", reply_markup=markup("a"))
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await client.edit_message_text("x", chat_id=chat_id, message_id=99999)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await client.edit_message_text("first", chat_id=chat_id, message_id=sent.message_id, reply_markup=markup("a"))
    edited = await client.edit_message_text("second", chat_id=chat_id, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "second" and edited.reply_markup is None


async def test_injected_flood_limit_carries_retry_after(client: Bot, api: LocalBotApi, chat_id: int) -> None:
    api.fail_next("sendMessage", chat_id=chat_id, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as raised:
        await client.send_message(chat_id, "hello")
    assert raised.value.retry_after == 3
    await client.send_message(chat_id, "hello")


async def test_required_parameters_and_unknown_methods(api: LocalBotApi) -> None:
    from aiohttp import ClientSession

    async with ClientSession() as http:
        async with http.post(f"{api.base_url}/bot{api.token}/sendMessage", data={"chat_id": "1"}) as response:
            body = await response.json()
            assert response.status == 400 and "text" in body["description"]
        async with http.post(f"{api.base_url}/bot{api.token}/noSuchMethod") as response:
            assert response.status == 404
        async with http.post(f"{api.base_url}/botWRONG/getMe") as response:
            assert response.status == 401


def test_html_parser_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>қ</b>")
    assert parsed.text == "😀 қ"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 1}]
    with pytest.raises(ParseError):
        parse_html('<span class="x">a</span>')


async def test_files_must_be_known(client: Bot, api: LocalBotApi, chat_id: int) -> None:
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await client.send_photo(chat_id, "never-seen")
    api.user_message(chat_id, chat_id, document={"file_id": "doc-1", "file_unique_id": "doc-1"})
    sent = await client.send_document(chat_id, "doc-1", caption="<b>R-000001</b>")
    assert sent.document is not None and sent.caption == "R-000001"
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await client.send_document(chat_id, "doc-1", caption="я" * 1025)


# ---- groups as a bot in privacy mode sees them, and forced replies as the apps show them ----


def group_of(api: LocalBotApi, chat_id: int, **kwargs: bool) -> LocalGroup:
    return LocalGroup(api, chat_id, f"group {chat_id}", **kwargs)


async def test_privacy_mode_gives_the_bot_only_what_is_meant_for_it(api: LocalBotApi) -> None:
    group = group_of(api, -100778001)
    member = LocalUser(api, 778001, first_name="Aigul", username="aigul")
    bot_message = api.user_message(group.chat_id, member.id, text="placeholder")
    bot_message["from"] = api.bot_user  # a message of the bot's in the group, to reply to

    async def reaches(text: str, **content: object) -> bool:
        message = api.user_message(group.chat_id, member.id, text=text, **content)
        return await api.push_update({"message": message}) is not None

    command = [{"type": "bot_command", "offset": 0, "length": 5}]
    assert not await reaches("hello everyone")
    persons_message = group.withheld[-1]
    assert await reaches("/bind", entities=command)
    assert await reaches("/bind@otbasy_local_bot x", entities=[{**command[0], "length": 22}])
    assert await reaches("/bind@OTBASY_local_bot", entities=[{**command[0], "length": 22}])
    assert not await reaches("/bind@other_bot", entities=[{**command[0], "length": 15}])
    assert not await reaches("see /bind", entities=[{"type": "bot_command", "offset": 4, "length": 5}])
    assert await reaches("my answer", reply_to_message=bot_message)
    assert not await reaches("to a person", reply_to_message=persons_message)
    assert await reaches("hi @otbasy_local_bot", entities=[{"type": "mention", "offset": 3, "length": 17}])
    assert not await reaches("hi @aigul", entities=[{"type": "mention", "offset": 3, "length": 6}])
    joined = api.user_message(group.chat_id, member.id, new_chat_members=[api.users[member.id]])
    assert await api.push_update({"message": joined}) is not None  # service messages reach every bot
    assert [m["text"] for m in group.withheld] == [
        "hello everyone", "/bind@other_bot", "see /bind", "to a person", "hi @aigul",
    ]  # fmt: skip
    assert await member.send("in private") is not None and member.chat.messages  # private chats: everything


async def test_an_admin_bot_or_one_without_privacy_mode_gets_every_group_message(api: LocalBotApi) -> None:
    admin_group = group_of(api, -100778002, bot_is_admin=True)
    member = LocalUser(api, 778002)
    await member.send("plain words", group=admin_group)
    assert admin_group.withheld == []

    open_api = LocalBotApi(privacy_mode=False)
    assert open_api.bot_user["can_read_all_group_messages"] is True
    assert api.bot_user["can_read_all_group_messages"] is False
    group = group_of(open_api, -100778003)
    LocalUser(open_api, 778003)
    message = open_api.user_message(group.chat_id, 778003, text="plain words")
    assert await open_api.push_update({"message": message}) is not None
    open_api.set_privacy_mode(True)
    message = open_api.user_message(group.chat_id, 778003, text="plain words again")
    assert await open_api.push_update({"message": message}) is None


async def test_selective_force_reply_targets_the_mentioned_and_the_replied_to(client: Bot, api: LocalBotApi) -> None:
    group = group_of(api, -100778004)
    named = LocalUser(api, 778004, first_name="Ержан")
    with_username = LocalUser(api, 778005, first_name="Dana", username="dana_kz")
    asked = LocalUser(api, 778006, first_name="Bota")
    other = LocalUser(api, 778007)

    prompt = await client.send_message(
        group.chat_id, f'<a href="tg://user?id={named.id}">Ержан</a>, write it', reply_markup=ForceReply(selective=True)
    )
    mention = (prompt.entities or [])[0]
    assert mention.type == "text_mention" and mention.user is not None and mention.user.id == named.id
    assert named.reply_box(group)["message_id"] == prompt.message_id  # type: ignore[index]
    assert other.reply_box(group) is None and with_username.reply_box(group) is None

    await client.send_message(group.chat_id, "@dana_kz, write it", reply_markup=ForceReply(selective=True))
    assert with_username.reply_box(group) is not None and named.reply_box(group) is not None

    question = await asked.send("/ask", group=group)
    await client.send_message(
        group.chat_id, "what exactly?", reply_parameters=ReplyParameters(message_id=question["message_id"]),
        reply_markup=ForceReply(selective=True),
    )  # fmt: skip
    assert asked.reply_box(group) is not None and other.reply_box(group) is None

    everyone = await client.send_message(group.chat_id, "anyone?", reply_markup=ForceReply())
    assert other.reply_box(group)["message_id"] == everyone.message_id  # type: ignore[index]

    unknown = await client.send_message(group.chat_id, '<a href="tg://user?id=5">nobody</a> here')
    assert unknown.text == "nobody here" and not unknown.entities  # a user the bot never saw: no mention


async def test_a_person_types_into_the_reply_box_and_only_that_reaches_the_bot(client: Bot, api: LocalBotApi) -> None:
    group = group_of(api, -100778008)
    staff = LocalUser(api, 778008, first_name="Aisha")
    colleague = LocalUser(api, 778009)
    prompt = await client.send_message(
        group.chat_id,
        f'<a href="tg://user?id={staff.id}">Aisha</a>: your answer?',
        reply_markup=ForceReply(selective=True),
    )
    chatter = await colleague.type_in_group("lunch?", group)  # not targeted: a plain message, withheld
    answer = await staff.type_in_group("Here is the answer", group)
    assert answer["reply_to_message"]["message_id"] == prompt.message_id
    assert [m["text"] for m in group.withheld] == [chatter["text"]]
    again = await staff.type_in_group("and one more thing", group)  # the reply box closed with the answer
    assert "reply_to_message" not in again and group.withheld[-1] is again
    await client.delete_message(group.chat_id, prompt.message_id)
    assert colleague.reply_box(group) is None


async def test_replies_and_topics_are_checked(client: Bot, api: LocalBotApi) -> None:
    group = group_of(api, -100778010)
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await client.send_message(group.chat_id, "x", reply_parameters=ReplyParameters(message_id=4242))
    sent = await client.send_message(
        group.chat_id, "x", reply_parameters=ReplyParameters(message_id=4242, allow_sending_without_reply=True)
    )
    assert sent.reply_to_message is None
    forum = group_of(api, -100778011, is_forum=True, bot_is_admin=False)
    with pytest.raises(TelegramBadRequest, match="not enough rights to create a topic"):
        await client.create_forum_topic(forum.chat_id, "R-000001")
    admin_forum = group_of(api, -100778012, is_forum=True)  # a forum: the bot is an admin by default
    topic = await client.create_forum_topic(admin_forum.chat_id, "R-000001")
    assert topic.message_thread_id > 0
