"""What a programme card holds, and a region's commissioner for children's rights."""

from __future__ import annotations

from dataclasses import dataclass

# What a programme's one button does: a course flow, a help request with its topic chosen, the emergency numbers,
# or the center search.
ACTIONS = ("academy", "premarital", "request_conflict", "request_other", "emergency", "find_center")


@dataclass(frozen=True, slots=True)
class Programme:
    code: str
    emoji: str
    name_kk: str
    name_ru: str
    what_kk: str
    what_ru: str
    who_kk: str
    who_ru: str
    action: str

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru

    def what(self, locale: str) -> str:
        return self.what_kk if locale == "kk" else self.what_ru

    def who(self, locale: str) -> str:
        return self.who_kk if locale == "kk" else self.who_ru


@dataclass(frozen=True, slots=True)
class Commissioner:
    """The office of a region's commissioner for children's rights (not a person's name)."""

    region: str
    name_kk: str
    name_ru: str
    phone: str
    is_sample: bool

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru


@dataclass
class CommissionerFile:
    """A parsed commissioners CSV: every valid row, and every error naming its line."""

    commissioners: list[Commissioner]
    errors: list[str]
