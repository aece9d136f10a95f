"""The articles as files: one JSON file per article in a folder (bot/faq/articles, or FAQ_DIR), loaded and
checked (`faq check`), exported to and imported from one CSV for a center's methodologist (`faq import/export`).

The bot loads the folder once, when it starts; a file that does not pass the check is left out, and the
log names it (never a person's words). The same check refuses it in `faq check` and `faq import`.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.faq.matching import Found, Matcher
from bot.faq.models import CSV_COLUMNS, TOPICS, Article
from bot.faq.rules import article_to_dict, article_to_row, check_together, missing_columns, parse_article, row_to_raw
from bot.settings import Settings

ARTICLES_DIR = Path(__file__).resolve().with_name("articles")

log = logging.getLogger(__name__)


def articles_dir(settings: Settings) -> Path:
    """Where the articles are: FAQ_DIR when set (a folder outside the package, e.g. on a volume), else the
    folder shipped with the bot."""
    return settings.faq_dir or ARTICLES_DIR


class Library:
    """Every article, by its short id and by topic, and the search over them."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = sorted(articles, key=lambda article: (TOPICS.index(article.topic), article.slug))
        self._by_key = {article.key: article for article in self.articles}
        self._by_slug = {article.slug: article for article in self.articles}
        self._matcher = Matcher(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def by_key(self, key: str) -> Article | None:
        return self._by_key.get(key)

    def by_slug(self, slug: str) -> Article | None:
        return self._by_slug.get(slug)

    def in_topic(self, topic: str) -> list[Article]:
        return [article for article in self.articles if article.topic == topic]

    def topics(self) -> list[str]:
        """The topics that have articles, in their order."""
        present = {article.topic for article in self.articles}
        return [topic for topic in TOPICS if topic in present]

    def search(self, text: str, limit: int = 3) -> list[Found]:
        return self._matcher.find(text, limit)


@dataclass
class Loaded:
    library: Library
    problems: dict[str, list[str]] = field(default_factory=dict)  # file name -> what is wrong with it
    files: int = 0


def load_folder(folder: Path, today: date | None = None) -> Loaded:
    """Every `*.json` in the folder, checked; what fails is reported and left out."""
    today = today or date.today()
    articles, problems = [], {}
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for path in paths:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems[path.name] = [f"cannot be read as JSON: {error}"]
            continue
        article, errors = parse_article(raw, today, expected_slug=path.stem)
        if article is None:
            problems[path.name] = errors
        else:
            articles.append(article)
    together = check_together(articles)
    if together:
        problems["(all files)"] = together
    return Loaded(Library(articles), problems, len(paths))


@functools.lru_cache(maxsize=4)
def served_library(folder: Path) -> Library:
    """The articles the bot serves from `folder`, loaded once per process (a file that fails the check is left
    out, with a warning naming it)."""
    loaded = load_folder(folder)
    for name, errors in loaded.problems.items():
        log.warning("faq: %s left out: %s", name, "; ".join(errors))
    log.info("faq: %d article(s) loaded", len(loaded.library))
    return loaded.library


# ---- CSV, for a center's methodologist ----


def export_csv(articles: list[Article]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for article in articles:
        writer.writerow(article_to_row(article))
    return out.getvalue()


@dataclass
class Parsed:
    articles: list[Article]
    errors: list[str]


def parse_csv(text: str, today: date | None = None) -> Parsed:
    """Every row checked, each error naming its row as a spreadsheet numbers it (the header is row 1; a body
    may span several lines of the file) and its slug."""
    today = today or date.today()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = missing_columns(list(reader.fieldnames or []))
    if missing:
        return Parsed([], [f"line 1: missing columns: {', '.join(missing)}"])
    articles, errors = [], []
    for number, row in enumerate(reader, start=2):
        extra = row.get(None)  # type: ignore[call-overload]
        article, problems = parse_article(row_to_raw(row), today)
        name = (row.get("slug") or "").strip() or "?"
        if extra:
            problems = ["more cells than columns", *problems]
        errors += [f"row {number} ({name}): {problem}" for problem in problems]
        if article is not None:
            articles.append(article)
    errors += check_together(articles)
    if not articles and not errors:
        errors.append("no rows")
    return Parsed(articles, errors)


def write_articles(folder: Path, articles: list[Article]) -> None:
    """Each article to `<slug>.json`: all are written to temporary files first, then put in place."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for article in articles:
            handle, temporary = tempfile.mkstemp(prefix=f".{article.slug}.", suffix=".tmp", dir=folder)
            staged.append((Path(temporary), folder / f"{article.slug}.json"))
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(article_to_dict(article), out, ensure_ascii=False, indent=2)
                out.write("\n")
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
