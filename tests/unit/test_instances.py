"""Several instances on one database: each test opens two or three `Database` objects on the same database, as
separate bot processes would, on SQLite and on PostgreSQL, and has them race."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from storage.database import Database, to_postgres
from storage.jobs import JobLeases
from storage.outbox import OutboxRepository


@pytest.fixture
async def instances(db: Database) -> AsyncIterator[list[Database]]:
    """Three databases open on what `db` is open on, sharing its clock."""
    others = [await Database.open(db.url, db.clock) for _ in range(2)]
    yield [db, *others]
    for other in others:
        await other.close()


async def test_concurrent_read_then_write_units_of_work_across_instances_lose_nothing(
    instances: list[Database],
) -> None:
    """A counter raised by 150 units of work spread over three instances: each reads, then writes."""
    await instances[0].execute("INSERT INTO fsm_states (key, data) VALUES ('counter', '0')")

    async def raise_by_one(db: Database) -> None:
        async with db.transaction():
            value = int(await db.fetch_value("SELECT data FROM fsm_states WHERE key = 'counter'"))
            await asyncio.sleep(0)
            await db.execute("UPDATE fsm_states SET data = ? WHERE key = 'counter'", (str(value + 1),))

    await asyncio.gather(*(raise_by_one(instances[n % 3]) for n in range(150)))
    assert await instances[1].fetch_value("SELECT data FROM fsm_states WHERE key = 'counter'") == "150"


async def test_each_outbox_row_is_claimed_by_one_instance(instances: list[Database]) -> None:
    outbox = OutboxRepository(instances[0])
    async with instances[0].transaction():
        for n in range(120):
            await outbox.enqueue(1000 + n, "sendMessage", {"chat_id": 1000 + n, "text": f"notice {n}"})

    async def claim_all(db: Database) -> list[int]:
        repository, mine = OutboxRepository(db), []
        await start.wait()  # all three begin together, so each takes part
        while batch := await repository.claim(limit=7):
            mine += [item.id for item in batch]
            for item in batch:
                await repository.mark_sent(item.id)
            # Time to send, as a real instance takes: an instance waiting in SQLite's busy handler (which sleeps)
            # gets its turn instead of watching the others drain the outbox.
            await asyncio.sleep(0.02)
        return mine

    start = asyncio.Event()
    racing = [asyncio.create_task(claim_all(db)) for db in instances]
    await asyncio.sleep(0)
    start.set()
    claimed = await asyncio.gather(*racing)
    every = Counter(row for rows in claimed for row in rows)
    assert len(every) == 120 and set(every.values()) == {1}  # all of them, each once
    assert all(rows for rows in claimed)  # and all three instances took part


async def test_a_claim_keeps_others_off_until_it_ends_or_its_lease_runs_out(instances: list[Database]) -> None:
    first, second = OutboxRepository(instances[0]), OutboxRepository(instances[1])
    await first.enqueue(5, "sendMessage", {"chat_id": 5, "text": "a"})
    (item,) = await first.claim(lease=30)
    assert await second.claim() == []  # claimed by the first instance, which may be sending it right now
    instances[0].clock.advance(timedelta(seconds=31))  # the first died: its lease ran out
    (again,) = await second.claim()
    assert again.id == item.id
    await second.retry_later(again.id, 0, "5xx")  # a retry ends the claim
    assert [row.id for row in await first.claim()] == [item.id]
    await first.enqueue(6, "sendMessage", {"chat_id": 6, "text": "b"})
    assert await first.release_claims() == 1  # at the start of the only instance (SQLite): void every claim
    assert [row.id for row in await second.claim()] == [item.id, item.id + 1]


async def test_a_chats_messages_go_in_order_whichever_instance_sends_them(instances: list[Database]) -> None:
    first, second = OutboxRepository(instances[0]), OutboxRepository(instances[1])
    for text in ("notice", "edit of the notice", "another"):
        await first.enqueue(77, "sendMessage", {"chat_id": 77, "text": text})
    (oldest,) = await first.claim()  # one row of the chat at a time
    assert oldest.params["text"] == "notice"
    assert await second.claim() == []  # the next waits until the first is sent, however many instances ask
    await first.postpone(oldest.id, 60)  # put off for the chat's limit: still the chat's first
    instances[0].clock.advance(timedelta(seconds=30))
    assert await second.claim() == []
    instances[0].clock.advance(timedelta(seconds=31))
    (again,) = await second.claim()
    await second.mark_sent(again.id)
    assert [item.params["text"] for item in await first.claim()] == ["edit of the notice"]


async def test_a_timed_job_runs_once_per_tick_across_instances(instances: list[Database]) -> None:
    runs: list[str] = []
    clock = instances[0].clock

    async def tick(db: Database, holder: str) -> None:
        if await JobLeases(db).take("escalation", holder, 27):
            runs.append(holder)

    for _ in range(4):  # four ticks of 30 s; the three instances ask at the same moment each time
        await asyncio.gather(*(tick(db, f"instance-{n}") for n, db in enumerate(instances)))
        clock.advance(timedelta(seconds=30))
    assert len(runs) == 4
    assert await JobLeases(instances[2]).holder("escalation") == runs[-1]


def test_one_sql_for_both_databases() -> None:
    assert to_postgres("SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)") == (
        "SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)"
    )
    assert (
        to_postgres("INSERT OR IGNORE INTO t (a) VALUES (?)") == "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
    )
    assert to_postgres("INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING a") == (
        "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING a"
    )


async def test_a_message_logged_by_one_instance_while_another_erases_the_person_leaves_no_row(
    instances: list[Database],
) -> None:
    """One instance erases the person (/forget) while another's outbox sends them a message: the record waits
    for its turn to write, after the erasure, then finds no one, and no row names the person's chat."""
    from storage.chat_log import ChatLog
    from storage.privacy import PrivacyRepository
    from storage.users import UserRepository

    erasing, sending = instances[0], instances[1]
    person = 8803
    await UserRepository(sending).touch(person)
    await ChatLog(sending).record(person, 1)
    erased, finish = asyncio.Event(), asyncio.Event()

    async def erase() -> None:
        async with erasing.transaction():
            await PrivacyRepository(erasing).erase_person(person)
            erased.set()
            await finish.wait()

    erasure = asyncio.create_task(erase())
    await erased.wait()
    late = asyncio.create_task(ChatLog(sending).record(person, 2))
    try:
        await waiting_for_a_lock(sending)
    finally:
        finish.set()
        await asyncio.gather(erasure, late)
    assert await sending.fetch_value("SELECT count(*) FROM chat_messages WHERE chat_id = ?", (person,)) == 0


async def waiting_for_a_lock(db: Database) -> None:
    """On PostgreSQL, until a backend waits for a lock (the writers' turn). SQLite's waiting writer is in a thread
    of the other connection, out of sight: it has a moment to start."""
    if db.dialect == "sqlite":
        await asyncio.sleep(0.1)
        return
    async with asyncio.timeout(10):
        while not await db.fetch_value(  # noqa: ASYNC110 -- another connection's wait: no event of ours
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        ):
            await asyncio.sleep(0.01)
