"""Texts and keyboards of the Parents Academy and pre-marital courses; all user text is escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_datetime

from bot.core import keyboards
from bot.core.callbacks import (
    CancelSignupCb,
    ConfirmCancelCb,
    CourseConsentCb,
    GroupCb,
    JoinBookingCb,
    RosterCb,
    SignupCb,
    SkipCb,
    TopicCb,
)
from bot.core.i18n import LANGUAGE_NAMES, format_km
from bot.courses.models import CourseGroup, Signup, Topic
from bot.directory.models import Center

ACADEMY_BUTTON = keyboards.ACADEMY
PREMARITAL_BUTTON = keyboards.PREMARITAL


def session_time(moment: datetime, zone: ZoneInfo, locale: str) -> str:
    return format_datetime(moment, format="EEE, d MMMM, HH:mm", tzinfo=zone, locale=locale)


def place(group: CourseGroup, center: Center, locale: str) -> str:
    if group.online:
        return _("online (the link comes before the first session)")
    return f"{escape(center.name(locale))}, {escape(center.address(locale))}, {escape(center.locality(locale))}"


def browse_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("📍 Nearest to me"), request_location=True)],
            [KeyboardButton(text=_(keyboards.EMERGENCY)), KeyboardButton(text=_(keyboards.MAIN_MENU))],
        ],
        resize_keyboard=True,
    )


def topics(items: list[Topic], locale: str, programme: str) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for topic in items:
        builder.button(text=topic.title(locale), callback_data=TopicCb(id=topic.id))
    builder.adjust(1)
    if programme == "premarital":
        text = _(
            "<b>Pre-marital course</b>\n"
            "Free counselling and training for couples who have applied to register their marriage: family "
            "psychology, family planning, reproductive health, family budget. One of you books for both.\n\n"
            "Choose the course:"
        )
    else:
        text = _(
            "<b>Parents Academy</b>\n"
            "Free group sessions for parents at the Family Support Centers and online, with UNICEF and the "
            "Ministry of Education.\n\nChoose a topic:"
        )
    return text, builder.as_markup()


def groups_list(
    topic: Topic,
    found: list[tuple[CourseGroup, Center, float | None]],
    zone: ZoneInfo,
    locale: str,
) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [f"<b>{escape(topic.title(locale))}</b>", escape(topic.description(locale)), ""]
    if not found:
        lines.append(_("There are no upcoming groups on this topic yet. Please look again later or choose another."))
        return "\n".join(lines), None
    lines.append(_("Upcoming groups, nearest first:"))
    builder = InlineKeyboardBuilder()
    for group, center, distance in found:
        where = _("online") if group.online else center.locality(locale)
        if distance is not None and not group.online:
            where += " · " + _("{km} km").format(km=format_km(distance, locale))
        seats = free_seats(group)
        label = f"{session_time(group.starts_at, zone, locale)} · {where} · {seats}"
        builder.button(text=label[:120], callback_data=GroupCb(id=group.id))
    builder.adjust(1)
    lines.append(_("Tap a group to see its sessions and sign up. 📍 shows the groups nearest to you."))
    return "\n".join(lines), builder.as_markup()


def nearest_hint() -> str:
    return _("📍 Share your location to see the groups nearest to you first.")


def free_seats(group: CourseGroup) -> str:
    if group.free == 0:
        return _("full, waiting list")
    return ngettext("{n} seat free", "{n} seats free", group.free).format(n=group.free)


def group_card(
    group: CourseGroup, topic: Topic, center: Center, zone: ZoneInfo, locale: str, mine: Signup | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [
        f"<b>{escape(topic.title(locale))}</b>",
        _("Where: {place}").format(place=place(group, center, locale)),
        _("Language: {language}").format(language=LANGUAGE_NAMES[group.language]),
        _("Seats: {free}").format(free=free_seats(group)),
        "",
        _("<b>Sessions</b>"),
        *(f"• {session_time(start, zone, locale)}" for start in group.sessions),
    ]
    if center.is_sample:
        lines += ["", _("⚠️ <i>Sample data: not a real center's address or phone.</i>")]
    builder = InlineKeyboardBuilder()
    if mine is not None:
        lines += ["", _("✅ You are signed up for this group.") if mine.status == "confirmed" else
                  _("⏳ You are on the waiting list of this group.")]  # fmt: skip
    elif topic.programme == "premarital":
        builder.button(text=_("💍 Book for the two of us"), callback_data=SignupCb(group=group.id))
    elif group.free:
        builder.button(text=_("✍️ Sign up"), callback_data=SignupCb(group=group.id))
    else:
        builder.button(text=_("⏳ Join the waiting list"), callback_data=SignupCb(group=group.id))
    return "\n".join(lines), builder.as_markup() if mine is None else None


def ask_name() -> str:
    return _("Your first and last name, please:")


def ask_partner_name() -> str:
    return _("Your partner's first and last name:")


def bad_name() -> str:
    return _("Please write a name in letters, e.g. Айгерім Сапарова.")


def ask_phone() -> str:
    return _("Your phone number: share it with the button below or type it, e.g. +7 701 234 56 78.")


def ask_marriage_date() -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Skip"), callback_data=SkipCb())
    text = _("The planned date of your marriage registration, e.g. 25.12.2026 (you may skip this):")
    return text, builder.as_markup()


def bad_marriage_date() -> str:
    return _("Please write a date from today on, within two years, as DD.MM.YYYY, or tap Skip.")


def confirmed(group: CourseGroup, topic: Topic, center: Center, zone: ZoneInfo, locale: str, *, reminders: bool) -> str:
    """The sign-up is confirmed; reminders are promised only to whoever asked for them."""
    lines = [
        _("✅ <b>You are signed up!</b>"),
        "",
        f"<b>{escape(topic.title(locale))}</b>",
        _("Where: {place}").format(place=place(group, center, locale)),
        *(f"• {session_time(start, zone, locale)}" for start in group.sessions),
        "",
        _("Phone of the center: {phones}").format(phones=", ".join(escape(phone) for phone in center.phones)),
        _("We will remind you a day and two hours before each session. /my shows your sign-ups and lets you cancel.")
        if reminders
        else _("/my shows your sign-ups and lets you cancel."),
    ]
    return "\n".join(lines)


def waiting(position: int) -> str:
    return _(
        "⏳ The group is full: you are number {position} on the waiting list. When a seat frees up, the first "
        "person waiting gets it, and we will tell you at once."
    ).format(position=position)


def partner_invite(link: str, partner: str) -> str:
    return _(
        "Send this link to {partner}: it joins them to your booking, so you both get the confirmation and the "
        "reminders. It works once.\n{link}"
    ).format(partner=escape(partner), link=link)


def join_offer(
    signup: Signup, topic: Topic, group: CourseGroup, zone: ZoneInfo, locale: str
) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Join the booking"), callback_data=JoinBookingCb(id=signup.id))
    text = _(
        "{name} booked «{topic}» for the two of you, starting {start}. Join the booking? By joining you agree "
        "that your name goes to the center running the course and that you get reminders before the sessions."
    ).format(
        name=escape(signup.name), topic=escape(topic.title(locale)), start=session_time(group.starts_at, zone, locale)
    )
    return text, builder.as_markup()


def invite_invalid() -> str:
    return _("This invite link has already been used or the booking was cancelled.")


def own_invite() -> str:
    return _("This is your own booking's link: send it to your partner.")


def partner_joined(name: str) -> str:
    return _("{name} has joined your booking.").format(name=escape(name))


def my_signups(
    items: list[tuple[Signup, CourseGroup, Topic]], zone: ZoneInfo, locale: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not items:
        return _("You have no course sign-ups. /academy and /premarital show the groups."), None
    lines = [_("<b>Your course sign-ups</b>"), ""]
    builder = InlineKeyboardBuilder()
    for signup, group, topic in items:
        state = _("confirmed") if signup.status == "confirmed" else _("waiting list")
        lines.append(f"• {escape(topic.title(locale))} · {session_time(group.starts_at, zone, locale)} · {state}")
        builder.button(
            text=_("✖️ Cancel: {topic}").format(topic=topic.title(locale))[:60],
            callback_data=CancelSignupCb(id=signup.id),
        )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def confirm_cancel(topic: Topic, locale: str, signup_id: int) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, cancel"), callback_data=ConfirmCancelCb(id=signup_id))
    return _("Cancel your place in «{topic}»?").format(topic=escape(topic.title(locale))), builder.as_markup()


def cancelled(topic: Topic, locale: str) -> str:
    return _("Your place in «{topic}» is cancelled.").format(topic=escape(topic.title(locale)))


def promoted(topic: Topic, group: CourseGroup, zone: ZoneInfo, locale: str) -> str:
    return _("🎉 A seat has freed up: you are now signed up for «{topic}», starting {start}.").format(
        topic=escape(topic.title(locale)), start=session_time(group.starts_at, zone, locale)
    )


def reminder(kind: str, topic: Topic, group: CourseGroup, center: Center, start: datetime, zone: ZoneInfo,
             locale: str) -> str:  # fmt: skip
    when = _("tomorrow") if kind == "day" else _("in two hours")
    return _("⏰ Reminder: «{topic}» {when}, {start}.\nWhere: {place}").format(
        topic=escape(topic.title(locale)), when=when, start=session_time(start, zone, locale),
        place=place(group, center, locale),
    )  # fmt: skip


def staff_signup(signup: Signup, topic: Topic, group: CourseGroup, zone: ZoneInfo, locale: str, event: str) -> str:
    """A sign-up event for the center's staff. After "erased" (the person withdrew their consent or erased their
    data) nothing names them."""
    couple = f" + {escape(signup.partner_name)}" if signup.partner_name else ""
    head = {
        "confirmed": _("✍️ New sign-up"),
        "waiting": _("⏳ New sign-up on the waiting list"),
        "cancelled": _("✖️ Sign-up cancelled"),
        "promoted": _("🎉 Moved from the waiting list"),
        "erased": _("✖️ Sign-up cancelled: the person withdrew their consent, and their name and phone are not shown"),
    }[event]
    who = "" if event == "erased" else f"{escape(signup.name)}{couple}, {escape(signup.phone)}\n"
    return (
        f"{head}: <b>{escape(topic.title(locale))}</b>, {session_time(group.starts_at, zone, locale)}\n"
        + who
        + _("Seats taken: {taken} of {seats}").format(taken=group.taken, seats=group.seats)
    )


def rosters(
    groups: list[tuple[CourseGroup, Topic]], zone: ZoneInfo, locale: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not groups:
        return _("Your center has no course groups."), None
    builder = InlineKeyboardBuilder()
    for group, topic in groups:
        label = f"{session_time(group.starts_at, zone, locale)} · {topic.title(locale)} · {group.taken}/{group.seats}"
        builder.button(text=label[:120], callback_data=RosterCb(id=group.id))
    builder.adjust(1)
    return _("Your center's groups: tap one for its roster."), builder.as_markup()


def roster(group: CourseGroup, topic: Topic, people: list[Signup], zone: ZoneInfo, locale: str) -> str:
    lines = [
        f"<b>{escape(topic.title(locale))}</b> · {session_time(group.starts_at, zone, locale)}",
        _("Seats taken: {taken} of {seats}").format(taken=group.taken, seats=group.seats),
        "",
    ]
    for number, signup in enumerate(people, start=1):
        couple = f" + {escape(signup.partner_name)}" if signup.partner_name else ""
        mark = "" if signup.status == "confirmed" else " ⏳"
        lines.append(f"{number}. {escape(signup.name)}{couple}, {escape(signup.phone)}{mark}")
    if not people:
        lines.append(_("Nobody has signed up yet."))
    return "\n".join(lines)


def group_started() -> str:
    return _("This group has already started: it cannot be joined. Please choose another.")


def already_signed() -> str:
    return _("You are already signed up for this group.")


def group_gone() -> str:
    return _("This group is no longer available. Please choose another.")


def consent(center: Center, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I agree, and remind me"), callback_data=CourseConsentCb(choice="remind"))
    builder.button(text=_("✅ I agree, no reminders"), callback_data=CourseConsentCb(choice="quiet"))
    builder.button(text=_("✖️ I do not agree"), callback_data=CourseConsentCb(choice="no"))
    builder.adjust(1)
    text = _(
        "<b>Consent to the processing of personal data</b>\n"
        "Your name and phone go to «{center}», which runs the group, only for this course. You can withdraw "
        "in /mydata at any time.\n\nShall we also remind you a day and two hours before each session?"
    ).format(center=escape(center.name(locale)))
    return text, builder.as_markup()


def consent_declined(center: Center) -> str:
    return _("Without your consent we cannot sign you up. You can call the center: {phones}.").format(
        phones=", ".join(escape(phone) for phone in center.phones)
    )
