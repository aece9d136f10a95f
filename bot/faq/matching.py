"""Finding the articles a typed question is about: Kazakh, Russian or Latin spelling, word endings and small
typos, with the place names' own folding (bot.directory.places.skeleton), so «ажырасу», «ajyrasu» and «ажрасу»
meet, and «развода», «razvod» and «разввод» too.

Each word of the question is compared with each article's keywords: the same word, the same stem with another
ending, or one or two letters off. A keyword counts in full; a word of a keyword phrase, alone, counts a little
more than half (a phrase found whole counts the most); a word of the title adds a little. Generic words (husband,
parents, child, psychologist...) weigh less and never make a match alone: they only add to a telling one, so «муж»
alone is no quarrel and «муж бьёт» is no quarrel either. Greetings and politeness («Добрый день», «сәлеметсіз бе»,
«пожалуйста») count only inside a keyword phrase found whole. An article is found when what matched adds up to at
least one good keyword, half of it telling; articles far behind the best one are left out. Place names are left
out of the question: a place is found by the center search, never taken for an article's keyword.
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
TELLING = FOUND / 2  # what of it must come from other than generic words
PART_WEIGHT = 0.6  # one word of a keyword phrase, found alone
TITLE_WEIGHT = 0.3  # a word of the title
GENERIC_WEIGHT = 0.4  # a generic word counts this much of what it would
PHRASE_BONUS = 0.5  # per word of a keyword phrase found whole, beyond the first (stop words add none)
RUNNER_UP = 0.5  # an article scoring less than this share of the best one is left out
NEAR_CACHE = 20_000  # words close to the articles' own, remembered with what they match
# Letters, with a hyphen or an apostrophe inside a word: «ата-ана», and «b'et», «sem'ya», where a Latin spelling
# writes the soft sign (or a Kazakh Latin letter) with one. The folding drops both.
_WORD = re.compile(r"[^\W\d_]+(?:[-'’`´][^\W\d_]+)*", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order (letters only; words with a hyphen or an apostrophe stay one)."""
    found = []
    for word in _WORD.findall(text.lower()):
        folded = skeleton(word)
        if folded:
            found.append(folded)
    return found


# Words too common to say what a question is about, and greetings and politeness (kk, ru, Latin): they count
# only as words of a keyword phrase found whole, never alone, as a phrase's part or as a word of a title.
STOP_WORDS = frozenset(
    word
    for text in (
        "как что где когда почему зачем можно нужно надо нужна нужен нужны мне меня мой моя мои наш наша если или "
        "для при после это этот очень есть нет какие какой получить сделать помощь помогите помочь подскажите "
        "скажите вопрос центр семья семьи семье семейный делать хочу могу может",
        "здравствуйте здраствуйте здрасте здравствуй привет приветствую добрый доброе доброй добрых день дня вечер "
        "вечера утро утра пожалуйста пожалуста пжлст спасибо заранее извините",
        "қалай қайда қашан неге керек маған менің біз біздің үшін бар жоқ қандай алу көмек көмектесіңіз "
        "көмектесіңізші көмектесші көмектесе сұрақ орталық отбасы отбасылық деген және немесе болады",
        "сәлем сәлеметсіз сәлеметсізбе салем салеметсиз ассалаумағалейкум ассалаумалейкум қайырлы күн таң кеш "
        "өтінемін өтінем рахмет рақмет айтыңызшы",
        "salem salemetsiz salemetsizbe assalaumagaleikum zdravstvuite zdravstvuyte privet dobryi dobryy dobrii den "
        "pozhaluista pozhaluysta pomogite rahmet rakhmet hello",
    )
    for word in words_of(text)
)
# Generic words, folded (with up to three more letters of an ending): an article's keyword word that is one weighs
# GENERIC_WEIGHT of what it would; an article is never found by them alone.
GENERIC_STEMS = frozenset(
    words_of(
        "муж жён супруг родител родители ата-ана әке-шеше күйеу күйеуім әйел әйелім жұбай жұбайым психолог "
        "консультац konsultac кеңес ребён дети детей бала балалар"
    )
)


