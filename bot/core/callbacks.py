"""Every inline button's callback data: small ids only, never texts (the limit is 64 bytes)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# A row id as the database stores it. A forged number beyond that (tk:99999999999999999999999) fails to parse,
# so the button's filter does not match and the catch-all answers it; it never reaches a query.
Id = Annotated[int, Field(ge=0, lt=2**63)]


class LangCb(CallbackData, prefix="lang"):
    code: str


class RegionsCb(CallbackData, prefix="rgs"):
    """Back to the list of regions."""


class RegionCb(CallbackData, prefix="rg"):
    slug: str


class LocalityCb(CallbackData, prefix="lc"):
    id: Id


class CenterCb(CallbackData, prefix="c"):
    id: Id


class NearbyCb(CallbackData, prefix="nb"):
    """Centers nearest to the center with this id."""

    id: Id


class SosCb(CallbackData, prefix="sos"):
    """Show the emergency numbers."""


class AskHereCb(CallbackData, prefix="ask"):
    """Start a help request addressed to this center."""

    center: Id


class CategoryCb(CallbackData, prefix="cat"):
    code: str


class PickCenterCb(CallbackData, prefix="pick"):
    id: Id


class ContactCb(CallbackData, prefix="ct"):
    method: str


class ConsentCb(CallbackData, prefix="cs"):
    agree: bool


class ConfirmCb(CallbackData, prefix="cf"):
    action: str  # "send", "restart"
    draft: str = ""  # the draft's id: a second "send" of the same draft answers with the number already given


class TakeCb(CallbackData, prefix="tk"):
    id: Id


class StaffReplyCb(CallbackData, prefix="sr"):
    id: Id


class ResolveCb(CallbackData, prefix="rs"):
    id: Id


class PersonReplyCb(CallbackData, prefix="pr"):
    id: Id


class RateCb(CallbackData, prefix="rt"):
    id: Id
    score: Id


class TransferCb(CallbackData, prefix="tf"):
    """Offer the centers this request can be transferred to."""

    id: Id


class TransferToCb(CallbackData, prefix="tt"):
    id: Id
    to: Id


class SpamCb(CallbackData, prefix="sp"):
    id: Id


class NoteCb(CallbackData, prefix="nt"):
    id: Id


class SavedReplyCb(CallbackData, prefix="sv"):
    id: Id
    reply: Id


class QueuePageCb(CallbackData, prefix="qp"):
    page: Id


class QueueOpenCb(CallbackData, prefix="qo"):
    id: Id


class CoursesAtCb(CallbackData, prefix="ca"):
    """A programme's topics, with the groups of this center first."""

    center: Id
    programme: str  # "academy" or "premarital"


class TopicCb(CallbackData, prefix="tp"):
    id: Id


class GroupCb(CallbackData, prefix="gr"):
    id: Id


class SignupCb(CallbackData, prefix="su"):
    group: Id


class SkipCb(CallbackData, prefix="skip"):
    """Skip an optional question."""


class JoinBookingCb(CallbackData, prefix="jb"):
    id: Id


class CancelSignupCb(CallbackData, prefix="cx"):
    id: Id


class ConfirmCancelCb(CallbackData, prefix="cxy"):
    id: Id


class RosterCb(CallbackData, prefix="ro"):
    id: Id


class HideCb(CallbackData, prefix="hide"):
    """The quick exit."""


class SafeContactCb(CallbackData, prefix="sc"):
    code: str


class WithdrawCb(CallbackData, prefix="wd"):
    purpose: str


class ForgetCb(CallbackData, prefix="fg"):
    confirmed: bool


class CourseConsentCb(CallbackData, prefix="cc"):
    choice: str  # "remind", "quiet" (no reminders) or "no"


class BlockCb(CallbackData, prefix="bk"):
    """Block the sender of this request."""

    id: Id


class UnblockCb(CallbackData, prefix="ub"):
    user: Id


class OthersContactCb(CallbackData, prefix="oc"):
    """Someone else's shared contact: should the center call that number (or will the person type their own)?"""

    use: bool


class GroupBindCb(CallbackData, prefix="gbd"):
    """Confirm (or cancel) moving a bound staff group to another center. Rights are checked again on the press;
    `was` is the center the group belonged to when asked, so a stale question changes nothing."""

    to: Id
    was: Id
    ok: bool
