"""Course rules and the course desk, called directly: seats under concurrency, the waiting list, couples and
reminders with a moved clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.i18n import create_i18n
from bot.core.timezone import load_zone
from bot.courses import views as cv
from bot.courses.desk import CourseDesk
from bot.courses.models import NewGroup, Signup
from bot.courses.rules import allocate, clean_name, parse_group_row, parse_marriage_date, promotable, reminder_times
from bot.requests.desk import Helpdesk
from bot.requests.models import RuleError
from storage.bootstrap import ensure_courses, load_sample_centers
from storage.database import open_migrated

ZONE = load_zone("Asia/Almaty")
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
START = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)  # Saturday 11:00 in Kazakhstan


def signup(signup_id: int, seats: int = 1) -> Signup:
    return Signup(signup_id, 1, 100 + signup_id, "A", "+7", None, None, None, seats, "waiting", None)


def test_allocation_never_exceeds_capacity() -> None:
    assert allocate(10, 9, 1) == "confirmed"
    assert allocate(10, 9, 2) == "waiting"
    assert allocate(10, 10, 1) == "waiting"


def test_waiting_list_is_first_come_first_served() -> None:
    queue = [signup(1, 2), signup(2, 1), signup(3, 1)]
    assert promotable(queue, 1) == []  # the head needs two seats: nobody jumps the queue
    assert [s.id for s in promotable(queue, 3)] == [1, 2]


def test_reminders_a_day_and_two_hours_before() -> None:
    assert reminder_times(START, NOW) == [("day", START - timedelta(days=1)), ("hours", START - timedelta(hours=2))]
    assert reminder_times(START, START - timedelta(hours=3)) == [("hours", START - timedelta(hours=2))]
    assert reminder_times(START, START - timedelta(minutes=30)) == []


@pytest.mark.parametrize(("typed", "expected"), [("  Айгерім   Сапарова ", "Айгерім Сапарова"),
                                                 ("Anna-Maria O'Neil", "Anna-Maria O'Neil"), ("A", None),
                                                 ("12345", None), ("<b>x</b>", None)])  # fmt: skip
def test_names(typed: str, expected: str | None) -> None:
    assert clean_name(typed) == expected


def test_marriage_dates() -> None:
    today = date(2026, 11, 23)
    assert parse_marriage_date("25.12.2026", today) == date(2026, 12, 25)
    assert parse_marriage_date("2026-12-25", today) == date(2026, 12, 25)
    assert parse_marriage_date("01.01.2020", today) is None
    assert parse_marriage_date("31.02.2027", today) is None
    assert parse_marriage_date("someday", today) is None


def test_group_rows_are_checked_column_by_column() -> None:
    row = {"id": "x-1", "topic": "teenagers", "center": "a", "online": "0", "language": "ru", "seats": "10",
           "sessions": "2026-12-05 11:00; 2026-12-12 11:00"}  # fmt: skip
    parsed, errors = parse_group_row(row, ZONE, NOW, {"teenagers"}, {"a"})
    assert errors == [] and parsed is not None and parsed.sessions[0] == START
    bad = {**row, "id": "X", "topic": "zz", "language": "en", "seats": "0", "sessions": "2020-01-01 10:00;soon"}
    _, errors = parse_group_row(bad, ZONE, NOW, {"teenagers"}, {"a"})
    assert len(errors) == 6


async def make_desk(path: Path, seats: int) -> tuple[CourseDesk, int]:
    db = await open_migrated(path)
    desk = CourseDesk(Helpdesk(db, create_i18n("kk"), admin_ids=(1,)), ZONE)
    if await desk.courses.group_count() == 0:
        await load_sample_centers(db)
        await ensure_courses(db, ZONE, NOW)
        center = (await desk.desk.centers.all())[0]
        group = NewGroup("tiny", "teenagers", center.id, False, "ru", seats, (START, START + timedelta(days=7)))
        await desk.courses.add_group(group)
    group_id = next(group.id for group in await desk.courses.groups() if group.slug == "tiny")
    return desk, group_id


@pytest.fixture
async def tiny(tmp_path: Path) -> tuple[CourseDesk, int]:
    desk, group_id = await make_desk(tmp_path / "courses.db", seats=3)
    yield desk, group_id
    await desk.desk.db.close()


async def test_concurrent_sign_ups_never_overbook(tmp_path: Path) -> None:
    """Twenty people at once through two connections (as two processes would) for five seats."""
    path = tmp_path / "race.db"
    first, group_id = await make_desk(path, seats=5)
    second, _ = await make_desk(path, seats=5)
    attempts = [
        desk.sign_up(group_id, 1000 + number, "Ата Ана", "+7 701 000 00 00", now=NOW)
        for number, desk in zip(range(20), [first, second] * 10, strict=True)
    ]
    results = await asyncio.gather(*attempts)
    confirmed = [result for result in results if result.waiting_position is None]
    assert len(confirmed) == 5
    assert sorted(result.waiting_position for result in results if result.waiting_position) == list(range(1, 16))
    assert await first.courses.taken_seats(group_id) == 5
    for desk in (first, second):
        await desk.desk.db.close()


async def test_rules_twice_started_and_a_couple_takes_two(tiny: tuple[CourseDesk, int]) -> None:
    desk, group_id = tiny
    await desk.sign_up(group_id, 1, "Ана Бір", "+7 701 000 00 01", now=NOW)
    with pytest.raises(RuleError, match="twice"):
        await desk.sign_up(group_id, 1, "Ана Бір", "+7 701 000 00 01", now=NOW)
    with pytest.raises(RuleError, match="started"):
        await desk.sign_up(group_id, 2, "Ана Екі", "+7 701 000 00 02", now=START + timedelta(minutes=1))
    couple = await desk.sign_up(group_id, 3, "Жігіт", "+7 701 000 00 03", partner_name="Қыз", now=NOW)
    assert couple.signup.seats == 2 and couple.waiting_position is None
    late = await desk.sign_up(group_id, 4, "Кеш", "+7 701 000 00 04", now=NOW)
    assert late.waiting_position == 1


async def test_cancellation_promotes_and_moves_the_reminders(tiny: tuple[CourseDesk, int]) -> None:
    desk, group_id = tiny
    first = await desk.sign_up(group_id, 1, "Бірінші", "+7 701 000 00 01", partner_name="Серік", now=NOW)
    await desk.sign_up(group_id, 2, "Екінші", "+7 701 000 00 02", now=NOW)
    waiting = await desk.sign_up(group_id, 3, "Үшінші", "+7 701 000 00 03", now=NOW)
    assert waiting.waiting_position == 1
    with pytest.raises(RuleError):
        await desk.cancel(first.signup.id, 999, now=NOW)  # not theirs
    await desk.cancel(first.signup.id, 1, now=NOW)
    promoted = await desk.courses.signup(waiting.signup.id)
    assert promoted is not None and promoted.status == "confirmed"
    # Reminders follow: the cancelled booking's never fire; the promoted person's do, once each.
    # The day-before reminders of the first session: persons 2 and 3; none for the cancelled booking.
    assert await desk.send_due_reminders(now=START - timedelta(days=1)) == 2
    assert await desk.send_due_reminders(now=START - timedelta(days=1)) == 0


async def test_reminders_fire_at_their_times_once(tiny: tuple[CourseDesk, int]) -> None:
    desk, group_id = tiny
    await desk.sign_up(group_id, 1, "Ана", "+7 701 000 00 01", now=NOW)
    assert await desk.send_due_reminders(now=START - timedelta(days=1, minutes=1)) == 0
    assert await desk.send_due_reminders(now=START - timedelta(days=1)) == 1
    assert await desk.send_due_reminders(now=START - timedelta(hours=2, minutes=1)) == 0
    assert await desk.send_due_reminders(now=START - timedelta(hours=2)) == 1
    assert await desk.send_due_reminders(now=START + timedelta(days=7)) == 2  # the second session's two
    assert await desk.send_due_reminders(now=START + timedelta(days=30)) == 0


async def test_partner_joins_once_and_gets_reminders(tiny: tuple[CourseDesk, int]) -> None:
    desk, group_id = tiny
    booking = await desk.sign_up(group_id, 1, "Жігіт", "+7 701 000 00 01", partner_name="Қыз", now=NOW)
    token = booking.signup.invite_token
    assert token
    with pytest.raises(RuleError, match="own"):
        await desk.join(booking.signup.id, token, 1, now=NOW)
    with pytest.raises(RuleError, match="invalid"):
        await desk.join(booking.signup.id, "forged", 2, now=NOW)
    joined = await desk.join(booking.signup.id, token, 2, now=NOW)
    assert joined.people() == [1, 2]
    with pytest.raises(RuleError, match="invalid"):
        await desk.join(booking.signup.id, token, 3, now=NOW)  # single use
    assert await desk.send_due_reminders(now=START - timedelta(days=1)) == 2  # both partners
    await desk.cancel(booking.signup.id, 2, now=NOW)  # either partner may cancel
    assert await desk.send_due_reminders(now=START) == 0


async def test_outbox_holds_every_message(tiny: tuple[CourseDesk, int]) -> None:
    desk, group_id = tiny
    await desk.sign_up(group_id, 1, "Ана", "+7 701 000 00 01", now=NOW)
    rows = await desk.desk.db.fetch_all("SELECT chat_id, payload FROM outbox")
    assert [row[0] for row in rows] == [1]  # a center without staff tells the admins
    assert "Ана" in rows[0][1] and "+7 701 000 00 01" in rows[0][1]


async def test_the_confirmation_promises_reminders_only_when_chosen(tiny: tuple[CourseDesk, int]) -> None:
    desk, group_id = tiny
    result = await desk.sign_up(group_id, 1, "Ана", "+7 701 000 00 01", now=NOW, reminders=False)
    center = await desk.desk.centers.get(result.group.center_id)
    assert center is not None
    for locale, promise in (("ru", "напомним"), ("kk", "еске саламыз")):
        with desk.desk.i18n.context(), desk.desk.i18n.use_locale(locale):
            texts = {
                chosen: cv.confirmed(result.group, result.topic, center, ZONE, locale, reminders=chosen)
                for chosen in (False, True)
            }
        assert promise not in texts[False] and "/my" in texts[False]
        assert promise in texts[True] and "/my" in texts[True]


async def test_no_reminders_chosen_for_a_sign_up_means_none_for_it(tiny: tuple[CourseDesk, int]) -> None:
    """The reminders consent is the person's; the choice is each sign-up's: agreeing once for one group does not
    bring reminders to a group signed up for without them."""
    desk, group_id = tiny
    reminded = await desk.sign_up(group_id, 1, "Ана", "+7 701 000 00 01", now=NOW, reminders=True)
    other = next(group for group in await desk.courses.groups() if group.id != group_id and not group.online)
    quiet = await desk.sign_up(other.id, 1, "Ана", "+7 701 000 00 01", now=NOW, reminders=False)
    assert quiet.waiting_position is None
    count = "SELECT count(*) FROM reminders WHERE signup_id = ?"
    assert await desk.desk.db.fetch_value(count, (quiet.signup.id,)) == 0
    assert await desk.desk.db.fetch_value(count, (reminded.signup.id,)) == 4  # two sessions, two reminders each
