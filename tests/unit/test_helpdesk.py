"""The help desk and the coordinators' numbers, called directly on a temporary database with a moved clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.admin.models import RequestFacts
from bot.admin.stats import summarize
from bot.core.i18n import create_i18n
from bot.core.timezone import load_zone
from bot.courses.desk import CourseDesk
from bot.privacy.desk import PrivacyDesk
from bot.requests.desk import Helpdesk
from bot.requests.models import NewRequest, RuleError
from storage.bootstrap import load_sample_centers
from storage.centers import CenterRepository
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.stats import StatsRepository


@pytest.fixture
async def desk(db: Database) -> Helpdesk:
    await load_sample_centers(db)
    return Helpdesk(db, create_i18n("kk"), admin_ids=(42,))


def privacy_desk(desk: Helpdesk) -> PrivacyDesk:
    return PrivacyDesk(desk, CourseDesk(desk, load_zone("Asia/Almaty")))


async def submit(desk: Helpdesk, slug: str = "astana-zhanuya", text: str = "Помогите") -> int:
    center = await desk.centers.by_slug(slug)
    assert center is not None
    new = NewRequest(7, center.id, "other", False, "anonymous", None, None, "ru", text)
    return (await desk.submit(new)).id


async def test_a_center_without_staff_notifies_the_admins(desk: Helpdesk, db: Database) -> None:
    await submit(desk)
    due = await OutboxRepository(db).claim()
    assert [item.chat_id for item in due] == [42] and due[0].notice


async def test_escalation_waits_for_its_hour_and_happens_once(desk: Helpdesk) -> None:
    request = await desk.requests.get(await submit(desk))
    assert request is not None
    created = datetime.fromisoformat(request.created_at)
    after = timedelta(hours=4)
    assert await desk.escalate_due(after, now=created + timedelta(hours=3, minutes=59)) == []
    assert await desk.escalate_due(after, now=created + after) == [request.id]
    assert await desk.escalate_due(after, now=created + timedelta(hours=9)) == []


async def test_taken_requests_are_not_escalated(desk: Helpdesk) -> None:
    request = await desk.requests.get(await submit(desk))
    assert request is not None
    await desk.take(request, 42, "Admin")
    later = datetime.fromisoformat(request.created_at) + timedelta(days=1)
    assert await desk.escalate_due(timedelta(hours=4), now=later) == []


async def test_only_one_of_two_staff_takes_a_request(desk: Helpdesk) -> None:
    request = await desk.requests.get(await submit(desk))
    assert request is not None
    await desk.take(request, 42, "First")
    with pytest.raises(RuleError):
        await desk.take(request, 43, "Second")  # pressed on the same, now stale, notice


async def test_transfer_to_the_same_center_is_refused(desk: Helpdesk) -> None:
    request = await desk.requests.get(await submit(desk))
    assert request is not None
    same = await desk.centers.get(request.center_id)
    assert same is not None
    with pytest.raises(RuleError):
        await desk.transfer(request, 42, same)


async def test_a_failed_unit_of_work_leaves_nothing(desk: Helpdesk, db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with desk.transaction():
            await submit_inside(desk)
            raise RuntimeError("crash between the request and its notices")
    assert await StatsRepository(db).rows() == []
    assert await OutboxRepository(db).pending_count() == 0


async def submit_inside(desk: Helpdesk) -> None:
    center = await CenterRepository(desk.db).by_slug("astana-zhanuya")
    assert center is not None
    await desk.requests.create(NewRequest(7, center.id, "other", False, "anonymous", None, None, "ru", "x"))


def test_stats_leave_spam_out_of_help_given() -> None:
    base = "2026-01-01T10:00:00+00:00"
    rows = [
        RequestFacts(1, "legal", "resolved", base, "2026-01-01T11:00:00+00:00", "2026-01-02T10:00:00+00:00", 5),
        RequestFacts(1, "legal", "resolved", base, "2026-01-01T13:00:00+00:00", "2026-01-01T16:00:00+00:00", 3),
        RequestFacts(2, "other", "spam", base, "2026-01-01T10:01:00+00:00", "2026-01-01T10:02:00+00:00", None),
        RequestFacts(2, "child", "new", base, None, None, None),
    ]
    summary = summarize(rows)
    assert summary.total == 4 and summary.by_center[1] == 2 and summary.by_status["spam"] == 1
    assert summary.median_take_seconds == 2 * 3600  # 1 h and 3 h; the spam's minute is not help
    assert summary.median_resolve_seconds == (24 * 3600 + 6 * 3600) / 2
    assert summary.mean_rating == 4


async def test_retention_anonymises_resolved_requests_at_the_right_time(desk: Helpdesk) -> None:

    privacy = privacy_desk(desk)
    request = await desk.requests.get(await submit(desk, text="Личная история"))
    assert request is not None
    resolved = await desk.resolve(request, 42, "Admin")
    open_one = await submit(desk, text="Ещё открыта")
    resolved_at = datetime.fromisoformat(
        await desk.db.fetch_value("SELECT resolved_at FROM help_requests WHERE id = ?", (resolved.id,))
    )
    year = timedelta(days=365)
    assert await privacy.anonymize_due(year, now=resolved_at + year - timedelta(minutes=1)) == []
    assert await privacy.anonymize_due(year, now=resolved_at + year) == [resolved.id]
    assert await privacy.anonymize_due(year, now=resolved_at + 2 * year) == []  # once, and never the open one
    kept = await desk.requests.get(resolved.id)
    assert kept is not None and kept.user_id is None and kept.category == "other" and kept.status == "resolved"
    assert all(message.text is None for message in await desk.requests.thread(resolved.id))
    assert [m.text for m in await desk.requests.thread(open_one)] == ["Ещё открыта"]


async def test_a_notice_recorded_after_it_was_taken_is_brought_up_to_date(desk: Helpdesk, db: Database) -> None:
    """Taken in the instant between the notice's delivery and its bookkeeping: the notice is edited at once."""
    request = await desk.requests.get(await submit(desk))
    assert request is not None
    await desk.take(request, 42, "Сәуле")  # no notice is known yet: nothing to edit
    await desk.notice_recorded(request.id, 42, 777)
    rows = await db.fetch_all("SELECT payload FROM outbox WHERE method = 'editMessageText' AND status = 'pending'")
    edits = [row[0] for row in rows]
    assert len(edits) == 1 and '"message_id": 777' in edits[0] and "Сәуле" in edits[0]
    await desk.notice_recorded(await submit(desk), 42, 778)  # a new request's notice needs no edit
    assert await db.fetch_value("SELECT count(*) FROM outbox WHERE method = 'editMessageText'") == 1


