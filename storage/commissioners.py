"""The regional commissioners for children's rights, one office per region; the shipped list is a SAMPLE."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.programmes.models import Commissioner
from bot.programmes.rules import parse_commissioners_csv
from storage.database import Database, Row

SAMPLE_COMMISSIONERS_CSV = Path(__file__).resolve().parent.parent / "bot" / "sample" / "commissioners.csv"
COLUMNS = "region, name_kk, name_ru, phone, is_sample"


@dataclass(frozen=True, slots=True)
class CommissionerImport:
    added: int
    updated: int


class CommissionerRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def of_region(self, region: str) -> Commissioner | None:
        row = await self._db.fetch_one(f"SELECT {COLUMNS} FROM commissioners WHERE region = ?", (region,))
        return _commissioner(row) if row else None

    async def all(self) -> list[Commissioner]:
        return [_commissioner(row) for row in await self._db.fetch_all(f"SELECT {COLUMNS} FROM commissioners")]

    async def upsert_many(self, commissioners: list[Commissioner]) -> CommissionerImport:
        """All or nothing: one transaction for the whole file; regions not in it keep what they had."""
        now = self._db.clock.now_iso()
        async with self._db.transaction():
            known = {str(row[0]) for row in await self._db.fetch_all("SELECT region FROM commissioners")}
            for item in commissioners:
                await self._db.execute(
                    "INSERT INTO commissioners (region, name_kk, name_ru, phone, is_sample, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (region) DO UPDATE SET name_kk = excluded.name_kk, "
                    "name_ru = excluded.name_ru, phone = excluded.phone, is_sample = excluded.is_sample, "
                    "updated_at = excluded.updated_at",
                    (item.region, item.name_kk, item.name_ru, item.phone, int(item.is_sample), now),
                )
        updated = sum(1 for item in commissioners if item.region in known)
        return CommissionerImport(added=len(commissioners) - updated, updated=updated)

    async def load_sample_if_empty(self) -> int:
        """An empty table gets the SAMPLE offices (fictional phones), as the crisis centers do; the count loaded.
        One transaction: two instances starting at once on a new database do not both load them."""
        parsed = parse_commissioners_csv(SAMPLE_COMMISSIONERS_CSV.read_text(encoding="utf-8"))
        if parsed.errors:
            raise RuntimeError(f"the sample commissioners are invalid: {parsed.errors[0]}")
        async with self._db.transaction():
            if await self._db.fetch_value("SELECT count(*) FROM commissioners", default=0):
                return 0
            await self.upsert_many(parsed.commissioners)
        return len(parsed.commissioners)


def _commissioner(row: Row) -> Commissioner:
    return Commissioner(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]))
