"""Help requests as the bot knows them: the request, its thread, its staff and groups."""

from __future__ import annotations

import re
from dataclasses import dataclass

STATUSES = ("new", "in_progress", "resolved", "transferred", "spam")

OPEN_STATUSES = ("new", "in_progress")


class RuleError(Exception):
    """An action the rules do not allow; the code names which, for the message to the person."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class AlreadySubmitted(Exception):
    """This draft was sent already: here is the request it became."""

    def __init__(self, request: HelpRequest) -> None:
        super().__init__(request.number)
        self.request = request


@dataclass(frozen=True, slots=True)
class HelpRequest:
    id: int
    user_id: int | None
    center_id: int
    category: str
    status: str
    urgent: bool
    contact_method: str
    contact_name: str | None
    phone: str | None
    locale: str
    assignee_id: int | None
    rating: int | None
    created_at: str
    safe_contact: str | None = None
    last_actor: str | None = None  # the staff member who last changed the status

    @property
    def number(self) -> str:
        return request_number(self.id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def request_number(request_id: int) -> str:
    return f"R-{request_id:06d}"


def parse_request_number(text: str) -> int | None:
    match = re.fullmatch(r"\s*[RrРр]?-?0*(\d{1,9})\s*", text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class NewRequest:
    user_id: int
    center_id: int
    category: str
    urgent: bool
    contact_method: str
    contact_name: str | None
    phone: str | None
    locale: str
    text: str
    file_id: str | None = None
    file_kind: str | None = None
    safe_contact: str | None = None
    draft_id: str | None = None  # the dialog's draft: one request per draft (a unique index says so)


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    author: str
    text: str | None
    file_id: str | None
    file_kind: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class StaffMember:
    user_id: int
    center_id: int
    center_slug: str
    blocked_bot: bool


@dataclass(frozen=True, slots=True)
class StaffGroup:
    center_id: int
    chat_id: int
    is_forum: bool


@dataclass(frozen=True, slots=True)
class SavedReply:
    id: int
    center_id: int
    locale: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class BlockedSender:
    user_id: int
    request_id: int | None
    blocked_at: str
