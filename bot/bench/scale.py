"""`python -m bot bench-scale`: a big installation made up in a fresh database (people, a year of help requests,
course sign-ups, the chat log), then the timings of what staff, admins and people ask of it: `/queue`, `/stats`,
`/mydata`, `/forget` and the CSV export, through the same desk methods their handlers call; then the real bot
process started on that database against the local Bot API server: its start time and resident memory.

Figures, not a test: it prints them beside the issue's targets."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import math
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.admin.stats import Summary
from bot.bench import scale_data
from bot.bench.people import BenchApi, Person
from bot.bench.run import BOT_TOKEN, Child, child_environment, first_poll, shown_url
from bot.cli import EXPORT_COLUMNS
from bot.core.i18n import create_i18n
from bot.courses.desk import CourseDesk
from bot.faq import views as fv
from bot.faq.desk import FaqDesk
from bot.faq.library import articles_dir, served_library
from bot.privacy import views as pv
from bot.privacy.desk import PrivacyDesk
from bot.requests import views as rv
from bot.requests.desk import Helpdesk
from bot.requests.models import request_number
from bot.requests.rules import page_count
from bot.settings import Settings
from storage.bootstrap import ensure_centers, ensure_courses
from storage.centers import CenterRepository
from storage.commissioners import CommissionerRepository
from storage.courses import CourseRepository
from storage.crisis import CrisisRepository
from storage.database import Database, open_migrated
from storage.stats import StatsRepository

QUEUE_PAGE = 5  # handlers/staff.py's page of /queue (the handlers are not imported outside the app)
TARGETS_MS = {"/queue": 20.0, "/stats": 200.0}
RSS_TARGET_MB = 120.0
START_TARGET_S = 2.0
COMMANDS_THROUGH_TELEGRAM = 3  # each of /queue and /stats, before the memory's high-water mark is read
ID_TABLES = ("help_requests", "request_messages", "audit_log", "outbox", "course_groups", "group_sessions",
             "signups", "reminders")  # fmt: skip
COUNTED = ("users", "help_requests", "request_messages", "request_notices", "audit_log", "outbox", "course_groups",
           "signups", "reminders", "consents", "chat_messages", "fsm_states")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    runs: list[float]  # milliseconds
    target: float | None = None

    def line(self) -> str:
        ordered = sorted(self.runs)

        def rank(share: float) -> float:
            return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

        verdict = ""
        if self.target is not None:
            mark = "✓" if rank(0.95) < self.target else "✗"
            verdict = f"   {mark} p95 < {self.target:.0f} ms"
        return (f"  {self.name:<48} runs {len(ordered):>3}   p50 {rank(0.5):8.1f}   p95 {rank(0.95):8.1f}   "
                f"max {ordered[-1]:8.1f} ms{verdict}")  # fmt: skip


async def timed(name: str, runs: int, work: Callable[[int], Awaitable[object]], target: float | None = None) -> Timing:
    spent = []
    for run in range(runs):
        began = time.perf_counter()
        await work(run)
        spent.append((time.perf_counter() - began) * 1000)
    timing = Timing(name, spent, target)
    say(timing.line())
    return timing


def say(line: str = "") -> None:
    print(line, flush=True)


# ---- filling


class NotEmpty(Exception):
    """The database given holds data already: the made-up rows would mix with it."""


async def prepare(url: str, settings: Settings) -> scale_data.World:
    """Migrated, with what the bot loads at its start (SAMPLE centers, course topics and groups, crisis lines,
    commissioners), so the process started later writes nothing of its own at start; refuses a database in use."""
    db = await open_migrated(url)
    try:
        for table in ("users", "help_requests", "signups"):
            if await db.fetch_value(f"SELECT count(*) FROM {table}"):
                raise NotEmpty(f"the database's table {table} is not empty: give bench-scale an empty database")
        await ensure_centers(db)
        await ensure_courses(db, settings.zone)
        await CrisisRepository(db).load_sample_if_empty()
        await CommissionerRepository(db).load_sample_if_empty()
        centers = [scale_data.CenterInfo(c.id, c.slug, tuple(c.services)) for c in await CenterRepository(db).all()]
        courses = CourseRepository(db)
        topics = {topic.slug: (topic.id, topic.programme) for topic in await courses.topics()}
        programme = {topic_id: name for topic_id, name in topics.values()}
        groups = [
            scale_data.GroupInfo(
                g.id, g.center_id, programme[g.topic_id], g.seats, g.taken, tuple(await courses.session_ids(g.id))
            )
            for g in await courses.groups()
        ]
        next_ids = {
            table: int(await db.fetch_value(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")) for table in ID_TABLES
        }
        return scale_data.World(centers, topics, groups, next_ids)
    finally:
        await db.close()


async def counts(db: Database) -> dict[str, int]:
    return {table: int(await db.fetch_value(f"SELECT count(*) FROM {table}")) for table in COUNTED}


# ---- the commands' code paths (as handlers/staff.py, handlers/admin.py, handlers/safety.py and bot/cli.py run them)


@dataclass
class Desks:
    db: Database
    helpdesk: Helpdesk
    courses: CourseDesk
    privacy: PrivacyDesk
    faq: FaqDesk
    settings: Settings

    @classmethod
    def build(cls, db: Database, settings: Settings, admin_id: int) -> Desks:
        i18n = create_i18n(settings.default_locale)
        helpdesk = Helpdesk(db, i18n, (admin_id,), None)
        courses = CourseDesk(helpdesk, settings.zone)
        privacy = PrivacyDesk(helpdesk, courses)
        faq = FaqDesk(db, served_library(articles_dir(settings)), settings.zone)
        return cls(db, helpdesk, courses, privacy, faq, settings)

    async def queue(self, user_id: int, admin: bool) -> str:
        """IsStaff's check, then the first page of /queue, rendered."""
        centers = None if admin else await self.helpdesk.centers_of(user_id)
        with self.helpdesk.i18n.context(), self.helpdesk.i18n.use_locale(await self.helpdesk.locale_of(user_id)):
            requests, total = await self.helpdesk.open_requests(centers, QUEUE_PAGE, 0)
            text = rv.queue(requests, total, 1, page_count(total, QUEUE_PAGE))
            if requests:
                rv.queue_buttons(requests, 1, page_count(total, QUEUE_PAGE))
        return text

    async def stats(self, admin_id: int, render: bool = True) -> Summary:
        """Helpdesk.summary (counted by the database: storage.stats.summary_facts), rendered as the handler does;
        without `render`, the desk's part alone."""
        locale = await self.helpdesk.locale_of(admin_id)
        with self.helpdesk.i18n.context(), self.helpdesk.i18n.use_locale(locale):
            summary = await self.helpdesk.summary()
            if render:
                rv.stats(summary, await self.helpdesk.all_centers(), locale)
                fv.stats(await self.faq.counts(), self.faq.library, locale)
        return summary

    async def my_data(self, user_id: int) -> int:
        locale = await self.helpdesk.locale_of(user_id)
        with self.helpdesk.i18n.context(), self.helpdesk.i18n.use_locale(locale):
            data = await self.privacy.data_of(user_id)
            titles = {}
            for signup in data.signups:
                group = await self.courses.group(signup.group_id)
                topic = await self.courses.topic(group.topic_id) if group else None
                titles[signup.group_id] = topic.title(locale) if topic else ""
            pv.my_data(data.locale, data.consents, data.requests, data.signups, titles, self.settings.zone, locale)
        return len(data.requests)

    async def forget(self, user_id: int) -> int:
        with self.helpdesk.i18n.context():
            return await self.privacy.forget(user_id)

    async def export(self) -> int:
        rows = await StatsRepository(self.db).export_rows()
        handle = io.StringIO()
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([request_number(int(row[0])), *row[1:]])  # type: ignore[call-overload]
        return len(rows)


