"""Migrations, repositories and the persisted dialog state, on a temporary SQLite file."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.directory.finder import CenterFinder
from storage.bootstrap import load_sample_centers
from storage.centers import CenterRepository
from storage.database import Database, available_migrations, integrity_errors, open_migrated
from storage.fsm import DatabaseStorage
from storage.users import UserRepository


async def test_migrations_are_applied_once(db: Database) -> None:
    assert await db.migrate() == []
    assert await db.fetch_value("SELECT count(*) FROM schema_migrations") == len(available_migrations())
    if db.dialect == "sqlite":
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA foreign_keys") == 1


async def test_users_store_the_language(db: Database) -> None:
    users = UserRepository(db)
    assert (await users.touch(42)).locale is None
    await users.set_locale(42, "ru")
    assert (await users.touch(42)).locale == "ru"


async def test_upsert_inserts_then_updates(db: Database) -> None:
    assert await load_sample_centers(db) == 28
    centers = CenterRepository(db)
    original = await centers.by_slug("astana-zhanuya")
    assert original is not None
    summary = await centers.upsert_many([replace(original, hours_ru="Круглосуточно")])
    assert (summary.inserted, summary.updated) == (0, 1)
    updated = await centers.by_slug("astana-zhanuya")
    assert updated is not None and updated.hours_ru == "Круглосуточно" and updated.id == original.id
    assert await centers.count() == 28


async def test_upsert_is_all_or_nothing(db: Database) -> None:
    await load_sample_centers(db)
    centers = CenterRepository(db)
    good = replace((await centers.all())[0], slug="brand-new")
    broken = replace(good, slug="broken", name_ru=None)  # type: ignore[arg-type]
    with pytest.raises(integrity_errors()):
        await centers.upsert_many([good, broken])
    assert await centers.by_slug("brand-new") is None


async def test_localities_and_regions(db: Database) -> None:
    await load_sample_centers(db)
    centers = CenterRepository(db)
    almaty_region = await centers.localities("almaty-region")
    assert len(almaty_region) == 7
    astana = await centers.localities("astana")
    assert len(astana) == 1 and astana[0].center_count == 2
    assert len(await centers.in_locality(astana[0].id)) == 2


async def test_finder_by_place_and_location(db: Database) -> None:
    await load_sample_centers(db)
    finder = CenterFinder(CenterRepository(db))
    near = await finder.near(51.16, 71.47)
    assert near[0][0].slug == "astana-zhanuya" and near[0][1] < 2
    result = await finder.by_place_name("Талгар")
    assert result is not None and result.centers[0][0].slug == "almreg-talgar"
    region = await finder.by_place_name("Алматинская область")
    assert region is not None and {c.region for c, _ in region.centers} == {"almaty-region"}
    assert len(region.centers) == 7
    assert await finder.by_place_name("Гдетотам") is None


async def test_dialog_state_survives_a_new_connection(tmp_path) -> None:
    path = tmp_path / "fsm.db"
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    first = await open_migrated(path)
    storage = DatabaseStorage(first)
    await storage.set_state(key, "CenterSearch:waiting_place")
    await storage.set_data(key, {"after_language": "c_x", "n": 1})
    await first.close()

    second = await Database.open(path)
    storage = DatabaseStorage(second)
    assert await storage.get_state(key) == "CenterSearch:waiting_place"
    assert await storage.get_data(key) == {"after_language": "c_x", "n": 1}
    with pytest.raises(TypeError):
        await storage.set_data(key, {"bad": object()})  # what cannot be stored fails at once
    await second.close()


async def test_every_read_sees_the_last_commit_while_a_hundred_tasks_write(db: Database) -> None:
    """Reads of many tasks share one connection; none may read inside another's still-open snapshot."""
    stale = 0

    async def person(number: int) -> None:
        nonlocal stale
        for step in range(10):
            await db.execute(
                "INSERT INTO fsm_states (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = ?",
                (f"k{number}", str(step), str(step)),
            )
            stale += await db.fetch_value("SELECT state FROM fsm_states WHERE key = ?", (f"k{number}",)) != str(step)

    await asyncio.gather(*(person(number) for number in range(100)))
    assert stale == 0


