"""Crisis centers (safe places to stay), one contact per region; the shipped list is a SAMPLE."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.directory.models import CrisisCenter
from storage.database import Database

SAMPLE_CRISIS_CSV = Path(__file__).resolve().parent.parent / "bot" / "sample" / "crisis_centers.csv"


class CrisisRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def of_region(self, region: str) -> CrisisCenter | None:
        row = await self._db.fetch_one(
            "SELECT region, name_kk, name_ru, phone, is_sample FROM crisis_centers WHERE region = ?", (region,)
        )
        return CrisisCenter(row[0], row[1], row[2], row[3], bool(row[4])) if row else None

    async def load_sample_if_empty(self) -> None:
        """One transaction: two instances starting at once on a new database do not both load them."""
        async with self._db.transaction():
            if await self._db.fetch_value("SELECT count(*) FROM crisis_centers"):
                return
            for item in csv.DictReader(io.StringIO(SAMPLE_CRISIS_CSV.read_text(encoding="utf-8"))):
                await self._db.execute(
                    "INSERT INTO crisis_centers (region, name_kk, name_ru, phone, is_sample) VALUES (?, ?, ?, ?, 1)",
                    (item["region"], item["name_kk"], item["name_ru"], item["phone"]),
                )