async def time_commands(db: Database, settings: Settings, made: scale_data.Generated, runs: int, forget: int) -> None:
    desks = Desks.build(db, settings, made.admin_id)
    requests = made.rows["help_requests"]
    open_per_center = Counter(row[2] for row in requests if row[4] in ("new", "in_progress"))
    busy = open_per_center.most_common(1)[0][0] if open_per_center else made.rows["staff"][0][1]
    staff_id = made.staff_of[busy][0]
    per_person = Counter(row[1] for row in requests if row[1] is not None)
    many = [person for person, _ in per_person.most_common(forget + 1)] or made.people[: forget + 1]
    reader, erased = many[0], many[1 : forget + 1]
    say(f"Timings (ms), each command's desk calls and rendering as its handler runs them, {runs} runs each:")
    await timed(
        f"/queue, busiest center ({open_per_center[busy]} open)",
        runs,
        lambda _: desks.queue(staff_id, admin=False),
        TARGETS_MS["/queue"],
    )
    await timed(
        f"/queue, admin: every center ({sum(open_per_center.values())})",
        runs,
        lambda _: desks.queue(made.admin_id, admin=True),
        TARGETS_MS["/queue"],
    )
    await timed(f"/stats ({len(requests)} requests)", runs, lambda _: desks.stats(made.admin_id), TARGETS_MS["/stats"])
    await timed(
        "/stats, counted by the database (the desk alone)",
        runs,
        lambda _: desks.stats(made.admin_id, render=False),
        TARGETS_MS["/stats"],
    )
    await timed(f"/mydata ({per_person[reader]} requests)", runs, lambda _: desks.my_data(reader))
    await timed(f"export requests CSV ({len(requests)} rows)", runs, lambda _: desks.export())
    if erased:
        shown = ", ".join(str(per_person[person]) for person in erased)
        await timed(f"/forget, {len(erased)} people ({shown} requests)", len(erased),
                    lambda run: desks.forget(erased[run]))  # fmt: skip