async def test_a_failed_unit_of_work_is_rolled_back_and_the_next_one_works(db: Database) -> None:
    users = UserRepository(db)
    with pytest.raises(integrity_errors()):
        async with db.transaction():
            await users.touch(1)
            await db.execute("INSERT INTO users (id, created_at, last_seen_at) VALUES (1, 'x', 'x')")  # a duplicate
    assert await users.get(1) is None  # the first write went with the failed one
    assert not db.in_transaction
    await users.touch(2)  # the connection is usable at once: no 'database is locked' ever after
    assert await users.get(2) is not None


async def test_concurrent_transactions_take_turns_and_see_each_others_commits(db: Database) -> None:
    """A counter raised by 200 units of work at once: each reads, then writes; none is lost."""
    await db.execute("INSERT INTO fsm_states (key, data) VALUES ('counter', '0')")

    async def raise_by_one() -> None:
        async with db.transaction():
            value = int(await db.fetch_value("SELECT data FROM fsm_states WHERE key = 'counter'"))
            await asyncio.sleep(0)  # others run meanwhile, and must wait for this unit of work
            await db.execute("UPDATE fsm_states SET data = ? WHERE key = 'counter'", (str(value + 1),))

    await asyncio.gather(*(raise_by_one() for _ in range(200)))
    assert await db.fetch_value("SELECT data FROM fsm_states WHERE key = 'counter'") == "200"


async def test_a_second_process_waits_for_the_write_lock_instead_of_failing(tmp_path) -> None:
    """Two Database objects on one file, as the bot and the CLI: BEGIN IMMEDIATE waits out the other's write."""
    first, second = await open_migrated(tmp_path / "two.db"), await Database.open(tmp_path / "two.db")
    try:

        async def slow_writer() -> None:
            async with first.transaction():
                await first.execute("INSERT INTO users (id, created_at, last_seen_at) VALUES (1, 'x', 'x')")
                await asyncio.sleep(0.3)

        async def other_writer() -> None:
            await asyncio.sleep(0.05)
            await UserRepository(second).touch(2)

        await asyncio.gather(slow_writer(), other_writer())
        assert await second.fetch_value("SELECT count(*) FROM users") == 2
    finally:
        await first.close()
        await second.close()


async def test_units_of_work_cancelled_at_any_moment_leave_the_database_usable(db: Database) -> None:
    """A shutdown cancels tasks wherever they are, also inside BEGIN, COMMIT or ROLLBACK. Each one ends cancelled or
    done, never with a database error instead (which would hide the cancellation and keep a loop running), and
    the next unit of work goes through. Every unit reported done is kept; nothing is kept of a unit that did not
    reach its COMMIT. A COMMIT under way when the cancellation comes is carried to its end (Database._step), so
    that unit is kept although its task reports the cancellation."""
    finished: set[str] = set()

    async def unit(key: str) -> None:
        async with db.transaction():
            await db.execute("INSERT INTO fsm_states (key, state) VALUES (?, 'x')", (key,))
            await db.fetch_value("SELECT count(*) FROM fsm_states")
            finished.add(key)  # the COMMIT comes next

    outcomes: dict[str, str] = {}
    for number in range(300):
        key = f"c{number}"
        task = asyncio.create_task(unit(key))
        for _ in range(number % 12):  # cancelled after a different number of steps each time
            await asyncio.sleep(0)
        task.cancel()
        try:
            await task
            outcomes[key] = "done"
        except asyncio.CancelledError:
            outcomes[key] = "cancelled"
    assert set(outcomes.values()) <= {"done", "cancelled"} and "cancelled" in outcomes.values()
    assert not db.in_transaction
    await db.execute("INSERT INTO fsm_states (key, state) VALUES ('after', 'x')")
    kept = {row[0] for row in await db.fetch_all("SELECT key FROM fsm_states WHERE key LIKE 'c%'")}
    assert {key for key, outcome in outcomes.items() if outcome == "done"} <= kept <= finished


