"""The programmes' inline buttons: the list, a card with its one action, and the way back (data ≤ 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.core.keyboards import N_
from bot.programmes.content import PROGRAMMES
from bot.programmes.models import Programme


class ProgrammesCb(CallbackData, prefix="pgs"):
    """Back to the list of programmes."""


class ProgrammeCb(CallbackData, prefix="pg"):
    """Open a programme's card."""

    code: str


class ProgrammeGoCb(CallbackData, prefix="pgo"):
    """The card's action: a course, a help request on the programme's topic, the numbers or the center search."""

    code: str


ACTION_LABELS = {
    "academy": N_("✍️ Sign up for a group"),
    "premarital": N_("💍 Book the course"),
    "request_conflict": N_("🤝 Ask for counselling or mediation"),
    "request_other": N_("✍️ Ask a center"),
    "emergency": N_("🆘 Emergency numbers"),
    "find_center": N_("📍 Find a center"),
}
BACK = N_("⬅️ All programmes")


def programme_list(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for programme in PROGRAMMES:
        label = f"{programme.emoji} {programme.name(locale)}"
        builder.button(text=label, callback_data=ProgrammeCb(code=programme.code))
    builder.adjust(1)
    return builder.as_markup()


def programme_card(programme: Programme) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_(ACTION_LABELS[programme.action]), callback_data=ProgrammeGoCb(code=programme.code))
    builder.button(text=_(BACK), callback_data=ProgrammesCb())
    builder.adjust(1)
    return builder.as_markup()
