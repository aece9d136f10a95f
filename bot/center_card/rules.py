"""What must hold when staff edit their center's card: the week's hours, holidays, a notice, phones, address,
services. Plain functions over values (and a date or a zone where time matters); no Telegram, no database.

A week is 7 entries, Monday first: None for a closed day, else [open, close] or [open, close, break_start,
break_end] in minutes from that day's midnight; a close past midnight is above 1440 (fri 22:00-02:00 is
[1320, 1560]). It converts to and from the registry's line (bot.directory.schedule) and to the card's text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.center_card.models import CardError
from bot.directory.models import SERVICES
from bot.directory.schedule import DAYS, parse_schedule
from bot.requests.rules import kazakh_number, mobile_format

Day = list[int]
Week = list[Day | None]

WEEKDAYS = 7  # the day code for "Monday to Friday at once"
DAY = 24 * 60
NOTICE_MAX = 300
ADDRESS_MIN, ADDRESS_MAX = 3, 200
PHONES_MAX = 5
HOLIDAYS_AHEAD = timedelta(days=2 * 366)
HOLIDAYS_MAX = 60  # upcoming holidays a card may hold: the list is shown whole on the card's screens
ECHO_MAX = 40  # how much of a refused input is shown back
# A cell starting with one of these is run as a formula by spreadsheet programs (the centers CSV is opened in one).
FORMULA_START = ("=", "+", "-", "@")

# The card's hours text is stored in both languages at once (hours_kk, hours_ru), like the registry's, so the words
# are data here, not the catalog of the moment.
DAY_NAMES = {
    "kk": ("Дс", "Сс", "Ср", "Бс", "Жм", "Сб", "Жс"),
    "ru": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
}
BREAK_WORD = {"kk": "түскі үзіліс", "ru": "обед"}
DAILY_WORD = {"kk": "Күн сайын", "ru": "Ежедневно"}

_TIME = re.compile(r"^(\d{1,2})(?:[:.\-\s]?(\d{2}))?$")
_SPAN = re.compile(r"^\s*(\S+)\s*[-–—]\s*(\S+)\s*$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PHONE_DIGITS = re.compile(r"\D")


# ---- hours ----


def week_of(schedule: str) -> Week:
    """The registry's line as a week to edit; an empty line is a week with every day closed."""
    parsed = parse_schedule(schedule) if schedule.strip() else None
    week: Week = []
    for weekday in range(7):
        spans = sorted(parsed.week.get(weekday, ())) if parsed else []
        if not spans:
            week.append(None)
        elif len(spans) == 1:
            week.append([spans[0][0], spans[0][1]])
        else:  # the first gap is the break
            week.append([spans[0][0], spans[-1][1], spans[0][1], spans[1][0]])
    return week


def schedule_of(week: Week) -> str:
    """The week as the registry's line: consecutive days with the same hours share a part."""
    parts = []
    for first, last, hours in _runs(week):
        days = DAYS[first] if first == last else f"{DAYS[first]}-{DAYS[last]}"
        if first == 0 and last == 6:
            days = "daily"
        part = f"{days} {_clock(hours[0])}-{_clock(hours[1])}"
        if len(hours) == 4:
            part += f" break {_clock(hours[2])}-{_clock(hours[3])}"
        parts.append(part)
    return "; ".join(parts)


def describe(week: Week, locale: str) -> str:
    """The hours as the card shows them: «Пн–Пт 09:00–18:00, обед 13:00–14:00; Сб 10:00–14:00»."""
    names = DAY_NAMES[locale]
    parts = []
    for first, last, hours in _runs(week):
        if first == 0 and last == 6:
            days = DAILY_WORD[locale]
        else:
            days = names[first] if first == last else f"{names[first]}–{names[last]}"
        part = f"{days} {_clock(hours[0])}–{_clock(hours[1])}"
        if len(hours) == 4:
            part += f", {BREAK_WORD[locale]} {_clock(hours[2])}–{_clock(hours[3])}"
        parts.append(part)
    return "; ".join(parts)


def day_text(hours: Day | None) -> str:
    """One day's hours in figures (no words): 09:00–18:00 (13:00–14:00); "" for a closed day."""
    if hours is None:
        return ""
    text = f"{_clock(hours[0])}–{_clock(hours[1])}"
    if len(hours) == 4:
        text += f" ({_clock(hours[2])}–{_clock(hours[3])})"
    return text


def parse_line(text: str) -> Week:
    """A typed line in the registry's form (the shortcut for those who know it)."""
    try:
        week = week_of(text.strip().lower())
    except ValueError:
        raise CardError("bad_line", _echo(text)) from None
    check_week(week)
    return week


