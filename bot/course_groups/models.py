"""A course group as its center's staff manage it: every session (cancelled ones too), the seats, the waiting list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    starts_at: datetime
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class ManagedGroup:
    id: int
    slug: str
    topic_id: int
    center_id: int
    online: bool
    language: str
    seats: int
    taken: int  # seats of confirmed sign-ups
    waiting: int  # sign-ups on the waiting list
    closed: bool
    sessions: tuple[Session, ...]  # by start, cancelled ones included

    @property
    def active(self) -> tuple[Session, ...]:
        return tuple(session for session in self.sessions if not session.cancelled)

    def next_session(self, now: datetime) -> Session | None:
        return next((session for session in self.active if session.starts_at > now), None)

    def session(self, session_id: int) -> Session | None:
        return next((session for session in self.sessions if session.id == session_id), None)


@dataclass(frozen=True, slots=True)
class GroupDraft:
    """What staff have chosen so far for a new group."""

    center_id: int
    topic_id: int
    language: str
    online: bool
    seats: int
    sessions: tuple[datetime, ...]  # UTC


@dataclass(frozen=True, slots=True)
class RosterLine:
    signup_id: int
    name: str
    partner_name: str | None
    phone: str
    seats: int
    status: str
