"""What the staff list is made of: a staff member as the admins see them, and what a removal did."""

from __future__ import annotations

from dataclasses import dataclass

from bot.directory.models import Center


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A staff member of one center: their Telegram name and username as they were when they joined or last
    acted (None when never known), when they joined, the requests they hold now, and their last action."""

    user_id: int
    center_id: int
    first_name: str | None
    username: str | None
    added_at: str
    last_active_at: str | None
    holding: int


@dataclass(frozen=True, slots=True)
class Removal:
    """A staff member taken off a center's staff: the requests that went back to the queue (their ids), and which
    command menu the person has now."""

    center: Center
    entry: RosterEntry
    returned: tuple[int, ...]
    menu: str
    locale: str


@dataclass(frozen=True, slots=True)
class Roster:
    """A center and its staff, as the /staff list shows them."""

    center: Center
    entries: tuple[RosterEntry, ...]


@dataclass(frozen=True, slots=True)
class RemovalQuestion:
    """What an admin is asked to confirm: who, from which center, and the requests (ids) they hold now."""

    center: Center
    entry: RosterEntry
    taken: tuple[int, ...]