def parse_time(text: str) -> int:
    """'9', '9:30', '09.30', '0930', '24:00' as minutes from midnight; anything else (25:00, 9:75) is refused."""
    match = _TIME.match(text.strip())
    if not match:
        raise CardError("bad_time", _echo(text))
    hours, minutes = int(match[1]), int(match[2] or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise CardError("bad_time", _echo(text))
    return hours * 60 + minutes


def parse_span(text: str) -> tuple[int, int]:
    """'13:00-14:00' (a break typed)."""
    match = _SPAN.match(text)
    if not match:
        raise CardError("bad_span", _echo(text))
    return parse_time(match[1]), parse_time(match[2])


def day_hours(opens: int, closes: int, pause: tuple[int, int] | None = None) -> Day:
    """One day's hours, checked: a close at or before the opening runs past midnight (22:00-02:00), but not a
    whole day or more; a break lies strictly inside the hours, before midnight."""
    if not (0 <= opens < DAY and 0 <= closes <= DAY):
        raise CardError("bad_time", _clock(opens if opens >= DAY else closes))
    end = closes if closes > opens else closes + DAY
    if closes == opens or end - opens > DAY:
        raise CardError("same_time", _clock(opens))
    if pause is None:
        return [opens, end]
    start, stop = pause
    if not (opens < start < stop < end and stop <= DAY):
        raise CardError("break_outside", f"{_clock(start)}–{_clock(stop)}")
    return [opens, end, start, stop]


def set_days(week: Week, day: int, hours: Day | None) -> Week:
    """The week with `day` (0 = Monday ... 6, or WEEKDAYS for Monday to Friday) set to `hours` (None: closed)."""
    if not 0 <= day <= WEEKDAYS:
        raise CardError("bad_day", str(day))
    days = range(5) if day == WEEKDAYS else (day,)
    return [list(hours) if index in days and hours is not None else (None if index in days else week[index])
            for index in range(7)]  # fmt: skip


def check_week(week: Week) -> None:
    """A week the card can show: at least one day open, each day's hours sound, and the line parses back."""
    if len(week) != 7:
        raise CardError("bad_line", "")
    if all(hours is None for hours in week):
        raise CardError("no_hours")
    for hours in week:
        if hours is not None:
            pause = (hours[2], hours[3]) if len(hours) == 4 else None
            day_hours(hours[0], hours[1] % DAY if hours[1] > DAY else hours[1], pause)
    parse_schedule(schedule_of(week))  # what is written must read back


def _runs(week: Week) -> list[tuple[int, int, Day]]:
    runs: list[tuple[int, int, Day]] = []
    for index, hours in enumerate(week):
        if hours is None:
            continue
        if runs and runs[-1][1] == index - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], index, hours)
        else:
            runs.append((index, index, hours))
    return runs


def _clock(minutes: int) -> str:
    if minutes > DAY:
        minutes -= DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock(minutes: int) -> str:
    """Minutes from midnight as HH:MM (past midnight as the next day's time)."""
    return _clock(minutes)


# ---- holidays ----


def parse_dates(text: str, today: date) -> list[date]:
    """'16.12', '16.12.2026', '16/12/26', '2026-12-16', several at once separated by commas or spaces. A date
    without a year is its next coming; a past date or one more than two years ahead is refused, and so are more
    dates than a card may hold."""
    found: set[date] = set()
    for token in (piece for piece in re.split(r"[,;\s]+", text.strip()) if piece):
        found.add(_one_date(token, today))
        if len(found) > HOLIDAYS_MAX:
            raise CardError("too_many_holidays", str(HOLIDAYS_MAX))
    if not found:
        raise CardError("bad_date", _echo(text))
    return sorted(found)


def _one_date(token: str, today: date) -> date:
    try:
        if match := _ISO.match(token):
            day = date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _DOTTED.match(token):
            year = match[3]
            if year is None:
                day = date(today.year, int(match[2]), int(match[1]))
                if day < today:
                    day = date(today.year + 1, int(match[2]), int(match[1]))
            else:
                day = date(int(year) + (2000 if len(year) == 2 else 0), int(match[2]), int(match[1]))
        else:
            raise CardError("bad_date", _echo(token))
    except ValueError:  # 31.02
        raise CardError("bad_date", _echo(token)) from None
    if day < today:
        raise CardError("past_date", day.isoformat())
    if day > today + HOLIDAYS_AHEAD:
        raise CardError("far_date", day.isoformat())
    return day


