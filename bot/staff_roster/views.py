"""What the admins' /staff list says, and the notice a center gets when someone leaves; every name is escaped.
Request numbers only, never what a request says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.core.i18n import format_moment
from bot.directory.models import Center
from bot.requests.models import request_number
from bot.staff_roster.models import RemovalQuestion, Roster, RosterEntry
from bot.staff_roster.rules import display_name

PAGE_SIZE = 20  # staff members listed on one page at most (and as many remove buttons)
TEXT_BUDGET = 4000  # characters of a page's message, what comes before the list included: under Telegram's 4096


@dataclass(frozen=True, slots=True)
class RosterPage:
    """One page of a center's staff: its text, the people on it (each gets a remove button), where it starts in
    the list, and where the previous and the next page start (None: there is none)."""

    text: str
    entries: tuple[RosterEntry, ...]
    at: int
    previous: int | None
    next: int | None


def name_of(entry: RosterEntry) -> str:
    return display_name(entry.first_name, entry.username, entry.user_id)


NUMBERS_SHOWN = 50  # request numbers listed in one text (the count says how many there are)


def numbers(ids: tuple[int, ...] | list[int]) -> str:
    listed = ", ".join(request_number(request_id) for request_id in ids[:NUMBERS_SHOWN])
    return listed + (", …" if len(ids) > NUMBERS_SHOWN else "")


def choose_region() -> str:
    return _("<b>Centers' staff</b>\nChoose the region, or type /staff CENTER_ID (e.g. /staff astana-zhanuya).")


def choose_center(region: str) -> str:
    return _("{region}: choose the center. 👥 shows how many staff it has.").format(region=escape(region))


def no_centers() -> str:
    return _("There are no centers in this region.")


def unknown_center(slug: str) -> str:
    return _("No center has the id «{slug}». Choose it from the list.").format(slug=escape(slug))


def _when(stamp: str, zone: ZoneInfo, locale: str) -> str:
    return format_moment(datetime.fromisoformat(stamp), zone, locale)


def _entry_block(number: int, entry: RosterEntry, zone: ZoneInfo, locale: str) -> str:
    who = f"{number}. <b>{escape(name_of(entry))}</b>"
    if entry.username and entry.first_name:
        who += f" @{escape(entry.username)}"
    who += f" · id {entry.user_id}"
    facts = [
        _("joined {date}").format(date=_when(entry.added_at, zone, locale)),
        ngettext("holds {count} request", "holds {count} requests", entry.holding).format(count=entry.holding),
        _("last action {date}").format(date=_when(entry.last_active_at, zone, locale))
        if entry.last_active_at
        else _("no actions yet"),
    ]
    return who + "\n    " + " · ".join(facts)


def _page_from(blocks: list[str], start: int, room: int) -> int:
    """Where the page that starts at `start` ends: as many people as fit in `room` characters (one at least)."""
    end, used = start, 0
    while end < len(blocks) and end - start < PAGE_SIZE:
        used += len(blocks[end]) + 1
        if used > room and end > start:
            break
        end += 1
    return end


def _shown(first: int, last: int, total: int) -> str:
    return _("{first}–{last} of {total}").format(first=first, last=last, total=total)


def roster(found: Roster, zone: ZoneInfo, locale: str, at: int = 0, before: str = "") -> RosterPage:
    """The page of the center's staff that starts at the `at`-th person (a page that no longer exists, after a
    removal, gives the last one); `before`: what the message says above the list, counted in its length."""
    center = found.center
    title = _("<b>Staff of «{center}»</b>").format(center=escape(center.name(locale))) + f" · {escape(center.slug)}"
    head = f"{before}\n\n{title}" if before else title
    if not found.entries:
        return RosterPage(
            head + "\n" + _("Nobody is on the staff yet. Invite someone with the button below."), (), 0, None, None
        )
    total = len(found.entries)
    blocks = [_entry_block(number, entry, zone, locale) for number, entry in enumerate(found.entries, start=1)]
    room = TEXT_BUDGET - len(head) - len(_shown(total, total, total)) - 2
    starts: list[int] = []
    start = 0
    while start < total:
        starts.append(start)
        start = _page_from(blocks, start, room)
    at = min(max(at, 0), starts[-1])
    end = _page_from(blocks, at, room)
    lines = [head, *blocks[at:end]]
    if len(starts) > 1 or at > 0:
        lines.append(_shown(at + 1, end, total))
    previous = max((start for start in starts if start < at), default=None)
    return RosterPage("\n".join(lines), found.entries[at:end], at, previous, end if end < total else None)


def confirm_removal(question: RemovalQuestion, locale: str) -> str:
    name, center = escape(name_of(question.entry)), escape(question.center.name(locale))
    count = len(question.taken)
    before = _("Before: {name} works for «{center}».").format(name=name, center=center)
    before += " " + ngettext("They hold {count} taken request.", "They hold {count} taken requests.", count).format(
        count=count
    )
    after = _("After: {name} loses access to «{center}» at once.").format(name=name, center=center)
    if count:
        after += " " + ngettext(
            "Their {count} taken request goes back to the queue: {numbers}.",
            "Their {count} taken requests go back to the queue: {numbers}.",
            count,
        ).format(count=count, numbers=numbers(question.taken))
    else:
        after += " " + _("No request goes back to the queue.")
    title = _("<b>Remove {name} from the staff?</b>").format(name=name)
    told = _("The center's staff are told which requests came back; the people who wrote are told nothing.")
    return "\n\n".join([title, before, after, told])


def removed(
    found: Roster, name: str, returned: tuple[int, ...], zone: ZoneInfo, locale: str, at: int = 0
) -> RosterPage:
    done = _("✅ {name} is no longer on the staff of «{center}».").format(
        name=escape(name), center=escape(found.center.name(locale))
    )
    if returned:
        done += " " + ngettext(
            "{count} request went back to the queue: {numbers}.",
            "{count} requests went back to the queue: {numbers}.",
            len(returned),
        ).format(count=len(returned), numbers=numbers(returned))
    return roster(found, zone, locale, at, before=done)


def kept(found: Roster, name: str, zone: ZoneInfo, locale: str, at: int = 0) -> RosterPage:
    before = _("Nothing changed: {name} stays on the staff.").format(name=escape(name))
    return roster(found, zone, locale, at, before=before)


def not_on_staff() -> str:
    return _("This person is not on the staff of that center (any more). Nothing changed.")


def center_notice(center: Center, name: str, returned: tuple[int, ...], locale: str) -> str:
    """To the center (its group, else its staff, else the admins): who left, and which requests came back."""
    lines = [
        _("👥 {name} no longer works at «{center}».").format(name=escape(name), center=escape(center.name(locale))),
        ngettext(
            "{count} request they had taken is back in the queue and can be taken: {numbers}.",
            "{count} requests they had taken are back in the queue and can be taken: {numbers}.",
            len(returned),
        ).format(count=len(returned), numbers=numbers(returned)),
        _("/queue shows the open requests."),
    ]
    return "\n".join(lines)


def back_in_queue() -> str:
    """The line on a request's notices when it came back to the queue."""
    return _("↩️ Back in the queue: waiting to be taken")
