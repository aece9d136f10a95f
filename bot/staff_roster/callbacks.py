"""The /staff list's buttons (prefixes with a capital S). They name a center and a person, never a right: every
press is checked again (an admin in ADMIN_IDS; the person still on that center's staff, read in the database)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.core.callbacks import Id

# Where a page of a center's staff starts (0: the first person); a forged number beyond it fails to parse.
Offset = Annotated[int, Field(ge=0, lt=100_000)]


class RosterRegionsCb(CallbackData, prefix="Sa"):
    """Back to the regions."""


class RosterRegionCb(CallbackData, prefix="Sg"):
    slug: str


class RosterCenterCb(CallbackData, prefix="Sc"):
    center: Id


class RosterPageCb(CallbackData, prefix="Sp"):
    """The page of the center's staff that starts at the `at`-th person."""

    center: Id
    at: Offset


class RosterInviteCb(CallbackData, prefix="Si"):
    center: Id


class RosterRemoveCb(CallbackData, prefix="Sr"):
    """Asks to confirm the removal of `user` from the staff of `center`; `at`: the page to show after."""

    center: Id
    user: Id
    at: Offset


class RosterConfirmCb(CallbackData, prefix="Sy"):
    center: Id
    user: Id
    ok: bool
    at: Offset


ROSTER_CALLBACKS = (
    RosterRegionsCb,
    RosterRegionCb,
    RosterCenterCb,
    RosterPageCb,
    RosterInviteCb,
    RosterRemoveCb,
    RosterConfirmCb,
)
