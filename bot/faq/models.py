"""What an article is: both languages, a topic, keywords, the official source it rests on and when it was checked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

# The order the topics are listed in.
TOPICS = ("children", "conflict", "divorce", "benefits", "violence", "marriage", "documents")
LOCALES = ("kk", "ru")
KEYWORD_KINDS = ("kk", "ru", "latin")

# One row per article in `faq export` / `faq import`; keywords are ';'-separated.
CSV_COLUMNS = (
    "slug", "topic", "keywords_kk", "keywords_ru", "keywords_latin", "source_kk", "source_ru", "source_url",
    "checked", "reviewed_by", "title_kk", "body_kk", "title_ru", "body_ru",
)  # fmt: skip


def article_key(slug: str) -> str:
    """A short, stable id for buttons (callback data holds 64 bytes; a slug may be long): 8 hex digits."""
    return hashlib.sha256(slug.encode()).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class ArticleText:
    title: str
    body: str  # plain text: paragraphs separated by blank lines, list lines start with '• '


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    topic: str
    keywords: dict[str, tuple[str, ...]]  # "kk", "ru", "latin"
    source_kk: str
    source_ru: str
    source_url: str | None
    checked: date
    reviewed_by: str | None
    kk: ArticleText
    ru: ArticleText

    @property
    def key(self) -> str:
        return article_key(self.slug)

    @property
    def is_sample(self) -> bool:
        """A SAMPLE until a center's reviewer has put their name on it."""
        return not self.reviewed_by

    def text(self, locale: str) -> ArticleText:
        return self.kk if locale == "kk" else self.ru

    def source(self, locale: str) -> str:
        return self.source_kk if locale == "kk" else self.source_ru

    def all_keywords(self) -> tuple[str, ...]:
        return tuple(word for kind in KEYWORD_KINDS for word in self.keywords.get(kind, ()))


@dataclass(frozen=True, slots=True)
class FeedbackCount:
    """How many said an article helped, and how many said it did not: counts only, nobody's id."""

    slug: str
    helped: int
    not_helped: int

    @property
    def total(self) -> int:
        return self.helped + self.not_helped
