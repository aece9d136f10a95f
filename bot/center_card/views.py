"""What staff see while editing their center's card, in their language; every piece of data is HTML-escaped."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from babel.dates import get_day_names

from bot.center_card import rules
from bot.center_card.models import CardError, Values
from bot.center_card.rules import WEEKDAYS, Week
from bot.core import texts
from bot.directory import views as directory_views
from bot.directory.models import Center
from bot.directory.views import SERVICE_NAMES


def day_name(day: int, locale: str) -> str:
    if day == WEEKDAYS:
        return _("Mon–Fri")
    return str(get_day_names("wide", locale=locale, context="stand-alone")[day]).capitalize()


def day_short(day: int, locale: str) -> str:
    if day == WEEKDAYS:
        return _("Mon–Fri")
    return str(get_day_names("abbreviated", locale=locale, context="stand-alone")[day]).capitalize()


def day_off() -> str:
    return _("day off")


def short_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def card_menu(center: Center, locale: str, now: datetime, heading: str | None = None) -> str:
    lines = [heading or _("🏢 <b>Your center's card</b>, as people see it:"), ""]
    lines.append(directory_views.center_card(center, locale, now))
    lines += ["", _("What would you like to change?")]
    return "\n".join(lines)


def saved(center: Center, locale: str, now: datetime) -> str:
    return card_menu(center, locale, now, _("✅ Saved. People see the card like this now:"))


def stale(center: Center, locale: str, now: datetime) -> str:
    heading = _(
        "⚠️ The card changed meanwhile: a colleague saved a change. Here it is as it stands now; make your change "
        "again if it is still needed."
    )
    return card_menu(center, locale, now, heading)


def dropped(center: Center, locale: str, now: datetime) -> str:
    return card_menu(center, locale, now, _("The change was dropped. The card stays as it is:"))


def choose_center(more: bool) -> str:
    text = _("Choose the center whose card you want to change:")
    if more:
        text += "\n\n" + _(
            "Not in the list? Type /center and the center's id, like <code>/center astana-zhanuya</code>."
        )
    return text


# ---- hours ----


def hours_menu(center: Center, week: Week, locale: str) -> str:
    lines = [_("🕘 <b>Working hours</b>: {center}").format(center=escape(center.name(locale))), ""]
    for day, hours in enumerate(week):
        lines.append(f"{day_short(day, locale)}: {rules.day_text(hours) or day_off()}")
    lines += [
        "",
        _("Tap a day to change it, or type the whole week in one line, like:"),
        "<code>mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-14:00</code>",
    ]
    return "\n".join(lines)


def ask_opening(day: int, week: Week, locale: str) -> str:
    now = rules.day_text(week[0 if day == WEEKDAYS else day]) or day_off()
    return _("<b>{day}</b>, now: {hours}.\nWhen does it open? Tap a time or type it (like 08:30).").format(
        day=day_name(day, locale), hours=now
    )


def ask_closing(day: int, opens: int, locale: str) -> str:
    return _("<b>{day}</b> opens at {time}. When does it close? Tap a time or type it (like 17:30).").format(
        day=day_name(day, locale), time=rules.clock(opens)
    )


def ask_break(day: int, hours: list[int], locale: str) -> str:
    return _("<b>{day}</b>: {hours}. Is there a break? Tap one or type it (like 13:00-14:00).").format(
        day=day_name(day, locale), hours=rules.day_text(hours)
    )


def day_set(day: int, hours: list[int] | None, locale: str) -> str:
    return "✅ " + f"{day_name(day, locale)}: {rules.day_text(hours) or day_off()}"


# ---- holidays, notice, phones, address, services ----


def dates_text(days: list[date]) -> str:
    """The dates, at most HOLIDAYS_MAX of them (a registry imported by CSV may hold more), with how many more."""
    if not days:
        return _("none")
    shown = ", ".join(short_date(day) for day in days[: rules.HOLIDAYS_MAX])
    return shown if len(days) <= rules.HOLIDAYS_MAX else f"{shown} … (+{len(days) - rules.HOLIDAYS_MAX})"


def holidays_screen(holidays: str, today: date) -> str:
    shown = dates_text(rules.upcoming_holidays(holidays, today))
    return "\n".join(
        [
            _("📅 <b>Holidays</b> (days the center is closed): {days}").format(days=shown),
            "",
            _(
                "Type a date to add it: 16.12, 16.12.2026 or 2026-12-16 (several at once, separated by commas). "
                "Tap a date to remove it."
            ),
        ]
    )


def notice_value(notice: str, until: str, zone: ZoneInfo, now: datetime) -> str:
    if not notice:
        return _("no notice")
    last = rules.last_day(until, zone)
    when = _("until removed") if last is None else _("until {date} inclusive").format(date=short_date(last))
    text = f"«{escape(notice)}» ({when})"
    if not rules.notice_valid(notice, until, now):
        text += " " + _("(expired: not shown)")
    return text


def notice_screen(center: Center, zone: ZoneInfo, now: datetime) -> str:
    return "\n".join(
        [
            _("📢 <b>Notice</b> at the top of the card: {notice}").format(
                notice=notice_value(center.notice, center.notice_until, zone, now)
            ),
            "",
            _(
                "Type the text of a new notice (up to {count} characters), like «Closed today, please call "
                "+7 701 123 45 67»."
            ).format(count=rules.NOTICE_MAX),
        ]
    )


def ask_notice_until(notice: str) -> str:
    return _("📢 «{notice}»\n\nUntil when shall people see it?").format(notice=escape(notice))


def ask_notice_date() -> str:
    return _("Type the last day it is shown: 16.12, 16.12.2026 or 2026-12-16.")


def phones_screen(phones: list[str]) -> str:
    listed = "\n".join(f"• {escape(phone)}" for phone in phones)
    return "\n".join(
        [
            _("☎️ <b>Phones</b> on the card:"),
            listed,
            "",
            _(
                "Type a number to add it (any Kazakh number, like +7 7172 12 34 56 or 8 701 123 45 67). "
                "Tap a number to remove it."
            ),
        ]
    )


def ask_address(language: str, current: str) -> str:
    if language == "kk":
        text = _("📍 <b>The address in Kazakh</b> now: {address}\n\nType the new address in Kazakh, or keep it.")
    else:
        text = _("📍 <b>The address in Russian</b> now: {address}\n\nType the new address in Russian, or keep it.")
    return text.format(address=escape(current))


def services_screen() -> str:
    return _("🧩 <b>Services</b> on the card: tap one to switch it on or off.")


def service_name(code: str) -> str:
    return _(SERVICE_NAMES[code]) if code in SERVICE_NAMES else code


# ---- before and after ----

FIELD_TITLES = {
    "hours": lambda: _("Working hours"),
    "holidays": lambda: _("Holidays"),
    "notice": lambda: _("Notice"),
    "phones": lambda: _("Phones"),
    "address": lambda: _("Address"),
    "services": lambda: _("Services"),
}


def field_text(field: str, values: Values, locale: str, zone: ZoneInfo, now: datetime) -> str:
    if field == "hours":
        return escape(str(values[f"hours_{locale}"])) or "—"
    if field == "holidays":
        return dates_text(rules.upcoming_holidays(str(values["holidays"]), now.date()))
    if field == "notice":
        return notice_value(str(values["notice"]), str(values["notice_until"] or ""), zone, now)
    if field == "phones":
        return ", ".join(escape(phone) for phone in values["phones"])
    if field == "address":
        return "\n".join(
            [
                _("in Kazakh: {address}").format(address=escape(str(values["address_kk"]))),
                _("in Russian: {address}").format(address=escape(str(values["address_ru"]))),
            ]
        )
    return ", ".join(service_name(code) for code in values["services"])


def review(field: str, before: Values, after: Values, locale: str, zone: ZoneInfo, now: datetime) -> str:
    return "\n".join(
        [
            _("<b>{what}</b>: check the change.").format(what=FIELD_TITLES[field]()),
            "",
            _("<b>Before:</b>"),
            field_text(field, before, locale, zone, now),
            "",
            _("<b>After:</b>"),
            field_text(field, after, locale, zone, now),
            "",
            _("Save this change?"),
        ]
    )


# ---- refusals ----


def error(problem: CardError) -> str:
    value = escape(problem.value)
    if problem.code in ("past_date", "far_date") and problem.value:
        value = short_date(date.fromisoformat(problem.value))
    messages = {
        "bad_time": lambda: _("«{value}» is not a time of day. Type it like 09:00 or 18:30 (00:00 to 24:00)."),
        "bad_span": lambda: _("«{value}» is not a break. Type it like 13:00-14:00."),
        "same_time": lambda: _("A day cannot open and close at the same time. Choose the closing time again."),
        "break_outside": lambda: _("The break {value} must lie inside the opening hours. Choose another break."),
        "bad_line": lambda: _(
            "I could not read that line. Write it like: mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-14:00"
        ),
        "no_hours": lambda: _("At least one day must be open."),
        "bad_day": lambda: texts.button_gone(),
        "bad_date": lambda: _("«{value}» is not a date. Type it like 16.12, 16.12.2026 or 2026-12-16."),
        "past_date": lambda: _("{value} has already passed. Choose a date from today on."),
        "far_date": lambda: _("{value} is more than two years ahead. Choose a nearer date."),
        "notice_length": lambda: _("A notice must be from 1 to {value} characters long."),
        "bad_phone": lambda: _(
            "«{value}» is not a valid Kazakh phone number. Type it like +7 7172 12 34 56 or 8 701 123 45 67."
        ),
        "phone_twice": lambda: _("{value} is on the card already."),
        "too_many_phones": lambda: _("A card holds at most {value} phones. Remove one first."),
        "last_phone": lambda: _("At least one phone must stay on the card."),
        "address_length": lambda: _("An address must be from 3 to {value} characters long."),
        "address_start": lambda: _(
            "An address cannot begin with «{value}». Begin it with the street or the town, like «ул. Абая, 52»."
        ),
        "too_many_holidays": lambda: _("A card holds at most {value} upcoming holidays. Remove some first."),
        "last_service": lambda: _("At least one service must stay on the card."),
        "unchanged": lambda: _("Nothing has changed yet."),
        "not_allowed": lambda: _("You can change only the card of your own center."),
    }
    message = messages.get(problem.code)
    if message is None:
        return texts.button_gone()
    return message().format(value=value)


def kept() -> str:
    return _("What you entered so far is kept.")
