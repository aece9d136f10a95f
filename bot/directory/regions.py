"""The 17 regions and 3 cities of republican significance, with their administrative centers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    slug: str
    name_kk: str
    name_ru: str
    is_city: bool
    # Administrative center: where a search "in this region" measures distance from.
    latitude: float
    longitude: float

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru


REGIONS: tuple[Region, ...] = (
    Region("astana", "Астана қаласы", "город Астана", True, 51.169, 71.449),
    Region("almaty", "Алматы қаласы", "город Алматы", True, 43.239, 76.890),
    Region("shymkent", "Шымкент қаласы", "город Шымкент", True, 42.342, 69.590),
    Region("abai", "Абай облысы", "Абайская область", False, 50.411, 80.228),
    Region("akmola", "Ақмола облысы", "Акмолинская область", False, 53.283, 69.383),
    Region("aktobe", "Ақтөбе облысы", "Актюбинская область", False, 50.284, 57.167),
    Region("almaty-region", "Алматы облысы", "Алматинская область", False, 43.867, 77.067),
    Region("atyrau", "Атырау облысы", "Атырауская область", False, 47.117, 51.883),
    Region("east-kz", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", False, 49.948, 82.628),
    Region("jambyl", "Жамбыл облысы", "Жамбылская область", False, 42.900, 71.367),
    Region("jetisu", "Жетісу облысы", "Область Жетісу", False, 45.016, 78.374),
    Region("west-kz", "Батыс Қазақстан облысы", "Западно-Казахстанская область", False, 51.233, 51.367),
    Region("karaganda", "Қарағанды облысы", "Карагандинская область", False, 49.805, 73.109),
    Region("kostanay", "Қостанай облысы", "Костанайская область", False, 53.214, 63.625),
    Region("kyzylorda", "Қызылорда облысы", "Кызылординская область", False, 44.853, 65.509),
    Region("mangystau", "Маңғыстау облысы", "Мангистауская область", False, 43.650, 51.167),
    Region("pavlodar", "Павлодар облысы", "Павлодарская область", False, 52.283, 76.967),
    Region("north-kz", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", False, 54.867, 69.150),
    Region("turkistan", "Түркістан облысы", "Туркестанская область", False, 43.300, 68.250),
    Region("ulytau", "Ұлытау облысы", "Область Ұлытау", False, 47.783, 67.700),
)

REGIONS_BY_SLUG: dict[str, Region] = {region.slug: region for region in REGIONS}


def regions_for_display(locale: str) -> list[Region]:
    """Cities of republican significance first, then the regions in the alphabet of the locale."""
    cities = [region for region in REGIONS if region.is_city]
    others = sorted((region for region in REGIONS if not region.is_city), key=lambda r: r.name(locale))
    return cities + others
