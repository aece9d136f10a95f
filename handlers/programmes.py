"""/programs: one card per programme for families (what it is, for whom, and one action), opened in place."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards, texts
from bot.core.filters import ButtonText
from bot.courses.desk import CourseDesk
from bot.programmes import views as pv
from bot.programmes.content import PROGRAMMES_BY_CODE
from bot.programmes.desk import ProgrammeDesk
from bot.programmes.keyboards import ProgrammeCb, ProgrammeGoCb, ProgrammesCb
from bot.requests.desk import Helpdesk
from bot.settings import Settings
from handlers.centers import start_center_search
from handlers.courses import show_programme
from handlers.requests import start_request_on

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

REQUEST_TOPICS = {"request_conflict": "conflict", "request_other": "other"}


@router.message(Command("programs"))
@router.message(ButtonText(keyboards.PROGRAMMES))
async def programmes_command(message: Message, state: FSMContext, i18n: I18n) -> None:
    await state.clear()
    text, markup = pv.programmes_list(i18n.current_locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(ProgrammesCb.filter())
async def back_to_list(query: CallbackQuery, i18n: I18n) -> None:
    await keyboards.edit_or_send(query, *pv.programmes_list(i18n.current_locale))


@router.callback_query(ProgrammeCb.filter(F.code.in_(PROGRAMMES_BY_CODE)))
async def programme_card(query: CallbackQuery, callback_data: ProgrammeCb, i18n: I18n) -> None:
    await keyboards.edit_or_send(query, *pv.programme_card(PROGRAMMES_BY_CODE[callback_data.code], i18n.current_locale))


@router.callback_query(ProgrammeGoCb.filter(F.code.in_(PROGRAMMES_BY_CODE)))
async def programme_action(
    query: CallbackQuery,
    callback_data: ProgrammeGoCb,
    state: FSMContext,
    helpdesk: Helpdesk,
    programmes: ProgrammeDesk,
    courses: CourseDesk,
    settings: Settings,
    i18n: I18n,
) -> None:
    """The card's one button: the course's own flow, a help request on the programme's topic (the topic question
    skipped), the emergency numbers, or the center search."""
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    action = PROGRAMMES_BY_CODE[callback_data.code].action
    locale = i18n.current_locale
    if action in ("academy", "premarital"):
        await show_programme(message, state, courses, action, locale)
    elif action in REQUEST_TOPICS:
        user_id = query.from_user.id
        await start_request_on(message, state, helpdesk, programmes, settings, user_id, REQUEST_TOPICS[action], locale)
    elif action == "emergency":
        await message.answer(texts.emergency())  # like /sos: a dialog under way is kept
    else:
        await state.clear()
        await start_center_search(message, state)
