"""Keyboards for finding a center: regions, localities, choices, a center's card."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.core.callbacks import (
    AskHereCb,
    CenterCb,
    CoursesAtCb,
    LocalityCb,
    NearbyCb,
    RegionCb,
    RegionsCb,
    SosCb,
)
from bot.core.keyboards import ACADEMY, CHOOSE_REGION, EMERGENCY, MAIN_MENU, PREMARITAL, SHARE_LOCATION
from bot.directory.models import Center, Locality
from bot.directory.regions import regions_for_display


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
