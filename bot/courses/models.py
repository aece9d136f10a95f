"""Course topics, groups and sign-ups as the bot knows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PROGRAMMES = ("academy", "premarital")


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    slug: str
    programme: str
    title_kk: str
    title_ru: str
    description_kk: str
    description_ru: str

    def title(self, locale: str) -> str:
        return self.title_kk if locale == "kk" else self.title_ru

    def description(self, locale: str) -> str:
        return self.description_kk if locale == "kk" else self.description_ru


@dataclass(frozen=True, slots=True)
class CourseGroup:
    id: int
    slug: str
    topic_id: int
    center_id: int
    online: bool
    language: str
    seats: int
    taken: int  # seats of confirmed sign-ups
    sessions: tuple[datetime, ...]

    @property
    def free(self) -> int:
        return max(0, self.seats - self.taken)

    @property
    def starts_at(self) -> datetime:
        return self.sessions[0]

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


@dataclass(frozen=True, slots=True)
class Signup:
    id: int
    group_id: int
    user_id: int
    name: str
    phone: str
    partner_name: str | None
    partner_user_id: int | None
    marriage_date: str | None
    seats: int
    status: str
    invite_token: str | None
    wants_reminders: bool = True  # the booker's choice for this sign-up

    def people(self) -> list[int]:
        """Who receives confirmations: the one who booked, and a partner who joined."""
        return [self.user_id] + ([self.partner_user_id] if self.partner_user_id else [])

    def reminded(self) -> list[int]:
        """Who is reminded of the sessions: whoever of `people` asked for it (a partner agrees on joining)."""
        return [person for person in self.people() if person != self.user_id or self.wants_reminders]


@dataclass(frozen=True, slots=True)
class GroupRow:
    slug: str
    topic: str
    center: str
    online: bool
    language: str
    seats: int
    sessions: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class NewGroup:
    slug: str
    topic_slug: str
    center_id: int
    online: bool
    language: str
    seats: int
    sessions: tuple[datetime, ...]
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class DueReminder:
    id: int
    kind: str
    user_id: int
    signup_id: int
    group_id: int
    session_start: datetime
