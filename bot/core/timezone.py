"""Time zones from the tzdata package first, so Asia/Almaty is UTC+5 even on a machine with old zone files."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=8)
def load_zone(name: str) -> ZoneInfo:
    try:
        package = "tzdata.zoneinfo." + ".".join(name.split("/")[:-1]) if "/" in name else "tzdata.zoneinfo"
        resource = resources.files(package.rstrip(".")).joinpath(name.split("/")[-1])
        with resource.open("rb") as handle:
            return ZoneInfo.from_file(handle, key=name)
    except (ModuleNotFoundError, FileNotFoundError, ValueError, IsADirectoryError):
        pass
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (an IANA name such as Asia/Almaty)") from None
