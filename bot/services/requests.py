"""Help requests: categories, statuses and who may change them, danger signals, request numbers, phones."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

CATEGORIES = ("psychological", "legal", "social", "conflict", "child", "violence", "other")
CONTACT_METHODS = ("telegram", "phone", "anonymous")
STATUSES = ("new", "in_progress", "resolved", "transferred", "spam")
OPEN_STATUSES = ("new", "in_progress")

# Which status may follow which; a status not listed as a key is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_progress", "resolved", "transferred", "spam"),
    "in_progress": ("resolved", "transferred", "spam"),
}

# What signals danger to life or health, as regex fragments matched where a word starts (the text lowercased, ё as
# е): a stem catches its inflections («нож» → «ножом», «пышақ» → «пышақпен») but not a word that merely contains
# it («множество», «умножить»). A space stands for any whitespace, so a phrase matches word for word, its last
# word as a stem. Trade-offs, on purpose:
# - verbs with a prefix no longer fire on the bare stem («разобьёт», «забьёт» on «бьет»); the prefixed forms
#   that mean violence are listed themselves («избь», «побь», «избил»), not «изби» («избирать»);
# - «нож» skips «ножка» (a child's leg, a chair's), «ножницы» and «ножны»: scissors are everyday things, and a
#   threat with them says «угрожал», which fires on its own;
# - Kazakh stems change at the end before a vowel (қ → ғ), so «пышағ» sits next to «пышақ»;
# - «соғады» is also «қоңырау соғады» (calls) and «жүрегі соғады» (heart beats): kept, as a missed danger costs
#   more than a request marked urgent for nothing.
DANGER_STEMS = (
    # Russian
    "бьет", "бьют", "избива", "избил", "избит", "избиени", "избь", "побь", "ударил", "ударит", "угрожа", "убь",
    "убить", "убива", "убил", "суицид", "покончить с собой", "покончу с собой", "повеситься", "повешусь",
    "не хочу жить", "не хочется жить", "насили", "изнасил", "душит", "задуш", "нож(?![кн])",
    # Kazakh
    "ұрады", "ұрды", "ұрып", "ұрамын", "соғады", "өлтір", "қорқыт", "зорла", "зорлық", "суицид", "асылып",
    "асыламын", "өмір сүргім келмейді", "өлгім келеді", "қорлайды", "пышақ", "пышағ",
)  # fmt: skip
DANGER = re.compile(r"(?<!\w)(?:" + "|".join(stem.replace(" ", r"\s+") for stem in DANGER_STEMS) + ")")

PHONE_DIGITS = re.compile(r"\D+")


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


def signals_danger(text: str) -> bool:
    return DANGER.search(text.lower().replace("ё", "е")) is not None


def is_urgent(category: str, text: str) -> bool:
    return category == "violence" or signals_danger(text)


def normalize_phone(text: str) -> str | None:
    """A Kazakh mobile number as +7 7XX XXX XX XX, from '87011234567', '+7 (701) 123-45-67' or '7011234567'.
    Which numbers are mobile in Kazakhstan is libphonenumber's knowledge (its ranges follow the operators')."""
    digits = PHONE_DIGITS.sub("", text)  # only the digits: no letters read as digits, no extensions
    if len(digits) not in (10, 11):
        return None
    try:
        number = phonenumbers.parse(digits, "KZ")  # 8 and 7 in front are the trunk and the country code
    except phonenumbers.NumberParseException:
        return None
    if not (
        number.country_code == 7
        and phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) == "KZ"
        and phonenumbers.number_type(number) in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    ):
        return None
    national = str(number.national_number)
    return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, ()):
        raise RuleError("closed" if current not in TRANSITIONS else "transition")


def may_act(user_id: int, request_center_id: int, staff_centers: set[int], admin_ids: tuple[int, ...]) -> bool:
    """Staff of the request's own center, and admins; nobody else, whatever a button claims."""
    return user_id in admin_ids or request_center_id in staff_centers
