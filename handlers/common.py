"""Helpers shared by several routers: asking the language, and opening what a /start link asks for."""

from __future__ import annotations

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards, texts
from bot.core.i18n import supported_locale
from bot.courses.desk import CourseDesk
from bot.directory import views
from bot.requests import views as rv
from bot.requests.desk import Helpdesk
from bot.settings import SUPPORTED_LOCALES
from bot.telegram.commands import refresh_chat_commands
from handlers.centers import send_center_card
from storage.centers import CenterRepository

CENTER_LINK_PREFIX = "c_"
STAFF_INVITE_PREFIX = "s_"
PARTNER_LINK_PREFIX = "p_"


def language_question(i18n: I18n) -> str:
    """Asked before a language is known, so it is said in both."""
    return "\n".join(i18n.gettext("Hello! Please choose a language.", locale=code) for code in SUPPORTED_LOCALES)


async def ask_language(message: Message, i18n: I18n, current: str | None = None) -> None:
    reported = supported_locale(message.from_user.language_code if message.from_user else None)
    await message.answer(language_question(i18n), reply_markup=keyboards.language_picker(current or reported))


async def open_start_payload(
    message: Message,
    payload: str,
    locale: str,
    centers: CenterRepository,
    bot: Bot,
    helpdesk: Helpdesk,
    state: FSMContext,
    courses: CourseDesk,
) -> None:
    """What a deep link asks for: a center card (c_<id>), joining the staff (s_<token>), joining a partner's
    course booking (p_<token>); or the welcome."""
    if payload.startswith(PARTNER_LINK_PREFIX):
        from handlers.courses import offer_join  # the courses router imports this module

        await message.answer(texts.welcome(), reply_markup=keyboards.main_menu())
        await offer_join(message, payload.removeprefix(PARTNER_LINK_PREFIX), state, courses, locale)
        return
    if payload.startswith(STAFF_INVITE_PREFIX) and message.chat.type == "private":
        # The private chat names the person (the message may be the bot's own, after the language question).
        chat = message.chat
        token = payload.removeprefix(STAFF_INVITE_PREFIX)
        center = await helpdesk.redeem_invite(token, chat.id, chat.first_name, chat.username)
        text = rv.joined_staff(center, locale) if center else rv.invite_invalid()
        await message.answer(text, reply_markup=keyboards.main_menu())
        if center is not None:  # their menu now shows the staff's commands
            await refresh_chat_commands(bot, helpdesk.i18n, chat.id, locale, await helpdesk.menu_role(chat.id))
        return
    if payload.startswith(CENTER_LINK_PREFIX):
        center = await centers.by_slug(payload.removeprefix(CENTER_LINK_PREFIX))
        if center is not None:
            await message.answer(texts.welcome(), reply_markup=keyboards.main_menu())
            await send_center_card(bot, message.chat.id, center, locale, courses.clock.local(courses.zone))
            return
        await message.answer(views.center_gone(), reply_markup=keyboards.main_menu())
        return
    await message.answer(texts.welcome(), reply_markup=keyboards.main_menu())
