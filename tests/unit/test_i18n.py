"""Both languages are complete and current; numbers and dates are formatted for the locale and time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALES_DIR, compile_catalogs, create_i18n, format_km, format_moment, supported_locale
from bot.core.timezone import load_zone

ROOT = Path(__file__).resolve().parents[2]


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def extract_source_messages() -> set[str]:
    """What pybabel extract finds in the code (babel.cfg's folders, the keywords in README)."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "__": None}
    found = set()
    for folder in ("bot", "handlers"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, [("**.py", "python")], keywords=keywords):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_every_source_message_is_translated(locale: str) -> None:
    source = extract_source_messages()
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(locale) if m.id}
    missing = sorted(source - messages.keys())
    assert not missing, f"{locale} lacks: {missing}"
    for msgid in source:
        message = messages[msgid]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{locale}: untranslated {msgid!r}"
        assert not message.fuzzy, f"{locale}: fuzzy {msgid!r}"


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_placeholders_match_the_source(locale: str) -> None:
    import re

    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"\{(\w+)\}", " ".join(ids)))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            found = set(re.findall(r"\{(\w+)\}", string))
            assert found <= wanted, f"{locale}: {string!r} uses {found - wanted}"
            # every singular/plural form must still name the thing counted
            assert {name for name in wanted if name != "count"} <= found, f"{locale}: {string!r} lacks a value"


def test_plural_forms_follow_each_language() -> None:
    i18n = create_i18n("kk")
    forms = [i18n.gettext("The nearest center:", "The {count} nearest centers:", n, locale="ru") for n in (1, 2, 5)]
    assert forms == ["Ближайший центр:", "{count} ближайших центра:", "{count} ближайших центров:"]
    assert i18n.gettext("The nearest center:", "The {count} nearest centers:", 3, locale="kk") == (
        "Ең жақын {count} орталық:"
    )


def test_catalogs_compile(tmp_path: Path) -> None:
    compile_catalogs()
    for locale in ("kk", "ru"):
        assert (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.mo").exists()


def test_numbers_and_dates_follow_the_locale() -> None:
    assert format_km(2.345, "ru") == "2,3"
    assert format_km(1234.5, "kk") == "1\xa0234"
    moment = datetime(2026, 3, 1, 4, 30, tzinfo=UTC)
    zone = load_zone("Asia/Almaty")
    assert format_moment(moment, zone, "ru") == "1 марта 2026, 09:30"
    assert format_moment(moment, zone, "kk") == "1 наурыз 2026, 09:30"


def test_almaty_is_utc_plus_five() -> None:
    offset = datetime(2026, 1, 15, tzinfo=load_zone("Asia/Almaty")).utcoffset()
    assert offset is not None and offset.total_seconds() == 5 * 3600


def test_supported_locale() -> None:
    assert supported_locale("ru-RU") == "ru"
    assert supported_locale("kk") == "kk"
    assert supported_locale("en") is None
    assert supported_locale(None) is None
