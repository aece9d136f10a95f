"""Help requests' rules: categories, who may change what, danger signals, phone numbers."""

from __future__ import annotations

import math
import re

import phonenumbers
from phonenumbers import PhoneNumberType

from bot.requests.models import RuleError

CATEGORIES = ("psychological", "legal", "social", "conflict", "child", "violence", "other")

CONTACT_METHODS = ("telegram", "phone", "anonymous")

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


def signals_danger(text: str) -> bool:
    return DANGER.search(text.lower().replace("ё", "е")) is not None


def is_urgent(category: str, text: str) -> bool:
    return category == "violence" or signals_danger(text)


def normalize_phone(text: str) -> str | None:
    """A Kazakh mobile number as +7 7XX XXX XX XX, from '87011234567', '+7 (701) 123-45-67' or '7011234567'.
    Which numbers are mobile in Kazakhstan is libphonenumber's knowledge (its ranges follow the operators')."""
    number = kazakh_number(text)
    if number is None or phonenumbers.number_type(number) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return mobile_format(number)


def kazakh_number(text: str) -> phonenumbers.PhoneNumber | None:
    """A valid Kazakh number of any kind, from what was typed; None for anything else."""
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
    ):
        return None
    return number


def mobile_format(number: phonenumbers.PhoneNumber) -> str:
    national = str(number.national_number)
    return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, ()):
        raise RuleError("closed" if current not in TRANSITIONS else "transition")


def may_act(user_id: int, request_center_id: int, staff_centers: set[int], admin_ids: tuple[int, ...]) -> bool:
    """Staff of the request's own center, and admins; nobody else, whatever a button claims."""
    return user_id in admin_ids or request_center_id in staff_centers


MAX_PAGE = 10_000


def clamp_page(page: int) -> int:
    """A page number from a button: never trusted, kept within what a query can take."""
    return min(max(page, 1), MAX_PAGE)


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))
