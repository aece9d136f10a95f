"""What the console shows: facts about centers, requests and course groups. No text a person wrote, no name, no
phone, no Telegram id of anyone but the admin signed in."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SignIn:
    """A sign-in link honoured: the session's secret (for the cookie only) and whose it is."""

    session: str
    admin_id: int


@dataclass(frozen=True, slots=True)
class CenterLine:
    """A center on the network page (from the database; open-now is worked out from `schedule` at the moment)."""

    center_id: int
    slug: str
    region: str
    name_kk: str
    name_ru: str
    schedule: str
    holidays: str
    staff: int
    open_requests: int
    oldest_untaken: str | None  # created_at of the oldest request still 'new'
    last_activity: str | None  # the newest audit row by any of its staff

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru


@dataclass(frozen=True, slots=True)
class RequestFact:
    region: str
    category: str
    status: str
    created_at: str
    taken_at: str | None
    resolved_at: str | None
    escalated_at: str | None
    rating: int | None


@dataclass(frozen=True, slots=True)
class GroupLine:
    slug: str
    programme: str
    topic_kk: str
    topic_ru: str
    center_kk: str
    center_ru: str
    online: bool
    language: str
    seats: int
    taken: int
    waiting: int
    sessions: int
    first_session: str | None
    attended: int | None = None  # marks of presence; None while no session of the group was marked
    possible: int = 0  # confirmed sign-ups x the sessions marked
    closed: bool = False

    def topic(self, locale: str) -> str:
        return self.topic_kk if locale == "kk" else self.topic_ru

    def center(self, locale: str) -> str:
        return self.center_kk if locale == "kk" else self.center_ru


@dataclass
class RequestReport:
    weeks: list[tuple[str, int, int]] = field(default_factory=list)  # (Monday, requests, escalated)
    by_topic: list[tuple[str, int]] = field(default_factory=list)
    by_region: list[tuple[str, int]] = field(default_factory=list)
    take_median: float | None = None  # seconds
    take_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None
    escalated: int = 0
    total: int = 0
    ratings: list[tuple[int, int]] = field(default_factory=list)  # (stars, how many)
    mean_rating: float | None = None
