"""Working hours: per weekday, with breaks, holidays and hours past midnight; open now, and when it opens next.

The format operators write in the center registry:
    mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-14:00
    fri 22:00-02:00          (past midnight: open until 02:00 on Saturday)
    daily 00:00-24:00        (around the clock)
Holidays are dates the center is closed: 2026-12-16;2026-12-17.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^(?P<days>daily|[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+break\s+(?P<break_start>\d{1,2}:\d{2})-(?P<break_end>\d{1,2}:\d{2}))?$"
)


@dataclass(frozen=True, slots=True)
class Status:
    open: bool
    # When it closes (if open) or opens (if closed); None when it never opens in the coming week.
    change: datetime | None


@dataclass(frozen=True, slots=True)
class Schedule:
    # weekday (0 = Monday) -> opening intervals in minutes from that day's midnight; an end past 1440 runs
    # into the next day.
    week: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = frozenset()

    def status(self, moment: datetime) -> Status:
        """`moment` is local time (aware), in the zone the center keeps its hours in."""
        intervals = self._around(moment)
        for start, end in intervals:
            if start <= moment < end:
                return Status(True, self._closing(intervals, end))
        upcoming = [start for start, _ in intervals if start > moment]
        return Status(False, min(upcoming) if upcoming else None)

    def _around(self, moment: datetime) -> list[tuple[datetime, datetime]]:
        """Concrete openings from yesterday (its hours may run past midnight) to a week ahead."""
        found = []
        midnight = datetime.combine(moment.date(), time(0), tzinfo=moment.tzinfo)
        for offset in range(-1, 8):
            day = midnight + timedelta(days=offset)
            if day.date() in self.holidays:
                continue
            for start, end in self.week.get(day.weekday(), ()):
                found.append((day + timedelta(minutes=start), day + timedelta(minutes=end)))
        return sorted(found)

    @staticmethod
    def _closing(intervals: list[tuple[datetime, datetime]], end: datetime) -> datetime:
        """Back-to-back openings (23:00-24:00 then 00:00-02:00) are one stretch."""
        for start, later_end in intervals:
            if start == end:
                end = later_end
        return end


def parse_schedule(text: str, holidays: str = "") -> Schedule:
    week: dict[int, list[tuple[int, int]]] = {}
    for part in (piece.strip().lower() for piece in text.split(";") if piece.strip()):
        match = _PART.match(part)
        if not match:
            raise ValueError(f"'{part}' is not like 'mon-fri 09:00-18:00 break 13:00-14:00'")
        start, end = _minutes(match["start"]), _minutes(match["end"])
        if end <= start:
            end += 24 * 60  # past midnight
        pieces = [(start, end)]
        if match["break_start"]:
            break_start, break_end = _minutes(match["break_start"]), _minutes(match["break_end"])
            if not start < break_start < break_end < end:
                raise ValueError(f"'{part}': the break must lie inside the hours")
            pieces = [(start, break_start), (break_end, end)]
        for day in _days(match["days"]):
            week.setdefault(day, []).extend(pieces)
    closed = frozenset(date.fromisoformat(raw.strip()) for raw in holidays.split(";") if raw.strip())
    return Schedule({day: tuple(sorted(spans)) for day, spans in week.items()}, closed)


def _minutes(raw: str) -> int:
    hours, minutes = (int(piece) for piece in raw.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"'{raw}' is not a time of day")
    return hours * 60 + minutes


def _days(raw: str) -> list[int]:
    if raw == "daily":
        return list(range(7))
    days: list[int] = []
    for piece in raw.split(","):
        first, _, last = piece.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"'{piece}': days are mon, tue, wed, thu, fri, sat, sun")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days += list(range(start, end + 1)) if start <= end else [*range(start, 7), *range(0, end + 1)]
    return days
