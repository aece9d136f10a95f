"""Finding the commissioner for children's rights of a person's region: from the center they chose, or from where
they are (the region of the nearest center)."""

from __future__ import annotations

from bot.directory.finder import CenterFinder
from bot.programmes.models import Commissioner
from storage.centers import CenterRepository
from storage.commissioners import CommissionerRepository
from storage.database import Database


class ProgrammeDesk:
    def __init__(self, db: Database) -> None:
        self.commissioners = CommissionerRepository(db)
        self.centers = CenterRepository(db)

    async def commissioner_of_region(self, region: str | None) -> Commissioner | None:
        return await self.commissioners.of_region(region) if region else None

    async def commissioner_for_center(self, center_id: int | None) -> Commissioner | None:
        center = await self.centers.get(center_id) if center_id is not None else None
        return await self.commissioner_of_region(center.region if center else None)

    async def commissioner_near(self, latitude: float, longitude: float) -> Commissioner | None:
        found = await CenterFinder(self.centers).near(latitude, longitude, limit=1)
        return await self.commissioner_of_region(found[0][0].region if found else None)
