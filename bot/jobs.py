"""The timed work, each job on its own: escalation, reminders, retention, the chat log, the WAL after erasures.

With several instances on one database, each job runs once per tick across all of them: an instance runs a job
only while it holds the job's lease in the database (storage.jobs), taken for a little less than the interval.
Cleaning the database's own files after an erasure is each process's own work and takes no lease."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.courses.desk import CourseDesk
from bot.privacy.desk import PrivacyDesk
from bot.requests.desk import Helpdesk
from bot.settings import Settings
from storage.chat_log import ChatLog
from storage.jobs import JobLeases

log = logging.getLogger(__name__)
Job = tuple[str, Callable[[], Awaitable[object]]]


def timed_jobs(
    helpdesk: Helpdesk, courses: CourseDesk, privacy: PrivacyDesk, chat_log: ChatLog, settings: Settings
) -> list[Job]:
    """The timed work: escalating requests nobody took, course reminders, anonymising resolved requests after
    RETENTION_DAYS, forgetting message ids too old to delete, and emptying the WAL after an erasure. What is
    done is recorded in the database (escalated_at, a reminder's status, anonymized_at), so a restart neither
    repeats nor loses any of it."""
    after = timedelta(hours=settings.escalate_after_hours)
    retention = timedelta(days=settings.retention_days)

    async def escalate() -> None:
        if escalated := await helpdesk.escalate_due(after):
            log.warning("escalated %d request(s) nobody took", len(escalated))

    async def anonymize() -> None:
        if anonymized := await privacy.anonymize_due(retention):
            log.info("anonymised %d resolved request(s) past retention", len(anonymized))

    return [
        ("escalation", escalate),
        ("reminders", courses.send_due_reminders),
        ("retention", anonymize),
        ("chat log", chat_log.prune),
        ("checkpoint", helpdesk.db.checkpoint_if_erased),
    ]


UNLEASED = frozenset({"checkpoint"})


async def run_jobs(jobs: list[Job], interval: float, leases: JobLeases, holder: str) -> None:
    """Each job on its own: one that fails is logged and does not keep the others from running."""
    while True:
        for name, job in jobs:
            try:
                if name in UNLEASED or await leases.take(name, holder, interval * 0.9):
                    await job()
            except Exception:
                log.exception("timed job %s failed", name)
        await asyncio.sleep(interval)
