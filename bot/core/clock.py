"""The bot's one clock. Desks, jobs, handlers and the stamps storage writes all ask it the time, so a test moves
time by setting the clock, not by editing rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """Real time (UTC), moved by `advance` or pinned by `set` where a test wants another moment."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._pinned: datetime | None = None

    def now(self) -> datetime:
        return (self._pinned or datetime.now(UTC)) + self._offset

    def local(self, zone: ZoneInfo) -> datetime:
        """The moment in a time zone: what people are shown, and what opening hours are read in."""
        return self.now().astimezone(zone)

    def now_iso(self) -> str:
        """The moment as stored in the database (UTC, to the second)."""
        return self.now().isoformat(timespec="seconds")

    def ago(self, delta: timedelta) -> str:
        return (self.now() - delta).isoformat(timespec="seconds")

    def later(self, delta: timedelta) -> str:
        return (self.now() + delta).isoformat(timespec="seconds")

    def advance(self, delta: timedelta) -> None:
        self._offset += delta

    def set(self, moment: datetime) -> None:
        self._pinned, self._offset = moment.astimezone(UTC), timedelta(0)
