"""The console's rules, as plain functions: sign-in secrets and their lifetimes, the session cookie, what a query
parameter may be, and the numbers the pages show (percentiles, weeks, a stuck queue). No aiohttp, no SQL."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LINK_VALID = timedelta(minutes=10)  # a sign-in link from /console
SESSION_VALID = timedelta(hours=10)  # a working day
SECRET_BYTES = 32
_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32): 43 characters of the URL-safe alphabet
COOKIE = "otbasy_console"
LANG_COOKIE = "otbasy_console_lang"
LOCALES = ("kk", "ru")
WEEKS = 12

# The network page's columns a coordinator may sort by (a query parameter: nothing else is accepted).
SORT_COLUMNS = ("region", "name", "open", "staff", "requests", "oldest", "activity")
ORDERS = ("asc", "desc")
PAGES = ("network", "requests", "courses", "downloads")
DOWNLOADS = ("requests", "centers")


def new_secret() -> str:
    """A sign-in token or a session id: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    """What is stored instead of the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_secret(raw: str | None) -> bool:
    """A well-formed secret (anything else is refused before the database is asked)."""
    return raw is not None and bool(_SECRET.match(raw))


def stamp(moment: datetime) -> str:
    """A moment as the database stores it (UTC ISO, to the second): stored moments are compared as text, so a local
    time (a Monday 00:00 in Almaty) must be turned into UTC first."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def link_expiry(now: datetime) -> str:
    return stamp(now + LINK_VALID)


def session_expiry(now: datetime) -> str:
    return stamp(now + SESSION_VALID)


def link_refusal(found: bool, used_at: str | None, expires_at: str | None, now: datetime) -> str:
    """Why a sign-in link was not honoured: 'forged' (no such link), 'used' (opened before) or 'expired'."""
    if not found:
        return "forged"
    if used_at is not None:
        return "used"
    if expires_at is not None and datetime.fromisoformat(expires_at) <= now:
        return "expired"
    return "forged"  # honoured by no one: cannot happen after a refused consume, but never grants anything


def is_secure(console_url: str | None) -> bool:
    """The cookie is Secure when the console is served over HTTPS (a plain-http URL is for a local run)."""
    return bool(console_url) and str(console_url).lower().startswith("https://")


@dataclass(frozen=True, slots=True)
class CookieRules:
    httponly: bool
    samesite: str
    secure: bool
    path: str
    max_age: int


def session_cookie(console_url: str | None) -> CookieRules:
    return CookieRules(
        httponly=True,
        samesite="Strict",
        secure=is_secure(console_url),
        path="/",
        max_age=int(SESSION_VALID.total_seconds()),
    )


def sign_in_link(console_url: str, token: str) -> str:
    return f"{console_url.rstrip('/')}/signin?token={token}"


# ---- query parameters ----


class BadParameter(ValueError):
    """A query parameter the console does not accept."""


def check_params(given: dict[str, str], allowed: dict[str, Sequence[str]]) -> dict[str, str]:
    """Every parameter known and one of its allowed values (an empty sequence: any well-formed secret)."""
    checked = {}
    for name, value in given.items():
        if name not in allowed:
            raise BadParameter(name)
        choices = allowed[name]
        if choices and value not in choices:
            raise BadParameter(name)
        if not choices and not looks_like_secret(value):
            raise BadParameter(name)
        checked[name] = value
    return checked


def pick_locale(cookie: str | None, stored: str | None, default: str) -> str:
    """The language chosen in the console, else the admin's in the bot, else the bot's default."""
    for candidate in (cookie, stored, default):
        if candidate in LOCALES:
            return candidate  # type: ignore[return-value]
    return "kk"


# ---- the numbers ----


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5 is the median's upper middle, 0.9 the 90th); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if share == 0.5:
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def seconds_between(start: str, end: str | None) -> float | None:
    if end is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def week_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 (local) of the week the moment falls in."""
    local = moment.astimezone(zone)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def last_weeks(now: datetime, zone: ZoneInfo, count: int = WEEKS) -> list[datetime]:
    """The Mondays of the last `count` weeks, the current one last."""
    current = week_start(now, zone)
    return [current - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


def is_stuck(oldest_untaken: str | None, now: datetime, escalate_after_hours: float) -> bool:
    """A queue is stuck when its oldest untaken request has waited longer than the escalation threshold."""
    if oldest_untaken is None:
        return False
    return now - datetime.fromisoformat(oldest_untaken) > timedelta(hours=escalate_after_hours)


def age_hours(since: str | None, now: datetime) -> float | None:
    if since is None:
        return None
    return max(0.0, (now - datetime.fromisoformat(since)).total_seconds() / 3600)


def fill_rate(taken: int, seats: int) -> float:
    return taken / seats if seats > 0 else 0.0