# ---- the bot process on the data


def _status(pid: int, field: str) -> float:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def run_process(url: str, made: scale_data.Generated, workdir: Path) -> None:
    api = BenchApi(BOT_TOKEN)
    await api.start()
    child: Child | None = None
    try:
        env = child_environment(api, DATABASE_URL=url, ADMIN_IDS=str(made.admin_id))
        child = Child("bot", env, workdir, workdir / "scale-bot.log", None)
        start = await first_poll(api, child)
        await asyncio.sleep(1.0)  # the timed jobs' first tick and the outbox worker's first look have run
        pid = child.process.pid
        rss_started = _status(pid, "VmRSS")
        admin = Person(api, made.admin_id)
        busy = Counter(row[2] for row in made.rows["help_requests"] if row[4] in ("new", "in_progress"))
        center = busy.most_common(1)[0][0] if busy else next(iter(made.staff_of))
        staff = Person(api, made.staff_of[center][0])
        for _ in range(COMMANDS_THROUGH_TELEGRAM):
            staff.flow = "/queue"
            await staff.say("/queue")
            await staff.reply()  # one message: the first page
            admin.flow = "/stats"
            await admin.say("/stats")
            await admin.reply_with("Обращений:")
        await asyncio.sleep(0.2)
        rss_now, peak = _status(pid, "VmRSS"), _status(pid, "VmHWM")
        latencies = {flow: [s * 1000 for f, s in person.latencies if f == flow]
                     for person, flow in ((staff, "/queue"), (admin, "/stats"))}  # fmt: skip
    finally:
        if child is not None:
            await child.stop()
        await api.stop()
    mark = "✓" if start < START_TARGET_S else "✗"
    say("The bot process (python -m bot) on this database, long-polling the local Bot API server:")
    say(f"  start to first getUpdates {start:.2f} s   {mark} < {START_TARGET_S:.0f} s")
    mark = "✓" if peak < RSS_TARGET_MB else "✗"
    say(f"  resident memory: VmRSS {rss_started:.1f} MB a second after start; after {COMMANDS_THROUGH_TELEGRAM} "
        f"/queue and {COMMANDS_THROUGH_TELEGRAM} /stats: VmRSS {rss_now:.1f} MB, VmHWM {peak:.1f} MB   "
        f"{mark} < {RSS_TARGET_MB:.0f} MB")  # fmt: skip
    for flow, values in latencies.items():
        say(f"  {flow} through Telegram, to the first answer: " + ", ".join(f"{v:.0f}" for v in values) + " ms")


# ---- the command


async def scale(args: argparse.Namespace, settings: Settings) -> None:
    with tempfile.TemporaryDirectory(prefix="otbasy-scale-") as folder:
        workdir = Path(folder)
        url = args.database_url or f"sqlite:///{workdir / 'scale.db'}"
        say(f"otbasy-bot bench-scale, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {args.people} people, "
            f"{args.requests} help requests, {args.signups} sign-ups; database: "
            f"{shown_url(args.database_url) if args.database_url else 'a temporary SQLite file'}; "
            f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")  # fmt: skip
        began = time.perf_counter()
        world = await prepare(url, settings)
        prepared = time.perf_counter()
        made = scale_data.generate(world, args.people, args.requests, args.signups)
        generated = time.perf_counter()
        await scale_data.bulk_insert(url, made)
        written = time.perf_counter()
        say(f"Generated in {written - began:.1f} s: migrate and sample directory {prepared - began:.1f} s, rows "
            f"made {generated - prepared:.1f} s, written {written - generated:.1f} s "
            f"({sum(len(rows) for rows in made.rows.values())} rows, one transaction)")  # fmt: skip
        db = await open_migrated(url)
        try:
            found = await counts(db)
            staff = len(made.rows["staff"]) + 1
            say(f"Rows: people {found['users'] - staff} (+ {staff} staff and admin), "
                + ", ".join(f"{table} {number}" for table, number in found.items() if table != "users"))  # fmt: skip
            await time_commands(db, settings, made, args.runs, args.forget)
        finally:
            await db.close()
        if not args.no_process:
            await run_process(url, made, workdir)


async def scale_command(args: argparse.Namespace, settings: Settings) -> int:
    if min(args.people, args.requests, args.runs) < 1 or args.signups < 0 or args.forget < 0:
        print("--people, --requests and --runs must be at least 1; --signups and --forget at least 0", file=sys.stderr)
        return 2
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://", "sqlite:///")):
        print("--database-url: expected postgresql://USER:PASSWORD@HOST/DB or sqlite:///PATH", file=sys.stderr)
        return 2
    try:
        await scale(args, settings)
    except NotEmpty as error:
        print(error, file=sys.stderr)
        return 2
    return 0