async def test_erased_words_leave_the_database_files_too(desk: Helpdesk, db: Database, tmp_path) -> None:
    """After /forget the text is gone from the tables, from freed pages and from the WAL file."""
    if db.dialect != "sqlite":
        pytest.skip("reads SQLite's files; PostgreSQL vacuums the tables after an erasure")

    privacy = privacy_desk(desk)
    secret = "QUOKKA-7431-never-keep-me"
    await submit(desk, text=f"Помогите, {secret}")

    def files_hold_the_secret() -> bool:
        return any(secret.encode() in path.read_bytes() for path in tmp_path.glob("test.db*"))

    assert files_hold_the_secret()
    await privacy.forget(7)
    assert not files_hold_the_secret()


async def test_a_block_outlives_the_blocked_persons_erasure(desk: Helpdesk, db: Database) -> None:

    privacy = privacy_desk(desk)
    request = await desk.requests.get(await submit(desk))
    assert request is not None
    await desk.block_sender(request, 42, "Admin")
    await privacy.forget(7)
    assert await db.fetch_value("SELECT count(*) FROM blocked_senders WHERE user_id = 7") == 0  # the id is gone
    assert await desk.blocks.is_blocked(7)  # the block is not
    again = await desk.requests.get(await submit(desk))
    assert again is not None and again.status == "spam"
    assert await desk.unblock(7, 42)  # an admin who knows the id can still lift it
    assert not await desk.blocks.is_blocked(7)


async def _stored_seconds_match(db: Database) -> None:
    """Each row's stored seconds are those of its stamps, NULL with them; /stats' numbers are the row-by-row ones."""
    from bot.admin.stats import _seconds, summarize_counts

    for row in await db.fetch_all(
        "SELECT created_at, taken_at, resolved_at, take_seconds, resolve_seconds FROM help_requests"
    ):
        assert row["take_seconds"] == _seconds(row["created_at"], row["taken_at"])
        assert row["resolve_seconds"] == _seconds(row["created_at"], row["resolved_at"])
    stats = StatsRepository(db)
    assert summarize_counts(*await stats.summary_facts()) == summarize(await stats.rows())


