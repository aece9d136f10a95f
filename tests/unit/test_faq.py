"""Questions and answers without Telegram: matching a typed question (kk, ru, Latin, typos) while place names still
find centers, the articles' rules (`faq check`), the CSV both ways (`faq import/export`, all or nothing), and the
answers' counts on SQLite and PostgreSQL.

The articles here are the tests' own (written to temporary folders), not the ones shipped in bot/faq/articles.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli import faq_command
from bot.directory.places import match_places
from bot.faq.desk import FaqDesk
from bot.faq.library import ARTICLES_DIR, Library, export_csv, load_folder, parse_csv
from bot.faq.matching import STOP_WORDS, is_generic, is_place, similarity, words_of
from bot.faq.models import CSV_COLUMNS, TOPICS, Article, article_key
from bot.faq.rules import BODY_MAX, article_to_dict, parse_article
from bot.settings import load_settings
from storage.database import Database

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 30)
ALMATY = ZoneInfo("Asia/Almaty")


def faq_cli(**args: object) -> int:
    """`python -m bot faq ...` as the CLI runs it, with the settings of the environment (FAQ_DIR)."""
    return faq_command(argparse.Namespace(**args), load_settings(_env_file=None))


def _body(*paragraphs: str) -> str:
    """Plain text of the length an article has: the paragraphs, then a list, repeated up to about 700 characters."""
    parts: list[str] = []
    while len("\n\n".join(parts)) < 700:
        parts += [*paragraphs, "• " + paragraphs[0][:60]]
    return "\n\n".join(parts)


def article_data(slug: str, topic: str, keywords: dict[str, list[str]], kk: str, ru: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "topic": topic,
        "keywords": keywords,
        "source": {
            "kk": "ҚР Неке (ерлі-зайыптылық) және отбасы туралы кодексі",
            "ru": "Кодекс РК «О браке (супружестве) и семье»",
            "url": "https://adilet.zan.kz/rus/docs/K1100000518",
        },
        "checked": "2026-11-25",
        "reviewed_by": None,
        "kk": {"title": kk, "body": _body(f"{kk}: орталық маманы тегін кеңес береді.", "Құжаттарыңызды ала келіңіз.")},
        "ru": {
            "title": ru,
            "body": _body(f"{ru}: специалист центра проконсультирует бесплатно.", "Возьмите документы."),
        },
    }


DIVORCE = article_data(
    "divorce-and-mediation",
    "divorce",
    {
        "kk": ["ажырасу", "медиация", "татуласу"],
        "ru": ["развод", "медиация", "расторжение брака", "примирение"],
        "latin": ["razvod", "ajyrasu", "mediatsiya"],
    },
    "Ажырасу және медиация",
    "Развод и медиация",
)
BENEFITS = article_data(
    "child-care-benefit",
    "benefits",
    {
        "kk": ["жәрдемақы", "бала күтімі", "әлеуметтік көмек"],
        "ru": ["пособие", "выплата", "пособие по уходу за ребенком"],
        "latin": ["posobie", "jardemaqy"],
    },
    "Бала күтімі бойынша жәрдемақы",
    "Пособие по уходу за ребенком",
)
TEENAGERS = article_data(
    "talking-with-teenagers",
    "children",
    {
        "kk": ["жасөспірім", "бала тәрбиесі"],
        "ru": ["подросток", "воспитание", "ребенок не слушается"],
        "latin": ["podrostok", "jasospirim"],
    },
    "Жасөспіріммен қалай сөйлесу керек",
    "Как говорить с подростком",
)
FIXTURES = (DIVORCE, BENEFITS, TEENAGERS)


def write_fixtures(folder: Path, articles: tuple[dict[str, Any], ...] = FIXTURES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for data in articles:
        (folder / f"{data['slug']}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def fixture_library(folder: Path) -> Library:
    loaded = load_folder(write_fixtures(folder), TODAY)
    assert loaded.problems == {}
    return loaded.library


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return fixture_library(tmp_path / "articles")


def first(library: Library, text: str) -> str | None:
    found = library.search(text)
    return found[0].article.slug if found else None


def score_of(library: Library, article: Article, text: str) -> float:
    return next((match.score for match in library.search(text, limit=100) if match.article == article), 0.0)


# ---- matching ----


@pytest.mark.parametrize(
    "question",
    [
        "Как оформить развод?",  # ru
        "Хочу развестись, помогите с разводом",  # ru, other forms of the word
        "Ажырасу туралы кеңес керек",  # kk
        "ажырасқым келеді",  # kk, another ending
        "razvod",  # ru in Latin letters
        "ajyrasu kerek",  # kk in Latin letters
        "развот",  # ru with a typo
        "ажрасу туралы",  # kk with a typo
        "Медиация деген не?",
    ],
)
def test_a_question_about_divorce_finds_the_divorce_article(library: Library, question: str) -> None:
    assert first(library, question) == "divorce-and-mediation"


@pytest.mark.parametrize(
    "question",
    [
        "Как получить пособие на ребенка?",
        "пасобие по уходу",
        "Бала күтімі бойынша жәрдемақы қалай алуға болады",
        "jardemaqy",
        "жардемакы",
    ],
)
def test_a_question_about_benefits_finds_the_benefits_article(library: Library, question: str) -> None:
    assert first(library, question) == "child-care-benefit"


def test_a_phrase_keyword_and_word_endings(library: Library) -> None:
    assert first(library, "Мой ребёнок не слушается, что делать?") == "talking-with-teenagers"
    assert first(library, "Не могу найти общий язык с подростком") == "talking-with-teenagers"
    assert first(library, "Жасөспірімдермен қарым-қатынас") == "talking-with-teenagers"


def test_the_best_match_comes_first_and_at_most_three(library: Library) -> None:
    found = library.search("развод, пособие и подросток")
    assert {match.article.slug for match in found} == {
        "divorce-and-mediation",
        "child-care-benefit",
        "talking-with-teenagers",
    }
    assert len(library.search("развод пособие подросток", limit=2)) == 2
    assert library.search("развод и медиация, пособие")[0].article.slug == "divorce-and-mediation"


@pytest.mark.parametrize(
    "text", ["Шымкент", "Shymkent", "Усть-Каменогорск", "Алматинская область", "привет", "Жжжжжж", "как", "12345", ""]
)
def test_place_names_and_small_talk_find_no_article(library: Library, text: str) -> None:
    assert library.search(text) == []


def test_a_place_name_still_finds_its_place_and_no_article(library: Library) -> None:
    for typed, place in (("Шымкент", "shymkent"), ("шымкнт", "shymkent"), ("Oskemen", "oskemen")):
        assert match_places(typed)[0].place.key == place
        assert library.search(typed) == []


def test_place_names_are_left_out_of_a_question_but_words_that_begin_like_one_are_not() -> None:
    assert all(
        is_place(words_of(name)[0]) for name in ("Астане", "Шымкентте", "Оралда", "Караганде", "Усть-Каменогорске")
    )
    assert not any(is_place(words_of(word)[0]) for word in ("семейный", "семье", "шығын", "развод"))


def test_the_shipped_articles_pass_the_check_and_each_is_found_by_its_words() -> None:
    """bot/faq/articles, as the bot serves them: every file valid, and every article found by each of its keywords
    (a generic word alone, such as «муж», finds nothing, but adds to its article's score) and, among the first three,
    by its own title in both languages."""
    loaded = load_folder(ARTICLES_DIR)
    if not loaded.files:
        pytest.skip("no articles shipped yet")
    assert loaded.problems == {}
    library = loaded.library
    assert len(library.topics()) == len(TOPICS)
    for article in library.articles:
        for keyword in article.all_keywords():
            words = [word for word in words_of(keyword) if len(word) >= 3]
            assert words and (len(words) > 1 or words[0] not in STOP_WORDS), (article.slug, keyword)  # never alone
            if len(words) == 1 and is_generic(words[0]):
                assert library.search(keyword) == [], (article.slug, keyword)
                title = article.text("ru").title
                assert score_of(library, article, f"{title} {keyword}") > score_of(library, article, title), keyword
                continue
            assert article in [match.article for match in library.search(keyword, limit=100)], (article.slug, keyword)
        for locale in ("kk", "ru"):
            assert article in [match.article for match in library.search(article.text(locale).title)], article.slug
    assert library.search("Шымкент") == library.search("Астана") == []


def test_word_folding_and_similarity() -> None:
    assert words_of("Ажырасу, RAZVOD! Ёлка") == ["azhirasu", "razvod", "elka"]
    assert similarity("razvod", "razvod") == 1.0
    assert similarity("razvoda", "razvod") >= 0.9  # another ending
    assert similarity("muzh", "mus") == 0.0  # short words must be exact
    assert similarity("brak", "brat") < 0.8
    assert similarity("zhasospirimdermen", "zhasospirim") >= 0.9  # a long Kazakh ending
    assert similarity("muzhik", "muzh") >= 0.9
    # Four letters in common is a stem only when the longer word has at most three more: «добрый» is no «добрачный».
    assert similarity(*words_of("добрый добрачный")) == similarity(*words_of("доброе добрачное")) == 0.0
    assert similarity(*words_of("развестись развод")) == 0.0
    # An apostrophe inside a word (a Latin soft sign) keeps the word whole; the folding drops it.
    assert words_of("muzh b'et, muzhik b’yot, «razvod»") == ["muzh", "bet", "muzhik", "biot", "razvod"]
    assert words_of("муж бьёт") == words_of("muzh b'et") == words_of("muzh bet")


@pytest.fixture(scope="module")
def shipped() -> Library:
    loaded = load_folder(ARTICLES_DIR)
    if not loaded.files:
        pytest.skip("no articles shipped yet")
    return loaded.library


@pytest.mark.parametrize(
    "text",
    [
        "Добрый день",
        "Добрый вечер!",
        "Доброе утро",
        "Здравствуйте",
        "Здравствуйте, пожалуйста, помогите",
        "Сәлеметсіз бе",
        "Сәлеметсіз бе, көмектесіңізші",
        "Қайырлы күн",
        "Өтінемін, көмектесіңіз",
        "Salem",
        "salem, komek kerek",
        "Добрый день, спасибо заранее",
        "Алматы",
        "Добрый день, Алматы",
    ],
)
def test_greetings_politeness_and_place_names_find_no_shipped_article(shipped: Library, text: str) -> None:
    assert shipped.search(text) == []


def test_a_greeting_and_generic_words_do_not_pick_an_unrelated_article(shipped: Library) -> None:
    # «психолог», «консультация» alone are generic: not the article about a partner who refuses counselling.
    assert first(shipped, "Здравствуйте, нужна консультация психолога") in (None, "center-services-free")
    assert first(shipped, "Добрый день, хочу записаться на добрачный курс") == "premarital-sign-up"  # still found


@pytest.mark.parametrize(
    "question",
    ["меня бьют родители", "Родители бьют меня дома", "ата-анам ұрады", "Ата-анам мені ұрады", "roditeli byut"],
)
def test_a_child_beaten_at_home_finds_where_a_child_gets_help(shipped: Library, question: str) -> None:
    assert first(shipped, question) == "child-help-without-parents"
    assert "parents-academy" not in [match.article.slug for match in shipped.search(question)]


@pytest.mark.parametrize(
    "question",
    ["muzh b'et", "muzhik b'yot", "muzh bet", "kuieuim urady", "Күйеуім ұрады", "Муж бьёт, что делать?", "муж бьет"],
)
def test_a_husband_who_hits_finds_what_to_do(shipped: Library, question: str) -> None:
    assert first(shipped, question) == "husband-hits-what-to-do"
    assert "constant-quarrels" not in [match.article.slug for match in shipped.search(question)]


def test_a_generic_word_alone_finds_nothing_but_adds_to_a_telling_one(shipped: Library) -> None:
    assert shipped.search("мужа посадили в тюрьму") == []
    assert shipped.search("муж") == shipped.search("Күйеуім") == shipped.search("психолог") == []
    quarrels = shipped.by_slug("constant-quarrels")
    assert quarrels is not None
    assert first(shipped, "Муж постоянно скандалит") == "constant-quarrels"
    assert score_of(shipped, quarrels, "муж скандалы") > score_of(shipped, quarrels, "скандалы")


@pytest.mark.parametrize(
    "question", ["Как зарегистрировать брак?", "регистрация брака", "zaregistrirovat brak", "Неке тіркеу үшін не керек"]
)
def test_registering_a_marriage_finds_the_documents_article(shipped: Library, question: str) -> None:
    assert first(shipped, question) == "marriage-registration-documents"


@pytest.mark.parametrize(
    ("question", "slugs"),
    [
        ("Мы с мужем постоянно ссоримся", {"constant-quarrels"}),
        ("Күйеуім екеуміз жиі ұрысамыз", {"constant-quarrels"}),
        ("Хочу развестись", {"bakytty-otbasy", "mediation-how-it-works"}),
        ("Нужен психолог для ребёнка", {"center-services-free"}),
    ],
)
def test_verb_forms_the_stricter_stem_rule_no_longer_joins_are_keywords(
    shipped: Library, question: str, slugs: set[str]
) -> None:
    """«ссоримся» is no longer «ссоры» nor «развестись» «развод» (four letters in common, five more in the longer):
    the articles name those forms themselves."""
    assert first(shipped, question) in slugs


def test_articles_far_behind_the_best_are_left_out(library: Library) -> None:
    found = library.search("Развод и медиация: примирение или расторжение брака, пособие")
    assert [match.article.slug for match in found] == ["divorce-and-mediation"]


def test_the_shipped_wording_crisis_center_directly_and_the_kazakh_spelling(shipped: Library) -> None:
    crisis = shipped.by_slug("center-vs-crisis-center")
    assert crisis is not None
    assert "напрямую" in crisis.text("ru").body and "тікелей" in crisis.text("kk").body
    texts = [
        f"{article.text(locale).title} {article.text(locale).body}"
        for article in shipped.articles
        for locale in ("kk", "ru")
    ]
    assert not any("Отбасыға қолайлы" in text for text in texts)  # «Отбасына қолайлы»


# ---- the articles' rules ----


def test_a_valid_article_and_its_file_format() -> None:
    article, errors = parse_article(copy.deepcopy(DIVORCE), TODAY, "divorce-and-mediation")
    assert errors == [] and article is not None
    assert article.is_sample and article.key == article_key("divorce-and-mediation") and len(article.key) == 8
    assert article.text("kk").title == "Ажырасу және медиация" and article.source("ru").startswith("Кодекс РК")
    assert article_to_dict(article) == DIVORCE
    reviewed = {**copy.deepcopy(DIVORCE), "reviewed_by": "Әсел Нұрланқызы, «Жанұя»"}
    assert not parse_article(reviewed, TODAY)[0].is_sample  # type: ignore[union-attr]


def broken(**changes: Any) -> list[str]:
    data = copy.deepcopy(DIVORCE)
    for key, value in changes.items():
        if value is None and key in ("kk", "ru", "topic", "source", "checked", "keywords"):
            data.pop(key)
        else:
            data[key] = value
    article, errors = parse_article(data, TODAY, "divorce-and-mediation")
    assert article is None
    return errors


def test_what_the_check_refuses() -> None:
    assert broken(kk=None) == ["kk: missing language (an object with title and body)"]
    assert broken(ru={"title": "Развод", "body": ""}) == ["ru.body: missing or empty"]
    assert broken(ru={"title": "Развод", "body": "Коротко."}) == ["ru.body: 8 characters; it must have 600 to 1800"]
    too_long = "а" * (BODY_MAX + 1)
    assert broken(kk={"title": "Ажырасу", "body": too_long}) == ["kk.body: 1801 characters; it must have 600 to 1800"]
    assert "topic: 'family' is not one of" in broken(topic="family")[0]
    assert broken(checked="25.11.2026") == ["checked: '25.11.2026' is not a date (YYYY-MM-DD)"]
    assert broken(checked="2027-01-01") == ["checked: 2027-01-01 is in the future"]
    assert broken(source={"kk": "Кодекс", "ru": "Кодекс", "url": "adilet.zan.kz"}) == [
        "source.url: 'adilet.zan.kz' is not a link (https://...), or null"
    ]
    assert broken(source={"kk": "", "ru": "Кодекс", "url": None}) == ["source.kk: missing or empty"]
    assert broken(slug="Divorce") == ["slug: 'Divorce' must be a-z, 0-9 and '-', at most 64 characters"]
    assert broken(slug="divorce") == ["slug: 'divorce' differs from the file's name ('divorce-and-mediation.json')"]
    assert broken(reviewd_by="Әсел") == ["unknown field 'reviewd_by'"]
    assert broken(keywords={"kk": ["ажырасу"], "ru": []}) == ["keywords.ru: missing (a list of words or phrases)"]
    assert broken(keywords={"kk": ["ажырасу"], "ru": ["и"]}) == [
        "keywords.ru: 'и' is too short to match anything for sure"
    ]
    html = {"title": "Развод", "body": "<b>Важно</b> " + DIVORCE["ru"]["body"]}
    assert broken(ru=html) == ["ru: plain text only; no HTML tags (bold and links are added by the bot)"]
    link = {"title": "Развод", "body": DIVORCE["ru"]["body"] + " Подробнее: https://"}
    assert broken(ru=link) == ["ru.body: 'https://' is not a valid link"]


def test_the_folder_check_reports_each_file_and_keeps_the_good_ones(tmp_path: Path) -> None:
    folder = write_fixtures(tmp_path)
    without_kk = {key: value for key, value in BENEFITS.items() if key != "kk"}
    (folder / "child-care-benefit.json").write_text(json.dumps(without_kk, ensure_ascii=False), encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    loaded = load_folder(folder, TODAY)
    assert loaded.files == 4 and len(loaded.library) == 2
    assert loaded.problems["child-care-benefit.json"] == ["kk: missing language (an object with title and body)"]
    assert loaded.problems["broken.json"][0].startswith("cannot be read as JSON")
    assert load_folder(tmp_path / "nowhere", TODAY).files == 0


def run_faq(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_", "FAQ"))}
    environment.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{cwd / 'cli.db'}", LOG_LEVEL="WARNING")
    return subprocess.run(
        [sys.executable, "-m", "bot", "faq", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_faq_check_refuses_a_file_with_a_missing_language(tmp_path: Path) -> None:
    folder = write_fixtures(tmp_path / "articles")
    good = run_faq("check", "--dir", str(folder), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert good.stdout == "3 articles in 3 topics: all valid; 3 still SAMPLE (no reviewer's name yet)\n"
    without_ru = {key: value for key, value in TEENAGERS.items() if key != "ru"}
    target = folder / "talking-with-teenagers.json"
    target.write_text(json.dumps(without_ru, ensure_ascii=False), encoding="utf-8")
    refused = run_faq("check", "--dir", str(folder), cwd=tmp_path)
    assert refused.returncode == 1
    assert f"{target}: ru: missing language (an object with title and body)" in refused.stderr
    assert "1 of 3 file(s) have errors" in refused.stderr


def test_faq_check_with_the_folder_from_faq_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_DIR", str(write_fixtures(tmp_path / "elsewhere")))
    assert faq_cli(action="check", dir=None) == 0
    monkeypatch.setenv("FAQ_DIR", str(tmp_path / "empty"))
    assert faq_cli(action="check", dir=None) == 1


# ---- the CSV both ways ----


def test_export_then_import_gives_back_the_same_articles(tmp_path: Path) -> None:
    source = write_fixtures(tmp_path / "source")
    table = tmp_path / "articles.csv"
    assert faq_cli(action="export", file=table, dir=source) == 0
    text = table.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    parsed = parse_csv(text, TODAY)
    assert parsed.errors == []
    assert sorted(article_to_dict(article)["slug"] for article in parsed.articles) == sorted(
        data["slug"] for data in FIXTURES
    )
    assert [article_to_dict(a) for a in parsed.articles] == [
        article_to_dict(a) for a in load_folder(source).library.articles
    ]
    target = tmp_path / "target"
    assert faq_cli(action="import", file=table, dir=target, dry_run=True) == 0
    assert not target.exists()  # a dry run writes nothing
    assert faq_cli(action="import", file=table, dir=target, dry_run=False) == 0
    for data in FIXTURES:
        assert json.loads((target / f"{data['slug']}.json").read_text(encoding="utf-8")) == data


def test_an_import_with_one_bad_row_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = export_csv(fixture_library(tmp_path / "source").articles)
    rows = list(csv_rows(lines))
    rows[1]["body_ru"] = ""  # the second article loses its Russian text
    rows[2]["checked"] = "yesterday"
    table = tmp_path / "edited.csv"
    table.write_text(to_csv(rows), encoding="utf-8")
    target = tmp_path / "target"
    assert faq_cli(action="import", file=table, dir=target, dry_run=False) == 1
    errors = capsys.readouterr().err
    assert f"{table}: row 3 ({rows[1]['slug']}): ru.body: missing or empty" in errors
    assert f"row 4 ({rows[2]['slug']}): checked: 'yesterday' is not a date (YYYY-MM-DD)" in errors
    assert "nothing imported: 2 error(s)" in errors
    assert not target.exists()
    missing = tmp_path / "missing.csv"
    missing.write_text("slug,topic\nx,children\n", encoding="utf-8")
    assert faq_cli(action="import", file=missing, dir=target, dry_run=False) == 1
    assert "line 1: missing columns: keywords_kk" in capsys.readouterr().err


def csv_rows(text: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text)))


def to_csv(rows: list[dict[str, str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# ---- the answers' counts ----


async def test_answers_are_counted_per_article_once_per_person(db: Database, tmp_path: Path) -> None:
    library = fixture_library(tmp_path / "articles")
    desk = FaqDesk(db, library, ALMATY)
    divorce, benefits = library.by_slug("divorce-and-mediation"), library.by_slug("child-care-benefit")
    assert divorce is not None and benefits is not None
    assert await desk.answer(1001, divorce, helped=True)
    assert not await desk.answer(1001, divorce, helped=False)  # the same person again: not counted
    assert await desk.answer(1002, divorce, helped=False)
    assert await desk.answer(1003, divorce, helped=True)
    assert await desk.answer(1001, benefits, helped=False)
    counts = await desk.counts()
    assert [(c.slug, c.helped, c.not_helped) for c in counts] == [
        ("divorce-and-mediation", 2, 1),
        ("child-care-benefit", 0, 1),
    ]
    rows = [tuple(row) for row in await db.fetch_all("SELECT * FROM faq_feedback ORDER BY slug, helped")]
    assert all(1001 not in row and "1001" not in map(str, row) for row in rows)  # counts only, nobody's id
    assert {row[1] for row in rows} == {db.clock.local(ALMATY).date().isoformat()}
