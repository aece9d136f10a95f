"""The buttons of the center card editor: every one names its center by id and says what to do; rights are
checked against the staff table on every press (bot.center_card.desk), never read from here. Anything that does
not parse (a forged or an old format) matches no filter, and the catch-all answers it."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.core.callbacks import Id

Section = Literal["card", "hours", "holidays", "notice", "phones", "address", "services"]
Minutes = Annotated[int, Field(ge=-1, le=24 * 60)]


class CardCenterCb(CallbackData, prefix="Ec"):
    """Edit this center's card (chosen among several)."""

    center: Id


class CardSectionCb(CallbackData, prefix="Es"):
    center: Id
    section: Section


class CardDayCb(CallbackData, prefix="Ed"):
    """A weekday to set (0 = Monday ... 6; 7 = Monday to Friday at once)."""

    center: Id
    day: Annotated[int, Field(ge=0, le=7)]


class CardTimeCb(CallbackData, prefix="Et"):
    """o: opens at `a` (-1: closed that day); c: closes at `a`; b: a break from `a` to `b` (-1: none)."""

    center: Id
    step: Literal["o", "c", "b"]
    a: Minutes
    b: Minutes = 0


class CardHolidayCb(CallbackData, prefix="Eh"):
    """Remove this holiday."""

    center: Id
    day: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class CardPhoneCb(CallbackData, prefix="Ep"):
    """Remove the phone at this place in the list."""

    center: Id
    index: Annotated[int, Field(ge=0, le=9)]


class CardServiceCb(CallbackData, prefix="Ev"):
    center: Id
    code: Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")]


class CardNoticeCb(CallbackData, prefix="En"):
    """How long the notice typed is shown, or remove the current one."""

    center: Id
    until: Literal["today", "date", "forever", "remove"]


class CardKeepCb(CallbackData, prefix="Ek"):
    """Keep the address in this language as it is."""

    center: Id


class CardReviewCb(CallbackData, prefix="Er"):
    """Show the change as before and after."""

    center: Id


class CardConfirmCb(CallbackData, prefix="Ey"):
    """Save the change (ok) or drop it."""

    center: Id
    ok: bool
