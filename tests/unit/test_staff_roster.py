"""The staff list's rules, the command menus per role, and the removal desk on both databases: the requests the
person held go back to the queue in the same transaction as the removal, the center is told numbers only, and a
take racing the removal never leaves a request with someone who is gone."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from bot.core.i18n import create_i18n
from bot.requests.desk import Helpdesk
from bot.requests.models import HelpRequest, NewRequest, RuleError
from bot.staff_roster.desk import RosterDesk
from bot.staff_roster.rules import ADMIN, CITIZEN, STAFF, display_name, menu_role, short
from bot.telegram.commands import COMMANDS, command_list
from storage.bootstrap import load_sample_centers
from storage.database import Database

ADMIN_ID = 42
STAFF_ID = 5005
COLLEAGUE = 5006
CENTER = "astana-zhanuya"
SECRET = "Муж угрожает, помогите"  # a request's text: never in the center's notice about a removal


# ---- rules ----


def test_menu_role_admin_over_staff_over_citizen() -> None:
    assert menu_role(is_admin=True, is_staff=True) == ADMIN
    assert menu_role(is_admin=True, is_staff=False) == ADMIN
    assert menu_role(is_admin=False, is_staff=True) == STAFF
    assert menu_role(is_admin=False, is_staff=False) == CITIZEN


def test_display_name_falls_back_to_username_then_id() -> None:
    assert display_name("Айгүл", "aigul", 1) == "Айгүл"
    assert display_name("  ", "aigul", 1) == "@aigul"
    assert display_name(None, None, 77) == "id 77"


def test_short_cuts_long_names_for_a_button() -> None:
    assert short("Айгүл") == "Айгүл"
    cut = short("А" * 100, 40)
    assert len(cut) == 40 and cut.endswith("…")


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_command_menus_per_role(locale: str) -> None:
    i18n = create_i18n("kk")
    citizen = [command.command for command in command_list(i18n, locale)]
    staff = [command.command for command in command_list(i18n, locale, STAFF)]
    admin = [command.command for command in command_list(i18n, locale, ADMIN)]
    assert citizen == [name for name, _ in COMMANDS]
    assert staff[:4] == ["queue", "center", "groups", "roster"] and staff[4:] == citizen
    assert admin[:8] == ["queue", "center", "groups", "roster", "staff", "invite", "stats", "console"]
    assert admin[8:] == citizen
    descriptions = {command.command: command.description for command in command_list(i18n, locale, ADMIN)}
    english = {"staff": "Centers' staff: list, invite, remove", "console": "The coordinators' web console"}
    for name, text in english.items():  # translated, not the English msgid
        assert descriptions[name] and descriptions[name] != text
    assert len(admin) <= 100 and all(
        1 <= len(command.description) <= 256 for command in command_list(i18n, locale, ADMIN)
    )


# ---- the desk, on both databases ----


@pytest.fixture
async def desk(db: Database) -> Helpdesk:
    await load_sample_centers(db)
    return Helpdesk(db, create_i18n("kk"), admin_ids=(ADMIN_ID,))


async def center_id(desk: Helpdesk, slug: str = CENTER) -> int:
    center = await desk.centers.by_slug(slug)
    assert center is not None
    return center.id


async def submit(desk: Helpdesk, slug: str = CENTER, user_id: int = 7) -> HelpRequest:
    new = NewRequest(user_id, await center_id(desk, slug), "other", False, "anonymous", None, None, "ru", SECRET)
    return await desk.submit(new)


async def outbox(db: Database, chat_id: int) -> list[dict]:
    rows = await db.fetch_all("SELECT method, payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [{"method": row[0], **json.loads(row[1])} for row in rows]


async def test_a_name_is_kept_at_joining_and_at_each_action(desk: Helpdesk) -> None:
    roster = RosterDesk(desk)
    token = await desk.create_invite(await center_id(desk), ADMIN_ID, timedelta(days=1))
    assert await desk.redeem_invite(token, STAFF_ID, "Айгүл", "aigul") is not None
    found = await roster.of_slug(CENTER)
    assert found is not None
    [entry] = found.entries
    assert (entry.first_name, entry.username, entry.last_active_at, entry.holding) == ("Айгүл", "aigul", None, 0)
    request = await submit(desk)
    await desk.take(request, STAFF_ID, "Айгүл-Renamed")
    [entry] = (await roster.of_center(await center_id(desk))).entries  # type: ignore[union-attr]
    assert entry.first_name == "Айгүл-Renamed" and entry.username == "aigul"
    assert entry.last_active_at is not None and entry.holding == 1


async def test_removal_returns_taken_requests_and_tells_the_center_numbers_only(desk: Helpdesk, db: Database) -> None:
    roster = RosterDesk(desk)
    here = await center_id(desk)
    await desk.staff.add(STAFF_ID, here, "Айгүл", None)
    await desk.staff.add(COLLEAGUE, here, "Сәуле", None)
    taken = [await submit(desk) for _ in range(2)]
    for request in taken:
        await desk.take(request, STAFF_ID, "Айгүл")
        await desk.requests.add_notice(request.id, COLLEAGUE, 900 + request.id)  # the colleague's notice
        await desk.requests.add_notice(request.id, STAFF_ID, 800 + request.id)  # and the leaver's
    resolved = await submit(desk)
    await desk.take(resolved, STAFF_ID, "Айгүл")
    await desk.resolve(resolved, STAFF_ID, "Айгүл")
    await db.execute("DELETE FROM outbox")

    removal = await roster.remove(here, STAFF_ID, ADMIN_ID)

    assert removal.returned == tuple(request.id for request in taken) and removal.menu == CITIZEN
    for request in taken:
        now = await desk.requests.get(request.id)
        assert now is not None and (now.status, now.assignee_id, now.last_actor) == ("new", None, None)
    assert (await desk.requests.get(resolved.id)).status == "resolved"  # type: ignore[union-attr]
    assert await desk.staff.centers_of(STAFF_ID) == set()
    sent = await outbox(db, COLLEAGUE)
    edits = [row for row in sent if row["method"] == "editMessageText"]
    assert len(edits) == 2 and all("Кезекке қайтты" in row["text"] for row in edits)
    assert all("tk:" in json.dumps(row["reply_markup"]) for row in edits)  # Take is offered again
    [notice] = [row for row in sent if row["method"] == "sendMessage"]
    assert "Айгүл" in notice["text"] and all(request.number in notice["text"] for request in taken)
    assert SECRET not in notice["text"]
    assert await outbox(db, STAFF_ID) == []  # the leaver's notices no longer follow the requests
    assert await outbox(db, 7) == []  # the person who wrote is told nothing
    actions = [row[0] for row in await db.fetch_all("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-3:] == ["staff removed", "requeue", "requeue"]
    with pytest.raises(RuleError):  # their rights are gone at once
        await desk.take(taken[0], STAFF_ID, "Айгүл")
    with pytest.raises(RuleError) as again:  # a second removal changes nothing
        await roster.remove(here, STAFF_ID, ADMIN_ID)
    assert again.value.code == "not_staff"


async def test_the_last_staff_members_returns_go_to_the_admins(desk: Helpdesk, db: Database) -> None:
    here = await center_id(desk)
    await desk.staff.add(STAFF_ID, here)
    request = await submit(desk)
    await desk.take(request, STAFF_ID, "Айгүл")
    await db.execute("DELETE FROM outbox")
    await RosterDesk(desk).remove(here, STAFF_ID, ADMIN_ID)
    [notice] = [row for row in await outbox(db, ADMIN_ID) if row["method"] == "sendMessage"]
    assert request.number in notice["text"] and "Айгүл" in notice["text"]  # the name they last acted under


async def test_removal_of_someone_of_another_center_is_refused(desk: Helpdesk) -> None:
    await desk.staff.add(STAFF_ID, await center_id(desk))
    other = await center_id(desk, "abai-semey")
    with pytest.raises(RuleError):
        await RosterDesk(desk).remove(other, STAFF_ID, ADMIN_ID)
    assert await desk.staff.centers_of(STAFF_ID) == {await center_id(desk)}


async def test_a_crowd_of_takes_racing_the_removal_leaves_nothing_with_the_leaver(desk: Helpdesk, db: Database) -> None:
    """200 takes by the leaver in the same moment as the removal: each take is before it (and returned by it) or
    after it (and refused); none is lost, none stays with them."""
    here = await center_id(desk)
    await desk.staff.add(STAFF_ID, here)
    requests = [await submit(desk, user_id=10_000 + number) for number in range(200)]

    first_taken, removing = asyncio.Event(), asyncio.Event()

    async def take(index: int, request: HelpRequest) -> str:
        if index >= 100:  # the second hundred press while the removal is on its way
            await removing.wait()
        try:
            await desk.take(request, STAFF_ID, "Айгүл")
        except RuleError as error:
            return error.code
        finally:
            first_taken.set()
        return "taken"

    async def remove() -> tuple[int, ...]:
        await first_taken.wait()  # the first hundred are pressing
        removing.set()
        return (await RosterDesk(desk).remove(here, STAFF_ID, ADMIN_ID)).returned

    *outcomes, returned = await asyncio.gather(
        *(take(index, request) for index, request in enumerate(requests)), remove()
    )
    assert isinstance(returned, tuple)
    assert set(outcomes) == {"taken", "not_allowed"}  # some came before the removal, some after
    assert outcomes.count("taken") == len(returned)  # every take before it was returned by it
    rows = await db.fetch_all("SELECT status, assignee_id FROM help_requests WHERE center_id = ?", (here,))
    assert len(rows) == 200 and all(row[0] == "new" and row[1] is None for row in rows)


# ---- what stays of the leaver, and what still waits for them ----


async def test_after_removal_and_erasure_nothing_names_the_leaver(desk: Helpdesk, db: Database) -> None:
    """The audit log names the center and counts, never the person removed; the center's notice that names them
    (here by id: no name was ever known) goes with the rest of them when they /forget before it is delivered."""
    from storage.privacy import PrivacyRepository
    from tests.conftest import find_person_in

    leaver = 770_123_456  # a number found nowhere else
    here = await center_id(desk)
    await desk.staff.add(leaver, here)
    await desk.staff.add(COLLEAGUE, here, "Сәуле", None)
    taken = [await submit(desk) for _ in range(2)]
    for request in taken:
        await desk.take(request, leaver, None)  # type: ignore[arg-type]
    await RosterDesk(desk).remove(here, leaver, ADMIN_ID)
    audited = "SELECT detail FROM audit_log WHERE action IN ('staff removed', 'requeue')"
    details = [row[0] for row in await db.fetch_all(audited)]
    assert sorted(details) == sorted([f"{CENTER}; back in the queue: 2", CENTER, CENTER])
    async with db.transaction():
        await PrivacyRepository(db).erase_person(leaver)
    assert await find_person_in(db, leaver, (str(leaver),)) == []


async def pending_to(db: Database, chat_id: int) -> list[int]:
    """The request ids of the rows still waiting to go to a chat."""
    rows = await db.fetch_all(
        "SELECT request_id FROM outbox WHERE chat_id = ? AND status = 'pending' ORDER BY id", (chat_id,)
    )
    return [row[0] for row in rows]


async def test_notices_still_waiting_for_the_leaver_are_dropped_but_not_a_claimed_one(
    desk: Helpdesk, db: Database
) -> None:
    here, elsewhere = await center_id(desk), await center_id(desk, "abai-semey")
    for center in (here, elsewhere):
        await desk.staff.add(STAFF_ID, center)
    await desk.staff.add(COLLEAGUE, here)
    mine = [await submit(desk) for _ in range(3)]
    other = await submit(desk, "abai-semey")
    assert await pending_to(db, STAFF_ID) == [mine[0].id, mine[1].id, mine[2].id, other.id]
    rows = await db.fetch_all(
        "SELECT id FROM outbox WHERE chat_id = ? AND request_id IN (?, ?) ORDER BY id",
        (STAFF_ID, mine[0].id, mine[1].id),
    )
    first, second = [row[0] for row in rows]
    # The first is on its way (a sender's lease runs); the second's lease ran out (its sender is gone).
    await db.execute("UPDATE outbox SET claimed_until = ? WHERE id = ?", (db.clock.later(timedelta(seconds=60)), first))
    await db.execute(
        "UPDATE outbox SET claimed_until = ? WHERE id = ?", (db.clock.later(timedelta(seconds=-1)), second)
    )
    colleague_rows = await pending_to(db, COLLEAGUE)

    await RosterDesk(desk).remove(here, STAFF_ID, ADMIN_ID)

    assert await pending_to(db, STAFF_ID) == [mine[0].id, other.id]  # the claimed one, and the other center's
    assert await pending_to(db, COLLEAGUE) == colleague_rows


async def test_an_answer_to_the_leavers_own_request_still_reaches_them(desk: Helpdesk, db: Database) -> None:
    """A staff member may also ask their own center for help: the answer waiting for them is not a staff notice."""
    here = await center_id(desk)
    await desk.staff.add(STAFF_ID, here)
    await desk.staff.add(COLLEAGUE, here)
    own = await submit(desk, user_id=STAFF_ID)
    now = db.clock.now_iso()
    await db.execute(
        "INSERT INTO outbox (chat_id, method, payload, request_id, next_attempt_at, created_at) "
        "VALUES (?, 'sendMessage', '{}', ?, ?, ?)",
        (STAFF_ID, own.id, now, now),
    )

    await RosterDesk(desk).remove(here, STAFF_ID, ADMIN_ID)

    assert await pending_to(db, STAFF_ID) == [own.id]


async def test_a_crowd_of_new_requests_racing_the_removal_leaves_nothing_waiting_for_the_leaver(
    desk: Helpdesk, db: Database
) -> None:
    """200 requests sent in the same moment as the removal: those before it are told to the leaver and dropped by
    it, those after it are not told to them at all; their colleague is told every one."""
    here = await center_id(desk)
    await desk.staff.add(STAFF_ID, here)
    await desk.staff.add(COLLEAGUE, here)
    first_sent, removing = asyncio.Event(), asyncio.Event()

    async def send(index: int) -> None:
        if index >= 100:
            await removing.wait()
        await submit(desk, user_id=20_000 + index)
        first_sent.set()

    async def remove() -> None:
        await first_sent.wait()
        removing.set()
        await RosterDesk(desk).remove(here, STAFF_ID, ADMIN_ID)

    await asyncio.gather(*(send(index) for index in range(200)), remove())
    assert await pending_to(db, STAFF_ID) == []
    assert len(set(await pending_to(db, COLLEAGUE))) == 200
