"""Texts of consents, /mydata, /forget and contact wishes; all user text is escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.core.callbacks import ForgetCb, SafeContactCb, WithdrawCb
from bot.core.i18n import LANGUAGE_NAMES, format_moment
from bot.core.keyboards import N_, hide_button
from bot.requests.models import HelpRequest, request_number

PURPOSES = {
    "help_request": N_("passing your help requests with your name and phone to the center's staff"),
    "course_signup": N_("passing your course sign-ups with your name and phone to the center running the group"),
    "reminders": N_("reminders before course sessions"),
}
SAFE_CONTACT = {
    "write_only": N_("💬 Only write, never call"),
    "evening": N_("🌆 Only after 18:00"),
    "daytime": N_("🏢 Only on weekdays before 18:00"),
    "any": N_("✅ Any time"),
}


def safe_contact_choice() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, label in SAFE_CONTACT.items():
        builder.button(text=_(label), callback_data=SafeContactCb(code=code))
    builder.button(text=_("✏️ I will write it"), callback_data=SafeContactCb(code="custom"))
    hide_button(builder)
    builder.adjust(1)
    return builder.as_markup()


def ask_safe_contact() -> str:
    return _(
        "When and how is it safe to contact you? The staff will see your answer. If someone else may see your "
        "phone, choose what protects you."
    )


def ask_safe_contact_text() -> str:
    return _("Write in one message when and how it is safe to contact you, e.g. «only on Tuesday after 14:00».")


def safe_contact_label(value: str | None) -> str | None:
    """The person's wish as the staff read it, in the staff's language."""
    if not value:
        return None
    if value in SAFE_CONTACT:
        return _(SAFE_CONTACT[value])
    return escape(value.removeprefix("text:"))


def person_withdrew(request: HelpRequest) -> str:
    return _(
        "🗑 {number}: the person withdrew their consent and asked to erase their data. Their texts and contact "
        "details have been erased; the request can no longer be answered."
    ).format(number=request.number)


def my_data(
    locale: str | None,
    consents,  # type: ignore[no-untyped-def]
    requests,  # type: ignore[no-untyped-def]
    signups,  # type: ignore[no-untyped-def]
    topic_titles: dict[int, str],
    zone: ZoneInfo,
    current: str,
) -> str:
    def when(stamp: str) -> str:
        return format_moment(datetime.fromisoformat(stamp), zone, current)

    lines = [_("<b>What the bot holds about you</b>"), ""]
    lines.append(_("Language: {language}").format(language=LANGUAGE_NAMES.get(locale or "", "—")))
    lines += ["", _("<b>Consents</b>")]
    if not consents:
        lines.append(_("none"))
    for consent in consents:
        state = (
            _("withdrawn {date}").format(date=when(consent.withdrawn_at))
            if consent.withdrawn_at
            else _("given {date}").format(date=when(consent.given_at))
        )
        lines.append(f"• {_(PURPOSES[consent.purpose])}: {state} ({escape(consent.version)})")
    lines += ["", _("<b>Help requests</b>")]
    if not requests:
        lines.append(_("none"))
    for request, thread in requests:
        lines.append(f"• <b>{request_number(request.id)}</b>, {when(request.created_at)}")
        if request.contact_name or request.phone:
            lines.append("  " + escape(", ".join(part for part in (request.contact_name, request.phone) if part)))
        for message in thread:
            if message.author != "note" and message.text:
                who = _("you") if message.author == "person" else _("the center")
                pieces = [message.text[start : start + 1000] for start in range(0, len(message.text), 1000)]
                lines += [f"  {who}: {escape(piece)}" for piece in pieces]
    lines += ["", _("<b>Course sign-ups</b>")]
    if not signups:
        lines.append(_("none"))
    for signup in signups:
        partner = f" + {escape(signup.partner_name)}" if signup.partner_name else ""
        lines.append(f"• {escape(topic_titles.get(signup.group_id, ''))}: {escape(signup.name)}{partner}, "
                     f"{escape(signup.phone)}")  # fmt: skip
    return "\n".join(lines)


def consent_buttons(consents) -> InlineKeyboardMarkup:  # type: ignore[no-untyped-def]
    builder = InlineKeyboardBuilder()
    for consent in consents:
        if consent.active:
            builder.button(
                text=_("✖️ Withdraw: {purpose}").format(purpose=_(PURPOSES[consent.purpose]))[:64],
                callback_data=WithdrawCb(purpose=consent.purpose),
            )
    builder.button(text=_("🗑 Erase all my data"), callback_data=ForgetCb(confirmed=False))
    builder.adjust(1)
    return builder.as_markup()


def withdrawn(purpose: str) -> str:
    return _("Consent withdrawn: {purpose}.").format(purpose=_(PURPOSES[purpose]))


def forget_question() -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗑 Yes, erase everything"), callback_data=ForgetCb(confirmed=True))
    text = _(
        "<b>Erase all your data?</b>\n"
        "Your language, consents and course sign-ups are deleted, and your name, phone, Telegram identity and "
        "texts are erased from your help requests. Open requests can then no longer be answered. Only anonymous "
        "counts remain for statistics. This cannot be undone."
    )
    return text, builder.as_markup()


def forgotten() -> str:
    return _("Your data has been erased. If you write again, the bot will start afresh.")
