"""What must hold when staff run a course group: a session time typed in a forgiving form (read in the center's
time zone, against a clock), the choices offered as buttons, the seats, and where reminders go when a session
moves. Plain functions: no Telegram, no database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.courses.rules import REMINDERS

PICK_DAYS = 14  # dates offered as buttons: today and the 13 days after
FIRST_TIME, LAST_TIME = time(9, 0), time(19, 0)  # times offered as buttons, by half hours
SEAT_CHOICES = (5, 8, 10, 12, 15, 20, 25, 30)
MAX_SEATS = 500
MAX_SESSIONS = 30
FURTHEST = timedelta(days=730)  # a session further ahead is a typing mistake
MAX_MESSAGE = 3500  # a message to a group, leaving room for its heading within Telegram's 4096

_BEFORE = dict(REMINDERS)
_DATE_ISO = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_DATE_DMY = r"(?P<d2>\d{1,2})[./](?P<m2>\d{1,2})(?:[./](?P<y2>\d{4}|\d{2}))?"
_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
_TYPED = re.compile(rf"^(?:{_DATE_ISO}|{_DATE_DMY})(?:\s*,\s*|\s+|T)(?:(?:в|at|сағ\.?)\s+)?{_TIME}$", re.IGNORECASE)


def parse_session(text: str, zone: ZoneInfo, now: datetime) -> tuple[datetime | None, str | None]:
    """'12.12 18:30', '12.12.2026 18:30', '2026-12-12 18:30' (also '12/12, 18.30') in `zone`: the moment in UTC,
    or why not: "format" (not such a date and time), "past" (not ahead of `now`), "far" (over two years ahead).
    Without a year, the next such day: this year's, or next year's once this year's has gone."""
    match = _TYPED.match(" ".join(text.split()))
    if match is None:
        return None, "format"
    parts = match.groupdict()
    day, month = int(parts["d"] or parts["d2"]), int(parts["m"] or parts["m2"])
    year_text = parts["y"] or parts["y2"]
    local_now = now.astimezone(zone)
    year = int(year_text) if year_text else local_now.year
    if year_text and len(year_text) == 2:
        year += 2000
    try:
        clock = time(int(parts["h"]), int(parts["mi"]))
        moment = datetime.combine(date(year, month, day), clock, tzinfo=zone)
        if not year_text and moment <= local_now:
            moment = moment.replace(year=year + 1)
    except ValueError:
        return None, "format"
    return check_session(moment.astimezone(UTC), now)


def check_session(moment: datetime, now: datetime) -> tuple[datetime | None, str | None]:
    if moment <= now:
        return None, "past"
    if moment - now > FURTHEST:
        return None, "far"
    return moment, None


def session_at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A day and a time picked from the buttons, in `zone`: the moment in UTC."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def pick_days(now: datetime, zone: ZoneInfo) -> list[date]:
    today = now.astimezone(zone).date()
    return [today + timedelta(days=offset) for offset in range(PICK_DAYS)]


def pick_times(day: date, now: datetime, zone: ZoneInfo) -> list[time]:
    """09:00 to 19:00 by half hours; on today, only those still ahead."""
    found, moment = [], datetime.combine(day, FIRST_TIME)
    while moment.time() <= LAST_TIME and moment.date() == day:
        if session_at(day, moment.time(), zone) > now:
            found.append(moment.time())
        moment += timedelta(minutes=30)
    return found


def parse_seats(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 4 else None


def seats_error(seats: int, confirmed: int) -> str | None:
    """Why a group cannot have `seats` seats when `confirmed` are taken: "range" or "below"; None when it can."""
    if not 1 <= seats <= MAX_SEATS:
        return "range"
    if seats < confirmed:
        return "below"
    return None


def add_session(sessions: tuple[datetime, ...], moment: datetime) -> tuple[tuple[datetime, ...], str | None]:
    """A draft's sessions with one more, in order; "twice" for the same moment again, "many" past the limit."""
    if moment in sessions:
        return sessions, "twice"
    if len(sessions) >= MAX_SESSIONS:
        return sessions, "many"
    return tuple(sorted((*sessions, moment))), None


def retime(
    kind: str, status: str, new_start: datetime, now: datetime, wanted: bool = True
) -> tuple[str, datetime | None]:
    """Where a reminder goes when its session moves to `new_start`: due again before the new time while that is
    still ahead, whether it was pending, sent (it reminds again, of the new time) or cancelled by an earlier move
    that brought the session too near; one whose new time has passed is not sent late (cancelled, or left as
    sent). A reminder nobody wants any more (`wanted` False: not a confirmed sign-up's person who asked) is not
    brought back."""
    due = new_start - _BEFORE[kind]
    if wanted and due > now:
        return "pending", due
    return ("sent" if status == "sent" else "cancelled"), None


def make_slug(topic_slug: str, center_slug: str, first: datetime, zone: ZoneInfo, suffix: str) -> str:
    """topic-center-YYYYMMDD-suffix, within the 64 characters of a-z, 0-9 and '-' that a group id may have."""
    clean = re.compile(r"[^a-z0-9-]+")
    head = f"{clean.sub('-', topic_slug.lower())[:24]}-{clean.sub('-', center_slug.lower())[:20]}".strip("-")
    slug = f"{head}-{first.astimezone(zone):%Y%m%d}-{clean.sub('', suffix.lower())[:6]}"
    return re.sub(r"-{2,}", "-", slug)[:64].strip("-")


def clean_message(text: str) -> str | None:
    """A message to a group: not empty, within the length that fits beside its heading."""
    text = text.strip()
    return text if 0 < len(text) <= MAX_MESSAGE else None


def csv_cell(value: str) -> str:
    """A spreadsheet does not run what a cell holds: a leading =, +, -, @ is quoted away."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
