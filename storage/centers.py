"""The center directory: centers and the localities (city or district) they belong to."""

from __future__ import annotations

import json

from bot.directory.models import Center, ImportSummary, Locality
from storage.database import Database, Row

_CENTER_COLUMNS = (
    "c.id, c.slug, c.region, c.locality_id, l.name_kk AS locality_kk, l.name_ru AS locality_ru, c.name_kk, "
    "c.name_ru, c.address_kk, c.address_ru, c.hours_kk, c.hours_ru, c.phones, c.latitude, c.longitude, "
    "c.services, c.is_sample, c.schedule, c.holidays, c.notice, c.notice_until"
)

_FROM = "FROM centers c JOIN localities l ON l.id = c.locality_id"


def _center(row: Row) -> Center:
    return Center(
        id=row["id"],
        slug=row["slug"],
        region=row["region"],
        locality_id=row["locality_id"],
        locality_kk=row["locality_kk"],
        locality_ru=row["locality_ru"],
        name_kk=row["name_kk"],
        name_ru=row["name_ru"],
        address_kk=row["address_kk"],
        address_ru=row["address_ru"],
        hours_kk=row["hours_kk"],
        hours_ru=row["hours_ru"],
        phones=tuple(json.loads(row["phones"])),
        latitude=row["latitude"],
        longitude=row["longitude"],
        services=tuple(json.loads(row["services"])),
        is_sample=bool(row["is_sample"]),
        schedule=row["schedule"],
        holidays=row["holidays"],
        notice=row["notice"],
        notice_until=row["notice_until"] or "",
    )


class CenterRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    async def count(self) -> int:
        row = await self._db.fetch_one("SELECT count(*) FROM centers")
        return int(row[0]) if row else 0

    async def all(self) -> list[Center]:
        return await self._centers(f"SELECT {_CENTER_COLUMNS} {_FROM} ORDER BY c.region, c.slug")

    async def get(self, center_id: int) -> Center | None:
        found = await self._centers(f"SELECT {_CENTER_COLUMNS} {_FROM} WHERE c.id = ?", (center_id,))
        return found[0] if found else None

    async def by_slug(self, slug: str) -> Center | None:
        found = await self._centers(f"SELECT {_CENTER_COLUMNS} {_FROM} WHERE c.slug = ?", (slug,))
        return found[0] if found else None

    async def in_locality(self, locality_id: int) -> list[Center]:
        return await self._centers(
            f"SELECT {_CENTER_COLUMNS} {_FROM} WHERE c.locality_id = ? ORDER BY c.slug", (locality_id,)
        )

    async def in_region(self, region: str) -> list[Center]:
        return await self._centers(f"SELECT {_CENTER_COLUMNS} {_FROM} WHERE c.region = ?", (region,))

    async def localities(self, region: str | None = None) -> list[Locality]:
        sql = (
            "SELECT l.id, l.region, l.name_kk, l.name_ru, avg(c.latitude) AS lat, avg(c.longitude) AS lon, "
            "count(c.id) AS n FROM localities l JOIN centers c ON c.locality_id = l.id "
        )
        params: tuple[str, ...] = ()
        if region is not None:
            sql += "WHERE l.region = ? "
            params = (region,)
        sql += "GROUP BY l.id ORDER BY l.name_ru"
        rows = await self._db.fetch_all(sql, params)
        return [Locality(r["id"], r["region"], r["name_kk"], r["name_ru"], r["lat"], r["lon"], r["n"]) for r in rows]

    async def locality(self, locality_id: int) -> Locality | None:
        found = [item for item in await self.localities() if item.id == locality_id]
        return found[0] if found else None

    async def existing_slugs(self, slugs: list[str]) -> set[str]:
        if not slugs:
            return set()
        marks = ",".join("?" * len(slugs))
        return {row[0] for row in await self._db.fetch_all(f"SELECT slug FROM centers WHERE slug IN ({marks})", slugs)}

    async def upsert_many(self, centers: list[Center]) -> ImportSummary:
        """All or nothing: one transaction for the whole file."""
        existing = await self.existing_slugs([center.slug for center in centers])
        now = self._db.clock.now_iso()
        async with self._db.transaction():
            for center in centers:
                locality_id = await self._locality_id(center)
                await self._db.execute(
                    "INSERT INTO centers (slug, region, locality_id, name_kk, name_ru, address_kk, address_ru, "
                    "hours_kk, hours_ru, phones, latitude, longitude, services, is_sample, updated_at, schedule, "
                    "holidays, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (slug) DO UPDATE SET region = excluded.region, "
                    "locality_id = excluded.locality_id, name_kk = excluded.name_kk, name_ru = excluded.name_ru, "
                    "address_kk = excluded.address_kk, address_ru = excluded.address_ru, "
                    "hours_kk = excluded.hours_kk, hours_ru = excluded.hours_ru, phones = excluded.phones, "
                    "latitude = excluded.latitude, longitude = excluded.longitude, services = excluded.services, "
                    "is_sample = excluded.is_sample, updated_at = excluded.updated_at, "
                    "schedule = excluded.schedule, holidays = excluded.holidays, imported_at = excluded.imported_at",
                    (
                        center.slug,
                        center.region,
                        locality_id,
                        center.name_kk,
                        center.name_ru,
                        center.address_kk,
                        center.address_ru,
                        center.hours_kk,
                        center.hours_ru,
                        json.dumps(list(center.phones), ensure_ascii=False),
                        center.latitude,
                        center.longitude,
                        json.dumps(list(center.services)),
                        int(center.is_sample),
                        now,
                        center.schedule,
                        center.holidays,
                        now,
                    ),
                )
            await self._db.execute("DELETE FROM localities WHERE id NOT IN (SELECT DISTINCT locality_id FROM centers)")
        return ImportSummary(inserted=len(centers) - len(existing), updated=len(existing))

    async def staff_edits_since_import(self, slugs: list[str]) -> dict[str, list[str]]:
        """For each of these centers, the parts of its card staff changed in Telegram (/center) since the card was
        last imported: an import would overwrite them. The notice is not in the registry, so an import keeps it."""
        if not slugs:
            return {}
        marks = ",".join("?" * len(slugs))
        rows = await self._db.fetch_all(
            "SELECT a.detail, a.action FROM audit_log a JOIN centers c ON c.slug = a.detail "
            "WHERE a.action LIKE 'center %' AND a.action != 'center notice' "
            f"AND a.detail IN ({marks}) AND a.created_at > coalesce(c.imported_at, '') ORDER BY a.id",
            slugs,
        )
        edited: dict[str, list[str]] = {}
        for slug, action in rows:
            part = action.removeprefix("center ")
            if part not in edited.setdefault(slug, []):
                edited[slug].append(part)
        return edited

    async def _locality_id(self, center: Center) -> int:
        await self._db.execute(
            "INSERT INTO localities (region, name_kk, name_ru) VALUES (?, ?, ?) "
            "ON CONFLICT (region, name_ru) DO UPDATE SET name_kk = excluded.name_kk",
            (center.region, center.locality_kk, center.locality_ru),
        )
        row = await self._db.fetch_one(
            "SELECT id FROM localities WHERE region = ? AND name_ru = ?", (center.region, center.locality_ru)
        )
        assert row is not None
        return int(row[0])

    async def _centers(self, sql: str, params: tuple[object, ...] = ()) -> list[Center]:
        return [_center(row) for row in await self._db.fetch_all(sql, params)]
