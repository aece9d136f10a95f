"""The programme cards (complete in both languages, no number the sources do not give), the commissioners file's
rules, the child's-rights block, and the commissioners' storage on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.i18n import create_i18n
from bot.directory.regions import REGIONS_BY_SLUG
from bot.programmes import views
from bot.programmes.content import PROGRAMMES, load_programmes
from bot.programmes.keyboards import ProgrammeCb, ProgrammeGoCb, ProgrammesCb
from bot.programmes.models import Commissioner, Programme
from bot.programmes.rules import CHILD_CATEGORIES, is_child_situation, parse_commissioners_csv
from bot.requests.rules import CATEGORIES
from storage.commissioners import SAMPLE_COMMISSIONERS_CSV, CommissionerRepository
from storage.database import Database

# Every programme in the sources the project keeps (../shared/domain.md and the seeds), with its one action.
EXPECTED = {
    "academy": "academy",
    "premarital": "premarital",
    "mediation": "request_conflict",
    "workplace": "request_other",
    "contest": "request_other",
    "saulyq": "request_other",
    "line111": "emergency",
    "psychology": "find_center",
}
# The numbers the sources give; a card may name no other.
SOURCED_NUMBERS = {"33", "1,1", "2025", "2026", "300", "2024", "37,5", "20", "111", "109", "150"}
HEADER = "region,name_kk,name_ru,phone,sample\n"
ASTANA = "astana,Астана қаласы бойынша уәкіл,Уполномоченный по городу Астане,+7 (7172) 11-22-33,0\n"


@pytest.fixture
def i18n() -> Iterator[object]:
    i18n = create_i18n("kk")
    with i18n.context():
        yield i18n


def test_every_programme_of_the_sources_has_its_card_and_action() -> None:
    assert {programme.code: programme.action for programme in PROGRAMMES} == EXPECTED


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda programme: programme.code)
def test_a_card_is_whole_in_both_languages_and_names_only_sourced_numbers(programme: Programme) -> None:
    for locale in ("kk", "ru"):
        for text in (programme.name(locale), programme.what(locale), programme.who(locale)):
            assert text.strip() and "<" not in text
            numbers = set(re.findall(r"\d+(?:,\d+)?", text))
            assert numbers <= SOURCED_NUMBERS, f"{programme.code}/{locale}: {numbers - SOURCED_NUMBERS}"
    assert programme.what_kk != programme.what_ru and programme.who_kk != programme.who_ru
    assert re.search("[әғқңөұүһі]", programme.what_kk + programme.who_kk), "Kazakh text in Kazakh letters"


def test_the_line_111_card_says_children_write() -> None:
    card = next(programme for programme in PROGRAMMES if programme.code == "line111")
    assert "109" in card.what_ru and "пишут" in card.what_ru and "жазуды" in card.what_kk
    assert "150" in card.what_ru and "150" in card.what_kk


def test_a_broken_cards_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "programmes.json"
    path.write_text(
        '[{"code": "x", "emoji": "🙂", "name_kk": "А", "name_ru": "А", "what_kk": "", "what_ru": "Б", '
        '"who_kk": "В", "who_ru": "В", "action": "academy"}]',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="empty"):
        load_programmes(path)


def test_callback_data_fits_telegram() -> None:
    for programme in PROGRAMMES:
        for data in (ProgrammeCb(code=programme.code), ProgrammeGoCb(code=programme.code), ProgrammesCb()):
            assert len(data.pack().encode()) <= 64


def test_a_childs_situation_is_the_child_topic() -> None:
    assert CHILD_CATEGORIES.issubset(CATEGORIES)
    assert is_child_situation("child")
    assert not any(is_child_situation(code) for code in ("violence", "conflict", "other", None))


# ---- the commissioners file ----


def test_the_sample_covers_every_region_with_fictional_phones() -> None:
    parsed = parse_commissioners_csv(SAMPLE_COMMISSIONERS_CSV.read_text(encoding="utf-8"))
    assert parsed.errors == []
    assert {item.region for item in parsed.commissioners} == set(REGIONS_BY_SLUG)
    assert all(item.is_sample and re.search(r"0?0-77-\d\d$", item.phone) for item in parsed.commissioners)
    assert all("Бала құқықтары жөніндегі уәкіл" in item.name_kk for item in parsed.commissioners)
    assert all("Уполномоченный по правам ребёнка" in item.name_ru for item in parsed.commissioners)


def test_a_real_row_without_the_sample_column_is_not_sample() -> None:
    parsed = parse_commissioners_csv("region,name_kk,name_ru,phone\n" + ASTANA.rsplit(",", 1)[0] + "\n")
    assert parsed.errors == []
    assert parsed.commissioners == [
        Commissioner("astana", "Астана қаласы бойынша уәкіл", "Уполномоченный по городу Астане", "+7 (7172) 11-22-33",
                     False)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("region,name_kk,phone\nastana,А,+7 (7172) 11-22-33\n", ["line 1: missing columns: name_ru"]),
        (HEADER, ["the file has no commissioners"]),
        (
            HEADER + ASTANA + "narnia,Н,Н,+7 (7172) 11-22-34,0\n" + ASTANA + "almaty,,А,8 727 000,maybe\n",
            [
                "line 3: region: unknown 'narnia' (one of " + ", ".join(REGIONS_BY_SLUG) + ")",
                "line 4: region: 'astana' already appears on line 2",
                "line 5: name_kk: empty",
                "line 5: phone: '8 727 000' is not a +7 number",
                "line 5: sample: 'maybe' must be 1 or 0",
            ],
        ),
    ],
    ids=["missing-column", "no-rows", "bad-rows"],
)
def test_a_bad_file_names_each_line_and_column(text: str, errors: list[str]) -> None:
    assert parse_commissioners_csv(text).errors == errors


# ---- the child's-rights block ----


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "ru",
            [
                "🧒 <b>Куда обратиться по вопросу ребёнка</b>",
                "⚖️ Уполномоченный по правам ребёнка в вашем регионе: Уполномоченный &lt;Абай&gt;, +7 (7222) 00-77-04",
                "⚠️ <i>Пример данных: это не настоящий телефон уполномоченного.</i>",
                "📞 111: контакт-центр по вопросам семьи, прав женщин и детей; можно позвонить или написать.",
                "📞 150: бесплатный круглосуточный телефон доверия для детей и молодёжи.",
                "Если ребёнку угрожает опасность прямо сейчас, звоните 112.",
            ],
        ),
        (
            "kk",
            [
                "🧒 <b>Бала мәселесі бойынша қайда жүгінуге болады</b>",
                "⚖️ Өңіріңіздегі бала құқықтары жөніндегі уәкіл: Уәкіл &lt;Абай&gt;, +7 (7222) 00-77-04",
                "⚠️ <i>Үлгі деректер: уәкіл кеңсесінің нақты телефоны емес.</i>",
                "📞 111: отбасы, әйелдер мен балалар құқықтары жөніндегі байланыс орталығы; қоңырау шалуға да, "
                "жазуға да болады.",
                "📞 150: балалар мен жастарға арналған тәулік бойы тегін сенім телефоны.",
                "Балаға дәл қазір қауіп төніп тұрса, 112-ге қоңырау шалыңыз.",
            ],
        ),
    ],
)
def test_the_block_names_the_commissioner_with_111_and_150(i18n, locale: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    office = Commissioner("abai", "Уәкіл <Абай>", "Уполномоченный <Абай>", "+7 (7222) 00-77-04", True)
    with i18n.use_locale(locale):
        assert views.child_rights_block(office, locale).split("\n") == expected


def test_without_a_known_commissioner_the_block_still_gives_111_and_150(i18n) -> None:  # type: ignore[no-untyped-def]
    with i18n.use_locale("ru"):
        block = views.child_rights_block(None, "ru")
        real = views.child_rights_block(Commissioner("abai", "У", "У", "+7 (7222) 12-34-56", False), "ru")
    assert "⚖️ В каждом регионе работает уполномоченный по правам ребёнка." in block
    assert "📞 111:" in block and "📞 150:" in block and "112" in block
    assert "Пример данных" not in real


# ---- storage, on SQLite and PostgreSQL ----


async def test_the_sample_is_loaded_once_and_an_import_updates_by_region(db: Database) -> None:
    repository = CommissionerRepository(db)
    assert await repository.of_region("astana") is None
    assert await repository.load_sample_if_empty() == 20
    assert await repository.load_sample_if_empty() == 0
    sample = await repository.of_region("karaganda")
    assert sample is not None and sample.is_sample and sample.phone == "+7 (7212) 00-77-13"

    parsed = parse_commissioners_csv(HEADER + ASTANA)
    summary = await repository.upsert_many(parsed.commissioners)
    assert (summary.added, summary.updated) == (0, 1)
    astana = await repository.of_region("astana")
    assert astana == parsed.commissioners[0] and not astana.is_sample
    assert len(await repository.all()) == 20
