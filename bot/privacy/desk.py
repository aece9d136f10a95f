"""The person's data rights: consents per purpose, what the bot holds (/mydata), erasure (/forget), and the
anonymisation of resolved requests after RETENTION_DAYS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.courses.desk import CourseDesk
from bot.courses.models import Signup
from bot.privacy import views as pv
from bot.privacy.consents import CONSENT_VERSIONS
from bot.privacy.models import Consent
from bot.requests.desk import Helpdesk
from bot.requests.models import HelpRequest, ThreadMessage
from storage.privacy import PrivacyRepository


@dataclass(frozen=True, slots=True)
class PersonData:
    locale: str | None
    consents: list[Consent]
    requests: list[tuple[HelpRequest, list[ThreadMessage]]]
    signups: list[Signup]


class PrivacyDesk:
    def __init__(
        self, helpdesk: Helpdesk, courses: CourseDesk, forget_dialogs: Callable[[int], Awaitable[object]] | None = None
    ) -> None:
        self.desk = helpdesk
        self.clock = helpdesk.clock
        self.courses = courses
        self.store = PrivacyRepository(helpdesk.db)
        # Dialog state kept outside the database (Redis) is erased by this; the database's own goes in erase_person.
        self.forget_dialogs = forget_dialogs

    async def give(self, user_id: int, *purposes: str) -> None:
        async with self.desk.transaction():
            for purpose in purposes:
                await self.store.give(user_id, purpose, CONSENT_VERSIONS[purpose])

    async def withdraw(self, user_id: int, purpose: str) -> bool:
        """What the consent allowed stops: contact details leave the requests, sign-ups are cancelled,
        reminders stop (the reminder query asks for the consent)."""
        if purpose == "course_signup":
            for signup in await self.courses.signups_of(user_id):
                await self.courses.cancel(signup.id, user_id, erased=True)
        async with self.desk.transaction():
            withdrawn = await self.store.withdraw(user_id, purpose)
            if purpose == "course_signup":
                await self.store.drop_undelivered_about(user_id)
            if purpose == "help_request":
                await self.store.strip_contact(user_id)
        return withdrawn

    async def data_of(self, user_id: int) -> PersonData:
        user = await self.desk.users.get(user_id)
        requests = []
        for request in await self.desk.requests.of_user(user_id, limit=1000):
            requests.append((request, await self.desk.requests.thread(request.id)))
        return PersonData(
            locale=user.locale if user else None,
            consents=await self.store.consents(user_id),
            requests=requests,
            signups=await self.courses.courses.of_user(user_id),
        )

    async def forget(self, user_id: int) -> int:
        """Erases the person: profile, sign-ups (their seats go to the waiting list), consents, and the personal
        fields and texts of their requests; staff of open requests are told. Returns how many requests were
        anonymised; only anonymous counts remain."""
        for signup in await self.courses.signups_of(user_id):
            if signup.user_id == user_id:
                await self.courses.cancel(signup.id, user_id, erased=True)
        async with self.desk.transaction():
            request_ids = await self.store.request_ids_of(user_id)
            open_requests = [r for r in [await self.desk.requests.get(i) for i in request_ids] if r and r.is_open]
            await self.store.anonymize_requests(request_ids)
            await self.desk.blocks.forget_identity(user_id)
            await self.store.erase_person(user_id)
            self.desk.db.erased()
            for request in open_requests:  # told after the erasure, in words that name nobody
                for target in await self.desk.targets(request.center_id):
                    with self.desk.i18n.use_locale(target.locale):
                        await self.desk.enqueue(target, pv.person_withdrew(request), None, request)
        if self.forget_dialogs is not None:
            await self.forget_dialogs(user_id)
        await self.desk.db.checkpoint_if_erased()  # the erased words leave the WAL too, not only the tables
        return len(request_ids)

    async def anonymize_due(self, retention: timedelta, now: datetime | None = None) -> list[int]:
        moment = now or self.clock.now()
        async with self.desk.transaction():
            due = await self.store.due_for_retention((moment - retention).isoformat(timespec="seconds"))
            await self.store.anonymize_requests(due)
            if due:
                self.desk.db.erased()  # the timed jobs' checkpoint, right after this one, empties the WAL
        return due
