"""Every inline button's callback data: small ids only, never texts (the limit is 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LangCb(CallbackData, prefix="lang"):
    code: str


class RegionsCb(CallbackData, prefix="rgs"):
    """Back to the list of regions."""


class RegionCb(CallbackData, prefix="rg"):
    slug: str


class LocalityCb(CallbackData, prefix="lc"):
    id: int


class CenterCb(CallbackData, prefix="c"):
    id: int


class NearbyCb(CallbackData, prefix="nb"):
    """Centers nearest to the center with this id."""

    id: int


class SosCb(CallbackData, prefix="sos"):
    """Show the emergency numbers."""


class AskHereCb(CallbackData, prefix="ask"):
    """Start a help request addressed to this center."""

    center: int


class CategoryCb(CallbackData, prefix="cat"):
    code: str


class PickCenterCb(CallbackData, prefix="pick"):
    id: int


class ContactCb(CallbackData, prefix="ct"):
    method: str


class ConsentCb(CallbackData, prefix="cs"):
    agree: bool


class ConfirmCb(CallbackData, prefix="cf"):
    action: str  # "send", "restart"


class TakeCb(CallbackData, prefix="tk"):
    id: int


class StaffReplyCb(CallbackData, prefix="sr"):
    id: int


class ResolveCb(CallbackData, prefix="rs"):
    id: int


class PersonReplyCb(CallbackData, prefix="pr"):
    id: int


class RateCb(CallbackData, prefix="rt"):
    id: int
    score: int


class TransferCb(CallbackData, prefix="tf"):
    """Offer the centers this request can be transferred to."""

    id: int


class TransferToCb(CallbackData, prefix="tt"):
    id: int
    to: int


class SpamCb(CallbackData, prefix="sp"):
    id: int


class NoteCb(CallbackData, prefix="nt"):
    id: int


class SavedReplyCb(CallbackData, prefix="sv"):
    id: int
    reply: int


class QueuePageCb(CallbackData, prefix="qp"):
    page: int


class QueueOpenCb(CallbackData, prefix="qo"):
    id: int


class CoursesAtCb(CallbackData, prefix="ca"):
    """A programme's topics, with the groups of this center first."""

    center: int
    programme: str  # "academy" or "premarital"


class TopicCb(CallbackData, prefix="tp"):
    id: int


class GroupCb(CallbackData, prefix="gr"):
    id: int


class SignupCb(CallbackData, prefix="su"):
    group: int


class SkipCb(CallbackData, prefix="skip"):
    """Skip an optional question."""


class JoinBookingCb(CallbackData, prefix="jb"):
    id: int


class CancelSignupCb(CallbackData, prefix="cx"):
    id: int


class ConfirmCancelCb(CallbackData, prefix="cxy"):
    id: int


class RosterCb(CallbackData, prefix="ro"):
    id: int


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

    id: int


class UnblockCb(CallbackData, prefix="ub"):
    user: int
