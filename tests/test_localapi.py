"""The local Bot API server refuses what Telegram refuses, seen through aiogram's own client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.localapi.html import ParseError, parse_html
from bot.localapi.people import LocalUser
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
