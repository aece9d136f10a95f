"""Distance, place-name matching, regions and the center CSV format, called directly."""

from __future__ import annotations

import pytest

from bot.directory.geo import distance_km, in_kazakhstan, nearest
from bot.directory.models import SAMPLE_CSV, centers_to_csv, parse_centers_csv
from bot.directory.places import match_places, skeleton
from bot.directory.regions import REGIONS, regions_for_display


def test_distance_between_astana_and_almaty() -> None:
    assert distance_km(51.169, 71.449, 43.239, 76.890) == pytest.approx(970, abs=10)
    assert distance_km(43.0, 76.0, 43.0, 76.0) == 0


def test_nearest_sorts_and_limits() -> None:
    class Point:
        def __init__(self, name: str, latitude: float, longitude: float) -> None:
            self.name, self.latitude, self.longitude = name, latitude, longitude

    points = [Point("far", 43.2, 76.9), Point("near", 51.1, 71.4), Point("middle", 49.8, 73.1)]
    assert [p.name for p, _ in nearest(points, 51.17, 71.45, limit=2)] == ["near", "middle"]


def test_kazakhstan_bounds() -> None:
    assert in_kazakhstan(51.169, 71.449)
    assert not in_kazakhstan(55.75, 37.62)  # Moscow


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Шымкент", "shymkent"),
        ("Shymkent", "shymkent"),
        ("шымкнт", "shymkent"),
        ("ШЫМКЕНТ", "shymkent"),
        ("Чимкент", "shymkent"),
        ("Усть-Каменогорск", "oskemen"),
        ("Ust-Kamenogorsk", "oskemen"),
        ("Өскемен", "oskemen"),
        ("Oral", "oral"),
        ("Уральск", "oral"),
        ("Semipalatinsk", "semey"),
        ("Семей", "semey"),
        ("Нур-Султан", "astana"),
        ("г. Астана", "astana"),
        ("Qyzylorda", "kyzylorda"),
        ("Жезказган", "zhezkazgan"),
        ("Jezkazgan", "zhezkazgan"),
        ("Алматы", "almaty"),
        ("Алматы облысы", "region:almaty-region"),
        ("Алматинская область", "region:almaty-region"),
        ("Акмолинская", "region:akmola"),
        ("Шымк", "shymkent"),
    ],
)
def test_place_names_in_many_spellings(typed: str, expected: str) -> None:
    matches = match_places(typed)
    assert matches and matches[0].place.key == expected


@pytest.mark.parametrize("typed", ["", "ab", "Москва", "qwertyuiop", "12345"])
def test_unknown_places_do_not_match(typed: str) -> None:
    assert match_places(typed) == []


def test_skeleton_folds_alphabets() -> None:
    assert skeleton("Қызылорда") == skeleton("Kyzylorda") == skeleton("Qyzylorda")
    assert skeleton("Жетісу") == skeleton("Jetisu") == skeleton("Zhetisu")


def test_regions_are_the_seventeen_and_three_cities() -> None:
    assert len(REGIONS) == 20
    assert sum(region.is_city for region in REGIONS) == 3
    kk = regions_for_display("kk")
    assert [region.slug for region in kk[:3]] == ["astana", "almaty", "shymkent"]
    assert kk[3].name("kk") == "Абай облысы"


def test_sample_directory_covers_every_region_and_is_marked() -> None:
    parsed = parse_centers_csv(SAMPLE_CSV.read_text(encoding="utf-8"))
    assert parsed.errors == []
    assert {center.region for center in parsed.centers} == {region.slug for region in REGIONS}
    assert all(center.is_sample for center in parsed.centers)


HEADER = "id,region,locality_kk,locality_ru,name_kk,name_ru,address_kk,address_ru,hours_kk,hours_ru,phones,"
HEADER += "latitude,longitude,services,sample\n"
GOOD = "x-1,astana,Астана,Астана,А,А,А,А,А,А,+7 (7172) 00-00-01,51.1,71.4,psychological,0\n"


def test_csv_errors_name_line_and_column() -> None:
    bad = (
        HEADER
        + GOOD
        + "Bad Id,mars,Астана,Астана,А,А,А,А,А,А,12345,abc,71.4,magic,0\n"
        + "x-3,astana,,Астана,А,А,А,А,А,А,+7 (7172) 00-00-01,51.1,71.4,legal,0\n"
        + GOOD.replace("51.1,71.4", "10.0,10.0")
        + GOOD
    )
    errors = parse_centers_csv(bad).errors
    assert "line 3: id: 'Bad Id' must be 2-48 characters of a-z, 0-9 and '-'" in errors
    assert any(e.startswith("line 3: region: unknown 'mars'") for e in errors)
    assert "line 3: latitude: 'abc' is not a number" in errors
    assert "line 3: phones: '12345' is not a +7 number" in errors
    assert any(e.startswith("line 3: services: unknown magic") for e in errors)
    assert "line 4: locality_kk: empty" in errors
    assert any(e.startswith("line 5: latitude/longitude") for e in errors)
    assert "line 6: id: 'x-1' already appears on line 2" in errors


def test_csv_missing_columns_and_empty_file() -> None:
    assert parse_centers_csv("id,region\n").errors[0].startswith("line 1: missing columns:")
    assert parse_centers_csv(HEADER).errors == ["the file has no centers"]


def test_csv_round_trip() -> None:
    parsed = parse_centers_csv(SAMPLE_CSV.read_text(encoding="utf-8"))
    again = parse_centers_csv(centers_to_csv(parsed.centers))
    assert again.errors == [] and again.centers == parsed.centers
