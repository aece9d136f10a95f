"""Safety and privacy: the quick exit, and the person's data rights (/mydata, withdrawing consents, /forget).

Some people write from a phone the person they fear may look at: one tap deletes the recent conversation and
leaves one neutral message. The request they sent stays with the staff.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.core import keyboards
from bot.core.callbacks import ForgetCb, HideCb, WithdrawCb
from bot.core.filters import ButtonText
from bot.courses.desk import CourseDesk
from bot.privacy import views as pv
from bot.privacy.consents import PURPOSES
from bot.privacy.desk import PrivacyDesk
from bot.settings import Settings
from storage.chat_log import ChatLog

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


async def quick_exit(bot: Bot, chat_id: int, state: FSMContext, chat_log: ChatLog) -> None:
    await state.clear()
    ids = await chat_log.deletable(chat_id)
    for start in range(0, len(ids), DELETE_BATCH):
        try:
            await bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
        except TelegramBadRequest:
            continue  # some were already gone or too old: the rest is deleted all the same
    await chat_log.forget_chat(chat_id)
    # Nothing about help, violence or a center: an empty-looking chat, and no keyboard that tells.
    await bot.send_message(chat_id, _("Done."), reply_markup=ReplyKeyboardRemove())


@router.message(ButtonText(keyboards.QUICK_EXIT))
async def hide_by_button(message: Message, bot: Bot, state: FSMContext, chat_log: ChatLog) -> None:
    await quick_exit(bot, message.chat.id, state, chat_log)


@router.callback_query(HideCb.filter())
async def hide_by_inline_button(query: CallbackQuery, bot: Bot, state: FSMContext, chat_log: ChatLog) -> None:
    await query.answer()
    await quick_exit(bot, query.from_user.id, state, chat_log)


@router.message(Command("mydata"))
async def my_data(
    message: Message, state: FSMContext, privacy: PrivacyDesk, courses: CourseDesk, settings: Settings, i18n: I18n
) -> None:
    assert message.from_user is not None
    await state.clear()
    data = await privacy.data_of(message.from_user.id)
    titles = {}
    for signup in data.signups:
        group = await courses.group(signup.group_id)
        topic = await courses.topic(group.topic_id) if group else None
        titles[signup.group_id] = topic.title(i18n.current_locale) if topic else ""
    text = pv.my_data(data.locale, data.consents, data.requests, data.signups, titles, settings.zone,
                      i18n.current_locale)  # fmt: skip
    markup = pv.consent_buttons(data.consents)
    parts = split_html_lines(text)
    for number, part in enumerate(parts, start=1):
        await message.answer(part, reply_markup=markup if number == len(parts) else None)


def split_html_lines(text: str, limit: int = 3500) -> list[str]:
    """Whole lines per message, so no tag or entity is cut in two (each line closes what it opens, and no
    line shows more than about a thousand characters). HTML is never shorter than what it shows, so a part
    within `limit` is within Telegram's limit too."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*parts, current] if current else parts or [text]


@router.callback_query(WithdrawCb.filter(F.purpose.in_(PURPOSES)))
async def withdraw(query: CallbackQuery, callback_data: WithdrawCb, privacy: PrivacyDesk) -> None:
    await privacy.withdraw(query.from_user.id, callback_data.purpose)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(pv.withdrawn(callback_data.purpose))


@router.message(Command("forget"))
async def forget_command(message: Message, state: FSMContext) -> None:
    await state.clear()
    text, markup = pv.forget_question()
    await message.answer(text, reply_markup=markup)


@router.callback_query(ForgetCb.filter())
async def forget(query: CallbackQuery, callback_data: ForgetCb, privacy: PrivacyDesk, state: FSMContext) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not callback_data.confirmed:
        text, markup = pv.forget_question()
        await query.message.answer(text, reply_markup=markup)
        return
    await state.clear()
    text = pv.forgotten()  # rendered before the erasure, in the language the person chose
    await privacy.forget(query.from_user.id)
    await keyboards.remove_inline_buttons(query.message)
    await query.message.answer(text, reply_markup=ReplyKeyboardRemove())  # not logged: they are stored no more
