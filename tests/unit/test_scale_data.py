"""The scale generator's rows are rows the bot can live with, on both databases: the queue, the numbers, /mydata
and the export read them; a bot starting on them finds nothing due (no escalation, reminder or anonymisation
left over from the made-up past); and the next request the desk stores gets the next id."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.admin.stats import summarize, summarize_counts
from bot.bench import scale_data
from bot.bench.scale import Desks, prepare
from bot.requests.models import NewRequest
from bot.settings import Settings
from storage.database import Database
from storage.stats import StatsRepository

PEOPLE, REQUESTS, SIGNUPS = 200, 300, 60


async def test_generated_rows_are_read_by_the_desks_and_leave_nothing_due(db: Database) -> None:
    settings = Settings(database_url=db.url)
    world = await prepare(db.url, settings)
    made = scale_data.generate(world, PEOPLE, REQUESTS, SIGNUPS, seed=3)
    await scale_data.bulk_insert(db.url, made)
    desks = Desks.build(db, settings, made.admin_id)

    summary = await desks.stats(made.admin_id)
    statuses = Counter(row[4] for row in made.rows["help_requests"])
    assert summary.total == REQUESTS
    assert dict(summary.by_status) == dict(statuses)
    assert statuses["resolved"] > REQUESTS / 2  # most are resolved; some are open
    assert statuses["new"] + statuses["in_progress"] > 0
    assert summary.median_take_seconds is not None and summary.mean_rating is not None
    # /stats counts in the database (stored seconds, partial indexes): the numbers the row-by-row reference gives.
    assert summarize(await desks.helpdesk.stats.rows()) == summary
    assert await desks.helpdesk.stats.fill_durations() == 0  # the generator stored every row's seconds

    open_rows = [row for row in made.rows["help_requests"] if row[4] in ("new", "in_progress")]
    requests, total = await desks.helpdesk.open_requests(None, 1000, 0)
    assert total == len(open_rows) == len(requests)
    center = open_rows[0][2]
    text = await desks.queue(made.staff_of[center][0], admin=False)
    assert "R-" in text

    people = Counter(row[1] for row in made.rows["help_requests"] if row[1] is not None)
    person, count = people.most_common(1)[0]
    assert count > 1
    data = await desks.privacy.data_of(person)
    assert len(data.requests) == count
    assert all(thread and thread[0].author == "person" for _, thread in data.requests)
    assert {consent.purpose for consent in data.consents} >= {"help_request"}
    assert await desks.export() == REQUESTS

    signups = await db.fetch_value("SELECT count(*) FROM signups")
    assert signups == SIGNUPS
    for group in await desks.courses.courses.groups():  # no group holds more confirmed seats than it has
        assert group.taken <= group.seats

    # Nothing is due at start: the timed jobs would otherwise announce or send the made-up past.
    clock = db.clock
    assert await desks.helpdesk.requests.due_for_escalation(clock.ago(timedelta(hours=4))) == []
    assert await desks.courses.courses.due_reminders(clock.now()) == []
    assert await desks.privacy.store.due_for_retention(clock.ago(timedelta(days=365))) == []

    # The desks go on writing after the load: the next request takes the next id (PostgreSQL's identity too).
    stored = await desks.helpdesk.submit(
        NewRequest(made.people[0], center, "other", False, "anonymous", None, None, "ru", "Ещё вопрос")
    )
    assert stored.id == max(row[0] for row in made.rows["help_requests"]) + 1
    assert await desks.forget(person) == count
    assert await desks.helpdesk.requests.of_user(person) == []


async def test_the_numbers_counted_by_the_database_are_those_counted_in_python(db: Database) -> None:
    """Medians of an even and an odd number of durations, spam left out of help given, ratings of spam ignored."""
    await db.execute("INSERT INTO localities (id, region, name_kk, name_ru) VALUES (1, 'astana', 'Астана', 'Астана')")
    await db.execute(
        "INSERT INTO centers (id, slug, region, locality_id, name_kk, name_ru, address_kk, address_ru, hours_kk, "
        "hours_ru, phones, latitude, longitude, services, updated_at) VALUES (1, 'c', 'astana', 1, 'c', 'c', 'a', "
        "'a', 'h', 'h', '[]', 51.1, 71.4, '[]', '2026-01-01T00:00:00+00:00')"
    )
    base = "2026-01-01T10:00:00+00:00"
    rows = [
        ("legal", "resolved", "2026-01-01T11:00:00+00:00", "2026-01-02T10:00:00+00:00", 5),
        ("legal", "resolved", "2026-01-01T13:00:00+00:00", "2026-01-01T16:00:00+00:00", 3),
        ("other", "spam", None, "2026-01-01T10:02:00+00:00", 1),
        ("child", "in_progress", "2026-01-01T10:00:07+00:00", None, None),
        ("child", "new", None, None, None),
    ]
    repository = StatsRepository(db)
    expected = summarize([])
    assert summarize_counts(*await repository.summary_facts()) == expected  # nothing yet: no medians, no rating
    for number, (category, status, taken, resolved, rating) in enumerate(rows, start=1):
        await db.execute(
            "INSERT INTO help_requests (id, user_id, center_id, category, status, contact_method, locale, created_at, "
            "taken_at, resolved_at, rating) VALUES (?, 7, 1, ?, ?, 'anonymous', 'ru', ?, ?, ?, ?)",
            (number, category, status, base, taken, resolved, rating),
        )  # a row as written before migration 0018: stamps, no seconds; filled as at start
        assert await repository.fill_durations() == (taken is not None) + (resolved is not None)
        assert await repository.fill_durations() == 0
        expected = summarize(await repository.rows())
        assert summarize_counts(*await repository.summary_facts()) == expected
    assert expected.median_take_seconds == 3600  # 7 s, 1 h, 3 h
    assert expected.mean_rating == 4
