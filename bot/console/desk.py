"""The console's desk: sign-in links, sessions, and the pages' facts, each page view recorded in the audit log.

Sign-in: /console makes a random token (its SHA-256 is stored) valid for LINK_VALID; opening the link consumes it
in one UPDATE ... RETURNING (a second use, an expired or forged link gets nothing) and opens a session in the
same transaction; the browser keeps the session's secret in a cookie, the database only its hash. The admin must
still be in ADMIN_IDS on every request.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cli import EXPORT_COLUMNS
from bot.console import rules
from bot.console.models import CenterLine, GroupLine, RequestReport, SignIn
from bot.directory.models import centers_to_csv
from bot.directory.schedule import Status, parse_schedule
from bot.requests.models import request_number
from bot.settings import Settings
from storage.centers import CenterRepository
from storage.console import ConsoleRepository
from storage.database import Database
from storage.stats import StatsRepository


@dataclass(frozen=True, slots=True)
class CenterState:
    """A center on the network page, with what is worked out at the moment it is shown."""

    line: CenterLine
    status: Status | None  # None: no structured hours
    oldest_hours: float | None
    stuck: bool

    @property
    def no_staff(self) -> bool:
        return self.line.staff == 0

    @property
    def stands_out(self) -> bool:
        return self.no_staff or self.stuck


class ConsoleDesk:
    def __init__(
        self,
        db: Database,
        admin_ids: tuple[int, ...],
        zone: ZoneInfo,
        escalate_after_hours: float,
        default_locale: str = "kk",
    ) -> None:
        self._db = db
        self.clock = db.clock
        self.admin_ids = admin_ids
        self.zone = zone
        self.escalate_after_hours = escalate_after_hours
        self.default_locale = default_locale
        self.repo = ConsoleRepository(db)

    @classmethod
    def from_settings(cls, db: Database, settings: Settings) -> ConsoleDesk:
        return cls(db, settings.admin_ids, settings.zone, settings.escalate_after_hours, settings.default_locale)

    # ---- signing in and out ----

    async def issue_link(self, admin_id: int) -> str | None:
        """A new one-time sign-in token for an admin (None for anyone else); only its hash is kept."""
        if admin_id not in self.admin_ids:
            return None
        token = rules.new_secret()
        now = self.clock.now()
        async with self._db.transaction():
            await self.repo.prune(rules.stamp(now - timedelta(days=1)))
            await self.repo.add_token(rules.digest(token), admin_id, rules.stamp(now), rules.link_expiry(now))
        return token

    async def sign_in(self, token: str | None) -> SignIn | str:
        """A session for the link's admin, or why not: 'forged', 'used', 'expired' or 'not admin'."""
        if not rules.looks_like_secret(token):
            return "forged"
        assert token is not None
        token_hash = rules.digest(token)
        now = self.clock.now()
        async with self._db.transaction():
            admin_id = await self.repo.consume_token(token_hash, rules.stamp(now))
            if admin_id is None:
                state = await self.repo.token_state(token_hash)
                found = state is not None
                return rules.link_refusal(found, state[0] if state else None, state[1] if state else None, now)
            if admin_id not in self.admin_ids:
                return "not admin"
            session = rules.new_secret()
            await self.repo.add_session(rules.digest(session), admin_id, rules.stamp(now), rules.session_expiry(now))
            await self.repo.audit(admin_id, "sign in")
        return SignIn(session, admin_id)

    async def admin_of(self, session: str | None) -> int | None:
        """The admin a session cookie belongs to, while it lasts and while they are still an admin."""
        if not rules.looks_like_secret(session):
            return None
        assert session is not None
        admin_id = await self.repo.session_admin(rules.digest(session), self.clock.now_iso())
        return admin_id if admin_id is not None and admin_id in self.admin_ids else None

    async def sign_out(self, session: str | None) -> None:
        if rules.looks_like_secret(session):
            assert session is not None
            async with self._db.transaction():
                admin_id = await self.repo.session_admin(rules.digest(session), self.clock.now_iso())
                if await self.repo.end_session(rules.digest(session), self.clock.now_iso()) and admin_id is not None:
                    await self.repo.audit(admin_id, "sign out")

    async def locale(self, admin_id: int, chosen: str | None) -> str:
        return rules.pick_locale(chosen, await self.repo.locale_of(admin_id), self.default_locale)

    # ---- the pages (each view is one audit row) ----

    async def network(self, admin_id: int, sort: str = "region", order: str = "asc") -> list[CenterState]:
        await self.repo.audit(admin_id, f"network sort={sort} order={order}")
        now = self.clock.now()
        local = now.astimezone(self.zone)
        states = []
        for line in await self.repo.network():
            status = None
            if line.schedule:
                try:
                    status = parse_schedule(line.schedule, line.holidays).status(local)
                except ValueError:
                    status = None
            states.append(
                CenterState(
                    line,
                    status,
                    rules.age_hours(line.oldest_untaken, now),
                    rules.is_stuck(line.oldest_untaken, now, self.escalate_after_hours),
                )
            )
        return sort_states(states, sort, order)

    async def requests(self, admin_id: int) -> RequestReport:
        await self.repo.audit(admin_id, "requests")
        now = self.clock.now()
        weeks = rules.last_weeks(now, self.zone)
        facts = await self.repo.request_facts(rules.stamp(weeks[0]))
        report = RequestReport(total=len(facts))
        per_week: Counter[datetime] = Counter()
        escalated_per_week: Counter[datetime] = Counter()
        topics: Counter[str] = Counter()
        regions: Counter[str] = Counter()
        ratings: Counter[int] = Counter()
        takes, resolves = [], []
        for fact in facts:
            week = rules.week_start(datetime.fromisoformat(fact.created_at), self.zone)
            per_week[week] += 1
            topics[fact.category] += 1
            regions[fact.region] += 1
            if fact.escalated_at is not None:
                escalated_per_week[week] += 1
                report.escalated += 1
            if fact.status == "spam":  # counted as sent, never as help given
                continue
            if (take := rules.seconds_between(fact.created_at, fact.taken_at)) is not None:
                takes.append(take)
            done = rules.seconds_between(fact.created_at, fact.resolved_at)
            if fact.status == "resolved" and done is not None:
                resolves.append(done)
            if fact.rating is not None:
                ratings[fact.rating] += 1
        report.weeks = [(week.date().isoformat(), per_week[week], escalated_per_week[week]) for week in weeks]
        report.by_topic = topics.most_common()
        report.by_region = regions.most_common()
        report.take_median, report.take_p90 = rules.percentile(takes, 0.5), rules.percentile(takes, 0.9)
        report.resolve_median, report.resolve_p90 = rules.percentile(resolves, 0.5), rules.percentile(resolves, 0.9)
        report.ratings = [(stars, ratings[stars]) for stars in range(5, 0, -1)]
        rated = sum(ratings.values())
        report.mean_rating = sum(stars * n for stars, n in ratings.items()) / rated if rated else None
        return report

    async def courses(self, admin_id: int) -> list[GroupLine]:
        await self.repo.audit(admin_id, "courses")
        return await self.repo.groups()

    async def downloads(self, admin_id: int) -> None:
        await self.repo.audit(admin_id, "downloads")

    async def export(self, admin_id: int, name: str) -> str:
        """The CSV the CLI writes (`export requests`, `centers export`): facts only."""
        await self.repo.audit(admin_id, f"download {name}.csv")
        if name == "centers":
            return centers_to_csv(await CenterRepository(self._db).all())
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in await StatsRepository(self._db).export_rows():
            writer.writerow([request_number(int(row[0])), *row[1:]])  # type: ignore[call-overload]
        return buffer.getvalue()


def sort_states(states: list[CenterState], column: str, order: str) -> list[CenterState]:
    """By a column of the network page; what has no value (no hours, an empty queue) goes last either way."""
    keys = {
        "region": lambda s: (s.line.region, s.line.slug),
        "name": lambda s: s.line.name_ru.lower(),
        "open": lambda s: -1 if s.status is None else int(s.status.open),
        "staff": lambda s: s.line.staff,
        "requests": lambda s: s.line.open_requests,
        "oldest": lambda s: s.oldest_hours if s.oldest_hours is not None else -1.0,
        "activity": lambda s: s.line.last_activity or "",
    }
    key = keys.get(column, keys["region"])
    return sorted(states, key=key, reverse=order == "desc")  # type: ignore[arg-type]
