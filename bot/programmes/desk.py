"""Finding the commissioner for children's rights of a person's region: from the center they chose."""

from __future__ import annotations

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
