"""Texts and keyboards of help requests, for the person and for staff; all user text is escaped."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_timedelta
from babel.numbers import format_decimal

from bot.admin.stats import Summary
from bot.core import keyboards
from bot.core.callbacks import (
    BlockCb,
    CategoryCb,
    ConfirmCb,
    ConsentCb,
    ContactCb,
    GroupBindCb,
    NoteCb,
    OthersContactCb,
    PersonReplyCb,
    PickCenterCb,
    QueueOpenCb,
    QueuePageCb,
    RateCb,
    ResolveCb,
    SavedReplyCb,
    SpamCb,
    StaffReplyCb,
    TakeCb,
    TransferCb,
    TransferToCb,
    UnblockCb,
)
from bot.core.i18n import format_moment
from bot.core.keyboards import N_
from bot.directory.models import Center, CrisisCenter
from bot.privacy.views import safe_contact_label
from bot.requests.models import BlockedSender, HelpRequest, SavedReply, request_number
from bot.requests.rules import CATEGORIES

CATEGORY_NAMES = {
    "psychological": N_("🧠 Psychological help"),
    "legal": N_("⚖️ Legal question"),
    "social": N_("🏠 Social support: benefits, housing, documents"),
    "conflict": N_("🤝 Family conflict, mediation"),
    "child": N_("🧒 A child's situation"),
    "violence": N_("🚨 Violence at home"),
    "other": N_("💬 Something else"),
}
STATUS_NAMES = {
    "new": N_("new, waiting for a specialist"),
    "in_progress": N_("a specialist is working on it"),
    "resolved": N_("resolved"),
    "transferred": N_("transferred to another center"),
    "spam": N_("closed"),
}
CANCEL_BUTTON = N_("❌ Cancel")
EXCERPT = 3000  # characters of the person's text inside a staff notice; longer texts follow in full


def dialog_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(keyboards.EMERGENCY)), KeyboardButton(text=_(CANCEL_BUTTON))],
            [KeyboardButton(text=_(keyboards.QUICK_EXIT))],
        ],
        resize_keyboard=True,
    )


def center_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(keyboards.SHARE_LOCATION), request_location=True)],
            [KeyboardButton(text=_(keyboards.EMERGENCY)), KeyboardButton(text=_(CANCEL_BUTTON))],
            [KeyboardButton(text=_(keyboards.QUICK_EXIT))],
        ],
        resize_keyboard=True,
        input_field_placeholder=_("City, town or district"),
    )


def phone_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("📱 Share my number"), request_contact=True)],
            [KeyboardButton(text=_(keyboards.EMERGENCY)), KeyboardButton(text=_(CANCEL_BUTTON))],
            [KeyboardButton(text=_(keyboards.QUICK_EXIT))],
        ],
        resize_keyboard=True,
    )


def categories() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in CATEGORIES:
        builder.button(text=_(CATEGORY_NAMES[code]), callback_data=CategoryCb(code=code))
    keyboards.hide_button(builder)
    builder.adjust(1)
    return builder.as_markup()


def center_picks(centers: list[Center], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for center in centers:
        builder.button(text=center.name(locale), callback_data=PickCenterCb(id=center.id))
    builder.adjust(1)
    return builder.as_markup()


def contact_choice() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("💬 Answer me here in Telegram"), callback_data=ContactCb(method="telegram"))
    builder.button(text=_("📞 Call me"), callback_data=ContactCb(method="phone"))
    builder.button(text=_("🕶 Stay anonymous"), callback_data=ContactCb(method="anonymous"))
    keyboards.hide_button(builder)
    builder.adjust(1)
    return builder.as_markup()


def consent_choice() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I agree"), callback_data=ConsentCb(agree=True))
    builder.button(text=_("✖️ I do not agree"), callback_data=ConsentCb(agree=False))
    keyboards.hide_button(builder)
    builder.adjust(1)
    return builder.as_markup()


def anonymous_instead() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🕶 Send anonymously"), callback_data=ContactCb(method="anonymous"))
    keyboards.hide_button(builder)
    builder.adjust(1)
    return builder.as_markup()


def confirm_choice(draft_id: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Send"), callback_data=ConfirmCb(action="send", draft=draft_id))
    builder.button(text=_("✏️ Start over"), callback_data=ConfirmCb(action="restart"))
    keyboards.hide_button(builder)
    builder.adjust(1)
    return builder.as_markup()


def staff_actions(request: HelpRequest) -> InlineKeyboardMarkup | None:
    if not request.is_open:
        return None
    builder = InlineKeyboardBuilder()
    if request.status == "new":
        builder.button(text=_("🙋 Take"), callback_data=TakeCb(id=request.id))
    builder.button(text=_("💬 Reply"), callback_data=StaffReplyCb(id=request.id))
    builder.button(text=_("✅ Resolve"), callback_data=ResolveCb(id=request.id))
    builder.button(text=_("➡️ Transfer"), callback_data=TransferCb(id=request.id))
    builder.button(text=_("📝 Note"), callback_data=NoteCb(id=request.id))
    builder.button(text=_("🚫 Spam"), callback_data=SpamCb(id=request.id))
    builder.button(text=_("⛔ Block sender"), callback_data=BlockCb(id=request.id))
    builder.adjust(2)
    return builder.as_markup()


def person_reply_button(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("↩️ Answer"), callback_data=PersonReplyCb(id=request_id))
    return builder.as_markup()


def rating_buttons(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for score in range(1, 6):
        builder.button(text="⭐" * score, callback_data=RateCb(id=request_id, score=score))
    builder.adjust(1)
    return builder.as_markup()


# ---- texts for the person ----


def choose_category() -> str:
    return _("What is your request about? Choose the closest topic.")


def choose_center() -> str:
    return _("Which center should receive your request? Send your location or type your city, town or district.")


def centers_to_pick() -> str:
    return _("Choose the center:")


def describe() -> str:
    return _(
        "Describe your situation in your own words. Write as much as you need; you may attach a photo or a "
        "document. Only the staff of the center you chose will read it."
    )


def text_needed() -> str:
    return _("Please describe your situation in words (a photo or a document can come with the text).")


def attachment_kept() -> str:
    return _("The file is attached. Now please describe your situation in words.")


def choose_contact() -> str:
    return _("How should the center reach you?")


def ask_phone() -> str:
    return _("Share your number with the button below or type it, e.g. +7 701 234 56 78.")


def bad_phone() -> str:
    return _("This does not look like a Kazakh mobile number. Please type it as +7 7XX XXX XX XX.")


def consent_question(center: Center, locale: str) -> str:
    return _(
        "<b>Consent to the processing of personal data</b>\n\n"
        "The staff of «{center}» will see your request, your name and how to reach you, and use them only to "
        "help you. Your data is not passed to anyone else. You can ask us to erase it at any time.\n\n"
        "Do you agree?"
    ).format(center=escape(center.name(locale)))


def consent_declined() -> str:
    return _(
        "Without consent we cannot pass on your name or phone. You can still send the request anonymously: "
        "the staff will not see who you are and will answer you here. If you are in danger, call 112; "
        "111 and 150 answer calls and messages."
    )


def danger_notice(crisis: CrisisCenter | None = None, locale: str = "kk") -> str:
    text = _(
        "⚠️ <b>If you are in danger right now, call 112 or 102 (police).</b>\n"
        "111: contact center for family, women's and children's rights.\n"
        "150: free helpline for children and young people.\n"
        "Your request will be marked urgent and still sent to the center. A Family Support Center is not a "
        "shelter: for a safe place to stay, the police and 111 will direct you to a crisis center."
    )
    if crisis is not None:
        text += "\n\n" + _("🏠 Crisis center of your region (a safe place to stay): {name}, {phone}").format(
            name=escape(crisis.name(locale)), phone=escape(crisis.phone)
        )
        if crisis.is_sample:
            text += "\n" + _("⚠️ <i>Sample data: not a real center's address or phone.</i>")
    return text


def too_many_requests() -> str:
    return _(
        "You have already sent several requests today: the center will answer them. If something cannot wait, "
        "call 111 or 150, and 112 in danger."
    )


def out_of_hours(opens: str) -> str:
    return _(
        "⏰ The center is closed now: its staff will see your request when it opens, {time}. If it cannot wait, "
        "111 and 150 answer at any hour, and in danger call 112."
    ).format(time=opens)


def contact_label(method: str, phone: str | None) -> str:
    if method == "phone":
        return _("call me at {phone}").format(phone=escape(phone or ""))
    if method == "anonymous":
        return _("anonymous, answer here in Telegram")
    return _("answer here in Telegram")


def summary(
    category: str, center: Center, text: str, contact: str, urgent: bool, locale: str, safe: str | None = None
) -> str:
    shown = text if len(text) <= 1500 else text[:1500] + "…"
    lines = [
        _("<b>Please check your request</b>"),
        "",
        _("Topic: {topic}").format(topic=_(CATEGORY_NAMES[category])),
        _("Center: {center}").format(center=escape(center.name(locale))),
        _("How to reach you: {contact}").format(contact=contact),
    ]
    if (wish := safe_contact_label(safe)) is not None:
        lines.append(_("Safe to contact: {wish}").format(wish=wish))
    if urgent:
        lines.append(_("⚠️ Marked urgent"))
    lines += ["", escape(shown)]
    return "\n".join(lines)


def submitted(request: HelpRequest, center: Center, locale: str) -> str:
    return _(
        "✅ Your request <b>{number}</b> has been sent to «{center}».\n"
        "Status: {status}.\n\n"
        "The answer will come here. /my shows your requests."
    ).format(number=request.number, center=escape(center.name(locale)), status=_(STATUS_NAMES[request.status]))


def already_submitted(request: HelpRequest) -> str:
    return _("This request has been sent already: {number}. /my shows it.").format(number=request.number)


def status_changed(request: HelpRequest) -> str:
    return _("Your request {number}: {status}.").format(number=request.number, status=_(STATUS_NAMES[request.status]))


def staff_answer_header(center: Center, request: HelpRequest, locale: str) -> str:
    """Signed with the center's name, never a staff member's account."""
    return f"<b>{escape(center.name(locale))}</b> · {request.number}"


def ask_rating(request: HelpRequest) -> str:
    return _("Your request {number} is resolved. How much did the center help you?").format(number=request.number)


def thanks_for_rating() -> str:
    return _("Thank you! If you like, write a comment in one message, or send /cancel.")


def thanks_for_comment() -> str:
    return _("Thank you, your comment has been passed to the center.")


def write_answer(request: HelpRequest) -> str:
    return _("Write your answer to {number} in one message.").format(number=request.number)


def answer_sent() -> str:
    return _("Sent.")


def my_requests(requests: list[HelpRequest], date_of) -> str:  # type: ignore[no-untyped-def]
    if not requests:
        return _("You have no requests yet. /request sends one.")
    lines = [_("<b>Your requests</b>"), ""]
    for request in requests:
        lines.append(
            f"<b>{request.number}</b> · {_(CATEGORY_NAMES[request.category])}\n"
            f"    {date_of(request.created_at)} · {_(STATUS_NAMES[request.status])}"
        )
    return "\n".join(lines)


# ---- texts for staff ----


def staff_notice(request: HelpRequest, center: Center, text: str, event: str | None, locale: str) -> str:
    """The notice about a request; `event` is the line that says what last happened to it."""
    flag = _("🚨 URGENT") + " · " if request.urgent else ""
    lines = [
        f"{flag}<b>{request.number}</b> · {_(CATEGORY_NAMES[request.category])}",
        escape(center.name(locale)),
        _("Contact: {contact}").format(contact=staff_contact(request)),
        *(
            [_("Safe to contact: {wish}").format(wish=wish)]
            if (wish := safe_contact_label(request.safe_contact))
            else []
        ),
        _("Status: {status}").format(status=_(STATUS_NAMES[request.status])),
    ]
    if event:
        lines.append(event)
    excerpt = text if len(text) <= EXCERPT else text[:EXCERPT] + "… " + _("(the full text follows)")
    lines += ["", escape(excerpt)]
    return "\n".join(lines)


def status_event(status: str, name: str) -> str | None:
    if status == "in_progress":
        return _("🙋 Taken by {name}").format(name=escape(name))
    if status == "resolved":
        return _("✅ Resolved by {name}").format(name=escape(name))
    if status == "spam":
        return _("🚫 Closed as spam by {name}").format(name=escape(name))
    return None


def transferred_to(center: Center, locale: str) -> str:
    return _("➡️ Transferred to «{center}»").format(center=escape(center.name(locale)))


def transferred_for_person(request: HelpRequest, center: Center, locale: str) -> str:
    return _("Your request {number} has been passed to «{center}», which can help you better.").format(
        number=request.number, center=escape(center.name(locale))
    )


def note_header(request: HelpRequest, author: str) -> str:
    return _("📝 {number}: internal note from {name} (the person does not see it):").format(
        number=request.number, name=escape(author)
    )


def escalation(hours: int) -> str:
    return ngettext(
        "⏰ Nobody has taken this request for {hours} hour.",
        "⏰ Nobody has taken this request for {hours} hours.",
        hours,
    ).format(hours=hours)


def write_note(request: HelpRequest) -> str:
    return _("Write an internal note on {number}. The person will not see it.").format(number=request.number)


def note_saved() -> str:
    return _("The note is saved and shown to the center's staff.")


def choose_transfer(request: HelpRequest) -> str:
    return _("Transfer {number} to which center?").format(number=request.number)


def transferred_done(center: Center, locale: str) -> str:
    return _("Transferred to «{center}».").format(center=escape(center.name(locale)))


def transfer_choices(request: HelpRequest, centers: list[Center], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for center in centers:
        builder.button(text=center.name(locale), callback_data=TransferToCb(id=request.id, to=center.id))
    builder.adjust(1)
    return builder.as_markup()


def saved_reply_choices(request: HelpRequest, replies: list[SavedReply]) -> InlineKeyboardMarkup | None:
    if not replies:
        return None
    builder = InlineKeyboardBuilder()
    for reply in replies:
        builder.button(text=f"📋 {reply.title}", callback_data=SavedReplyCb(id=request.id, reply=reply.id))
    builder.adjust(1)
    return builder.as_markup()


def saved_replies_hint() -> str:
    return _("Or send one of the center's saved replies:")


def queue(requests: list[HelpRequest], total: int, page: int, pages: int) -> str:
    if not requests:
        return _("No open requests. 🎉")
    lines = [_("<b>Open requests: {total}</b> (page {page} of {pages})").format(total=total, page=page, pages=pages)]
    for request in requests:
        flag = "🚨 " if request.urgent else ""
        lines.append(
            f"{flag}<b>{request.number}</b> · {_(CATEGORY_NAMES[request.category])} · {_(STATUS_NAMES[request.status])}"
        )
    return "\n".join(lines)


def queue_buttons(requests: list[HelpRequest], page: int, pages: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for request in requests:
        builder.button(
            text=("🚨 " if request.urgent else "") + request.number, callback_data=QueueOpenCb(id=request.id)
        )
    navigation = []
    if page > 1:
        navigation.append(("⬅️", page - 1))
    if page < pages:
        navigation.append(("➡️", page + 1))
    for label, target in navigation:
        builder.button(text=label, callback_data=QueuePageCb(page=target))
    builder.adjust(*([1] * len(requests)), len(navigation) or 1)
    return builder.as_markup()


def staff_only() -> str:
    return _("This command is for center staff.")


def staff_contact(request: HelpRequest) -> str:
    """What staff may know about the person: nothing at all for an anonymous request."""
    if request.contact_method == "anonymous":
        return _("anonymous; answer through the bot")
    name = escape(request.contact_name or "")
    if request.contact_method == "phone":
        return _("{name}, call {phone}").format(name=name, phone=escape(request.phone or ""))
    return _("{name}, answer through the bot").format(name=name)


def person_wrote_header(request: HelpRequest) -> str:
    return _("💬 {number}: the person answered:").format(number=request.number)


def not_allowed() -> str:
    return _("This request belongs to another center: you cannot act on it.")


def already_taken() -> str:
    return _("Someone has already taken this request.")


def request_closed() -> str:
    return _("This request is already closed.")


def bind_refused() -> str:
    return _(
        "Only a center's staff member can bind a group. If you work at several centers, name one: /bind CENTER_ID."
    )


def bound(center: Center, locale: str, is_forum: bool) -> str:
    text = _("This group now receives the help requests of «{center}».").format(center=escape(center.name(locale)))
    if is_forum:
        text += "\n" + _("Each request gets its own topic.")
    return text


def admins_only() -> str:
    return _("This command is for administrators.")


def invite_usage() -> str:
    return _("Name the center: /invite CENTER_ID (the id from the center directory, e.g. astana-zhanuya).")


def invite_created(center: Center, link: str, valid_for: timedelta, locale: str) -> str:
    return _(
        "A one-time staff invite for «{center}», valid for {period}:\n{link}\n\n"
        "Send it to the staff member only: whoever opens it first joins the center's staff."
    ).format(center=escape(center.name(locale)), period=format_timedelta(valid_for, locale=locale), link=link)


def joined_staff(center: Center, locale: str) -> str:
    return _(
        "You are now on the staff of «{center}». New help requests for the center will come here. "
        "/queue shows the open ones."
    ).format(center=escape(center.name(locale)))


def invite_invalid() -> str:
    return _("This invite has already been used or has expired. Please ask your administrator for a new one.")


def stats(summary: Summary, centers: list[Center], locale: str) -> str:
    def duration(seconds: float | None) -> str:
        return format_timedelta(timedelta(seconds=seconds), locale=locale) if seconds is not None else "—"

    names = {center.id: center.name(locale) for center in centers}
    lines = [_("<b>Help requests: {total}</b>").format(total=summary.total), ""]
    lines.append(_("<b>By status</b>"))
    lines += [f"{_(STATUS_NAMES[status])}: {count}" for status, count in summary.by_status.most_common()]
    lines += ["", _("<b>By topic</b>")]
    lines += [f"{_(CATEGORY_NAMES[code])}: {count}" for code, count in summary.by_category.most_common()]
    lines += ["", _("<b>By center</b>")]
    lines += [f"{escape(names.get(cid, str(cid)))}: {count}" for cid, count in summary.by_center.most_common(15)]
    lines += [
        "",
        _("Median time to take: {time}").format(time=duration(summary.median_take_seconds)),
        _("Median time to resolve: {time}").format(time=duration(summary.median_resolve_seconds)),
    ]
    if summary.mean_rating is not None:
        lines.append(_("Average rating: {rating}").format(rating=format_decimal(summary.mean_rating, "0.0", locale)))
    return "\n".join(lines)


def blocked_list(items: list[BlockedSender], zone: ZoneInfo, locale: str) -> tuple[str, InlineKeyboardMarkup | None]:
    if not items:
        return _("Nobody is blocked."), None
    builder = InlineKeyboardBuilder()
    lines = [_("<b>Blocked senders</b>")]
    for item in items:
        number = request_number(item.request_id) if item.request_id else "—"
        when = format_moment(datetime.fromisoformat(item.blocked_at), zone, locale)
        lines.append(f"• {number} · {when}")
        builder.button(
            text=_("Unblock the sender of {number}").format(number=number), callback_data=UnblockCb(user=item.user_id)
        )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def blocked_done() -> str:
    return _("The sender is blocked: their requests will no longer reach the center.")


def unblocked() -> str:
    return _("The block is lifted.")


def others_contact(phone: str) -> tuple[str, InlineKeyboardMarkup]:
    """A shared contact that is not the person's own (or not linked to any Telegram account)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Yes, call this number"), callback_data=OthersContactCb(use=True))
    builder.button(text=_("✏️ No, I will type my own number"), callback_data=OthersContactCb(use=False))
    keyboards.hide_button(builder)
    builder.adjust(1)
    text = _("This is someone else's contact: {phone}. Should the center call this number about your request?")
    return text.format(phone=escape(phone)), builder.as_markup()


