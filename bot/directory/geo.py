"""Distances on the Earth's surface and the nearest centers to a point."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

EARTH_RADIUS_KM = 6371.0088

# Kazakhstan's bounding box with a margin: coordinates outside it are a typo, not a center.
KZ_LATITUDE = (40.0, 56.0)
KZ_LONGITUDE = (46.0, 88.0)


class HasPosition(Protocol):
    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...


T = TypeVar("T", bound=HasPosition)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(items: Iterable[T], latitude: float, longitude: float, limit: int = 3) -> list[tuple[T, float]]:
    """The `limit` items closest to the point, with their distance in km, closest first."""
    measured = [(item, distance_km(latitude, longitude, item.latitude, item.longitude)) for item in items]
    measured.sort(key=lambda pair: pair[1])
    return measured[:limit]


def in_kazakhstan(latitude: float, longitude: float) -> bool:
    return KZ_LATITUDE[0] <= latitude <= KZ_LATITUDE[1] and KZ_LONGITUDE[0] <= longitude <= KZ_LONGITUDE[1]


def centroid(points: Sequence[HasPosition]) -> tuple[float, float]:
    return (
        sum(point.latitude for point in points) / len(points),
        sum(point.longitude for point in points) / len(points),
    )
