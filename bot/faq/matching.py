"""Finding the articles a typed question is about: Kazakh, Russian or Latin spelling, word endings and small
typos, with the place names' own folding (bot.directory.places.skeleton), so «ажырасу», «ajyrasu» and «ажрасу»
meet, and «развода», «razvod» and «разввод» too.

Each word of the question is compared with each article's keywords: the same word, the same stem with another
ending, or one or two letters off. A keyword counts in full; a word of a keyword phrase, alone, counts a little
more than half (a phrase found whole counts the most); a word of the title adds a little. An article is found
when what matched adds up to at least one good keyword. Place names are left out of the question: a place is
found by the center search, never taken for an article's keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.directory.places import GAZETTEER, REGION_PLACES, skeleton
from bot.faq.models import LOCALES, Article

MIN_SIMILAR = 0.8  # a word this close to a keyword's word matches it
FOUND = 0.8  # what an article must add up to
PART_WEIGHT = 0.6  # one word of a keyword phrase, found alone
TITLE_WEIGHT = 0.3  # a word of the title
PHRASE_BONUS = 0.5  # per word of a keyword phrase found whole, beyond the first
NEAR_CACHE = 20_000  # words close to the articles' own, remembered with what they match
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order (letters only; hyphenated words stay one)."""
    found = []
    for word in _WORD.findall(text.lower()):
        folded = skeleton(word)
        if folded:
            found.append(folded)
    return found


# Words too common to say what a question is about (kk, ru): never matched against phrases' parts or titles.
STOP_WORDS = frozenset(
    word
    for text in (
        "как что где когда почему зачем можно нужно надо нужна нужен мне меня мой моя мои наш наша если или для при "
        "после это этот очень есть нет какие какой получить сделать помощь помогите вопрос центр семья семьи семье "
        "семейный делать хочу могу может",
        "қалай қайда қашан неге керек маған менің біз біздің үшін бар жоқ қандай алу көмек көмектесіңіз сұрақ "
        "орталық отбасы отбасылық деген және немесе болады",
    )
    for word in words_of(text)
)
# Place names, folded: a question's word that is one (or one with another ending) is not matched to articles.
PLACE_WORDS = frozenset(
    word for place in (*GAZETTEER, *REGION_PLACES) for name in place.names for word in words_of(name) if len(word) >= 4
)
_PLACES_BY_LETTER: dict[str, list[str]] = {}
for _place in sorted(PLACE_WORDS):
    _PLACES_BY_LETTER.setdefault(_place[0], []).append(_place)


def similarity(typed: str, keyword: str) -> float:
    """How close a typed word is to a keyword's: 1 when equal; high for the same stem with another ending
    («разводом» / «развод», «ажырасқым» / «ажырасу»); the ratio of their letters for a typo."""
    if typed == keyword:
        return 1.0
    shorter = min(len(typed), len(keyword))
    if shorter < 4:
        return 0.0  # short words must be exact: «муж» is not «мус»
    common = 0
    for a, b in zip(typed, keyword, strict=False):
        if a != b:
            break
        common += 1
    # A stem: at least four letters in common from the start, and at most two more letters left in the shorter.
    if common >= 4 and common >= shorter - 2:
        return 0.9 + 0.1 * common / max(len(typed), len(keyword))
    if shorter < 5 or typed[0] != keyword[0] or 2 * shorter / (len(typed) + len(keyword)) < MIN_SIMILAR:
        return 0.0  # too short for a typo to be told apart, a first letter wrong, or too different in length
    matcher = SequenceMatcher(None, typed, keyword)
    return matcher.ratio() if matcher.quick_ratio() >= MIN_SIMILAR else 0.0


def is_place(word: str) -> bool:
    """A place name, or one with a case ending («Астане», «Шымкентте»); not a longer word that begins like one
    («семейный» is no «Семей»)."""
    for place in _PLACES_BY_LETTER.get(word[:1], ()):
        stem = place[:-1] if place[-1] in "aeiou" and len(place) > 4 else place  # Астана -> Астане, Астаналық
        if word == place or (0 <= len(word) - len(place) <= 2 and word.startswith(stem)):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Found:
    article: Article
    score: float


