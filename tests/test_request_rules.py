"""The rules of help requests, called directly: statuses, rights, danger signals, numbers and phones."""

from __future__ import annotations

import pytest

from bot.services.requests import (
    RuleError,
    check_transition,
    is_urgent,
    may_act,
    normalize_phone,
    parse_request_number,
    request_number,
    signals_danger,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("87011234567", "+7 701 123 45 67"),
        ("+7 (701) 123-45-67", "+7 701 123 45 67"),
        ("7011234567", "+7 701 123 45 67"),
        ("+77771234567", "+7 777 123 45 67"),
        ("+7 7172 00 00 01", None),  # a landline is not a mobile number
        ("12345", None),
        ("", None),
    ],
)
def test_phone_numbers_are_validated_and_normalised(typed: str, expected: str | None) -> None:
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize("text", ["Муж бьёт меня", "он угрожает убить", "Әкем мені ұрады", "өлтіремін деді", "суицид"])
def test_danger_words_in_both_languages(text: str) -> None:
    assert signals_danger(text)


def test_ordinary_text_is_not_urgent() -> None:
    assert not signals_danger("Хотим записаться на консультацию психолога")
    assert is_urgent("violence", "Хочу посоветоваться")
    assert not is_urgent("legal", "Вопрос об алиментах")


def test_status_transitions() -> None:
    check_transition("new", "in_progress")
    check_transition("in_progress", "resolved")
    with pytest.raises(RuleError) as raised:
        check_transition("in_progress", "in_progress")
    assert raised.value.code == "transition"
    with pytest.raises(RuleError) as raised:
        check_transition("resolved", "in_progress")
    assert raised.value.code == "closed"


def test_only_staff_of_the_center_and_admins_may_act() -> None:
    assert may_act(10, request_center_id=3, staff_centers={3}, admin_ids=())
    assert not may_act(10, request_center_id=3, staff_centers={4}, admin_ids=())
    assert may_act(99, request_center_id=3, staff_centers=set(), admin_ids=(99,))


def test_request_numbers() -> None:
    assert request_number(123) == "R-000123"
    assert parse_request_number("R-000123") == 123
    assert parse_request_number("р-12") == 12
    assert parse_request_number("hello") is None