def holiday_list(holidays: str) -> list[date]:
    return sorted({date.fromisoformat(raw.strip()) for raw in holidays.split(";") if raw.strip()})


def holidays_text(days: list[date]) -> str:
    return ";".join(day.isoformat() for day in sorted(set(days)))


def add_holidays(holidays: str, days: list[date], today: date) -> str:
    """The holidays with `days` added; refused (CardError) when more than HOLIDAYS_MAX would lie ahead."""
    text = holidays_text([*holiday_list(holidays), *days])
    check_holidays(text, today)
    return text


def check_holidays(holidays: str, today: date) -> None:
    if len(upcoming_holidays(holidays, today)) > HOLIDAYS_MAX:
        raise CardError("too_many_holidays", str(HOLIDAYS_MAX))


def remove_holiday(holidays: str, day: date) -> str:
    return holidays_text([item for item in holiday_list(holidays) if item != day])


def upcoming_holidays(holidays: str, today: date) -> list[date]:
    return [day for day in holiday_list(holidays) if day >= today]


# ---- the notice ----


def check_notice(text: str) -> str:
    cleaned = " ".join(text.split())
    if not 1 <= len(cleaned) <= NOTICE_MAX:
        raise CardError("notice_length", str(NOTICE_MAX))
    return cleaned


def notice_end(choice: str, today: date, zone: ZoneInfo, until: date | None = None) -> str:
    """When a notice stops being shown, as stored (UTC ISO): the end of today, the end of `until`, or "" (until
    removed)."""
    if choice == "forever":
        return ""
    last = today if choice == "today" else until
    if last is None or choice not in ("today", "date"):
        raise CardError("bad_date", "")
    if last < today:
        raise CardError("past_date", last.isoformat())
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    return end.astimezone(UTC).isoformat(timespec="seconds")


def notice_valid(notice: str, until: str, now: datetime) -> bool:
    return bool(notice) and (not until or now < datetime.fromisoformat(until))


def last_day(until: str, zone: ZoneInfo) -> date | None:
    """The last day a notice is shown (local), from its stored end; None when it stays until removed."""
    if not until:
        return None
    return (datetime.fromisoformat(until).astimezone(zone) - timedelta(seconds=1)).date()


# ---- phones ----


def normalize_center_phone(text: str) -> str | None:
    """Any valid Kazakh number: a mobile as +7 7XX XXX XX XX, a landline as libphonenumber writes it
    (+7 7172 12 34 56); None for anything else."""
    number = kazakh_number(text) if len(text) <= 40 else None
    if number is None:
        return None
    if phonenumbers.number_type(number) == PhoneNumberType.MOBILE:
        return mobile_format(number)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def add_phone(phones: list[str], text: str) -> list[str]:
    phone = normalize_center_phone(text)
    if phone is None:
        raise CardError("bad_phone", text.strip()[:40])
    if _digits(phone) in {_digits(item) for item in phones}:
        raise CardError("phone_twice", phone)
    if len(phones) >= PHONES_MAX:
        raise CardError("too_many_phones", str(PHONES_MAX))
    return [*phones, phone]


def remove_phone(phones: list[str], index: int) -> list[str]:
    if not 0 <= index < len(phones):
        raise CardError("gone")
    if len(phones) <= 1:
        raise CardError("last_phone")
    return [phone for number, phone in enumerate(phones) if number != index]


def _echo(text: str) -> str:
    """A refused input as shown back: trimmed, at most ECHO_MAX characters."""
    cleaned = text.strip()
    return cleaned if len(cleaned) <= ECHO_MAX else cleaned[: ECHO_MAX - 1] + "…"


def _digits(phone: str) -> str:
    digits = _PHONE_DIGITS.sub("", phone)
    return digits[-10:]


# ---- address and services ----


def check_address(text: str) -> str:
    """The address as written on the card; one starting with = + - or @ is refused (a spreadsheet program would
    run it as a formula when the registry's CSV is opened)."""
    cleaned = " ".join(text.split())
    if not ADDRESS_MIN <= len(cleaned) <= ADDRESS_MAX:
        raise CardError("address_length", str(ADDRESS_MAX))
    if cleaned.startswith(FORMULA_START):
        raise CardError("address_start", cleaned[0])
    return cleaned


def toggle_service(services: list[str], code: str) -> list[str]:
    if code not in SERVICES:
        raise CardError("gone")
    chosen = set(services) ^ {code}
    if not chosen:
        raise CardError("last_service")
    return [item for item in SERVICES if item in chosen]
