"""The quick exit: one tap deletes the recent conversation and leaves one neutral message.

Some people write from a phone the person they fear may look at. The request they sent stays with the staff.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.callbacks import HideCb
from bot.filters import ButtonText
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
