"""Texts about centers: lists, cards, opening hours; every piece of data is HTML-escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_datetime, format_time

from bot.core.i18n import format_km
from bot.core.keyboards import N_
from bot.directory.models import Center

SERVICE_NAMES = {
    "psychological": N_("psychological counselling"),
    "legal": N_("legal advice"),
    "social": N_("social support"),
    "parents_academy": N_("Parents Academy"),
    "premarital": N_("pre-marital courses"),
}


def center_search_prompt() -> str:
    return _(
        "How shall we find your center?\n\n"
        "📍 Send your location to see the nearest centers,\n"
        "🗺 choose a region,\n"
        "⌨️ or type the name of your city, town or district."
    )


def place_not_found(text: str) -> str:
    return _(
        "I could not find a place called «{place}». Check the spelling, try the nearest city, or choose a region."
    ).format(place=escape(text))


def location_outside() -> str:
    return _("This location is outside Kazakhstan. Here are the centers closest to it anyway:")


def nearest_heading(count: int) -> str:
    return ngettext("The nearest center:", "The {count} nearest centers:", count).format(count=count)


def place_heading(place: str, count: int) -> str:
    return ngettext(
        "Center near {place}:",
        "{count} centers near {place}:",
        count,
    ).format(place=escape(place), count=count)


def region_heading(region: str, count: int) -> str:
    return ngettext("{region}: {count} center", "{region}: {count} centers", count).format(
        region=escape(region), count=count
    )


def choose_region() -> str:
    return _("Choose your region or city:")


def choose_locality(region: str) -> str:
    return _("{region}: choose a city or district:").format(region=escape(region))


def no_centers() -> str:
    return _("There are no centers in the directory yet. Please call 111 for advice.")


def center_gone() -> str:
    return _("This center is no longer in the directory. Please search again.")


def open_status(center: Center, now: datetime, locale: str) -> str | None:
    """'Open now, until 13:00' or 'Closed now, opens tomorrow at 09:00', from the structured hours; `now` is the
    clock's moment in the bot's time zone."""
    schedule = center.opening()
    if schedule is None:
        return None
    status = schedule.status(now)
    if status.open:
        return _("🟢 Open now, until {time}").format(time=when(status.change, now, locale))
    if status.change is None:
        return _("🔴 Closed now")
    return _("🔴 Closed now, opens {time}").format(time=when(status.change, now, locale))


def when(moment: datetime | None, now: datetime, locale: str) -> str:
    if moment is None:
        return "—"
    clock = format_time(moment, "HH:mm", tzinfo=moment.tzinfo, locale=locale)
    if moment.date() == now.date():
        return _("today at {time}").format(time=clock)
    if moment.date() == now.date() + timedelta(days=1):
        return _("tomorrow at {time}").format(time=clock)
    return format_datetime(moment, "EEEE, HH:mm", tzinfo=moment.tzinfo, locale=locale)


def centers_list(heading: str, found: Sequence[tuple[Center, float | None]], locale: str, now: datetime) -> str:
    lines = [heading, ""]
    for number, (center, distance) in enumerate(found, start=1):
        schedule = center.opening()
        mark = ("🟢 " if schedule.status(now).open else "🔴 ") if schedule else ""
        title = f"{number}. {mark}<b>{escape(center.name(locale))}</b>"
        if distance is not None:
            title += " · " + _("{km} km").format(km=format_km(distance, locale))
        lines.append(title)
        lines.append(f"    {escape(center.address(locale))}, {escape(center.locality(locale))}")
    lines += ["", _("Tap a center to see its card.")]
    return "\n".join(lines)


def center_card(center: Center, locale: str, now: datetime) -> str:
    lines = [f"<b>{escape(center.name(locale))}</b>"]
    if notice := center.current_notice(now):  # the staff's temporary notice first, while it is valid
        lines.append(f"📢 <b>{escape(notice)}</b>")
    if center.is_sample:
        lines.append(_("⚠️ <i>Sample data: not a real center's address or phone.</i>"))
    lines += [
        "",
        f"📍 {escape(center.address(locale))}, {escape(center.locality(locale))}",
        f"🕘 {escape(center.hours(locale))}",
        *([status] if (status := open_status(center, now, locale)) else []),
        "☎️ " + ", ".join(escape(phone) for phone in center.phones),
    ]
    if center.services:
        services = ", ".join(_(SERVICE_NAMES[code]) for code in center.services if code in SERVICE_NAMES)
        lines += ["", _("<b>Services:</b> {services}").format(services=services)]
    lines += ["", _("All services are free. In an emergency call 112.")]
    return "\n".join(lines)
