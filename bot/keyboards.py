"""Keyboards, built in the language of the moment (gettext is called while building)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    AskHereCb,
    CenterCb,
    CoursesAtCb,
    HideCb,
    LangCb,
    LocalityCb,
    NearbyCb,
    RegionCb,
    RegionsCb,
    SosCb,
)
from bot.i18n import LANGUAGE_NAMES
from bot.services.centers import Center
from bot.services.regions import regions_for_display
from bot.settings import SUPPORTED_LOCALES
from storage.centers import Locality


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


FIND_CENTER = N_("📍 Find a center")
ASK_FOR_HELP = N_("✍️ Ask for help")
ACADEMY = N_("👨‍👩‍👧 Parents Academy")
PREMARITAL = N_("💍 Pre-marital course")
EMERGENCY = N_("🆘 Emergency numbers")
LANGUAGE = N_("🌐 Language")
HELP = N_("ℹ️ Help")
SHARE_LOCATION = N_("📍 Send my location")
CHOOSE_REGION = N_("🗺 Choose a region")
MAIN_MENU = N_("🏠 Main menu")
QUICK_EXIT = N_("🙈 Hide")


def main_menu() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(FIND_CENTER)), KeyboardButton(text=_(ASK_FOR_HELP))],
            [KeyboardButton(text=_(ACADEMY)), KeyboardButton(text=_(PREMARITAL))],
            [KeyboardButton(text=_(EMERGENCY))],
            [KeyboardButton(text=_(LANGUAGE)), KeyboardButton(text=_(HELP)), KeyboardButton(text=_(QUICK_EXIT))],
        ],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=_("Choose an action or type a city"),
    )


def center_search() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(SHARE_LOCATION), request_location=True)],
            [KeyboardButton(text=_(CHOOSE_REGION))],
            [KeyboardButton(text=_(EMERGENCY)), KeyboardButton(text=_(MAIN_MENU))],
        ],
        resize_keyboard=True,
        input_field_placeholder=_("City, town or district"),
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


def regions(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for region in regions_for_display(locale):
        builder.button(text=region.name(locale), callback_data=RegionCb(slug=region.slug))
    builder.adjust(1, 2)
    return builder.as_markup()


def localities(items: Sequence[Locality], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(text=item.name(locale), callback_data=LocalityCb(id=item.id))
    builder.button(text=_("⬅️ All regions"), callback_data=RegionsCb())
    builder.adjust(1)
    return builder.as_markup()


def center_choice(centers: Sequence[Center], locale: str, back_to_regions: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for center in centers:
        builder.button(text=center.name(locale), callback_data=CenterCb(id=center.id))
    if back_to_regions:
        builder.button(text=_("⬅️ All regions"), callback_data=RegionsCb())
    builder.adjust(1)
    return builder.as_markup()


def center_card(center: Center) -> InlineKeyboardMarkup:
    """Actions available at a center; later features add their buttons here."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✍️ Ask this center for help"), callback_data=AskHereCb(center=center.id))
    if "parents_academy" in center.services:
        builder.button(text=_(ACADEMY), callback_data=CoursesAtCb(center=center.id, programme="academy"))
    if "premarital" in center.services:
        builder.button(text=_(PREMARITAL), callback_data=CoursesAtCb(center=center.id, programme="premarital"))
    builder.button(text=_("🔎 Other centers nearby"), callback_data=NearbyCb(id=center.id))
    builder.button(text=_(EMERGENCY), callback_data=SosCb())
    builder.adjust(1)
    return builder.as_markup()


async def remove_inline_buttons(message: Message) -> None:
    """Takes the buttons off a message. A second tap on the same button (a double tap, or one while the first was
    on its way) finds them gone already; Telegram then says 'message is not modified', which is no error."""
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise
