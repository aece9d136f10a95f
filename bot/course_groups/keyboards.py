"""The inline keyboards of /groups, built in the language of the moment."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date

from bot.core.i18n import LANGUAGE_NAMES
from bot.course_groups.callbacks import (
    GActCb,
    GConfirmCb,
    GMarkCb,
    GNewCb,
    GOpenCb,
    GPickCb,
    GroupsCb,
    GSessionCb,
    GSheetCb,
)
from bot.course_groups.rules import SEAT_CHOICES
from bot.course_groups.views import person
from bot.courses.models import Topic
from bot.courses.views import session_time
from bot.directory.models import Center

if TYPE_CHECKING:
    from bot.course_groups.desk import Managed, Roster


def day_label(day: date, locale: str) -> str:
    return format_date(day, format="EEE d MMM", locale=locale)


def overview(
    items: list[Managed], zone: ZoneInfo, now: datetime, locale: str, new_at: list[Center]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for managed in items:
        upcoming = managed.group.next_session(now)
        when = session_time(upcoming.starts_at, zone, locale) if upcoming else ""
        label = f"{when} · {managed.topic.title(locale)} · {managed.group.taken}/{managed.group.seats}"
        builder.button(text=label[:100], callback_data=GOpenCb(id=managed.group.id))
    for center in new_at:
        label = (
            _("➕ New group") if len(new_at) == 1 else _("➕ New group: {center}").format(center=center.name(locale))
        )
        builder.button(text=label[:100], callback_data=GNewCb(center=center.id))
    builder.adjust(1)
    return builder.as_markup()


def group_actions(managed: Managed) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    group_id = managed.group.id
    if not managed.group.closed:
        for text, act in (
            (_("🪑 Seats"), "seats"),
            (_("➕ Add a session"), "add"),
            (_("📅 Move a session"), "move"),
            (_("✖️ Cancel a session"), "cancel"),
            (_("📢 Message to the group"), "write"),
        ):
            builder.button(text=text, callback_data=GActCb(id=group_id, act=act))
    builder.button(text=_("📝 Attendance"), callback_data=GActCb(id=group_id, act="attend"))
    builder.button(text=_("📄 CSV"), callback_data=GActCb(id=group_id, act="csv"))
    if not managed.group.closed:
        builder.button(text=_("⛔ Close the group"), callback_data=GActCb(id=group_id, act="close"))
    builder.button(text=_("⬅️ All groups"), callback_data=GroupsCb())
    builder.adjust(2)
    return builder.as_markup()


def sessions(managed: Managed, act: str, now: datetime, zone: ZoneInfo, locale: str) -> InlineKeyboardMarkup | None:
    """The sessions an action can take: ahead ones to move or cancel, any held or ahead for attendance."""
    builder = InlineKeyboardBuilder()
    found = [s for s in managed.group.active if act == "attend" or s.starts_at > now]
    for session in found:
        builder.button(
            text=session_time(session.starts_at, zone, locale),
            callback_data=GSessionCb(id=managed.group.id, session=session.id, act=act),
        )
    builder.adjust(1)
    return builder.as_markup() if found else None


def topics(items: list[Topic], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for topic in items:
        mark = "💍 " if topic.programme == "premarital" else ""
        builder.button(
            text=f"{mark}{topic.title(locale)}"[:100], callback_data=GPickCb(what="topic", value=str(topic.id))
        )
    builder.adjust(1)
    return builder.as_markup()


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=GPickCb(what="lang", value=code))
    return builder.as_markup()


def forms() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🏢 In person"), callback_data=GPickCb(what="online", value="0"))
    builder.button(text=_("💻 Online"), callback_data=GPickCb(what="online", value="1"))
    return builder.as_markup()


def seats() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for number in SEAT_CHOICES:
        builder.button(text=str(number), callback_data=GPickCb(what="seats", value=str(number)))
    builder.adjust(4)
    return builder.as_markup()


def days(items: list[date], locale: str, done: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in items:
        builder.button(text=day_label(day, locale), callback_data=GPickCb(what="day", value=day.isoformat()))
    sizes = [3] * (len(items) // 3) + ([len(items) % 3] if len(items) % 3 else [])
    if done:
        builder.button(text=_("✅ Done"), callback_data=GPickCb(what="done"))
        sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def times(items: list[time]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for moment in items:
        builder.button(text=f"{moment:%H:%M}", callback_data=GPickCb(what="time", value=f"{moment:%H%M}"))
    builder.button(text=_("⬅️ Another date"), callback_data=GPickCb(what="back"))
    builder.adjust(*([4] * (len(items) // 4)), *([len(items) % 4] if len(items) % 4 else []), 1)
    return builder.as_markup()


def confirm(yes: str | None = None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=yes or _("✅ Confirm"), callback_data=GConfirmCb(ok=True))
    builder.button(text=_("✖️ Cancel"), callback_data=GConfirmCb(ok=False))
    return builder.as_markup()


SHEET_PAGE = 40  # people a page of the attendance sheet: with ◀ ▶, CSV and back, well within Telegram's 100 buttons


def sheet_pages(roster: Roster) -> int:
    people = sum(1 for line in roster.lines if line.status == "confirmed")
    return max(1, -(-people // SHEET_PAGE))


def attendance(roster: Roster, session_id: int, page: int = 0) -> InlineKeyboardMarkup:
    """One button per person holding a seat, SHEET_PAGE a page (a page past the end shows the last one)."""
    builder = InlineKeyboardBuilder()
    group_id = roster.managed.group.id
    people = [line for line in roster.lines if line.status == "confirmed"]
    page = min(max(page, 0), sheet_pages(roster) - 1)
    shown = people[page * SHEET_PAGE : (page + 1) * SHEET_PAGE]
    for line in shown:
        mark = "✅" if (session_id, line.signup_id) in roster.present else "⬜"
        builder.button(
            text=f"{mark} {person(line.name, line.partner_name)}"[:100],
            callback_data=GMarkCb(session=session_id, signup=line.signup_id, page=page),
        )
    sizes = [1] * len(shown)
    turns = []
    if page > 0:
        turns.append(("◀", page - 1))
    if (page + 1) * SHEET_PAGE < len(people):
        turns.append(("▶", page + 1))
    for text, to in turns:
        builder.button(text=text, callback_data=GSheetCb(session=session_id, page=to))
    if turns:
        sizes.append(len(turns))
    builder.button(text=_("📄 CSV"), callback_data=GActCb(id=group_id, act="csv"))
    builder.button(text=_("⬅️ Back"), callback_data=GOpenCb(id=group_id))
    builder.adjust(*sizes, 1, 1)
    return builder.as_markup()