def ask_own_phone() -> str:
    return _("Please type your own number, e.g. +7 701 234 56 78, or share it with the button below.")


def group_prompt(user_id: int, first_name: str, prompt: str) -> str:
    """Asks a staff member for text in a group. Mentioning them (a mention by id: the bot cannot count on a
    username) makes the selective ForceReply open the reply box in their app; the last line is for apps that
    show none: in privacy mode only a reply to the bot's message reaches the bot."""
    name = f'<a href="tg://user?id={user_id}">{escape(first_name) or "👤"}</a>'
    return _(
        "👤 {name}: {prompt}\n↩️ Send your text as a reply to this message: in a group the bot sees only replies to "
        "its messages."
    ).format(name=name, prompt=prompt)


def still_waiting(number: str) -> str:
    return _(
        "Your text for {number} is still awaited: write it as a text reply to my message with the question. "
        "/cancel stops."
    ).format(number=number)


def staff_input_cancelled() -> str:
    return _("Cancelled: nothing was sent.")


def group_taken(center: Center, locale: str) -> str:
    return _(
        "This group receives the help requests of «{center}». Only that center's staff or an administrator can "
        "change this."
    ).format(center=escape(center.name(locale)))


def rebind_question(old: Center, new: Center, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "This group receives the help requests of «{old}». Should it receive those of «{new}» instead? «{old}» "
        "will then no longer get its notices here."
    ).format(old=escape(old.name(locale)), new=escape(new.name(locale)))
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Yes, switch"), callback_data=GroupBindCb(to=new.id, was=old.id, ok=True))
    builder.button(text=_("❌ Cancel"), callback_data=GroupBindCb(to=new.id, was=old.id, ok=False))
    builder.adjust(2)
    return text, builder.as_markup()


def rebound(old: Center, new: Center, locale: str) -> str:
    return _("This group now receives the help requests of «{new}». Those of «{old}» no longer come here.").format(
        old=escape(old.name(locale)), new=escape(new.name(locale))
    )


def rebind_kept(center: Center, locale: str) -> str:
    return _("Nothing changed: this group still receives the help requests of «{center}».").format(
        center=escape(center.name(locale))
    )


def unbound(center: Center, locale: str) -> str:
    return _(
        "This group no longer receives the help requests of «{center}»: its notices go to the center's staff in "
        "private chats."
    ).format(center=escape(center.name(locale)))


def group_not_bound() -> str:
    return _("This group is not bound to any center.")


def binding_changed() -> str:
    return _("The group's binding has changed meanwhile. Send /bind again.")
