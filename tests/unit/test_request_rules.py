"""The rules of help requests, called directly: statuses, rights, danger signals, numbers and phones."""

from __future__ import annotations

import pytest

from bot.requests.models import RuleError, parse_request_number, request_number
from bot.requests.rules import check_transition, is_urgent, may_act, normalize_phone, signals_danger


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("87011234567", "+7 701 123 45 67"),
        ("+7 (701) 123-45-67", "+7 701 123 45 67"),
        ("7011234567", "+7 701 123 45 67"),
        ("77011234567", "+7 701 123 45 67"),  # as Telegram shares a contact: the country code, no plus
        ("+77771234567", "+7 777 123 45 67"),
        ("8 700 123 45 67", "+7 700 123 45 67"),
        ("+7 702 123 45 67", "+7 702 123 45 67"),
        ("+7 705 123 45 67", "+7 705 123 45 67"),
        ("+7 707 123 45 67", "+7 707 123 45 67"),
        ("+7 708 123 45 67", "+7 708 123 45 67"),
        ("+7 747 987 65 43", "+7 747 987 65 43"),
        ("+7 771 123 45 67", "+7 771 123 45 67"),
        ("+7 775 123 45 67", "+7 775 123 45 67"),
        ("+7 776 123 45 67", "+7 776 123 45 67"),
        ("+7 778 123 45 67", "+7 778 123 45 67"),
        ("+7 785 123 45 67", "+7 785 123 45 67"),  # a mobile range the hand-made list refused
        ("+7 703 123 45 67", None),  # unassigned ranges the hand-made list took for mobile
        ("+7 740 123 45 67", None),
        ("+7 755 123 45 67", None),
        ("+7 765 123 45 67", None),
        ("+7 751 123 45 67", None),  # IP telephony, not a phone the center can call as a mobile
        ("+7 7172 00 00 01", None),  # a landline is not a mobile number
        ("+7 727 987 65 43", None),  # nor is Almaty's
        ("+7 916 123 45 67", None),  # a Russian mobile shares +7 but is not Kazakh
        ("701 CALLME1", None),  # letters are not read as digits
        ("+7 701 123 45 67 доб. 12", None),
        ("+7 701 123 45 678", None),
        ("12345", None),
        ("", None),
    ],
)
def test_phone_numbers_are_validated_and_normalised(typed: str, expected: str | None) -> None:
    assert normalize_phone(typed) == expected


# Inflected forms in both languages: each must mark the request urgent.
DANGER_TEXTS = [
    "Муж бьёт меня", "Они бьют детей", "он угрожает убить", "Сказал, что убьёт", "Убью, говорит", "Отчим избил сына",
    "избивает жену", "грозился задушить", "душит меня", "угрожал ножом", "достал нож", "нет, ножа я не видела",
    "ножевое ранение", "Он ударил меня", "изнасиловал", "хочет покончить с собой", "Не хочу жить",
    "не хочется\nжить", "суицидальные мысли", "НОЖ у него", "Әкем мені ұрады", "Ұрып-соғады", "кеше мені ұрды",
    "өлтіремін деді", "пышақпен қорқытты", "пышағын алып келді", "өмір сүргім келмейді", "Өлгім келеді",
    "үйдегі зорлық-зомбылық", "асылып өлемін", "күйеуім қорлайды", "суицид",
]  # fmt: skip
# A stem inside another word, or a word that only looks like one: ordinary requests, not urgent.
# «ножницы» and «ножка» are decided not to be danger (see DANGER_STEMS); «разобьёт» is a known miss.
ORDINARY_TEXTS = [
    "Хотим записаться на консультацию психолога", "У нас множество вопросов", "как умножить семейный бюджет",
    "Нужны ножницы для школы", "у сына болит ножка", "Помогите убедить мужа пойти к психологу",
    "подножка в автобусе", "избирательный участок", "Вопрос об алиментах", "разобьёт чашку", "ұрпақ тәрбиесі",
    "үйде ұрлық болды", "асыл тастар", "балаға психолог керек",
]  # fmt: skip


@pytest.mark.parametrize("text", DANGER_TEXTS)
def test_danger_words_in_both_languages(text: str) -> None:
    assert signals_danger(text)


@pytest.mark.parametrize("text", ORDINARY_TEXTS)
def test_danger_stems_match_only_where_a_word_starts(text: str) -> None:
    assert not signals_danger(text)


def test_ordinary_text_is_not_urgent() -> None:
    assert not signals_danger("Хотим записаться на консультацию психолога")
    assert is_urgent("violence", "Хочу посоветоваться")
    assert not is_urgent("legal", "Вопрос об алиментах")
    assert not is_urgent("legal", "У меня множество долгов")


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
