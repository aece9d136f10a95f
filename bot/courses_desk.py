"""Sign-ups for the Parents Academy and pre-marital courses: seats, waiting list, couples, reminders, staff notices.

Every change runs in the help desk's transaction (BEGIN IMMEDIATE): the seats counted are the seats there are
when the sign-up is written, so concurrent sign-ups cannot overbook a group.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import course_views as cv
from bot.helpdesk import Helpdesk, Target
from bot.services.consents import CONSENT_VERSIONS
from bot.services.courses import CourseGroup, Signup, Topic, allocate, promotable, reminder_times
from bot.services.requests import RuleError
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
        moment = now or datetime.now(UTC)
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
                group_id, user_id, name, phone, seats, status, partner_name, marriage_date, token
            )
            signup = await self._signup(signup_id)
            if status == "confirmed":
                await self._schedule(signup, signup.people(), moment)
            group, topic = await self._group_and_topic(group_id)
            await self._tell_staff(signup, group, topic, status)
            waiting = [item.id for item in await self.courses.waiting(group_id)]
            position = waiting.index(signup_id) + 1 if signup_id in waiting else None
        return SignupResult(signup, group, topic, position)

    async def join(self, signup_id: int, token: str | None, user_id: int, now: datetime | None = None) -> Signup:
        """The partner joins a couple's booking with its single-use token (or a button carrying its id after
        the token was shown to them)."""
        moment = now or datetime.now(UTC)
        async with self.desk.transaction():
            signup = await self.courses.signup(signup_id)
            if signup is None or signup.status == "cancelled" or signup.partner_user_id or signup.invite_token is None:
                raise RuleError("invalid")
            if token is not None and token != signup.invite_token:
                raise RuleError("invalid")
            if signup.user_id == user_id:
                raise RuleError("own")
            await self._consent(user_id, reminders=True)  # the join offer says both
            await self.courses.join_partner(signup.id, user_id)
            joined = await self._signup(signup.id)
            if joined.status == "confirmed":
                await self._schedule(joined, [user_id], moment)
            with self.desk.i18n.use_locale(locale := await self.desk.locale_of(signup.user_id)):
                text = cv.partner_joined(joined.partner_name or "")
                await self.desk.enqueue(Target(signup.user_id, locale), text, None, None)
        return joined

    async def cancel(self, signup_id: int, user_id: int, now: datetime | None = None) -> Signup:
        """Either partner may cancel; the seats go to the waiting list, first come first served."""
        moment = now or datetime.now(UTC)
        async with self.desk.transaction():
            signup = await self.courses.signup(signup_id)
            if signup is None or user_id not in signup.people():
                raise RuleError("not yours")
            if signup.status == "cancelled":
                raise RuleError("closed")
            await self.courses.set_status(signup.id, "cancelled")
            await self.courses.cancel_reminders(signup.id)
            group, topic = await self._group_and_topic(signup.group_id)
            await self._tell_staff(signup, group, topic, "cancelled")
            for other in signup.people():
                if other != user_id:
                    await self._tell(other, lambda locale: cv.cancelled(topic, locale))
            await self._promote(group.id, moment)
        return signup

    async def send_due_reminders(self, now: datetime | None = None) -> int:
        """Every reminder due by now, once: marked sent in the same transaction that queues it."""
        moment = now or datetime.now(UTC)
        async with self.desk.transaction():
            due = await self.courses.due_reminders(moment)
            for item in due:
                group, topic = await self._group_and_topic(item.group_id)
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

    async def _promote(self, group_id: int, moment: datetime) -> None:
        group, topic = await self._group_and_topic(group_id)
        if group.has_started(moment):
            return
        for signup in promotable(await self.courses.waiting(group_id), group.free):
            await self.courses.set_status(signup.id, "confirmed")
            await self._schedule(signup, signup.people(), moment)
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
        for target in await self.desk.targets(group.center_id):
            with self.desk.i18n.use_locale(target.locale):
                text = cv.staff_signup(signup, topic, group, self.zone, target.locale, event)
                await self.desk.enqueue(target, text, None, None)

    async def _group_and_topic(self, group_id: int) -> tuple[CourseGroup, Topic]:
        group = await self.courses.group(group_id)
        assert group is not None
        topic = await self.courses.topic(group.topic_id)
        assert topic is not None
        return group, topic

    async def _signup(self, signup_id: int) -> Signup:
        signup = await self.courses.signup(signup_id)
        assert signup is not None
        return signup
