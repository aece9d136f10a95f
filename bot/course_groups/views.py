"""What staff see in /groups, and what the people signed up are told when their group changes. User text (names,
a staff member's message) is escaped; dates are shown in the bot's time zone and the reader's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.core.i18n import LANGUAGE_NAMES
from bot.course_groups.models import GroupDraft
from bot.course_groups.rules import MAX_MESSAGE, MAX_SEATS, csv_cell
from bot.courses.models import Topic
from bot.courses.views import session_time
from bot.directory.models import Center

if TYPE_CHECKING:
    from bot.course_groups.desk import Managed, Roster

Render = Callable[[str], str]


def _name(managed: Managed, locale: str) -> str:
    return f"«{escape(managed.topic.title(locale))}» ({escape(managed.center.name(locale))})"


def form(online: bool) -> str:
    return _("online") if online else _("in person")


# ---- staff: the list and a group ----


def overview(items: list[Managed], zone: ZoneInfo, now: datetime, locale: str, everyone: bool) -> str:
    lines = [_("<b>Your center's course groups</b>")]
    if everyone:
        lines.append(_("You see every center's groups. /groups CENTER (its number or id) shows one center."))
    lines.append("")
    if not items:
        lines.append(_("No upcoming groups yet."))
    size = sum(len(line) + 1 for line in lines)
    for managed in items:
        group = managed.group
        upcoming = group.next_session(now)
        entry = [
            f"• <b>{escape(managed.topic.title(locale))}</b> · {LANGUAGE_NAMES[group.language]} · {form(group.online)}"
        ]
        if everyone:
            entry.append(f"  {escape(managed.center.name(locale))}")
        entry.append(
            "  "
            + _("seats {taken}/{seats}, waiting {waiting}, next: {next}").format(
                taken=group.taken,
                seats=group.seats,
                waiting=group.waiting,
                next=session_time(upcoming.starts_at, zone, locale) if upcoming else "—",
            )
        )
        size += sum(len(line) + 1 for line in entry)
        if size > 3900:  # within Telegram's 4096, never cutting a tag: the buttons list them all
            lines.append("…")
            break
        lines += entry
    return "\n".join(lines)


def group_card(managed: Managed, zone: ZoneInfo, locale: str) -> str:
    group = managed.group
    lines = [
        f"<b>{escape(managed.topic.title(locale))}</b>",
        escape(managed.center.name(locale)),
        f"{LANGUAGE_NAMES[group.language]} · {form(group.online)} · <code>{escape(group.slug)}</code>",
        _("Seats taken: {taken} of {seats}").format(taken=group.taken, seats=group.seats),
        _("Waiting list: {count}").format(count=group.waiting),
        "",
        _("<b>Sessions</b>"),
    ]
    for session in group.sessions[-60:]:  # within a message, whatever the history
        when = session_time(session.starts_at, zone, locale)
        lines.append(f"• <s>{when}</s> " + _("(cancelled)") if session.cancelled else f"• {when}")
    if group.closed:
        lines += ["", _("⛔ The group is closed.")]
    return "\n".join(lines)


def pick_session(act: str) -> str:
    return {
        "move": _("Which session moves?"),
        "cancel": _("Which session is cancelled?"),
        "attend": _("Attendance of which session?"),
    }[act]


def no_sessions_ahead() -> str:
    return _("This group has no session ahead to change.")


# ---- staff: creating a group ----


def unknown_center() -> str:
    return _("No such center: type its number or id, e.g. 1 or astana-zhanuya.")


def ask_topic(center: Center, locale: str) -> str:
    return _("New group at «{center}». Choose the topic:").format(center=escape(center.name(locale)))


def ask_language() -> str:
    return _("The language of the group:")


def ask_form() -> str:
    return _("In person at the center, or online?")


def ask_seats(current: int | None = None, taken: int | None = None) -> str:
    text = _("How many seats? Tap a number or type one (1 to {most}).").format(most=MAX_SEATS)
    if current is not None and taken is not None:
        text = _("Seats now: {seats}, taken: {taken}.").format(seats=current, taken=taken) + "\n" + text
    return text


def bad_seats() -> str:
    return _("Please type a number of seats from 1 to {most}.").format(most=MAX_SEATS)


def ask_sessions(chosen: tuple[datetime, ...], zone: ZoneInfo, locale: str) -> str:
    lines = [
        _(
            "<b>Sessions</b>: pick a date, then a time, or type both, e.g. 12.12 18:30, 12.12.2026 18:30 or "
            "2026-12-12 18:30."
        )
    ]
    if chosen:
        lines += ["", _("Chosen so far:"), *(f"• {session_time(start, zone, locale)}" for start in chosen)]
        lines += ["", _("Add another, or tap ✅ Done.")]
    return "\n".join(lines)


def ask_one_session() -> str:
    return _("Pick the date, then the time, or type both, e.g. 12.12 18:30, 12.12.2026 18:30 or 2026-12-12 18:30.")


def ask_time(day: str) -> str:
    return _("The time on {day}:").format(day=day)


def session_error(code: str) -> str:
    return {
        "format": _("Please type a date and a time like 12.12 18:30, 12.12.2026 18:30 or 2026-12-12 18:30."),
        "past": _("That moment has passed: please choose a time ahead."),
        "far": _("That is more than two years ahead: please check the date."),
        "twice": _("The group already meets at that time."),
        "many": _("That is as many sessions as one group can have."),
    }.get(code, _("Please type a date and a time like 12.12 18:30, 12.12.2026 18:30 or 2026-12-12 18:30."))


def need_session() -> str:
    return _("Add at least one session first.")


def draft_summary(draft: GroupDraft, topic: Topic, center: Center, zone: ZoneInfo, locale: str) -> str:
    lines = [
        _("<b>Check the new group</b>"),
        "",
        f"<b>{escape(topic.title(locale))}</b>",
        escape(center.name(locale)),
        f"{LANGUAGE_NAMES[draft.language]} · {form(draft.online)}",
        _("Seats: {seats}").format(seats=draft.seats),
        "",
        _("<b>Sessions</b>"),
        *(f"• {session_time(start, zone, locale)}" for start in draft.sessions),
    ]
    return "\n".join(lines)


def created(managed: Managed, locale: str) -> str:
    return (
        _("✅ The group is created ({slug}). Parents see it at once in /academy or /premarital.").format(
            slug=escape(managed.group.slug)
        )
        + f"\n{escape(managed.topic.title(locale))}"
    )


# ---- staff: confirmations and answers ----


def confirm_seats(managed: Managed, seats: int, locale: str) -> str:
    return _(
        "Change the seats of {group} from {old} to {new}? If there are more, the waiting list gets them at once."
    ).format(group=_name(managed, locale), old=managed.group.seats, new=seats)


def confirm_add(managed: Managed, start: datetime, zone: ZoneInfo, locale: str) -> str:
    return _("Add a session on {when} to {group}? Everyone signed up is told.").format(
        when=session_time(start, zone, locale), group=_name(managed, locale)
    )


def confirm_move(managed: Managed, old: datetime, new: datetime, zone: ZoneInfo, locale: str) -> str:
    return (
        _("Move the session of {old} to {new}? Everyone signed up is told, and their reminders follow.").format(
            old=session_time(old, zone, locale), new=session_time(new, zone, locale)
        )
        + f"\n{_name(managed, locale)}"
    )


def confirm_cancel(managed: Managed, when: datetime, zone: ZoneInfo, locale: str) -> str:
    return (
        _("Cancel the session of {when}? Everyone signed up is told, and nobody is reminded of it.").format(
            when=session_time(when, zone, locale)
        )
        + f"\n{_name(managed, locale)}"
    )


def confirm_close(managed: Managed, locale: str) -> str:
    return _("Close {group}? Every sign-up is cancelled and everyone is told. This cannot be undone.").format(
        group=_name(managed, locale)
    )


def ask_message(managed: Managed, locale: str) -> str:
    return _("Type the message to everyone signed up for {group} (up to {most} characters):").format(
        group=_name(managed, locale), most=MAX_MESSAGE
    )


def bad_message() -> str:
    return _("Please write a text of up to {most} characters.").format(most=MAX_MESSAGE)


def confirm_message(managed: Managed, text: str, locale: str) -> str:
    preview = group_message(managed, text, locale)
    return _("Everyone holding a seat will get this message. Send it?") + "\n\n" + preview


def done() -> str:
    return _("✅ Done. Everyone signed up is told.")


def seats_done(managed: Managed) -> str:
    return _("✅ Done: {seats} seats, {taken} taken, {waiting} on the waiting list.").format(
        seats=managed.group.seats, taken=managed.group.taken, waiting=managed.group.waiting
    )


def sent(count: int) -> str:
    return _("✅ Sent to everyone holding a seat: {count}.").format(count=count)


def dropped() -> str:
    return _("Nothing was changed.")


def nothing_pending() -> str:
    return _("This question is no longer open: start again from /groups.")


def refused(code: str, managed: Managed | None = None) -> str:
    if code == "below" and managed is not None:
        return _("{taken} seats are already taken: the group cannot have fewer seats than that.").format(
            taken=managed.group.taken
        )
    return {
        "below": _("The group cannot have fewer seats than are already taken."),
        "range": bad_seats(),
        "closed": _("This group is closed."),
        "last": _("This is the group's only session left: close the group instead."),
        "held": _("This session has already taken place."),
        "cancelled": _("This session is cancelled already."),
        "text": bad_message(),
        "no sessions": need_session(),
        "twice": session_error("twice"),
        "many": session_error("many"),
        "past": session_error("past"),
        "far": session_error("far"),
    }.get(code, not_allowed())


def not_allowed() -> str:
    return _("This group belongs to another center: you cannot manage it.")


# ---- attendance and the CSV ----


def attendance(roster: Roster, session_id: int, zone: ZoneInfo, locale: str, page: int = 0, size: int = 40) -> str:
    """The sheet's heading (the names are its buttons, `size` a page): short whatever the group's size."""
    session = roster.managed.group.session(session_id)
    when = session_time(session.starts_at, zone, locale) if session else ""
    people = sum(1 for line in roster.lines if line.status == "confirmed")
    lines = [
        _("<b>Attendance</b>"),
        f"{escape(roster.managed.topic.title(locale)[:200])} · {when}",
        "",
        _("Tap a name to mark who came (✅) or not (⬜).") if people else _("Nobody holds a seat in this group."),
    ]
    if people > size:
        page = min(max(page, 0), (people - 1) // size)
        lines.append(f"👥 {page * size + 1}–{min(people, (page + 1) * size)} / {people}")
    return "\n".join(lines)


def person(line_name: str, partner: str | None) -> str:
    return f"{line_name} + {partner}" if partner else line_name


def roster_csv(roster: Roster, zone: ZoneInfo) -> bytes:
    """The roster with attendance: name, phone, seats, status, then a column per session (1: came)."""
    sessions = roster.managed.group.active
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Name"),
            _("Phone"),
            _("Seats"),
            _("Status"),
            *(f"{session.starts_at.astimezone(zone):%Y-%m-%d %H:%M}" for session in sessions),
        ]
    )
    for line in roster.lines:
        status = _("confirmed") if line.status == "confirmed" else _("waiting list")
        marks = ["1" if (session.id, line.signup_id) in roster.present else "0" for session in sessions]
        writer.writerow(
            [csv_cell(person(line.name, line.partner_name)), csv_cell(line.phone), line.seats, status, *marks]
        )
    return out.getvalue().encode("utf-8-sig")


def csv_caption(managed: Managed, locale: str) -> str:
    return _("Roster and attendance: {group}").format(group=_name(managed, locale))


# ---- the people signed up ----


def session_added(managed: Managed, start: datetime, zone: ZoneInfo, locale: str) -> str:
    return _("➕ {group}: a new session, {when}.").format(
        group=_name(managed, locale), when=session_time(start, zone, locale)
    )


def session_moved(managed: Managed, old: datetime, new: datetime, zone: ZoneInfo, locale: str) -> str:
    return _("📅 {group}: the session of {old} is moved to {new}.").format(
        group=_name(managed, locale), old=session_time(old, zone, locale), new=session_time(new, zone, locale)
    )


def session_cancelled(managed: Managed, when: datetime, zone: ZoneInfo, locale: str) -> str:
    return _("✖️ {group}: the session of {when} is cancelled. The other sessions stay as they were.").format(
        group=_name(managed, locale), when=session_time(when, zone, locale)
    )


def group_closed(managed: Managed, zone: ZoneInfo, locale: str) -> str:
    first = managed.group.active[0].starts_at if managed.group.active else None
    when = session_time(first, zone, locale) if first else ""
    return _(
        "✖️ {group}, starting {when}, is cancelled: the group will not meet, and your sign-up is closed. "
        "/academy and /premarital show other groups."
    ).format(group=_name(managed, locale), when=when)


def group_message(managed: Managed, text: str, locale: str) -> str:
    """A staff member's message to the group, headed with the center and the group, so it is clear who writes."""
    return (
        f"📢 <b>{escape(managed.center.name(locale))}</b> · «{escape(managed.topic.title(locale))}»\n\n{escape(text)}"
    )