@dataclass(frozen=True, slots=True)
class _Index:
    words: frozenset[str]  # keywords of one word, folded
    phrases: tuple[tuple[str, ...], ...]  # keywords of several words, each word folded
    parts: frozenset[str]  # the telling words of those phrases
    title_words: frozenset[str]


def _index(article: Article) -> _Index:
    singles, phrases = set(), []
    for keyword in article.all_keywords():
        words = tuple(word for word in words_of(keyword) if len(word) >= 3)
        if len(words) == 1:
            singles.add(words[0])
        elif words:
            phrases.append(words)
    parts = {word for phrase in phrases for word in phrase if len(word) >= 4 and word not in STOP_WORDS}
    titles = {
        word
        for locale in LOCALES
        for word in words_of(article.text(locale).title)
        if len(word) >= 5 and word not in STOP_WORDS
    }
    return _Index(frozenset(singles), tuple(dict.fromkeys(phrases)), frozenset(parts), frozenset(titles))


Near = dict[str, dict[str, float]]  # a typed word -> the articles' words it matches, with how well


def _best(near: dict[str, float], candidates: frozenset[str]) -> float:
    return max((value for word, value in near.items() if word in candidates), default=0.0)


def score(index: _Index, typed: list[str], near: Near) -> float:
    """How much of the question the article covers; 0 when that is less than one good keyword."""
    total = 0.0
    for word in typed:
        total += max(_best(near[word], index.words), PART_WEIGHT * _best(near[word], index.parts))
        if word not in STOP_WORDS:
            total += TITLE_WEIGHT * _best(near[word], index.title_words)
    for phrase in index.phrases:
        if all(any(part in near[word] for word in typed) for part in phrase):
            total += 1.0 + PHRASE_BONUS * (len(phrase) - 1)
    return total if total >= FOUND else 0.0


class Matcher:
    """The articles with their keywords folded once; each word of a question is compared with every word the
    articles know once, not once per article."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._indexed = [(article, _index(article)) for article in articles]
        vocabulary = {
            word
            for _, index in self._indexed
            for word in (*index.words, *index.parts, *index.title_words, *(w for p in index.phrases for w in p))
        }
        # Every match begins with the same letter (equal, a common stem, a typo after the first letter).
        self._by_letter: dict[str, list[str]] = {}
        for word in sorted(vocabulary):
            self._by_letter.setdefault(word[0], []).append(word)
        self._near: dict[str, dict[str, float]] = {}  # typed word -> what it matches: people use the same words

    def _matches(self, word: str) -> dict[str, float]:
        found = self._near.get(word)
        if found is None:
            candidates = self._by_letter.get(word[0], [])
            found = {known: value for known in candidates if (value := similarity(word, known)) >= MIN_SIMILAR}
            if found:  # only words close to the articles' own are kept: a name, or anything else typed, is not
                if len(self._near) >= NEAR_CACHE:
                    self._near.pop(next(iter(self._near)))  # the oldest first
                self._near[word] = found
        return found

    def find(self, text: str, limit: int = 3) -> list[Found]:
        """The best matches first (at most `limit`); none for a text that names no keyword."""
        words = dict.fromkeys(word for word in words_of(text[:2000]) if len(word) >= 3)
        typed = [word for word in words if not is_place(word)][:60]
        near: Near = {word: self._matches(word) for word in typed}
        typed = [word for word in typed if near[word]]
        if not typed:
            return []
        found = [Found(article, points) for article, index in self._indexed if (points := score(index, typed, near))]
        found.sort(key=lambda item: (-item.score, item.article.slug))
        return found[:limit]


def find_articles(articles: Iterable[Article], text: str, limit: int = 3) -> list[Found]:
    return Matcher(articles).find(text, limit)
