"""Matching a typed place name (Kazakh, Russian or Latin spelling, small typos) to a point on the map."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from bot.directory.regions import REGIONS

# Cyrillic (Kazakh and Russian letters) and the Latin variants people type, folded into one rough
# Latin skeleton: "Шымкент", "Shymkent" and "Chimkent" come close; ы/и/й/y and q/k end up the same.
_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n",
    "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f",
    "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
_LATIN = {
    "ä": "a", "ö": "o", "ü": "u", "ū": "u", "ı": "i", "ğ": "g", "ñ": "n", "ş": "sh", "ç": "ch", "q": "k",
    "j": "zh", "w": "u", "x": "h", "y": "i",
}  # fmt: skip

# Words that say what kind of place it is; they are dropped before matching and remembered.
_REGION_WORDS = {"облысы", "облыс", "область", "обл", "region", "oblast", "oblysy"}
_PLACE_WORDS = {
    "қаласы", "қала", "город", "гор", "г", "city", "ауданы", "аудан", "район", "р-н", "district", "audany",
    "ауылы", "ауыл", "село", "с", "поселок", "посёлок", "пос", "кенті", "village",
}  # fmt: skip

MIN_SCORE = 0.78


def skeleton(text: str) -> str:
    """A spelling-independent key: lowercase, transliterated, letters only."""
    lowered = text.lower().replace("ё", "е")
    out = []
    for char in lowered:
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char in _LATIN:
            out.append(_LATIN[char])
        elif char.isascii() and char.isalnum():
            out.append(char)
    return "".join(out).replace("kh", "h")


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,.;:()]+", text.lower()) if word]


def split_kind(text: str) -> tuple[str, bool]:
    """The name without words like 'облысы' or 'город', and whether a region word was among them."""
    words = _words(text)
    is_region = any(word in _REGION_WORDS for word in words)
    kept = [word for word in words if word not in _REGION_WORDS and word not in _PLACE_WORDS]
    return " ".join(kept), is_region


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    region: str
    latitude: float
    longitude: float
    names: tuple[str, ...]  # the Kazakh name, the Russian name, then other spellings
    is_region: bool = False

    def label(self, locale: str) -> str:
        return self.names[0] if locale == "kk" else self.names[1]


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    place: Place
    score: float


def _place(key: str, region: str, lat: float, lon: float, *names: str) -> Place:
    return Place(key, region, lat, lon, names)


# Administrative centers, former names and Latin spellings. Centers' own localities are added from the
# database at search time, so an imported registry is searchable without touching this list.
GAZETTEER: tuple[Place, ...] = (
    _place("astana", "astana", 51.169, 71.449, "Астана", "Астана", "Astana", "Нур-Султан", "Nur-Sultan"),
    _place("almaty", "almaty", 43.239, 76.890, "Алматы", "Алматы", "Almaty", "Алма-Ата", "Alma-Ata"),
    _place("shymkent", "shymkent", 42.342, 69.590, "Шымкент", "Шымкент", "Shymkent", "Чимкент", "Chimkent"),
    _place("kokshetau", "akmola", 53.283, 69.383, "Көкшетау", "Кокшетау", "Kokshetau", "Кокчетав"),
    _place("aktobe", "aktobe", 50.284, 57.167, "Ақтөбе", "Актобе", "Aktobe", "Aqtobe", "Актюбинск"),
    _place("konaev", "almaty-region", 43.867, 77.067, "Қонаев", "Конаев", "Konaev", "Kunaev", "Капчагай"),
    _place("atyrau", "atyrau", 47.117, 51.883, "Атырау", "Атырау", "Atyrau", "Гурьев"),
    _place("oskemen", "east-kz", 49.948, 82.628, "Өскемен", "Усть-Каменогорск", "Oskemen", "Ust-Kamenogorsk"),
    _place("taraz", "jambyl", 42.900, 71.367, "Тараз", "Тараз", "Taraz", "Джамбул", "Аулие-Ата"),
    _place("taldykorgan", "jetisu", 45.016, 78.374, "Талдықорған", "Талдыкорган", "Taldykorgan"),
    _place("oral", "west-kz", 51.233, 51.367, "Орал", "Уральск", "Oral", "Uralsk"),
    _place("karaganda", "karaganda", 49.805, 73.109, "Қарағанды", "Караганда", "Karaganda", "Karagandy"),
    _place("kostanay", "kostanay", 53.214, 63.625, "Қостанай", "Костанай", "Kostanay", "Кустанай", "Kustanai"),
    _place("kyzylorda", "kyzylorda", 44.853, 65.509, "Қызылорда", "Кызылорда", "Kyzylorda", "Qyzylorda"),
    _place("aktau", "mangystau", 43.650, 51.167, "Ақтау", "Актау", "Aktau", "Aqtau"),
    _place("pavlodar", "pavlodar", 52.283, 76.967, "Павлодар", "Павлодар", "Pavlodar"),
    _place("petropavl", "north-kz", 54.867, 69.150, "Петропавл", "Петропавловск", "Petropavl", "Petropavlovsk"),
    _place("turkistan", "turkistan", 43.300, 68.250, "Түркістан", "Туркестан", "Turkistan", "Turkestan"),
    _place("semey", "abai", 50.411, 80.228, "Семей", "Семей", "Semey", "Семипалатинск", "Semipalatinsk"),
    _place("zhezkazgan", "ulytau", 47.783, 67.700, "Жезқазған", "Жезказган", "Zhezkazgan", "Jezkazgan"),
    _place("kaskelen", "almaty-region", 43.200, 76.620, "Қаскелең", "Каскелен", "Kaskelen", "Қарасай", "Карасай"),
    _place("talgar", "almaty-region", 43.303, 77.240, "Талғар", "Талгар", "Talgar"),
    _place("esik", "almaty-region", 43.356, 77.453, "Есік", "Есик", "Esik", "Issyk", "Еңбекшіқазақ"),
    _place("otegen-batyr", "almaty-region", 43.418, 77.022, "Өтеген батыр", "Отеген батыр", "Іле", "Илийский"),
    _place("uzynagash", "almaty-region", 43.222, 76.300, "Ұзынағаш", "Узынагаш", "Uzynagash"),
    _place("narynkol", "almaty-region", 42.722, 80.170, "Нарынқол", "Нарынкол", "Narynkol", "Райымбек"),
)

# Region names, also in their adjective forms ("Акмолинская"), match only as regions.
REGION_PLACES: tuple[Place, ...] = tuple(
    Place(
        key=f"region:{region.slug}",
        region=region.slug,
        latitude=region.latitude,
        longitude=region.longitude,
        names=(region.name_kk, region.name_ru, region.slug.replace("-", " ")),
        is_region=True,
    )
    for region in REGIONS
    if not region.is_city
)


def _score(query: str, name: str) -> float:
    if not query or not name:
        return 0.0
    if query == name:
        return 1.0
    # "Шымк", typed before the word was finished, is still Shymkent.
    typed_start = 0.85 + 0.1 * len(query) / len(name) if len(query) >= 4 and name.startswith(query) else 0.0
    matcher = SequenceMatcher(None, query, name)
    # The quick upper bounds rule most names out before the full comparison; below MIN_SCORE no score counts.
    if max(matcher.real_quick_ratio(), typed_start) < MIN_SCORE or max(matcher.quick_ratio(), typed_start) < MIN_SCORE:
        return 0.0
    return max(matcher.ratio(), typed_start)


@lru_cache(maxsize=8192)
def _alias_key(alias: str) -> str:
    return skeleton(split_kind(alias)[0])


def match_places(text: str, extra: Iterable[Place] = (), limit: int = 3) -> list[PlaceMatch]:
    """Best matches first; a region is preferred only when the text names a region ('облысы', 'область')."""
    name, says_region = split_kind(text)
    query = skeleton(name)
    if len(query) < 3:
        return []
    best: dict[str, PlaceMatch] = {}
    for place in (*GAZETTEER, *extra, *REGION_PLACES):
        score = max(_score(query, _alias_key(alias)) for alias in place.names)
        if place.is_region != says_region:
            score -= 0.02  # on a tie, the kind of place the person named wins
        if score >= MIN_SCORE and (place.key not in best or best[place.key].score < score):
            best[place.key] = PlaceMatch(place, score)
    ranked = sorted(best.values(), key=lambda match: match.score, reverse=True)
    return ranked[:limit]
