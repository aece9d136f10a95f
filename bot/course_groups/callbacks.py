"""The buttons of /groups: small ids only (64 bytes at most), every prefix a capital G. Nothing here is trusted:
each press is checked against the database (the group's center against the staff member's)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.core.callbacks import Id


class GroupsCb(CallbackData, prefix="G"):
    """Back to the list of groups."""


class GOpenCb(CallbackData, prefix="Go"):
    id: Id


class GNewCb(CallbackData, prefix="Gn"):
    """Create a group at this center."""

    center: Id


class GPickCb(CallbackData, prefix="Gp"):
    """A choice in a dialog: `what` is topic, lang, online, seats, day, time, done or type; `value` its value."""

    what: str
    value: str = ""


class GActCb(CallbackData, prefix="Ga"):
    """An action on a group: seats, add, move, cancel, close, write, attend, csv."""

    id: Id
    act: str


class GSessionCb(CallbackData, prefix="Gs"):
    """An action on one session of a group: move, cancel, attend."""

    id: Id
    session: Id
    act: str


Page = Annotated[int, Field(ge=0, lt=100)]


class GMarkCb(CallbackData, prefix="Gk"):
    """Attendance: one person at one session, toggled; `page` is the page of the sheet the button is on (the
    session names its group, so at most 3 + 19 + 1 + 19 + 1 + 2 = 45 bytes)."""

    session: Id
    signup: Id
    page: Page = 0


class GSheetCb(CallbackData, prefix="Gt"):
    """Attendance: a page of a session's sheet (a big group's people come a page at a time)."""

    session: Id
    page: Page = 0


class GConfirmCb(CallbackData, prefix="Gy"):
    """Confirm (or drop) the change shown just above; what it is lives in the dialog's data."""

    ok: bool
