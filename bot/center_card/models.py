"""What a staff member edits on their center's card: one field at a time, as before and after values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.directory.models import Center

# What can be edited, and the center's columns each field holds (hours_kk/hours_ru follow the schedule).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "hours": ("schedule", "hours_kk", "hours_ru"),
    "holidays": ("holidays",),
    "notice": ("notice", "notice_until"),
    "phones": ("phones",),
    "address": ("address_kk", "address_ru"),
    "services": ("services",),
}
FIELDS = tuple(FIELD_COLUMNS)
LIST_COLUMNS = ("phones", "services")  # stored as JSON arrays

# A field's values as plain JSON-friendly data (they travel in the dialog's state): column -> str or list of str.
Values = dict[str, Any]


class CardError(Exception):
    """A rule refused an edit; `code` says which, the views say it in the staff member's language."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value  # what was refused (a time, a date), to show back


class StaleEdit(Exception):
    """The field changed since the staff member saw it: their before-state is no longer the card's."""

    def __init__(self, center: Center) -> None:
        super().__init__("stale")
        self.center = center


def field_values(center: Center, field: str) -> Values:
    """The card's current values of one field."""
    values: Values = {}
    for column in FIELD_COLUMNS[field]:
        value = getattr(center, column)
        values[column] = list(value) if column in LIST_COLUMNS else str(value)
    return values


@dataclass(frozen=True, slots=True)
class Saved:
    center: Center
    field: str
