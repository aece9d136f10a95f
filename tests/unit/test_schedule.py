"""Open now: on both sides of a break, across midnight, on holidays, and when it opens next."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.timezone import load_zone
from bot.directory.schedule import parse_schedule

ZONE = load_zone("Asia/Almaty")
WEEKDAYS = parse_schedule("mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-14:00", "2026-12-16")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 2026-11-23, local time."""
    return datetime(2026, 11, 23, hour, minute, tzinfo=ZONE) + timedelta(days=day)


@pytest.mark.parametrize(
    ("moment", "is_open", "change"),
    [
        (at(0, 8, 59), False, at(0, 9)),
        (at(0, 9), True, at(0, 13)),
        (at(0, 12, 59), True, at(0, 13)),  # just before the break
        (at(0, 13), False, at(0, 14)),  # in the break
        (at(0, 13, 59), False, at(0, 14)),
        (at(0, 14), True, at(0, 18)),  # just after it
        (at(0, 18), False, at(1, 9)),
        (at(4, 18, 30), False, at(5, 10)),  # Friday evening: Saturday morning
        (at(5, 14), False, at(7, 9)),  # Saturday afternoon: Monday
    ],
)
def test_open_now_around_a_break(moment: datetime, is_open: bool, change: datetime) -> None:
    status = WEEKDAYS.status(moment)
    assert (status.open, status.change) == (is_open, change)


def test_holidays_are_closed() -> None:
    holiday = datetime(2026, 12, 16, 11, 0, tzinfo=ZONE)  # a Wednesday
    assert WEEKDAYS.status(holiday) == WEEKDAYS.status(holiday).__class__(
        False, datetime(2026, 12, 17, 9, 0, tzinfo=ZONE)
    )


def test_hours_past_midnight() -> None:
    night = parse_schedule("fri 22:00-02:00")
    assert night.status(at(4, 23, 30)).open
    assert night.status(at(5, 1, 59)).open  # Saturday 01:59 belongs to Friday's night
    saturday_two = night.status(at(5, 2))
    assert not saturday_two.open and saturday_two.change == at(11, 22)


def test_around_the_clock_never_closes_within_the_week() -> None:
    always = parse_schedule("daily 00:00-24:00")
    status = always.status(at(2, 3))
    assert status.open and status.change is not None and status.change >= at(8, 0)


@pytest.mark.parametrize(
    "bad", ["mon-fri 9-18", "xyz 09:00-18:00", "mon 09:00-18:00 break 19:00-20:00", "mon 25:00-26:00"]
)
def test_bad_schedules_say_why(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(bad)
