"""Choosing the language: asked on first contact, changed at any moment with /lang."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.core import keyboards, texts
from bot.core.callbacks import LangCb
from bot.core.i18n import LANGUAGE_NAMES
from bot.courses.desk import CourseDesk
from bot.requests.desk import Helpdesk
from bot.settings import SUPPORTED_LOCALES
from bot.staff_roster.rules import CITIZEN
from bot.telegram.commands import set_chat_commands
from handlers.common import open_start_payload
from storage.centers import CenterRepository
from storage.users import UserRepository

router = Router(name=__name__)
log = logging.getLogger(__name__)


@router.callback_query(LangCb.filter())
async def language_chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    state: FSMContext,
    users: UserRepository,
    centers: CenterRepository,
    i18n: I18n,
    bot: Bot,
    helpdesk: Helpdesk,
    courses: CourseDesk,
) -> None:
    code = callback_data.code
    if code not in SUPPORTED_LOCALES:
        await query.answer()
        return
    await users.set_locale(query.from_user.id, code)
    await _localise_command_menu(bot, i18n, query.from_user.id, code, await helpdesk.menu_role(query.from_user.id))
    data = await state.get_data()
    payload = data.pop("after_language", None)
    await state.set_data(data)
    with i18n.use_locale(code):
        await query.answer(_("Language: {language}").format(language=LANGUAGE_NAMES[code]))
        if query.message is not None and isinstance(query.message, Message):
            await query.message.edit_text(
                _("✅ Language: {language}").format(language=LANGUAGE_NAMES[code]), reply_markup=None
            )
            if payload is None:  # a change of language, not the first contact
                await query.message.answer(texts.menu(), reply_markup=keyboards.main_menu())
            else:
                await open_start_payload(query.message, payload, code, centers, bot, helpdesk, state, courses)


async def _localise_command_menu(bot: Bot, i18n: I18n, chat_id: int, locale: str, role: str) -> None:
    """The menu of commands in the chosen language, not the language of the phone; a staff member's or an
    admin's keeps their own commands."""
    roles = () if role == CITIZEN else (role,)  # everyone's menu: the call as it always was
    try:
        await set_chat_commands(bot, i18n, chat_id, locale, *roles)
    except TelegramAPIError as error:  # the menu is a convenience; the choice is already stored
        log.warning("could not set the chat's command menu: %s", error.message)
