"""Staff run their center's course groups: create one, change its seats, add, move or cancel a session, close it,
write to everyone in it, and keep attendance. Each change is one unit of work with its audit row and the notices
to the people signed up (through the outbox); rights are checked inside it, against the database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.course_groups import views as gv
from bot.course_groups.models import GroupDraft, ManagedGroup, RosterLine, Session
from bot.course_groups.rules import MAX_SESSIONS, check_session, clean_message, make_slug, retime, seats_error
from bot.courses.desk import CourseDesk
from bot.courses.models import NewGroup, Topic
from bot.courses.rules import reminder_times
from bot.directory.models import Center
from bot.requests.models import RuleError
from storage.course_groups import CourseGroupRepository


@dataclass(frozen=True, slots=True)
class Managed:
    group: ManagedGroup
    topic: Topic
    center: Center


@dataclass(frozen=True, slots=True)
class Roster:
    managed: Managed
    lines: list[RosterLine]
    present: set[tuple[int, int]]  # (session id, sign-up id)


def allowed(center_id: int, centers: set[int] | None) -> bool:
    """Staff act for their own centers; an administrator (None) for all."""
    return centers is None or center_id in centers


class CourseGroupDesk:
    def __init__(self, courses: CourseDesk) -> None:
        self.courses = courses
        self.desk = courses.desk
        self.clock = courses.clock
        self.zone = courses.zone
        self.repo = CourseGroupRepository(self.desk.db)

    # ---- what handlers read ----

    async def overview(self, centers: set[int] | None, limit: int = 30) -> list[Managed]:
        groups = await self.repo.open_groups(centers, self.clock.now(), limit)
        return [await self._dress(group) for group in groups]

    async def managed(self, group_id: int, centers: set[int] | None) -> Managed | None:
        group = await self.repo.group(group_id)
        if group is None or not allowed(group.center_id, centers):
            return None
        return await self._dress(group)

    async def sheet(self, session_id: int, centers: set[int] | None) -> Roster | None:
        """The roster of the group a session belongs to (the attendance sheet), for its center's staff."""
        group_id = await self.repo.session_group(session_id)
        return None if group_id is None else await self.roster(group_id, centers)

    async def roster(self, group_id: int, centers: set[int] | None) -> Roster | None:
        managed = await self.managed(group_id, centers)
        if managed is None:
            return None
        lines = await self.repo.roster(group_id)
        return Roster(managed, lines, await self.repo.attendance(group_id))

    async def topics(self) -> list[Topic]:
        return await self.courses.topics()

    async def center(self, center_id: int) -> Center | None:
        return await self.desk.centers.get(center_id)

    async def find_center(self, text: str) -> Center | None:
        text = text.strip()
        if text.isdigit() and len(text) < 12:
            return await self.desk.centers.get(int(text))
        return await self.desk.centers.by_slug(text.lower())

    # ---- changes ----

    async def create(self, actor_id: int, draft: GroupDraft) -> Managed:
        now = self.clock.now()
        async with self.desk.transaction():
            center = await self.desk.centers.get(draft.center_id)
            if center is None:
                raise RuleError("not allowed")
            await self._act_for(center.id, actor_id)
            topic = await self.courses.courses.topic(draft.topic_id)
            if topic is None or draft.language not in ("kk", "ru") or seats_error(draft.seats, 0):
                raise RuleError("invalid")
            if not draft.sessions:
                raise RuleError("no sessions")
            for start in draft.sessions:
                if (error := check_session(start, now)[1]) is not None:
                    raise RuleError(error)
            slug = make_slug(topic.slug, center.slug, min(draft.sessions), self.zone, secrets.token_hex(3))
            new = NewGroup(slug, topic.slug, center.id, draft.online, draft.language, draft.seats, draft.sessions)
            group_id = await self.courses.courses.add_group(new)
            await self._audit(actor_id, "group create", slug)
            group = await self.repo.group(group_id)
        assert group is not None
        return Managed(group, topic, center)

    async def change_seats(self, actor_id: int, group_id: int, seats: int) -> Managed:
        """Never below the seats confirmed; more seats go to the waiting list at once, each person told."""
        async with self.desk.transaction():
            managed = await self._open(group_id, actor_id)
            if (error := seats_error(seats, managed.group.taken)) is not None:
                raise RuleError(error)
            await self.repo.set_seats(group_id, seats)
            await self._audit(actor_id, "group seats", managed.group.slug)
            await self.courses.promote_waiting(group_id, self.clock.now())
            return await self._reload(managed)

    async def add_session(self, actor_id: int, group_id: int, start: datetime) -> Managed:
        now = self.clock.now()
        async with self.desk.transaction():
            managed = await self._open(group_id, actor_id)
            if (error := check_session(start, now)[1]) is not None:
                raise RuleError(error)
            if any(session.starts_at == start for session in managed.group.active):
                raise RuleError("twice")
            if len(managed.group.active) >= MAX_SESSIONS:
                raise RuleError("many")
            session_id = await self.repo.add_session(group_id, start)
            for signup in await self.courses.courses.roster(group_id):
                if signup.status == "confirmed":
                    for person in signup.reminded():
                        for kind, due in reminder_times(start, now):
                            await self.courses.courses.add_reminder(signup.id, session_id, person, kind, due)
            await self._audit(actor_id, "session add", managed.group.slug)
            await self._tell_all(managed, lambda locale: gv.session_added(managed, start, self.zone, locale))
            return await self._reload(managed)

    async def move_session(self, actor_id: int, group_id: int, session_id: int, start: datetime) -> Managed:
        """The session gets its new time, and everyone signed up is told. The reminders of those who asked for them
        follow it, a cancelled one included (a session moved near, then back, reminds again); one whose new time
        has passed is not sent late (cancelled, or left as sent)."""
        now = self.clock.now()
        async with self.desk.transaction():
            managed = await self._open(group_id, actor_id)
            session = self._ahead(managed, session_id, now)
            if (error := check_session(start, now)[1]) is not None:
                raise RuleError(error)
            if any(other.starts_at == start and other.id != session.id for other in managed.group.active):
                raise RuleError("twice")
            await self.repo.move_session(session.id, start)
            confirmed = [
                signup for signup in await self.courses.courses.roster(group_id) if signup.status == "confirmed"
            ]
            wanted = {(signup.id, person) for signup in confirmed for person in signup.reminded()}
            for reminder_id, kind, status, signup_id, user_id in await self.repo.session_reminders(session.id):
                new_status, due = retime(kind, status, start, now, (signup_id, user_id) in wanted)
                if new_status != status or due is not None:
                    await self.repo.set_reminder(reminder_id, new_status, due)
            for signup in confirmed:
                for person in signup.reminded():
                    for kind, due in reminder_times(start, now):  # those the old time was too near for
                        await self.courses.courses.add_reminder(signup.id, session.id, person, kind, due)
            await self._audit(actor_id, "session move", managed.group.slug)
            old = session.starts_at
            await self._tell_all(managed, lambda locale: gv.session_moved(managed, old, start, self.zone, locale))
            return await self._reload(managed)

    async def cancel_session(self, actor_id: int, group_id: int, session_id: int) -> Managed:
        now = self.clock.now()
        async with self.desk.transaction():
            managed = await self._open(group_id, actor_id)
            session = self._ahead(managed, session_id, now)
            if len(managed.group.active) <= 1:
                raise RuleError("last")
            await self.repo.cancel_session(session.id)
            await self._audit(actor_id, "session cancel", managed.group.slug)
            when = session.starts_at
            await self._tell_all(managed, lambda locale: gv.session_cancelled(managed, when, self.zone, locale))
            return await self._reload(managed)

    async def close(self, actor_id: int, group_id: int) -> Managed:
        """The group will not meet: everyone signed up is told and nobody reminded. The sign-ups stay as they were
        (the roster, attendance and CSV of what was held are kept): the group's closing is what ends them."""
        async with self.desk.transaction():
            managed = await self._open(group_id, actor_id)
            people = await self.repo.people(group_id, confirmed_only=False)
            await self.repo.close(group_id)
            await self._audit(actor_id, "group close", managed.group.slug)
            for person in people:
                await self.courses.tell(person, lambda locale: gv.group_closed(managed, self.zone, locale))
            return await self._reload(managed)

    async def message_all(self, actor_id: int, group_id: int, text: str) -> int:
        """A message to everyone holding a seat (and partners), headed with the center and the group; how many."""
        body = clean_message(text)
        if body is None:
            raise RuleError("text")
        async with self.desk.transaction():
            managed = await self._open(group_id, actor_id)
            people = await self.repo.people(group_id, confirmed_only=True)
            await self._audit(actor_id, "group message", managed.group.slug)
            for person in people:
                await self.courses.tell(person, lambda locale: gv.group_message(managed, body, locale))
        return len(people)

    async def toggle_attendance(self, actor_id: int, session_id: int, signup_id: int) -> bool:
        """Marks one person present at a session, or not any more; stored at once. Whether they are marked now."""
        async with self.desk.transaction():
            group_id = await self.repo.session_group(session_id)
            if group_id is None:
                raise RuleError("not allowed")
            managed = await self._load(group_id, actor_id)
            session = managed.group.session(session_id)
            if session is None or session.cancelled:
                raise RuleError("not allowed")
            lines = await self.repo.roster(group_id)
            if not any(line.signup_id == signup_id and line.status == "confirmed" for line in lines):
                raise RuleError("not allowed")
            present = await self.repo.toggle_attendance(session_id, signup_id, actor_id)
            await self._audit(actor_id, "attendance", managed.group.slug)
        return present

    # ---- inside (within a transaction) ----

    async def _load(self, group_id: int, actor_id: int) -> Managed:
        group = await self.repo.group(group_id)
        if group is None:
            raise RuleError("not allowed")
        await self._act_for(group.center_id, actor_id)
        return await self._dress(group)

    async def _act_for(self, center_id: int, actor_id: int) -> None:
        """The actor's right, read again inside the write's own transaction (as the Helpdesk's _act_for does): a
        staff member removed a moment ago cannot change a group, whatever the staff filter read before. An
        administrator (settings.admin_ids) acts for every center."""
        if not await self.desk.staff.acted(actor_id, center_id, None) and actor_id not in self.desk.admin_ids:
            raise RuleError("not allowed")

    async def _open(self, group_id: int, actor_id: int) -> Managed:
        managed = await self._load(group_id, actor_id)
        if managed.group.closed:
            raise RuleError("closed")
        return managed

    @staticmethod
    def _ahead(managed: Managed, session_id: int, now: datetime) -> Session:
        session = managed.group.session(session_id)
        if session is None:
            raise RuleError("not allowed")  # a session of another group
        if session.cancelled:
            raise RuleError("cancelled")
        if session.starts_at <= now:
            raise RuleError("held")
        return session

    async def _reload(self, managed: Managed) -> Managed:
        group = await self.repo.group(managed.group.id)
        assert group is not None
        return Managed(group, managed.topic, managed.center)

    async def _dress(self, group: ManagedGroup) -> Managed:
        topic = await self.courses.courses.topic(group.topic_id)
        center = await self.desk.centers.get(group.center_id)
        assert topic is not None and center is not None
        return Managed(group, topic, center)

    async def _tell_all(self, managed: Managed, render: gv.Render) -> None:
        for person in await self.repo.people(managed.group.id, confirmed_only=False):
            await self.courses.tell(person, render)

    async def _audit(self, actor_id: int, action: str, slug: str) -> None:
        await self.desk.requests.audit(actor_id, None, action, slug)
