"""The programme cards, in both languages, from programmes.json beside this module (facts only from the sources
the project keeps; the rest general)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.programmes.models import ACTIONS, Programme

PROGRAMMES_JSON = Path(__file__).resolve().with_name("programmes.json")


def load_programmes(path: Path = PROGRAMMES_JSON) -> tuple[Programme, ...]:
    """Every card whole: each field filled in both languages, a known action, codes unique and short enough for
    callback data."""
    programmes = tuple(Programme(**raw) for raw in json.loads(path.read_text(encoding="utf-8")))
    for programme in programmes:
        empty = [name for name in Programme.__slots__ if not str(getattr(programme, name)).strip()]
        if empty or programme.action not in ACTIONS or not programme.code.isalnum() or len(programme.code) > 16:
            raise ValueError(f"programme {programme.code!r}: empty {empty} or a bad action or code")
    codes = [programme.code for programme in programmes]
    if len(set(codes)) != len(codes):
        raise ValueError("programme codes must be unique")
    return programmes


PROGRAMMES = load_programmes()
PROGRAMMES_BY_CODE = {programme.code: programme for programme in PROGRAMMES}