def is_generic(word: str) -> bool:
    """A folded word that is a generic word, or one with an ending of at most three letters («мужа», «ата-анасы»)."""
    return any(word.startswith(stem) and len(word) - len(stem) <= 3 for stem in GENERIC_STEMS)


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
    # A stem: at least four letters in common from the start, at most two more letters left in the shorter, and
    # five in common or at most three more in the longer («добрый» is no «добрачный»).
    if common >= 4 and common >= shorter - 2 and (common >= 5 or max(len(typed), len(keyword)) - common <= 3):
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
    weights: dict[str, float]  # a keyword of one word (1) or a telling word of a phrase (PART_WEIGHT), folded
    phrases: tuple[tuple[str, ...], ...]  # keywords of several words, each word folded
    title_words: dict[str, float]  # the telling words of the titles (TITLE_WEIGHT)
    generic: frozenset[str]  # those of the words above that are generic: they weigh less, and never find alone


def _index(article: Article) -> _Index:
    singles, phrases = set(), []
    for keyword in article.all_keywords():
        words = tuple(word for word in words_of(keyword) if len(word) >= 3)
        if len(words) == 1:
            singles.add(words[0])
        elif words:
            phrases.append(words)
    parts = {word for phrase in phrases for word in phrase if len(word) >= 4}
    titles = {word for locale in LOCALES for word in words_of(article.text(locale).title) if len(word) >= 5}
    generic = frozenset(word for word in singles | parts | titles if is_generic(word))

    def weigh(words: set[str], weight: float) -> dict[str, float]:
        return {w: weight * (GENERIC_WEIGHT if w in generic else 1.0) for w in words if w not in STOP_WORDS}

    weights = weigh(parts, PART_WEIGHT) | weigh(singles, 1.0)  # a word both alone and in a phrase counts in full
    return _Index(weights, tuple(dict.fromkeys(phrases)), weigh(titles, TITLE_WEIGHT), generic)


Near = dict[str, dict[str, float]]  # a typed word -> the articles' words it matches, with how well


def _best(near: dict[str, float], weights: dict[str, float], generic: frozenset[str]) -> tuple[float, float]:
    """The best a typed word scores against these words, and the best against those of them that are not generic."""
    best = telling = 0.0
    for word, value in near.items():
        weight = weights.get(word)
        if weight is not None:
            best = max(best, value * weight)
            if word not in generic:
                telling = max(telling, value * weight)
    return best, telling


def score(index: _Index, typed: list[str], near: Near) -> float:
    """How much of the question the article covers; 0 when that is less than one good keyword, or when less than
    half of one comes from other than generic words."""
    total = telling = 0.0
    for word in typed:
        if word in STOP_WORDS:
            continue  # a greeting or a word like «как» counts only in a phrase found whole
        for weights in (index.weights, index.title_words):
            best, best_telling = _best(near[word], weights, index.generic)
            total += best
            telling += best_telling
    for phrase in index.phrases:
        if all(any(part in near[word] for word in typed) for part in phrase):
            points = 1.0 + PHRASE_BONUS * max(0, sum(part not in STOP_WORDS for part in phrase) - 1)
            total += points
            telling += points
    return total if total >= FOUND and telling >= TELLING else 0.0


class Matcher:
    """The articles with their keywords folded once; each word of a question is compared with every word the
    articles know once, not once per article."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._indexed = [(article, _index(article)) for article in articles]
        vocabulary = {
            word
            for _, index in self._indexed
            for word in (*index.weights, *index.title_words, *(w for p in index.phrases for w in p))
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
        # Far behind the best, an article matched only a word or two of a question about something else.
        return [item for item in found if item.score >= RUNNER_UP * found[0].score][:limit]
