"""Sign-ups for the Parents Academy and pre-marital courses: seats, waiting list, couples, reminders, staff notices.

Every change runs in the help desk's transaction (BEGIN IMMEDIATE): the seats counted are the seats there are
when the sign-up is written, so concurrent sign-ups cannot overbook a group.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.courses import views as cv
from bot.courses.models import CourseGroup, Signup, Topic
from bot.courses.rules import allocate, promotable, reminder_times
from bot.directory.models import Center
from bot.privacy.consents import CONSENT_VERSIONS
from bot.requests.desk import Helpdesk, Target
from bot.requests.models import RuleError
from storage.courses import CourseRepository
from storage.privacy import PrivacyRepository


@dataclass(frozen=True, slots=True)
class SignupResult:
    signup: Signup
    group: CourseGroup
    topic: Topic
    waiting_position: int | None


class CourseDesk:
    def __init__(self, helpdesk: Helpdesk, zone: ZoneInfo) -> None:
        self.desk = helpdesk
        self.clock = helpdesk.clock
        self.zone = zone
        self.courses = CourseRepository(helpdesk.db)
        self.privacy = PrivacyRepository(helpdesk.db)

    async def sign_up(
        self,
        group_id: int,
        user_id: int,
        name: str,
        phone: str,
        partner_name: str | None = None,
        marriage_date: str | None = None,
        now: datetime | None = None,
        reminders: bool = True,
    ) -> SignupResult:
        """The person has agreed to their sign-up being passed to the center (and, with `reminders`, to
        reminders); both consents are recorded with the sign-up."""
        moment = now or self.clock.now()
        async with self.desk.transaction():
            await self._consent(user_id, reminders)
            group = await self.courses.group(group_id)
            if group is None:
                raise RuleError("gone")
            if group.has_started(moment):
                raise RuleError("started")
            if await self.courses.active_of(user_id, group_id) is not None:
                raise RuleError("twice")
            seats = 2 if partner_name else 1
            status = allocate(group.seats, await self.courses.taken_seats(group_id), seats)
            token = secrets.token_urlsafe(9) if partner_name else None
            signup_id = await self.courses.create_signup(
                group_id, user_id, name, phone, seats, status, partner_name, marriage_date, token, reminders
            )
            signup = await self._signup(signup_id)
            if status == "confirmed":
                await self._schedule(signup, signup.reminded(), moment)
            group, topic = await self._group_and_topic(group_id)
            await self._tell_staff(signup, group, topic, status)
            waiting = [item.id for item in await self.courses.waiting(group_id)]
            position = waiting.index(signup_id) + 1 if signup_id in waiting else None
        return SignupResult(signup, group, topic, position)

    async def join(self, signup_id: int, token: str | None, user_id: int, now: datetime | None = None) -> Signup:
        """The partner joins a couple's booking with its single-use token (or a button carrying its id after
        the token was shown to them)."""
        moment = now or self.clock.now()
        async with self.desk.transaction():
            signup = await self.courses.signup(signup_id)
            if signup is None or signup.status == "cancelled" or signup.partner_user_id or signup.invite_token is None:
                raise RuleError("invalid")
            if token is not None and token != signup.invite_token:
                raise RuleError("invalid")
            if signup.user_id == user_id:
                raise RuleError("own")
            if await self.courses.group(signup.group_id) is None:  # the group was closed: nothing to join
                raise RuleError("invalid")
            await self._consent(user_id, reminders=True)  # the join offer says both
            await self.courses.join_partner(signup.id, user_id)
            joined = await self._signup(signup.id)
            if joined.status == "confirmed":
                await self._schedule(joined, [user_id], moment)
            with self.desk.i18n.use_locale(locale := await self.desk.locale_of(signup.user_id)):
                text = cv.partner_joined(joined.partner_name or "")
                await self.desk.enqueue(Target(signup.user_id, locale), text, None, None)
        return joined

    async def cancel(self, signup_id: int, user_id: int, now: datetime | None = None, erased: bool = False) -> Signup:
        """Either partner may cancel; the seats go to the waiting list, first come first served. With `erased`, the
        person asked to be forgotten: staff are told a seat freed up, without a name or a phone."""
        moment = now or self.clock.now()
        async with self.desk.transaction():
            signup = await self.courses.signup(signup_id)
            if signup is None or user_id not in signup.people():
                raise RuleError("not yours")
            if signup.status == "cancelled":
                raise RuleError("closed")
            found = await self._live(signup.group_id)
            if found is None:  # staff closed the group: everyone was told, and its roster is kept as it was
                if not erased:
                    raise RuleError("closed")
                await self.courses.set_status(signup.id, "cancelled")  # but the person asked to be forgotten
                await self.courses.cancel_reminders(signup.id)
                return signup
            await self.courses.set_status(signup.id, "cancelled")
            await self.courses.cancel_reminders(signup.id)
            group, topic = found
            await self._tell_staff(signup, group, topic, "erased" if erased else "cancelled")
            for other in signup.people():
                if other != user_id:
                    await self._tell(other, lambda locale: cv.cancelled(topic, locale))
            await self._promote(group.id, moment)
        return signup

    async def send_due_reminders(self, now: datetime | None = None) -> int:
        """Every reminder due by now, once: marked sent in the same transaction that queues it."""
        moment = now or self.clock.now()
        async with self.desk.transaction():
            due = await self.courses.due_reminders(moment)
            for item in due:
                found = await self._live(item.group_id)
                if found is None:  # closed meanwhile: nobody is reminded of it
                    await self.courses.cancel_reminders(item.signup_id)
                    continue
                group, topic = found
                center = await self.desk.centers.get(group.center_id)
                assert center is not None
                await self._tell(
                    item.user_id,
                    lambda locale, item=item, topic=topic, group=group, center=center: cv.reminder(
                        item.kind, topic, group, center, item.session_start, self.zone, locale
                    ),
                )
                await self.courses.mark_reminder_sent(item.id)
        return len(due)

    # ---- inside (called within a transaction) ----

    async def promote_waiting(self, group_id: int, moment: datetime) -> None:
        """The waiting list takes the seats there are now, first come first served, each told (staff too)."""
        await self._promote(group_id, moment)

    async def tell(self, user_id: int, render: Callable[[str], str]) -> None:
        """A message to one person, rendered in their language, through the outbox."""
        await self._tell(user_id, render)

    async def _promote(self, group_id: int, moment: datetime) -> None:
        if await self._live(group_id) is None:  # a closed group takes nobody from its waiting list
            return
        group, topic = await self._group_and_topic(group_id)
        if group.has_started(moment):
            return
        for signup in promotable(await self.courses.waiting(group_id), group.free):
            await self.courses.set_status(signup.id, "confirmed")
            await self._schedule(signup, signup.reminded(), moment)
            group, topic = await self._group_and_topic(group_id)
            for person in signup.people():
                await self._tell(
                    person, lambda locale, topic=topic, group=group: cv.promoted(topic, group, self.zone, locale)
                )
            await self._tell_staff(signup, group, topic, "promoted")

    async def _consent(self, user_id: int, reminders: bool) -> None:
        purposes = ("course_signup", "reminders") if reminders else ("course_signup",)
        for purpose in purposes:
            await self.privacy.give(user_id, purpose, CONSENT_VERSIONS[purpose])

    async def _schedule(self, signup: Signup, people: list[int], moment: datetime) -> None:
        for session_id, start in await self.courses.session_ids(signup.group_id):
            for person in people:
                for kind, due in reminder_times(start, moment):
                    await self.courses.add_reminder(signup.id, session_id, person, kind, due)

    async def _tell(self, user_id: int, render: Callable[[str], str]) -> None:
        """A message to one person, rendered in their language."""
        locale = await self.desk.locale_of(user_id)
        with self.desk.i18n.use_locale(locale):
            await self.desk.enqueue(Target(user_id, locale), render(locale), None, None)

    async def _tell_staff(self, signup: Signup, group: CourseGroup, topic: Topic, event: str) -> None:
        """The center's staff are told. A notice that names the person is marked as about them (erasing them drops
        it while undelivered); the one about an erasure names nobody."""
        about = None if event == "erased" else signup.user_id
        for target in await self.desk.targets(group.center_id):
            with self.desk.i18n.use_locale(target.locale):
                text = cv.staff_signup(signup, topic, group, self.zone, target.locale, event)
                await self.desk.enqueue(target, text, None, None, about_user=about)

    async def _live(self, group_id: int) -> tuple[CourseGroup, Topic] | None:
        """The group and its topic while it still meets; None once staff closed it (its sign-ups stay, so every
        path from a sign-up must expect this)."""
        group = await self.courses.group(group_id)
        if group is None:
            return None
        topic = await self.courses.topic(group.topic_id)
        assert topic is not None
        return group, topic

    async def _group_and_topic(self, group_id: int) -> tuple[CourseGroup, Topic]:
        """Of a group known to still meet (not closed)."""
        group = await self.courses.group(group_id)
        assert group is not None
        topic = await self.courses.topic(group.topic_id)
        assert topic is not None
        return group, topic

    async def _signup(self, signup_id: int) -> Signup:
        signup = await self.courses.signup(signup_id)
        assert signup is not None
        return signup

    # ---- what handlers read ----

    async def group(self, group_id: int) -> CourseGroup | None:
        return await self.courses.group(group_id)

    async def groups(self, topic_id: int) -> list[CourseGroup]:
        return await self.courses.groups(topic_id)

    async def topic(self, topic_id: int) -> Topic | None:
        return await self.courses.topic(topic_id)

    async def topics(self, programme: str | None = None) -> list[Topic]:
        return await self.courses.topics(programme)

    async def center(self, center_id: int) -> Center | None:
        return await self.desk.centers.get(center_id)

    async def centers(self) -> list[Center]:
        return await self.desk.centers.all()

    async def signup(self, signup_id: int) -> Signup | None:
        return await self.courses.signup(signup_id)

    async def signup_by_token(self, token: str) -> Signup | None:
        return await self.courses.by_token(token)

    async def signups_of(self, user_id: int) -> list[Signup]:
        return await self.courses.of_user(user_id)

    async def active_signup(self, user_id: int, group_id: int) -> Signup | None:
        return await self.courses.active_of(user_id, group_id)

    async def waiting(self, group_id: int) -> list[Signup]:
        return await self.courses.waiting(group_id)

    # ---- staff ----

    async def upcoming_groups(self, centers: set[int] | None, limit: int = 40) -> list[tuple[CourseGroup, Topic]]:
        """The groups of these centers (None: all) that still have a session ahead, soonest first."""
        now = self.clock.now()
        groups = [group for group in await self.courses.groups(center_ids=centers) if group.sessions[-1] > now]
        topics = {topic.id: topic for topic in await self.courses.topics()}
        return [(group, topics[group.topic_id]) for group in sorted(groups, key=lambda g: g.starts_at)][:limit]

    async def roster(self, group_id: int, centers: set[int] | None) -> tuple[CourseGroup, Topic, list[Signup]] | None:
        """Who is coming to a group, for staff of its center (None: an admin); nobody else."""
        group = await self.courses.group(group_id)
        if group is None or (centers is not None and group.center_id not in centers):
            return None
        topic = await self.courses.topic(group.topic_id)
        assert topic is not None
        return group, topic, await self.courses.roster(group.id)
