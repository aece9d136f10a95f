"""Keyboards, built in the language of the moment (gettext is called while building)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.core.callbacks import HideCb, LangCb
from bot.core.i18n import LANGUAGE_NAMES
from bot.settings import SUPPORTED_LOCALES


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


FIND_CENTER = N_("📍 Find a center")
ASK_FOR_HELP = N_("✍️ Ask for help")
ACADEMY = N_("👨‍👩‍👧 Parents Academy")
PREMARITAL = N_("💍 Pre-marital course")
FAQ = N_("❓ Questions and answers")
PROGRAMMES = N_("📚 Programmes")
EMERGENCY = N_("🆘 Emergency numbers")
LANGUAGE = N_("🌐 Language")
HELP = N_("ℹ️ Help")
SHARE_LOCATION = N_("📍 Send my location")
CHOOSE_REGION = N_("🗺 Choose a region")
MAIN_MENU = N_("🏠 Main menu")
QUICK_EXIT = N_("🙈 Hide")
# Staff only: their center's card, and their course groups.
MY_CENTER = N_("🏢 My center")
COURSE_GROUPS = N_("👥 Course groups")


# Whether the person of the update being handled is staff (bot.telegram.middlewares.StaffMenuMiddleware sets it
# for the update): every main_menu() of the update then carries the staff's row for them, none for anyone else.
_staff_row: ContextVar[Callable[[], bool] | None] = ContextVar("staff_row", default=None)


@contextmanager
def staff_row_while(known: Callable[[], bool]) -> Iterator[None]:
    """For the update being handled: `known()` says whether its person is staff (read when a menu is built, so a
    change within the update, like an invite redeemed, shows at once)."""
    token = _staff_row.set(known)
    try:
        yield
    finally:
        _staff_row.reset(token)


def main_menu(staff: bool | None = None) -> ReplyKeyboardMarkup:
    """The main menu, with a row of the staff's tools for staff: `staff` when the handler says so, else as known
    for the update's person (staff_row_while; none outside an update)."""
    if staff is None:
        known = _staff_row.get()
        staff = known() if known is not None else False
    rows = [
        [KeyboardButton(text=_(FIND_CENTER)), KeyboardButton(text=_(ASK_FOR_HELP))],
        [KeyboardButton(text=_(ACADEMY)), KeyboardButton(text=_(PREMARITAL))],
        [KeyboardButton(text=_(FAQ)), KeyboardButton(text=_(PROGRAMMES))],
        [KeyboardButton(text=_(EMERGENCY))],
        [KeyboardButton(text=_(LANGUAGE)), KeyboardButton(text=_(HELP)), KeyboardButton(text=_(QUICK_EXIT))],
    ]
    if staff:
        rows.insert(3, [KeyboardButton(text=_(MY_CENTER)), KeyboardButton(text=_(COURSE_GROUPS))])
    return ReplyKeyboardMarkup(
        keyboard=rows,
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=_("Choose an action or type a city"),
    )


def hide_button(builder: InlineKeyboardBuilder) -> None:
    """The quick exit on an inline keyboard, for dialog steps that show no reply keyboard."""
    builder.button(text=_(QUICK_EXIT), callback_data=HideCb())


def language_picker(preselected: str | None) -> InlineKeyboardMarkup:
    """The preselected language first and ticked."""
    order = sorted(SUPPORTED_LOCALES, key=lambda code: code != preselected)
    builder = InlineKeyboardBuilder()
    for code in order:
        tick = "✅ " if code == preselected else ""
        builder.button(text=f"{tick}{LANGUAGE_NAMES[code]}", callback_data=LangCb(code=code))
    return builder.as_markup()


async def remove_inline_buttons(message: Message, keep: InlineKeyboardMarkup | None = None) -> None:
    """Takes the buttons off a message (or all but `keep`). A second tap on the same button (a double tap, or one
    while the first was on its way) finds them changed already; Telegram then says 'message is not modified', which
    is no error."""
    try:
        await message.edit_reply_markup(reply_markup=keep)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


async def edit_or_send(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup, edit: bool = True) -> None:
    """Answers the tap and shows `text` in place of the message the button sits on; a message too old to edit (or
    `edit=False`: the message stays) gets a fresh one instead. The same text again is no error."""
    await query.answer()
    message = query.message
    if edit and isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return
    if query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
