"""Courses' rules: seats, the waiting list, reminders, what a sign-up and a group row hold."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.courses.models import GroupRow, Signup

# Reminders before each session: a day before, and two hours before.
REMINDERS = (("day", timedelta(days=1)), ("hours", timedelta(hours=2)))

NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")


def allocate(capacity: int, taken: int, needed: int) -> str:
    """A seat if there is room for everyone in the sign-up, else the waiting list: never more than capacity."""
    return "confirmed" if taken + needed <= capacity else "waiting"


def promotable(waiting: Sequence[Signup], free: int) -> list[Signup]:
    """Strictly first come, first served: the head of the list gets the seats when they fit, then the next."""
    promoted = []
    for signup in waiting:
        if signup.seats > free:
            break
        promoted.append(signup)
        free -= signup.seats
    return promoted


def reminder_times(session_start: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """The reminders still ahead of `now` for a session."""
    return [(kind, session_start - before) for kind, before in REMINDERS if session_start - before > now]


def clean_name(text: str) -> str | None:
    name = " ".join(text.split())
    if not 2 <= len(name) <= 80 or not NAME_PATTERN.match(name):
        return None
    return name


def parse_marriage_date(text: str, today: date) -> date | None:
    """'25.12.2026' or '2026-12-25', today or later, within two years; None when it is not such a date."""
    text = text.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if today <= parsed <= today + timedelta(days=730):
            return parsed
        return None
    return None


GROUP_CSV_COLUMNS = ("id", "topic", "center", "online", "language", "seats", "sessions")

SESSION_FORMAT = "%Y-%m-%d %H:%M"


def parse_group_row(
    values: dict[str, str], zone: ZoneInfo, now: datetime, topics: set[str], centers: set[str]
) -> tuple[GroupRow | None, list[str]]:
    """One group as an operator writes it (local times in `zone`), or what is wrong with it, column by column."""
    errors = []
    value = {key: (values.get(key) or "").strip() for key in GROUP_CSV_COLUMNS}
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", value["id"]):
        errors.append(f"id: '{value['id']}' must be 2-64 characters of a-z, 0-9 and '-'")
    if value["topic"] not in topics:
        errors.append(f"topic: unknown '{value['topic']}' (one of {', '.join(sorted(topics))})")
    if value["center"] not in centers:
        errors.append(f"center: unknown '{value['center']}'")
    if value["online"].lower() not in ("", "0", "1", "yes", "no", "true", "false"):
        errors.append(f"online: '{value['online']}' must be 1 or 0")
    if value["language"] not in ("kk", "ru"):
        errors.append(f"language: '{value['language']}' must be kk or ru")
    seats = int(value["seats"]) if value["seats"].isdigit() else 0
    if not 1 <= seats <= 500:
        errors.append(f"seats: '{value['seats']}' must be a number from 1 to 500")
    sessions = []
    for raw in (part.strip() for part in value["sessions"].split(";") if part.strip()):
        try:
            local = datetime.strptime(raw, SESSION_FORMAT).replace(tzinfo=zone)
        except ValueError:
            errors.append(f"sessions: '{raw}' is not YYYY-MM-DD HH:MM")
            continue
        if local <= now:
            errors.append(f"sessions: '{raw}' is in the past")
        sessions.append(local.astimezone(UTC))
    if not sessions and not any(error.startswith("sessions") for error in errors):
        errors.append("sessions: at least one session is needed")
    if errors:
        return None, errors
    online = value["online"].lower() in ("1", "yes", "true")
    row = GroupRow(
        value["id"], value["topic"], value["center"], online, value["language"], seats, tuple(sorted(sessions))
    )
    return row, []
