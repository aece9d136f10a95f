"""What every article must hold, checked the same way by `faq check`, `faq import` and the bot when it loads them:
both languages, a topic, keywords, the source it rests on, the date it was last checked, and well-formed links."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.directory.places import skeleton
from bot.faq.models import CSV_COLUMNS, KEYWORD_KINDS, LOCALES, TOPICS, Article, ArticleText

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
BODY_MIN, BODY_MAX = 600, 1800  # characters per language
MAX_TITLE = 120
MAX_SOURCE = 400
MAX_KEYWORD = 60
MIN_KEYWORD_LETTERS = 3  # a shorter keyword would match half of what people type
# What the rendered article may take besides its title, body and source (the date, the marks, the emergency line),
# kept well inside Telegram's 4,096 characters.
RENDERED_MAX = 3600
FIELDS = ("slug", "topic", "keywords", "source", "checked", "reviewed_by", "kk", "ru")
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>")  # «x < y и y > z» is no tag
LINK = re.compile(r"(?i)\bhttps?://[^\s<>\"']*")


def is_link(url: str) -> bool:
    """An absolute http(s) address with a host, and nothing a person could not type into a browser."""
    if not url or any(char.isspace() for char in url) or len(url) > 500:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and not host.startswith(".") and not host.endswith(".")


def _text(value: Any, where: str, errors: list[str], limit: int, single_line: bool = True) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where}: missing or empty")
        return ""
    text = value.strip()
    if len(text) > limit:
        errors.append(f"{where}: {len(text)} characters, at most {limit}")
    if single_line and "\n" in text:
        errors.append(f"{where}: must be one line")
    return text


def _keywords(value: Any, errors: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        errors.append("keywords: missing (an object with kk, ru and latin lists)")
        return {}
    for kind in value:
        if kind not in KEYWORD_KINDS:
            errors.append(f"keywords: unknown language '{kind}' (kk, ru, latin)")
    found: dict[str, tuple[str, ...]] = {}
    for kind in KEYWORD_KINDS:
        words = value.get(kind, [] if kind == "latin" else None)
        if not isinstance(words, list) or (kind != "latin" and not words):
            errors.append(f"keywords.{kind}: missing (a list of words or phrases)")
            continue
        kept = []
        for word in words:
            if not isinstance(word, str) or not word.strip():
                errors.append(f"keywords.{kind}: an empty keyword")
            elif len(word.strip()) > MAX_KEYWORD:
                errors.append(f"keywords.{kind}: '{word.strip()[:20]}...' is longer than {MAX_KEYWORD} characters")
            elif len(skeleton(word)) < MIN_KEYWORD_LETTERS:
                errors.append(f"keywords.{kind}: '{word.strip()}' is too short to match anything for sure")
            else:
                kept.append(word.strip())
        found[kind] = tuple(kept)
    return found


def _checked(value: Any, today: date, errors: list[str]) -> date:
    if not isinstance(value, str):
        errors.append("checked: missing (the date the text was last checked, YYYY-MM-DD)")
        return today
    try:
        checked = date.fromisoformat(value.strip())
    except ValueError:
        errors.append(f"checked: '{value}' is not a date (YYYY-MM-DD)")
        return today
    if len(value.strip()) != 10:
        errors.append(f"checked: '{value}' is not written as YYYY-MM-DD")
    if checked > today:
        errors.append(f"checked: {checked.isoformat()} is in the future")
    return checked


def _language(value: Any, locale: str, errors: list[str]) -> ArticleText:
    if not isinstance(value, dict):
        errors.append(f"{locale}: missing language (an object with title and body)")
        return ArticleText("", "")
    for name in value:
        if name not in ("title", "body"):
            errors.append(f"{locale}: unknown field '{name}'")
    title = _text(value.get("title"), f"{locale}.title", errors, MAX_TITLE)
    body = value.get("body")
    if not isinstance(body, str) or not body.strip():
        errors.append(f"{locale}.body: missing or empty")
        return ArticleText(title, "")
    body = body.strip()
    if not BODY_MIN <= len(body) <= BODY_MAX:
        errors.append(f"{locale}.body: {len(body)} characters; it must have {BODY_MIN} to {BODY_MAX}")
    if HTML_TAG.search(body) or HTML_TAG.search(title):
        errors.append(f"{locale}: plain text only; no HTML tags (bold and links are added by the bot)")
    for link in LINK.findall(body):
        if not is_link(link.rstrip(".,;:!?)»")):
            errors.append(f"{locale}.body: '{link}' is not a valid link")
    return ArticleText(title, body)


def parse_article(raw: Any, today: date, expected_slug: str | None = None) -> tuple[Article | None, list[str]]:
    """The article, or None with every problem found (each says where)."""
    if not isinstance(raw, dict):
        return None, ["not an article (a JSON object is expected)"]
    errors: list[str] = []
    errors += [f"unknown field '{name}'" for name in raw if name not in FIELDS]
    slug = raw.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > MAX_SLUG:
        errors.append(f"slug: '{slug}' must be a-z, 0-9 and '-', at most {MAX_SLUG} characters")
        slug = str(slug)
    elif expected_slug is not None and slug != expected_slug:
        errors.append(f"slug: '{slug}' differs from the file's name ('{expected_slug}.json')")
    topic = raw.get("topic")
    if topic not in TOPICS:
        errors.append(f"topic: '{topic}' is not one of {', '.join(TOPICS)}")
    keywords = _keywords(raw.get("keywords"), errors)
    source = raw.get("source")
    source_kk = source_ru = ""
    url = None
    if not isinstance(source, dict):
        errors.append("source: missing (an object with kk, ru and url)")
    else:
        errors += [f"source: unknown field '{name}'" for name in source if name not in ("kk", "ru", "url")]
        source_kk = _text(source.get("kk"), "source.kk", errors, MAX_SOURCE)
        source_ru = _text(source.get("ru"), "source.ru", errors, MAX_SOURCE)
        url = source.get("url")
        if url is not None and not (isinstance(url, str) and is_link(url.strip())):
            errors.append(f"source.url: '{url}' is not a link (https://...), or null")
        url = url.strip() if isinstance(url, str) and url.strip() else None
    checked = _checked(raw.get("checked"), today, errors)
    reviewer = raw.get("reviewed_by")
    if reviewer is not None and (not isinstance(reviewer, str) or not reviewer.strip() or len(reviewer) > 100):
        errors.append("reviewed_by: the reviewer's name (at most 100 characters), or null while it is a SAMPLE")
    reviewer = reviewer.strip() if isinstance(reviewer, str) and reviewer.strip() else None
    texts = {locale: _language(raw.get(locale), locale, errors) for locale in LOCALES}
    for locale in LOCALES:
        text = texts[locale]
        size = len(text.title) + _escaped_length(text.body) + len(source_kk if locale == "kk" else source_ru)
        if size + len(url or "") > RENDERED_MAX:
            errors.append(f"{locale}: the article would not fit in one Telegram message")
    if errors:
        return None, errors
    article = Article(
        slug=slug,
        topic=str(topic),
        keywords=keywords,
        source_kk=source_kk,
        source_ru=source_ru,
        source_url=url,
        checked=checked,
        reviewed_by=reviewer,
        kk=texts["kk"],
        ru=texts["ru"],
    )
    return article, []


def _escaped_length(text: str) -> int:
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def check_together(articles: list[Article]) -> list[str]:
    """What only shows across files: a slug twice, or two slugs with the same short id."""
    errors = []
    seen: dict[str, str] = {}
    slugs: set[str] = set()
    for article in articles:
        if article.slug in slugs:
            errors.append(f"slug '{article.slug}' appears twice")
            continue
        slugs.add(article.slug)
        if article.key in seen:
            errors.append(f"slugs '{seen[article.key]}' and '{article.slug}' share the id {article.key}: rename one")
        seen[article.key] = article.slug
    return errors


def article_to_dict(article: Article) -> dict[str, Any]:
    """The article as its JSON file holds it, fields in the documented order."""
    return {
        "slug": article.slug,
        "topic": article.topic,
        "keywords": {kind: list(article.keywords.get(kind, ())) for kind in KEYWORD_KINDS},
        "source": {"kk": article.source_kk, "ru": article.source_ru, "url": article.source_url},
        "checked": article.checked.isoformat(),
        "reviewed_by": article.reviewed_by,
        "kk": {"title": article.kk.title, "body": article.kk.body},
        "ru": {"title": article.ru.title, "body": article.ru.body},
    }


def article_to_row(article: Article) -> dict[str, str]:
    """One CSV row (`faq export`)."""
    return {
        "slug": article.slug,
        "topic": article.topic,
        **{f"keywords_{kind}": "; ".join(article.keywords.get(kind, ())) for kind in KEYWORD_KINDS},
        "source_kk": article.source_kk,
        "source_ru": article.source_ru,
        "source_url": article.source_url or "",
        "checked": article.checked.isoformat(),
        "reviewed_by": article.reviewed_by or "",
        "title_kk": article.kk.title,
        "body_kk": article.kk.body,
        "title_ru": article.ru.title,
        "body_ru": article.ru.body,
    }


def row_to_raw(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row (`faq import`) as the JSON an article file holds, to be checked by parse_article."""

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def words(name: str) -> list[str]:
        return [word.strip() for word in cell(name).split(";") if word.strip()]

    raw: dict[str, Any] = {
        "slug": cell("slug"),
        "topic": cell("topic"),
        "keywords": {kind: words(f"keywords_{kind}") for kind in KEYWORD_KINDS},
        "source": {"kk": cell("source_kk"), "ru": cell("source_ru"), "url": cell("source_url") or None},
        "checked": cell("checked"),
        "reviewed_by": cell("reviewed_by") or None,
    }
    for locale in LOCALES:
        title, body = cell(f"title_{locale}"), cell(f"body_{locale}")
        raw[locale] = {"title": title, "body": body.replace("\r\n", "\n")} if title or body else None
    return raw


def missing_columns(fieldnames: list[str] | None) -> list[str]:
    return [column for column in CSV_COLUMNS if column not in (fieldnames or [])]
