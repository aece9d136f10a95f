"""The rules of editing a center's card (bot/center_card/rules.py): the week's hours to and from the registry's
line and the card's text, times and breaks, holidays typed in a forgiving form, the notice's validity, phones."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.center_card import rules
from bot.center_card.models import CardError, field_values
from bot.directory.models import Center, centers_to_csv, parse_centers_csv
from bot.directory.schedule import parse_schedule

ZONE = ZoneInfo("Asia/Almaty")
TODAY = date(2026, 11, 25)
SAMPLE = "mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-14:00"


def code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(CardError) as caught:
        call()
    return caught.value.code


@pytest.mark.parametrize(
    "line",
    [SAMPLE, "fri 22:00-02:00", "daily 00:00-24:00", "mon 08:00-12:00; wed 08:00-12:00", "sun 10:00-14:00"],
)
def test_a_week_goes_to_the_line_and_back_unchanged(line: str) -> None:
    week = rules.week_of(line)
    assert rules.schedule_of(week) == line
    assert parse_schedule(rules.schedule_of(week)) == parse_schedule(line)


def test_the_cards_text_in_both_languages() -> None:
    week = rules.week_of(SAMPLE)
    assert rules.describe(week, "ru") == "Пн–Пт 09:00–18:00, обед 13:00–14:00; Сб 10:00–14:00"
    assert rules.describe(week, "kk") == "Дс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00; Сб 10:00–14:00"
    assert rules.describe(rules.week_of("daily 09:00-21:00"), "kk") == "Күн сайын 09:00–21:00"
    assert rules.describe(rules.week_of("fri 22:00-02:00"), "ru") == "Пт 22:00–02:00"


def test_setting_days() -> None:
    week = rules.week_of(SAMPLE)
    closed = rules.set_days(week, 5, None)
    assert rules.schedule_of(closed) == "mon-fri 09:00-18:00 break 13:00-14:00"
    weekdays = rules.set_days(week, rules.WEEKDAYS, rules.day_hours(8 * 60, 17 * 60))
    assert rules.schedule_of(weekdays) == "mon-fri 08:00-17:00; sat 10:00-14:00"
    assert week == rules.week_of(SAMPLE)  # the week given is not changed
    assert code(lambda: rules.set_days(week, 8, None)) == "bad_day"


@pytest.mark.parametrize(("typed", "minutes"), [("9", 540), ("9:30", 570), ("09.30", 570), ("0930", 570),
                                               ("24:00", 1440), ("0:00", 0), (" 18:00 ", 1080)])  # fmt: skip
def test_times_typed_in_a_forgiving_form(typed: str, minutes: int) -> None:
    assert rules.parse_time(typed) == minutes


@pytest.mark.parametrize("typed", ["25:00", "24:30", "9:75", "nine", "", "12:00:00", "-1"])
def test_impossible_times_are_refused(typed: str) -> None:
    assert code(lambda: rules.parse_time(typed)) == "bad_time"


def test_a_day_and_its_break() -> None:
    assert rules.day_hours(540, 1080, (780, 840)) == [540, 1080, 780, 840]
    assert rules.day_hours(22 * 60, 2 * 60) == [1320, 1560]  # past midnight
    assert rules.day_hours(0, 1440) == [0, 1440]
    assert code(lambda: rules.day_hours(540, 540)) == "same_time"
    assert code(lambda: rules.day_hours(540, 1080, (420, 480))) == "break_outside"
    assert code(lambda: rules.day_hours(540, 1080, (1020, 1140))) == "break_outside"
    assert code(lambda: rules.day_hours(540, 1080, (840, 780))) == "break_outside"
    assert code(lambda: rules.day_hours(1440, 600)) == "bad_time"
    assert rules.parse_span("13:00 - 14:00") == (780, 840)
    assert code(lambda: rules.parse_span("lunch")) == "bad_span"


def test_a_typed_line_and_a_week_with_nothing_open() -> None:
    assert rules.schedule_of(rules.parse_line("MON-FRI 09:00-18:00")) == "mon-fri 09:00-18:00"
    assert code(lambda: rules.parse_line("every day")) == "bad_line"
    assert code(lambda: rules.parse_line("mon 09:00-18:00 break 19:00-20:00")) == "bad_line"
    assert code(lambda: rules.check_week([None] * 7)) == "no_hours"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("16.12", [date(2026, 12, 16)]),
        ("16.12.2026", [date(2026, 12, 16)]),
        ("2026-12-16", [date(2026, 12, 16)]),
        ("16/12/26", [date(2026, 12, 16)]),
        ("1.1", [date(2027, 1, 1)]),  # no year: the next one to come
        ("25.11", [date(2026, 11, 25)]),  # today counts
        ("17.12, 16.12;16.12", [date(2026, 12, 16), date(2026, 12, 17)]),
    ],
)
def test_holidays_typed_in_a_forgiving_form(typed: str, found: list[date]) -> None:
    assert rules.parse_dates(typed, TODAY) == found


def test_wrong_past_and_far_dates_are_refused() -> None:
    assert code(lambda: rules.parse_dates("31.02", TODAY)) == "bad_date"
    assert code(lambda: rules.parse_dates("tomorrow", TODAY)) == "bad_date"
    assert code(lambda: rules.parse_dates("", TODAY)) == "bad_date"
    assert code(lambda: rules.parse_dates("24.11.2026", TODAY)) == "past_date"
    assert code(lambda: rules.parse_dates("2030-01-01", TODAY)) == "far_date"


def test_holiday_lists() -> None:
    text = rules.add_holidays("2026-12-17;2026-12-16", [date(2026, 12, 1), date(2026, 12, 16)], TODAY)
    assert text == "2026-12-01;2026-12-16;2026-12-17"
    assert rules.remove_holiday(text, date(2026, 12, 16)) == "2026-12-01;2026-12-17"
    assert rules.upcoming_holidays("2026-01-01;2026-12-01", TODAY) == [date(2026, 12, 1)]


def test_a_notice_is_shown_while_valid() -> None:
    end = rules.notice_end("today", TODAY, ZONE)
    assert end == "2026-11-25T19:00:00+00:00"  # local midnight, UTC+5
    assert rules.notice_valid("Closed", end, datetime(2026, 11, 25, 23, 59, tzinfo=ZONE))
    assert not rules.notice_valid("Closed", end, datetime(2026, 11, 26, 0, 0, tzinfo=ZONE))
    assert rules.last_day(end, ZONE) == TODAY
    until = rules.notice_end("date", TODAY, ZONE, date(2026, 12, 1))
    assert rules.last_day(until, ZONE) == date(2026, 12, 1)
    assert rules.notice_end("forever", TODAY, ZONE) == ""
    assert rules.notice_valid("Closed", "", datetime(2030, 1, 1, tzinfo=UTC))
    assert not rules.notice_valid("", "", datetime(2030, 1, 1, tzinfo=UTC))
    assert code(lambda: rules.notice_end("date", TODAY, ZONE, date(2026, 11, 1))) == "past_date"
    assert rules.check_notice("  Closed   today ") == "Closed today"
    assert code(lambda: rules.check_notice("   ")) == "notice_length"
    assert code(lambda: rules.check_notice("x" * 301)) == "notice_length"


def test_the_card_shows_a_notice_only_while_valid() -> None:
    center = Center("c", "astana", "", "", "", "", "", "", "", "", ("+7 701 123 45 67",), 51.0, 71.0, (),
                    notice="Closed today", notice_until=rules.notice_end("today", TODAY, ZONE))  # fmt: skip
    assert center.current_notice(datetime(2026, 11, 25, 12, tzinfo=ZONE)) == "Closed today"
    assert center.current_notice(datetime(2026, 11, 26, 0, 1, tzinfo=ZONE)) is None
    assert field_values(center, "phones") == {"phones": ["+7 701 123 45 67"]}


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("87011234567", "+7 701 123 45 67"),
        ("+7 (701) 123-45-67", "+7 701 123 45 67"),
        ("8 7172 12 34 56", "+7 7172 12 34 56"),
        ("+7 727 250 00 00", "+7 7272 50 00 00"),
        ("+7 (7172) 00-00-01", "+7 7172 00 00 01"),
    ],
)
def test_any_valid_kazakh_number_is_normalised(typed: str, normal: str) -> None:
    assert rules.normalize_center_phone(typed) == normal


@pytest.mark.parametrize("typed", ["12345", "+7 495 123 45 67", "+1 202 555 0100", "call me", "8 701 123 45 67 89"])
def test_other_numbers_are_refused(typed: str) -> None:
    assert rules.normalize_center_phone(typed) is None


def test_phone_lists_keep_one_and_no_twins() -> None:
    phones = rules.add_phone(["+7 7172 00 00 01"], "8 701 123 45 67")
    assert phones == ["+7 7172 00 00 01", "+7 701 123 45 67"]
    assert code(lambda: rules.add_phone(phones, "+77011234567")) == "phone_twice"
    assert code(lambda: rules.add_phone(phones, "oops")) == "bad_phone"
    full = [f"+7 701 123 45 6{n}" for n in range(5)]
    assert code(lambda: rules.add_phone(full, "+7 702 123 45 67")) == "too_many_phones"
    assert rules.remove_phone(phones, 0) == ["+7 701 123 45 67"]
    assert code(lambda: rules.remove_phone(["+7 701 123 45 67"], 0)) == "last_phone"
    assert code(lambda: rules.remove_phone(phones, 5)) == "gone"


def test_address_and_services() -> None:
    assert rules.check_address("  ул.  Абая,  52 ") == "ул. Абая, 52"
    assert code(lambda: rules.check_address("ab")) == "address_length"
    assert code(lambda: rules.check_address("x" * 201)) == "address_length"
    assert rules.toggle_service(["legal", "psychological"], "social") == ["psychological", "legal", "social"]
    assert rules.toggle_service(["legal", "social"], "legal") == ["social"]
    assert code(lambda: rules.toggle_service(["legal"], "legal")) == "last_service"
    assert code(lambda: rules.toggle_service(["legal"], "cooking")) == "gone"


@pytest.mark.parametrize("typed", ["=1+1", '=HYPERLINK("http://x","y")', "+7 cmd", "-2 этаж", "@SUM(A1)", "  =A1"])
def test_an_address_a_spreadsheet_would_run_is_refused(typed: str) -> None:
    with pytest.raises(CardError) as caught:
        rules.check_address(typed)
    assert (caught.value.code, caught.value.value) == ("address_start", typed.strip()[0])
    assert rules.check_address("ул. Абая, 52 - 3") == "ул. Абая, 52 - 3"  # inside the address they are fine


def test_refused_input_is_echoed_at_most_40_characters() -> None:
    for call in (
        lambda: rules.parse_dates("x" * 4096, TODAY),
        lambda: rules.parse_dates("01.12 " + "y" * 4000, TODAY),
        lambda: rules.parse_time("9" * 4096),
        lambda: rules.parse_span("a" * 4096),
        lambda: rules.parse_line("z" * 4096),
    ):
        with pytest.raises(CardError) as caught:
            call()
        assert len(caught.value.value) <= rules.ECHO_MAX
    with pytest.raises(CardError) as caught:
        rules.parse_dates("31.02", TODAY)
    assert caught.value.value == "31.02"


def test_a_card_holds_at_most_holidays_max_upcoming_holidays() -> None:
    days = [date(2027, 1, 1) + timedelta(days=n) for n in range(rules.HOLIDAYS_MAX + 1)]
    typed = ", ".join(day.strftime("%d.%m.%Y") for day in days)
    assert code(lambda: rules.parse_dates(typed, TODAY)) == "too_many_holidays"
    assert rules.parse_dates(", ".join(day.isoformat() for day in days[:-1]), TODAY) == days[:-1]
    full = rules.add_holidays("2020-01-01;2021-01-01", days[:-1], TODAY)  # past holidays do not count
    assert len(rules.upcoming_holidays(full, TODAY)) == rules.HOLIDAYS_MAX
    assert code(lambda: rules.add_holidays(full, [days[-1]], TODAY)) == "too_many_holidays"
    assert rules.add_holidays(full, [days[0]], TODAY) == full  # one already there adds nothing


def test_the_centers_csv_runs_no_formula_and_reads_back_unchanged() -> None:
    center = Center(
        slug="astana-test", region="astana", locality_kk="=Астана", locality_ru="@Астана",
        name_kk='=HYPERLINK("http://evil.example","x")', name_ru="+Центр", address_kk="-1+2",
        address_ru="=cmd|' /C calc'!A0", hours_kk="\t=1", hours_ru="09:00-18:00",
        phones=("+7 7172 12 34 56", "+7 701 123 45 67"), latitude=51.1, longitude=71.4, services=("legal",),
        schedule="mon-fri 09:00-18:00", holidays="2026-12-16",
    )  # fmt: skip
    text = centers_to_csv([center])
    row = next(csv.DictReader(io.StringIO(text)))
    for column, value in row.items():
        if column == "phones":
            assert value == "+7 7172 12 34 56; +7 701 123 45 67"  # as libphonenumber wrote them: importable
        else:
            assert not value.startswith(("=", "+", "-", "@", "\t")), column
    assert row["name_kk"] == "'" + center.name_kk and row["locality_ru"] == "'@Астана"
    parsed = parse_centers_csv(text)
    assert parsed.errors == []
    assert parsed.centers == [replace(center, hours_kk="=1")]  # the import trims cells, as always
    # A phones cell that is not +7 numbers only is neutralised too (and refused by the import).
    odd = centers_to_csv([replace(center, phones=("+7 701 123 45 67", "=1+1"))])
    assert next(csv.DictReader(io.StringIO(odd)))["phones"].startswith("'")
    # A value that already starts with an apostrophe before a formula character comes back as it was.
    for address in ("'=x", "''=x", "'-1", "'plain"):
        again = parse_centers_csv(centers_to_csv([replace(center, address_kk=address)]))
        assert again.errors == [] and again.centers[0].address_kk == address, address
