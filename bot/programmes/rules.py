"""What must hold: which help-request topics are a child's situation, and what a commissioners file must be."""

from __future__ import annotations

import csv
import io

from bot.directory.models import PHONE_PATTERN
from bot.directory.regions import REGIONS_BY_SLUG
from bot.programmes.models import Commissioner, CommissionerFile

# Help-request topics about a child: the person also sees their region's commissioner for children's rights,
# with 111 and 150.
CHILD_CATEGORIES = frozenset({"child"})
# Topics of questions and answers on a child's safety: their articles end with the same block.
CHILD_TOPICS = frozenset({"children", "violence"})

COMMISSIONER_COLUMNS = ("region", "name_kk", "name_ru", "phone")
OPTIONAL_COLUMNS = ("sample",)  # 1 for fictional contacts; absent or 0 for real ones
TRUE, FALSE = ("1", "true", "yes"), ("", "0", "false", "no")


def is_child_situation(category: str | None) -> bool:
    return category in CHILD_CATEGORIES


def is_child_topic(topic: str) -> bool:
    return topic in CHILD_TOPICS


def parse_commissioners_csv(text: str) -> CommissionerFile:
    """Every row validated; errors name the line (the header is line 1) and the column."""
    result = CommissionerFile([], [])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in COMMISSIONER_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(f"line 1: missing columns: {', '.join(missing)}")
        return result
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        errors: list[str] = []
        value = {key: (row.get(key) or "").strip() for key in (*COMMISSIONER_COLUMNS, *OPTIONAL_COLUMNS)}
        for column in COMMISSIONER_COLUMNS:
            if not value[column]:
                errors.append(f"{column}: empty")
        region = value["region"]
        if region and region not in REGIONS_BY_SLUG:
            errors.append(f"region: unknown '{region}' (one of {', '.join(REGIONS_BY_SLUG)})")
        elif region in seen:
            errors.append(f"region: '{region}' already appears on line {seen[region]}")
        if value["phone"] and not PHONE_PATTERN.match(value["phone"]):
            errors.append(f"phone: '{value['phone']}' is not a +7 number")
        for column in ("name_kk", "name_ru"):
            if len(value[column]) > 200:
                errors.append(f"{column}: longer than 200 characters")
        sample = value["sample"].lower()
        if sample not in TRUE + FALSE:
            errors.append(f"sample: '{value['sample']}' must be 1 or 0")
        if errors:
            result.errors.extend(f"line {line}: {error}" for error in errors)
            continue
        seen[region] = line
        result.commissioners.append(
            Commissioner(region, value["name_kk"], value["name_ru"], value["phone"], sample in TRUE)
        )
    if not result.commissioners and not result.errors:
        result.errors.append("the file has no commissioners")
    return result