async def test_erasure_reaches_the_staff_room_and_the_console(db: Database) -> None:
    """What #12 stores about staff and admins (a name for /staff, console links and sessions, attendance marks)
    goes with the rest of the person on /forget."""
    from storage.privacy import PrivacyRepository
    from tests.conftest import find_person_in, seed

    await seed(db)
    person, now = 8801, db.clock.now_iso()
    center = await db.fetch_value("SELECT min(id) FROM centers")
    async with db.transaction():
        await db.execute(
            "INSERT INTO staff (user_id, center_id, added_at, first_name, username) VALUES (?, ?, ?, ?, ?)",
            (person, center, now, "Гульнара", "gulnara_psy"),
        )
        for table, column in (("console_tokens", "token_hash"), ("console_sessions", "session_hash")):
            await db.execute(
                f"INSERT INTO {table} ({column}, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (f"hash-{table}", person, now, now),
            )
    assert len(await find_person_in(db, person, ("Гульнара", "gulnara_psy"))) == 3
    async with db.transaction():
        await PrivacyRepository(db).erase_person(person)
    assert await find_person_in(db, person, ("Гульнара", "gulnara_psy")) == []


async def test_a_message_sent_after_the_erasure_is_not_logged(db: Database) -> None:
    """The outbox may have a message to the person in hand as /forget erases them: it goes out after the erasure,
    and the chat log must not keep its id (it names the person's chat). Several instances: test_instances.py."""
    from storage.chat_log import ChatLog
    from storage.privacy import PrivacyRepository

    person, log = 8802, ChatLog(db)
    await UserRepository(db).touch(person)
    await log.record(person, 1)
    async with db.transaction():
        await PrivacyRepository(db).erase_person(person)
    await log.record(person, 2)
    assert await db.fetch_value("SELECT count(*) FROM chat_messages WHERE chat_id = ?", (person,)) == 0
    await UserRepository(db).touch(person)  # they come back: a new person to the bot, logged again
    await log.record(person, 3)
    assert await db.fetch_value("SELECT count(*) FROM chat_messages WHERE chat_id = ?", (person,)) == 1


async def test_an_import_does_not_silently_overwrite_what_staff_changed_in_telegram(db: Database, tmp_path) -> None:
    """Staff keep their card current with /center; the operator's next registry import would put the old hours
    back. It is refused, naming the center and the parts, unless the operator says to overwrite; after an import
    the card counts as imported again."""
    import argparse
    from datetime import timedelta

    from bot import cli
    from bot.directory.models import centers_to_csv
    from storage.center_card import CenterCardRepository

    await load_sample_centers(db)
    repository = CenterRepository(db)
    center = (await repository.all())[0]
    registry = tmp_path / "registry.csv"
    registry.write_text(centers_to_csv([replace(center, hours_ru="Пн-Пт 10:00-17:00")]), encoding="utf-8")
    db.clock.advance(timedelta(minutes=1))
    async with db.transaction():  # what /center writes when staff confirm new hours
        await CenterCardRepository(db).audit(42, "center hours", center.slug)
        await CenterCardRepository(db).audit(42, "center notice", center.slug)  # kept by an import anyway

    def args(overwrite: bool = False) -> argparse.Namespace:
        return argparse.Namespace(file=registry, dry_run=False, overwrite_staff_edits=overwrite)

    assert await repository.staff_edits_since_import([center.slug]) == {center.slug: ["hours"]}
    assert await cli._import(args(), repository) == 1
    assert (await repository.get(center.id)).hours_ru == center.hours_ru  # type: ignore[union-attr]

    assert await cli._import(args(overwrite=True), repository) == 0
    assert (await repository.get(center.id)).hours_ru == "Пн-Пт 10:00-17:00"  # type: ignore[union-attr]
    db.clock.advance(timedelta(minutes=1))
    assert await repository.staff_edits_since_import([center.slug]) == {}
    assert await cli._import(args(), repository) == 0  # nothing changed by staff since
