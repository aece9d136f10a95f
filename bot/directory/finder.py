"""Finding centers: near a point, near a typed place, in a region."""

from __future__ import annotations

from dataclasses import dataclass

from bot.directory.geo import nearest
from bot.directory.models import Center
from bot.directory.places import Place, match_places
from storage.centers import CenterRepository

NEAREST_COUNT = 3
REGION_LIMIT = 10


@dataclass(frozen=True, slots=True)
class PlaceResult:
    place: Place
    centers: list[tuple[Center, float]]


class CenterFinder:
    def __init__(self, centers: CenterRepository) -> None:
        self._centers = centers

    async def near(self, latitude: float, longitude: float, limit: int = NEAREST_COUNT) -> list[tuple[Center, float]]:
        return nearest(await self._centers.all(), latitude, longitude, limit)

    async def near_center(self, center: Center, limit: int = NEAREST_COUNT) -> list[tuple[Center, float]]:
        others = [other for other in await self._centers.all() if other.id != center.id]
        return nearest(others, center.latitude, center.longitude, limit)

    async def by_place_name(self, text: str) -> PlaceResult | None:
        """The best-matching place and its nearest centers; for a region, its centers from the capital out."""
        localities = await self._centers.localities()
        extra = [
            Place(
                f"locality:{item.id}",
                item.region,
                item.latitude,
                item.longitude,
                (item.name_kk, item.name_ru),
            )
            for item in localities
        ]
        matches = match_places(text, extra=extra, limit=1)
        if not matches:
            return None
        place = matches[0].place
        if place.is_region:
            found = nearest(await self._centers.in_region(place.region), place.latitude, place.longitude, REGION_LIMIT)
        else:
            found = await self.near(place.latitude, place.longitude)
        return PlaceResult(place, found)