async def test_the_stored_seconds_follow_a_take_a_resolve_spam_a_transfer_and_a_requeue(
    desk: Helpdesk, db: Database
) -> None:
    from storage.staff_roster import RosterRepository

    ids = [await submit(desk) for _ in range(7)]
    home = await desk.centers.by_slug("astana-zhanuya")
    other = next(center for center in await desk.centers.all() if center.id != home.id)  # type: ignore[union-attr]
    clock, admin = db.clock, 42

    async def act(step: str, number: int, after: timedelta) -> None:
        clock.advance(after)
        request = await desk.requests.get(ids[number])
        if step == "transfer":
            await desk.transfer(request, admin, other)  # type: ignore[arg-type]
        else:
            await getattr(desk, step)(request, admin, "Admin")

    await act("take", 0, timedelta(minutes=5))
    await act("resolve", 0, timedelta(hours=1))
    await act("take", 1, timedelta(minutes=7))
    await act("close_as_spam", 1, timedelta(hours=2))  # spam after a take: neither time counts as help
    await act("take", 2, timedelta(minutes=3))
    await act("transfer", 2, timedelta(minutes=1))  # starts again as new: its take is gone
    await act("take", 3, timedelta(minutes=11))
    clock.advance(timedelta(minutes=2))
    assert await RosterRepository(db).requeue_taken_by(admin, home.id) == [ids[3]]  # type: ignore[union-attr]
    await act("take", 4, timedelta(minutes=13))
    await act("resolve", 4, timedelta(hours=5))
    await act("take", 5, timedelta(minutes=17))  # held, not closed
    await act("resolve", 6, timedelta(minutes=19))  # resolved without a take
    await _stored_seconds_match(db)
    taken = await db.fetch_all("SELECT id FROM help_requests WHERE take_seconds IS NOT NULL ORDER BY id")
    assert [row[0] for row in taken] == [ids[0], ids[1], ids[4], ids[5]]
    summary = await desk.summary()
    assert summary.median_take_seconds is not None and summary.median_resolve_seconds is not None
    assert await StatsRepository(db).fill_durations() == 0  # every write kept its seconds: nothing to fill


async def test_rows_stored_before_the_seconds_are_filled_at_start_once(desk: Helpdesk, db: Database) -> None:
    """Rows of a database older than migration 0018 (stamps, no seconds) get their seconds when the bot prepares
    its database; two instances starting at once take turns, and a start with nothing missing writes nothing."""
    import asyncio

    from bot.settings import Settings
    from storage.bootstrap import open_database

    for number in range(6):
        request = await desk.requests.get(await submit(desk))
        db.clock.advance(timedelta(minutes=10 + number))
        taken = await desk.take(request, 42, "Admin")  # type: ignore[arg-type]
        db.clock.advance(timedelta(hours=number))
        if number % 3:
            await desk.resolve(taken, 42, "Admin")
    await submit(desk)
    async with db.transaction():
        await db.execute("UPDATE help_requests SET take_seconds = NULL, resolve_seconds = NULL")
    stats = StatsRepository(db)
    assert (await stats.summary_facts())[2:] == (None, None)  # nothing to read until filled

    settings = Settings(database_url=db.url)
    first, second = await asyncio.gather(open_database(settings), open_database(settings))
    await first.close()
    await second.close()
    await _stored_seconds_match(db)
    assert (await stats.summary_facts())[2] is not None
    assert await stats.fill_durations() == 0


async def test_seconds_left_by_an_older_instance_without_their_stamp_are_cleared(desk: Helpdesk, db: Database) -> None:
    """During a rolling upgrade an instance still on the code before 0018 transfers a request: taken_at is cleared,
    take_seconds is not. The next start clears it, so the median never counts a take that was undone."""
    request = await desk.requests.get(await submit(desk))
    db.clock.advance(timedelta(minutes=30))
    await desk.take(request, 42, "Admin")  # type: ignore[arg-type]
    async with db.transaction():
        await db.execute("UPDATE help_requests SET taken_at = NULL, status = 'new' WHERE id = ?", (request.id,))
    stats = StatsRepository(db)
    assert (await stats.summary_facts())[2] >= 1800  # the undone take still counted

    await stats.fill_durations()

    assert (await stats.summary_facts())[2] is None
    assert await db.fetch_value("SELECT take_seconds FROM help_requests WHERE id = ?", (request.id,)) is None
