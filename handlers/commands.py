"""Commands and main-menu buttons; each works at any moment and leaves a dialog cleanly (/sos keeps it)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.core import keyboards, texts
from bot.core.callbacks import SosCb
from bot.core.filters import ButtonText
from bot.courses.desk import CourseDesk
from bot.requests.desk import Helpdesk
from bot.settings import Settings
from handlers.centers import start_center_search
from handlers.common import ask_language, open_start_payload
from storage.centers import CenterRepository
from storage.users import User

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


async def _menu_for(message: Message, settings: Settings, helpdesk: Helpdesk) -> ReplyKeyboardMarkup:
    """The main menu, with the staff's row for staff and admins. Where the menu is asked for on purpose (/start,
    /menu, /help, /cancel) the staff table is read afresh, and the desk's cache with it, which every other
    keyboards.main_menu() goes by (bot.telegram.middlewares.StaffMenuMiddleware)."""
    user_id = message.from_user.id if message.from_user else 0
    staff = user_id in settings.admin_ids or await helpdesk.is_staff_cached(user_id, fresh=True)
    return keyboards.main_menu(staff=staff)


@router.message(CommandStart())
async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    user: User,
    i18n: I18n,
    centers: CenterRepository,
    bot: Bot,
    helpdesk: Helpdesk,
    courses: CourseDesk,
    settings: Settings,
) -> None:
    await state.clear()
    payload = command.args or ""
    if user.locale is None:
        await state.update_data(after_language=payload)
        await ask_language(message, i18n)
        return
    if not payload:
        await message.answer(texts.welcome(), reply_markup=await _menu_for(message, settings, helpdesk))
        return
    await open_start_payload(message, payload, i18n.current_locale, centers, bot, helpdesk, state, courses)


@router.message(Command("menu"))
@router.message(ButtonText(keyboards.MAIN_MENU))
async def menu(message: Message, state: FSMContext, settings: Settings, helpdesk: Helpdesk) -> None:
    await state.clear()
    await message.answer(texts.menu(), reply_markup=await _menu_for(message, settings, helpdesk))


@router.message(Command("centers"))
@router.message(ButtonText(keyboards.FIND_CENTER))
async def centers_command(message: Message, state: FSMContext) -> None:
    await state.clear()
    await start_center_search(message, state)


@router.message(Command("lang"))
@router.message(ButtonText(keyboards.LANGUAGE))
async def language_command(message: Message, state: FSMContext, i18n: I18n) -> None:
    await state.clear()
    await ask_language(message, i18n, current=i18n.current_locale)


@router.message(Command("sos"))
@router.message(ButtonText(keyboards.EMERGENCY))
async def sos(message: Message) -> None:
    # The dialog, if any, is kept: reading the numbers must not cost what the person already wrote.
    await message.answer(texts.emergency())


@router.callback_query(SosCb.filter())
async def sos_button(query: CallbackQuery, bot: Bot) -> None:
    await query.answer()
    await bot.send_message(query.from_user.id, texts.emergency())


@router.message(Command("help"))
@router.message(ButtonText(keyboards.HELP))
async def help_command(message: Message, state: FSMContext, settings: Settings, helpdesk: Helpdesk) -> None:
    await state.clear()
    await message.answer(texts.help_text(), reply_markup=await _menu_for(message, settings, helpdesk))


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, settings: Settings, helpdesk: Helpdesk) -> None:
    had_dialog = await state.get_state() is not None
    await state.clear()
    text = _("Cancelled. What would you like to do?") if had_dialog else _("There is nothing to cancel.")
    await message.answer(text, reply_markup=await _menu_for(message, settings, helpdesk))
