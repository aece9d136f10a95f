"""The /staff list's buttons: regions, centers, a center's staff, and the removal question."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.directory.models import Center
from bot.directory.regions import regions_for_display
from bot.staff_roster.callbacks import (
    RosterCenterCb,
    RosterConfirmCb,
    RosterInviteCb,
    RosterPageCb,
    RosterRegionCb,
    RosterRegionsCb,
    RosterRemoveCb,
)
from bot.staff_roster.rules import short
from bot.staff_roster.views import RosterPage, name_of


def regions(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for region in regions_for_display(locale):
        builder.button(text=region.name(locale), callback_data=RosterRegionCb(slug=region.slug))
    builder.adjust(1, 2)
    return builder.as_markup()


def centers(found: list[tuple[Center, int]], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for center, staff in found:
        builder.button(
            text=f"{short(center.name(locale), 56)} · 👥 {staff}", callback_data=RosterCenterCb(center=center.id)
        )
    builder.button(text=_("⬅️ All regions"), callback_data=RosterRegionsCb())
    builder.adjust(1)
    return builder.as_markup()


def roster(center: Center, page: RosterPage) -> InlineKeyboardMarkup:
    """Invite; a remove button for each person on the page; the previous and next pages; back to the regions."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("➕ Invite"), callback_data=RosterInviteCb(center=center.id))
    for entry in page.entries:
        builder.button(
            text=f"➖ {short(name_of(entry))}",
            callback_data=RosterRemoveCb(center=center.id, user=entry.user_id, at=page.at),
        )
    builder.adjust(1)
    turns = [
        InlineKeyboardButton(text=label, callback_data=RosterPageCb(center=center.id, at=at).pack())
        for label, at in (("◀️", page.previous), ("▶️", page.next))
        if at is not None
    ]
    if turns:
        builder.row(*turns)
    builder.row(InlineKeyboardButton(text=_("⬅️ All regions"), callback_data=RosterRegionsCb().pack()))
    return builder.as_markup()


def confirm(center_id: int, user_id: int, at: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    yes = RosterConfirmCb(center=center_id, user=user_id, ok=True, at=at)
    builder.button(text=_("✅ Yes, remove"), callback_data=yes)
    builder.button(text=_("↩️ No, keep"), callback_data=RosterConfirmCb(center=center_id, user=user_id, ok=False, at=at))
    builder.adjust(2)
    return builder.as_markup()
