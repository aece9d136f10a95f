"""Help requests: categories, statuses and who may change them, danger signals, request numbers, phones."""

from __future__ import annotations

import re
from dataclasses import dataclass

CATEGORIES = ("psychological", "legal", "social", "conflict", "child", "violence", "other")
CONTACT_METHODS = ("telegram", "phone", "anonymous")
STATUSES = ("new", "in_progress", "resolved", "transferred", "spam")
OPEN_STATUSES = ("new", "in_progress")

# Which status may follow which; a status not listed as a key is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_progress", "resolved", "transferred", "spam"),
    "in_progress": ("resolved", "transferred", "spam"),
}

# Stems that signal danger to life or health, matched inside words (lowercase, ё as е).
DANGER_STEMS = (
    # Russian
    "бьет", "бьют", "избива", "ударил", "угрожа", "убь", "убить", "убива", "суицид", "покончить с собой",
    "повеситься", "не хочу жить", "насили", "изнасил", "душит", "задуш", "нож",
    # Kazakh
    "ұрады", "ұрып", "соғады", "өлтір", "қорқыт", "зорла", "суицид", "асылып", "өмір сүргім келмейді",
    "қорлайды", "пышақ",
)  # fmt: skip

PHONE_DIGITS = re.compile(r"\D+")
# Mobile operators' codes (70X, 747, 75X, 76X, 77X); 71X and 72X are landlines.
MOBILE_PREFIXES = ("70", "74", "75", "76", "77")


class RuleError(Exception):
    """An action the rules do not allow; the code names which, for the message to the person."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


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


def signals_danger(text: str) -> bool:
    lowered = text.lower().replace("ё", "е")
    return any(stem in lowered for stem in DANGER_STEMS)


def is_urgent(category: str, text: str) -> bool:
    return category == "violence" or signals_danger(text)


def normalize_phone(text: str) -> str | None:
    """A Kazakh number as +7 7XX XXX XX XX, from '87011234567', '+7 (701) 123-45-67' or '7011234567'."""
    digits = PHONE_DIGITS.sub("", text)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[:2] not in MOBILE_PREFIXES:
        return None
    return f"+7 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, ()):
        raise RuleError("closed" if current not in TRANSITIONS else "transition")


def may_act(user_id: int, request_center_id: int, staff_centers: set[int], admin_ids: tuple[int, ...]) -> bool:
    """Staff of the request's own center, and admins; nobody else, whatever a button claims."""
    return user_id in admin_ids or request_center_id in staff_centers
