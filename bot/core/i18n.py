"""Languages: the gettext catalogs, the locale of each update, and Babel formatting of numbers and dates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import TelegramObject
from aiogram.types import User as TgUser
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.settings import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile each .po into its .mo when the .mo is missing or older; returns what was compiled."""
    compiled = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as target:
            write_mo(target, catalog)
        compiled.append(mo_path)
    return compiled


def create_i18n(default_locale: str) -> I18n:
    compile_catalogs()
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def supported_locale(code: str | None) -> str | None:
    """'ru', 'ru-RU' or 'kk' as one of ours; anything else is None."""
    if not code:
        return None
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in SUPPORTED_LOCALES else None


class LocaleMiddleware(I18nMiddleware):
    """The stored choice first, then the language Telegram reports, then the default."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:  # noqa: ARG002 -- aiogram passes it by name
        stored = data.get("user")
        if stored is not None and stored.locale:
            return str(stored.locale)
        telegram_user: TgUser | None = data.get("event_from_user")
        reported = supported_locale(telegram_user.language_code if telegram_user else None)
        return reported or self.i18n.default_locale


def format_km(distance: float, locale: str) -> str:
    pattern = "#,##0" if distance >= 10 else "#,##0.0"
    return format_decimal(distance, format=pattern, locale=locale)


def format_moment(moment: datetime, zone: ZoneInfo, locale: str) -> str:
    """A date and time as people in the locale write it, in the configured time zone."""
    return babel_format_datetime(moment, format="d MMMM y, HH:mm", tzinfo=zone, locale=locale)
