"""The Family Support Center as the bot knows it, and the CSV format of the center registry."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.directory.geo import in_kazakhstan
from bot.directory.regions import REGIONS_BY_SLUG
from bot.directory.schedule import Schedule, parse_schedule

SERVICES = ("psychological", "legal", "social", "parents_academy", "premarital")

CSV_COLUMNS = (
    "id",
    "region",
    "locality_kk",
    "locality_ru",
    "name_kk",
    "name_ru",
    "address_kk",
    "address_ru",
    "hours_kk",
    "hours_ru",
    "phones",
    "latitude",
    "longitude",
    "services",
    "sample",
)

# Optional: structured hours for "open now" (see bot.directory.schedule) and holiday dates.
OPTIONAL_COLUMNS = ("schedule", "holidays")

# Slugs travel in deep links (start=c_<slug>, 64 characters at most) and stay readable on posters.
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")

PHONE_PATTERN = re.compile(r"^\+7[\d ()-]{9,16}$")

SAMPLE_CSV = Path(__file__).resolve().parent.parent / "sample" / "centers.csv"


@dataclass(frozen=True, slots=True)
class Center:
    slug: str
    region: str
    locality_kk: str
    locality_ru: str
    name_kk: str
    name_ru: str
    address_kk: str
    address_ru: str
    hours_kk: str
    hours_ru: str
    phones: tuple[str, ...]
    latitude: float
    longitude: float
    services: tuple[str, ...]
    is_sample: bool = False
    id: int = 0  # database row id; 0 before the center is stored
    locality_id: int = 0
    schedule: str = ""
    holidays: str = ""
    notice: str = ""  # a temporary notice from the staff, shown at the top of the card while valid
    notice_until: str = ""  # when it stops being shown (UTC ISO); "" while it stays until removed

    def current_notice(self, now: datetime) -> str | None:
        """The notice, while it is valid at `now` (an aware moment, any zone)."""
        if not self.notice:
            return None
        if self.notice_until and now >= datetime.fromisoformat(self.notice_until):
            return None
        return self.notice

    def opening(self) -> Schedule | None:
        """The structured hours, when the registry gives them."""
        return parse_schedule(self.schedule, self.holidays) if self.schedule else None

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru

    def address(self, locale: str) -> str:
        return self.address_kk if locale == "kk" else self.address_ru

    def hours(self, locale: str) -> str:
        return self.hours_kk if locale == "kk" else self.hours_ru

    def locality(self, locale: str) -> str:
        return self.locality_kk if locale == "kk" else self.locality_ru


@dataclass
class ParseResult:
    centers: list[Center] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_first(centers: list[Center], now: datetime) -> list[Center]:
    """Centers open at `now` first (in the order given), then the others; for someone who needs help now."""

    def closed(center: Center) -> bool:
        schedule = center.opening()
        return schedule is not None and not schedule.status(now).open

    return sorted(centers, key=closed)


def parse_centers_csv(text: str) -> ParseResult:
    """Validate every row; errors name the line (the header is line 1) and the column."""
    result = ParseResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        result.errors.append(f"line 1: missing columns: {', '.join(missing)}")
        return result
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        errors: list[str] = []
        center = _parse_row(row, errors)
        if center and center.slug in seen:
            errors.append(f"id: '{center.slug}' already appears on line {seen[center.slug]}")
        result.errors.extend(f"line {line}: {error}" for error in errors)
        if center and not errors:
            seen[center.slug] = line
            result.centers.append(center)
    if not result.centers and not result.errors:
        result.errors.append("the file has no centers")
    return result


def _parse_row(row: dict[str, str | None], errors: list[str]) -> Center | None:
    value = {key: _restore_cell((row.get(key) or "").strip()).strip() for key in (*CSV_COLUMNS, *OPTIONAL_COLUMNS)}
    for column in CSV_COLUMNS:
        if column != "sample" and not value[column]:
            errors.append(f"{column}: empty")
    if errors:
        return None
    if not SLUG_PATTERN.match(value["id"]):
        errors.append(f"id: '{value['id']}' must be 2-48 characters of a-z, 0-9 and '-'")
    if value["region"] not in REGIONS_BY_SLUG:
        errors.append(f"region: unknown '{value['region']}' (one of {', '.join(REGIONS_BY_SLUG)})")
    latitude = _parse_float(value["latitude"], "latitude", errors)
    longitude = _parse_float(value["longitude"], "longitude", errors)
    if latitude is not None and longitude is not None and not in_kazakhstan(latitude, longitude):
        errors.append(f"latitude/longitude: {latitude}, {longitude} is outside Kazakhstan")
    phones = _split(value["phones"])
    for phone in phones:
        if not PHONE_PATTERN.match(phone):
            errors.append(f"phones: '{phone}' is not a +7 number")
    services = _split(value["services"])
    unknown = [service for service in services if service not in SERVICES]
    if unknown:
        errors.append(f"services: unknown {', '.join(unknown)} (known: {', '.join(SERVICES)})")
    try:
        parse_schedule(value["schedule"], value["holidays"])
    except ValueError as error:
        errors.append(f"schedule/holidays: {error}")
    sample = value["sample"].lower()
    if sample not in ("", "0", "1", "true", "false", "yes", "no"):
        errors.append(f"sample: '{value['sample']}' must be 1 or 0")
    if errors or latitude is None or longitude is None:
        return None
    return Center(
        slug=value["id"],
        region=value["region"],
        locality_kk=value["locality_kk"],
        locality_ru=value["locality_ru"],
        name_kk=value["name_kk"],
        name_ru=value["name_ru"],
        address_kk=value["address_kk"],
        address_ru=value["address_ru"],
        hours_kk=value["hours_kk"],
        hours_ru=value["hours_ru"],
        phones=tuple(phones),
        latitude=latitude,
        longitude=longitude,
        services=tuple(services),
        is_sample=sample in ("1", "true", "yes"),
        schedule=value["schedule"],
        holidays=value["holidays"],
    )


def _parse_float(raw: str, column: str, errors: list[str]) -> float | None:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        errors.append(f"{column}: '{raw}' is not a number")
        return None


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection): the export
# writes such a cell with a leading apostrophe, which they show as text, and the import takes the apostrophe off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A phones cell of +7 numbers only (digits, spaces, brackets, hyphens) is no formula: it stays as it is, importable.
SAFE_PHONES = re.compile(r"^\+7[\d ()-]*(?:; ?\+7[\d ()-]*)*$")
NOT_TEXT = {"phones", "latitude", "longitude"}  # written by us from checked values, not free text


def neutralise_cell(value: str) -> str:
    """A text cell as written to the CSV: one that a spreadsheet program would run as a formula gets a leading
    apostrophe; so does one that already looks like that (an apostrophe, then a formula character), so that the
    import, taking one apostrophe off, gives back exactly what was written."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def _restore_cell(value: str) -> str:
    """A cell as read from the CSV: the one apostrophe the export put before a formula character is taken off."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START) else value


def centers_to_csv(centers: list[Center]) -> str:
    """The registry as CSV, safe to open in a spreadsheet program (no cell is run as a formula); read back by
    parse_centers_csv unchanged."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = (*CSV_COLUMNS, *OPTIONAL_COLUMNS)
    writer.writerow(columns)
    for center in centers:
        row = _csv_row(center)
        writer.writerow(
            [
                value
                if column in NOT_TEXT and (column != "phones" or SAFE_PHONES.match(value))
                else neutralise_cell(value)
                for column, value in zip(columns, row, strict=True)
            ]
        )
    return buffer.getvalue()


def _csv_row(center: Center) -> list[str]:
    return [
        center.slug,
        center.region,
        center.locality_kk,
        center.locality_ru,
        center.name_kk,
        center.name_ru,
        center.address_kk,
        center.address_ru,
        center.hours_kk,
        center.hours_ru,
        "; ".join(center.phones),
        f"{center.latitude:.6f}".rstrip("0").rstrip("."),
        f"{center.longitude:.6f}".rstrip("0").rstrip("."),
        ";".join(center.services),
        "1" if center.is_sample else "0",
        center.schedule,
        center.holidays,
    ]


@dataclass(frozen=True, slots=True)
class Locality:
    id: int
    region: str
    name_kk: str
    name_ru: str
    latitude: float  # the mean position of its centers
    longitude: float
    center_count: int

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru


@dataclass(frozen=True, slots=True)
class ImportSummary:
    inserted: int
    updated: int


@dataclass(frozen=True, slots=True)
class CrisisCenter:
    region: str
    name_kk: str
    name_ru: str
    phone: str
    is_sample: bool

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru
