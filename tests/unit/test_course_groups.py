"""The rules of running a course group: typed session times in a forgiving form, the buttons' dates and times, the
seats, where a moved session's reminders go, group ids and CSV cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.i18n import create_i18n
from bot.core.timezone import load_zone
from bot.course_groups.desk import Managed, Roster
from bot.course_groups.keyboards import SHEET_PAGE, attendance
from bot.course_groups.models import ManagedGroup, RosterLine, Session
from bot.course_groups.rules import (
    MAX_SESSIONS,
    add_session,
    clean_message,
    csv_cell,
    make_slug,
    parse_seats,
    parse_session,
    pick_days,
    pick_times,
    retime,
    seats_error,
    session_at,
)
from bot.course_groups.views import attendance as heading
from bot.courses.models import Topic
from bot.directory.models import Center

ZONE = load_zone("Asia/Almaty")  # UTC+5
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 13:00 in Almaty, 25 November 2026


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("12.12 18:30", "2026-12-12 18:30"),
        ("12.12.2026 18:30", "2026-12-12 18:30"),
        ("2026-12-12 18:30", "2026-12-12 18:30"),
        ("  12/12,  18.30 ", "2026-12-12 18:30"),
        ("1.12 9:00", "2026-12-01 09:00"),
        ("12.12.26 18:30", "2026-12-12 18:30"),
        ("12.12 в 18:30", "2026-12-12 18:30"),
        ("2026-12-12T18:30", "2026-12-12 18:30"),
        ("05.01 10:00", "2027-01-05 10:00"),  # no year: the next 5 January
        ("25.11 14:00", "2026-11-25 14:00"),  # later today
        ("25.11 12:00", "2027-11-25 12:00"),  # earlier today without a year: next year's
    ],
)
def test_a_typed_session_in_a_forgiving_form(typed: str, local: str) -> None:
    moment, error = parse_session(typed, ZONE, NOW)
    assert error is None and moment is not None
    assert moment.tzinfo == UTC
    assert f"{moment.astimezone(ZONE):%Y-%m-%d %H:%M}" == local


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("tomorrow at six", "format"),
        ("12.12", "format"),
        ("31.02.2027 10:00", "format"),
        ("12.12.2026 25:00", "format"),
        ("12.13 10:00", "format"),
        ("25.11.2026 12:59", "past"),
        ("2025-12-12 10:00", "past"),
        ("12.12.2029 10:00", "far"),
        ("", "format"),
    ],
)
def test_a_typed_session_that_is_not_one(typed: str, error: str) -> None:
    assert parse_session(typed, ZONE, NOW) == (None, error)


def test_the_buttons_days_and_times() -> None:
    days = pick_days(NOW, ZONE)
    assert days[0] == date(2026, 11, 25) and len(days) == 14 and days[-1] == date(2026, 12, 8)
    later = pick_times(date(2026, 11, 26), NOW, ZONE)
    assert later[0] == time(9, 0) and later[-1] == time(19, 0) and len(later) == 21
    today = pick_times(date(2026, 11, 25), NOW, ZONE)  # 13:00 now: from 13:30 on
    assert today[0] == time(13, 30)
    late = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 19:30 in Almaty
    assert pick_times(date(2026, 11, 25), late, ZONE) == []
    assert session_at(date(2026, 12, 12), time(18, 30), ZONE) == datetime(2026, 12, 12, 13, 30, tzinfo=UTC)


def test_seats() -> None:
    assert parse_seats(" 12 ") == 12 and parse_seats("twelve") is None and parse_seats("-3") is None
    assert parse_seats("99999") is None
    assert seats_error(12, 5) is None and seats_error(5, 5) is None
    assert seats_error(4, 5) == "below"
    assert seats_error(0, 0) == "range" and seats_error(501, 0) == "range"


def test_a_drafts_sessions_in_order_never_twice() -> None:
    a, b = NOW + timedelta(days=2), NOW + timedelta(days=1)
    sessions, error = add_session((a,), b)
    assert sessions == (b, a) and error is None
    assert add_session(sessions, a) == (sessions, "twice")
    many = tuple(NOW + timedelta(days=n) for n in range(1, MAX_SESSIONS + 1))
    assert add_session(many, NOW + timedelta(days=100))[1] == "many"


def test_a_moved_sessions_reminders() -> None:
    new_start = NOW + timedelta(days=3)
    assert retime("day", "pending", new_start, NOW) == ("pending", new_start - timedelta(days=1))
    assert retime("hours", "pending", new_start, NOW) == ("pending", new_start - timedelta(hours=2))
    soon = NOW + timedelta(hours=10)  # the day-before time has passed: not sent late
    assert retime("day", "pending", soon, NOW) == ("cancelled", None)
    assert retime("hours", "pending", soon, NOW) == ("pending", soon - timedelta(hours=2))
    assert retime("day", "sent", new_start, NOW) == ("pending", new_start - timedelta(days=1))  # of the new time
    assert retime("day", "sent", soon, NOW) == ("sent", None)
    # cancelled by a move that brought the session near, it comes back when a move takes the session away again
    assert retime("day", "cancelled", new_start, NOW) == ("pending", new_start - timedelta(days=1))
    assert retime("day", "cancelled", soon, NOW) == ("cancelled", None)
    # nobody wants it any more: not brought back, and one still pending is cancelled
    assert retime("day", "cancelled", new_start, NOW, wanted=False) == ("cancelled", None)
    assert retime("day", "pending", new_start, NOW, wanted=False) == ("cancelled", None)
    assert retime("day", "sent", new_start, NOW, wanted=False) == ("sent", None)


def test_group_ids_and_texts() -> None:
    first = datetime(2026, 12, 12, 20, 0, tzinfo=UTC)  # the 13th in Almaty
    slug = make_slug("teenagers", "pavlodar-city", first, ZONE, "a1b2c3")
    assert slug == "teenagers-pavlodar-city-20261213-a1b2c3"
    long = make_slug("x" * 80, "Y--Y " * 20, first, ZONE, "ff")
    assert len(long) <= 64 and long.replace("-", "").isalnum() and long == long.lower()
    assert clean_message("  room 3  ") == "room 3" and clean_message("   ") is None
    assert clean_message("x" * 3501) is None
    assert csv_cell("=HYPERLINK()") == "'=HYPERLINK()" and csv_cell("+7 701") == "'+7 701"
    assert csv_cell("Айгерім") == "Айгерім"


def test_the_attendance_sheet_of_a_full_group_comes_in_pages() -> None:
    """500 seats: never more than 100 buttons (Telegram refuses a bigger markup), every button's data within 64
    bytes whatever the ids, and the heading short."""
    big = 2**63 - 1
    session = Session(big, NOW)
    group = ManagedGroup(big, "g", 1, 1, False, "ru", 500, 500, 3, False, (session,))
    topic = Topic(1, "t", "academy", "Т" * 300, "Т" * 300, "", "")
    center = Center.__new__(Center)
    lines = [RosterLine(big - n, "Ж" * 120, "Д" * 120, "+7", 1, "confirmed") for n in range(500)]
    lines += [RosterLine(n, "W", None, "+7", 1, "waiting") for n in range(3)]
    roster = Roster(Managed(group, topic, center), lines, {(big, big - 45)})
    seen: list[int] = []
    i18n = create_i18n("ru")
    with i18n.context(), i18n.use_locale("ru"):
        _pages(roster, big, seen)
    assert set(seen) == {line.signup_id for line in lines if line.status == "confirmed"}


def _pages(roster: Roster, big: int, seen: list[int]) -> None:
    for page in range(-1, 14):
        markup = attendance(roster, big, page)
        found = [button for row in markup.inline_keyboard for button in row]
        assert len(found) <= 100 and len(markup.inline_keyboard) <= 100
        assert all(len((button.callback_data or "").encode()) <= 64 for button in found)
        people = [button for button in found if button.text[:1] in "✅⬜"]
        assert len(people) == SHEET_PAGE if page < 12 else len(people) == 20
        seen += [int(str(button.callback_data).split(":")[2]) for button in people]
        assert ("◀" in [b.text for b in found]) == (page > 0) and ("▶" in [b.text for b in found]) == (page < 12)
        text = heading(roster, big, ZONE, "ru", page, SHEET_PAGE)
        assert len(text) < 4096
    assert "✅" in attendance(roster, big, 1).inline_keyboard[5][0].text
