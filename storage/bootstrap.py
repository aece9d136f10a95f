"""Getting a database ready: migrated, and holding at least the sample directory."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.courses.models import NewGroup, Topic
from bot.directory.models import SAMPLE_CSV, Center, parse_centers_csv
from bot.settings import Settings
from storage.centers import CenterRepository
from storage.courses import CourseRepository
from storage.database import Database, open_migrated
from storage.stats import StatsRepository

log = logging.getLogger(__name__)
COURSE_TOPICS = Path(SAMPLE_CSV).with_name("course_topics.json")


async def open_database(settings: Settings) -> Database:
    """Migrated, and with what a migration leaves to the data filled in (the seconds of requests stored before
    0018): one read when there is nothing to do."""
    db = await open_migrated(settings.database_url)
    try:
        if filled := await StatsRepository(db).fill_durations():
            log.info("filled the stored seconds to take and to resolve of %d earlier requests", filled)
    except BaseException:
        await db.close()
        raise
    return db


async def load_sample_centers(db: Database) -> int:
    parsed = parse_centers_csv(SAMPLE_CSV.read_text(encoding="utf-8"))
    if parsed.errors:
        raise RuntimeError(f"the sample directory is invalid: {parsed.errors[0]}")
    await CenterRepository(db).upsert_many(parsed.centers)
    return len(parsed.centers)


async def ensure_centers(db: Database) -> None:
    """An empty directory gets the SAMPLE centers, so a fresh install can be tried at once."""
    if await CenterRepository(db).count() == 0:
        loaded = await load_sample_centers(db)
        log.warning(
            "The center directory was empty: loaded %d SAMPLE centers (not real contacts). "
            "Import the real registry with: python -m bot centers import FILE",
            loaded,
        )


ACADEMY_TOPICS = ("personal-example", "child-safety", "digital-safety", "internet-addiction", "teenagers", "inclusive")


def sample_course_groups(centers: list[Center], zone: ZoneInfo, now: datetime) -> list[NewGroup]:
    """Upcoming SAMPLE groups at the sample centers: Academy on Saturdays at 11:00, pre-marital courses on
    Wednesdays at 18:00, two sessions a week apart, starting in the coming week; and two online groups."""
    local_today = now.astimezone(zone).date()

    def next_weekday(weekday: int, at: time) -> tuple[datetime, datetime]:
        days = (weekday - local_today.weekday()) % 7 or 7
        first = datetime.combine(local_today + timedelta(days=days), at, tzinfo=zone).astimezone(UTC)
        return first, first + timedelta(days=7)

    groups = []
    for number, center in enumerate(centers):
        language = "kk" if number % 2 == 0 else "ru"
        if "parents_academy" in center.services:
            topic = ACADEMY_TOPICS[number % len(ACADEMY_TOPICS)]
            groups.append(
                NewGroup(
                    f"{center.slug}-{topic}",
                    topic,
                    center.id,
                    False,
                    language,
                    12,
                    next_weekday(5, time(11, 0)),
                    is_sample=True,
                )
            )
        if "premarital" in center.services:
            groups.append(
                NewGroup(
                    f"{center.slug}-premarital",
                    "premarital",
                    center.id,
                    False,
                    language,
                    8,
                    next_weekday(2, time(18, 0)),
                    is_sample=True,
                )
            )
    if centers:
        host = centers[0].id
        for language in ("kk", "ru"):
            groups.append(
                NewGroup(
                    f"online-digital-safety-{language}",
                    "digital-safety",
                    host,
                    True,
                    language,
                    30,
                    next_weekday(3, time(19, 0)),
                    is_sample=True,
                )
            )
    return groups


async def ensure_courses(db: Database, zone: ZoneInfo, now: datetime | None = None) -> None:
    """Course topics always follow the shipped list; groups are SAMPLE ones only while there are none."""
    courses = CourseRepository(db)
    async with db.transaction():
        for raw in json.loads(COURSE_TOPICS.read_text(encoding="utf-8")):
            await courses.upsert_topic(Topic(id=0, **raw))
        if await courses.group_count() > 0:
            return
        centers = await CenterRepository(db).all()
        for group in sample_course_groups(centers, zone, now or db.clock.now()):
            await courses.add_group(group)
    log.warning("No course groups: created SAMPLE groups; add real ones with: python -m bot groups add ...")
