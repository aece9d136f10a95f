"""The center card editor's buttons, built in the staff member's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.center_card import rules
from bot.center_card.callbacks import (
    CardCenterCb,
    CardConfirmCb,
    CardDayCb,
    CardHolidayCb,
    CardKeepCb,
    CardNoticeCb,
    CardPhoneCb,
    CardReviewCb,
    CardSectionCb,
    CardServiceCb,
    CardTimeCb,
)
from bot.center_card.rules import WEEKDAYS
from bot.center_card.views import day_short, service_name, short_date
from bot.directory.models import SERVICES, Center

OPENING_TIMES = (7 * 60, 8 * 60, 8 * 60 + 30, 9 * 60, 9 * 60 + 30, 10 * 60, 11 * 60, 12 * 60, 14 * 60, 0)
CLOSING_TIMES = (13 * 60, 14 * 60, 15 * 60, 16 * 60, 17 * 60, 17 * 60 + 30, 18 * 60, 18 * 60 + 30, 19 * 60,
                 20 * 60, 21 * 60, 24 * 60)  # fmt: skip
BREAKS = ((12 * 60, 13 * 60), (13 * 60, 14 * 60), (14 * 60, 15 * 60), (12 * 60 + 30, 13 * 60 + 30))
MAX_HOLIDAY_BUTTONS = 20


def centers(found: Sequence[Center], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for center in found:
        builder.button(text=center.name(locale), callback_data=CardCenterCb(center=center.id))
    builder.adjust(1)
    return builder.as_markup()


def sections(center_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for section, label in (
        ("hours", _("🕘 Hours")),
        ("holidays", _("📅 Holidays")),
        ("notice", _("📢 Notice")),
        ("phones", _("☎️ Phones")),
        ("address", _("📍 Address")),
        ("services", _("🧩 Services")),
    ):
        builder.button(text=label, callback_data=CardSectionCb(center=center_id, section=section))  # type: ignore[arg-type]
    builder.adjust(2)
    return builder.as_markup()


def _review_and_back(builder: InlineKeyboardBuilder, center_id: int) -> None:
    builder.button(text=_("👀 Review and save"), callback_data=CardReviewCb(center=center_id))
    builder.button(text=_("⬅️ Back"), callback_data=CardSectionCb(center=center_id, section="card"))


def hours(center_id: int, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in range(7):
        builder.button(text=day_short(day, locale), callback_data=CardDayCb(center=center_id, day=day))
    builder.button(text=day_short(WEEKDAYS, locale), callback_data=CardDayCb(center=center_id, day=WEEKDAYS))
    _review_and_back(builder, center_id)
    builder.adjust(4, 4, 1, 1)
    return builder.as_markup()


def _back_to_hours(builder: InlineKeyboardBuilder, center_id: int) -> None:
    builder.button(text=_("⬅️ Back"), callback_data=CardSectionCb(center=center_id, section="hours"))


def opening(center_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for minutes in OPENING_TIMES:
        builder.button(text=rules.clock(minutes), callback_data=CardTimeCb(center=center_id, step="o", a=minutes))
    builder.button(text=_("🚫 Closed this day"), callback_data=CardTimeCb(center=center_id, step="o", a=-1))
    _back_to_hours(builder, center_id)
    builder.adjust(5, 5, 1, 1)
    return builder.as_markup()


def closing(center_id: int, opens: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for minutes in CLOSING_TIMES:
        if minutes > opens:
            builder.button(text=rules.clock(minutes), callback_data=CardTimeCb(center=center_id, step="c", a=minutes))
    _back_to_hours(builder, center_id)
    builder.adjust(4)
    return builder.as_markup()


def breaks(center_id: int, day: list[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("No break"), callback_data=CardTimeCb(center=center_id, step="b", a=-1))
    for start, stop in BREAKS:
        if day[0] < start and stop < day[1]:
            label = f"{rules.clock(start)}–{rules.clock(stop)}"
            builder.button(text=label, callback_data=CardTimeCb(center=center_id, step="b", a=start, b=stop))
    _back_to_hours(builder, center_id)
    builder.adjust(1, 2, 2, 1)
    return builder.as_markup()


def holidays(center_id: int, holidays_text: str, today: date) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in rules.upcoming_holidays(holidays_text, today)[:MAX_HOLIDAY_BUTTONS]:
        builder.button(text=f"❌ {short_date(day)}", callback_data=CardHolidayCb(center=center_id, day=day.isoformat()))
    _review_and_back(builder, center_id)
    rows = min(len(rules.upcoming_holidays(holidays_text, today)), MAX_HOLIDAY_BUTTONS)
    builder.adjust(*([2] * ((rows + 1) // 2)), 1, 1)
    return builder.as_markup()


def notice(center_id: int, has_notice: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if has_notice:
        builder.button(text=_("🗑 Remove the notice"), callback_data=CardNoticeCb(center=center_id, until="remove"))
    builder.button(text=_("⬅️ Back"), callback_data=CardSectionCb(center=center_id, section="card"))
    builder.adjust(1)
    return builder.as_markup()


def notice_until(center_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Today only"), callback_data=CardNoticeCb(center=center_id, until="today"))
    builder.button(text=_("Until a date"), callback_data=CardNoticeCb(center=center_id, until="date"))
    builder.button(text=_("Until I remove it"), callback_data=CardNoticeCb(center=center_id, until="forever"))
    builder.button(text=_("⬅️ Back"), callback_data=CardSectionCb(center=center_id, section="notice"))
    builder.adjust(1)
    return builder.as_markup()


def phones(center_id: int, listed: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, phone in enumerate(listed):
        builder.button(text=f"❌ {phone}", callback_data=CardPhoneCb(center=center_id, index=index))
    _review_and_back(builder, center_id)
    builder.adjust(1)
    return builder.as_markup()


def keep_address(center_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Keep it as it is"), callback_data=CardKeepCb(center=center_id))
    builder.button(text=_("⬅️ Back"), callback_data=CardSectionCb(center=center_id, section="card"))
    builder.adjust(1)
    return builder.as_markup()


def services(center_id: int, chosen: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in SERVICES:
        mark = "✅" if code in chosen else "▫️"
        builder.button(text=f"{mark} {service_name(code)}", callback_data=CardServiceCb(center=center_id, code=code))
    _review_and_back(builder, center_id)
    builder.adjust(1)
    return builder.as_markup()


def confirm(center_id: int, field: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=CardConfirmCb(center=center_id, ok=True))
    builder.button(text=_("✏️ Change more"), callback_data=CardSectionCb(center=center_id, section=field))  # type: ignore[arg-type]
    builder.button(text=_("✖️ Discard"), callback_data=CardConfirmCb(center=center_id, ok=False))
    builder.adjust(1, 2)
    return builder.as_markup()
