"""Writing a center's card fields as its staff edit them, and the audit row of each change."""

from __future__ import annotations

import json

from bot.center_card.models import FIELD_COLUMNS, LIST_COLUMNS, Values
from storage.database import Database

_EDITABLE = {column for columns in FIELD_COLUMNS.values() for column in columns}


class CenterCardRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, center_id: int, values: Values) -> None:
        """Sets the given columns (only the card's editable ones) and the center's updated_at."""
        columns = sorted(values)
        unknown = set(columns) - _EDITABLE
        if unknown or not columns:
            raise ValueError(f"not editable: {sorted(unknown)}")
        params: list[object] = []
        for column in columns:
            value = values[column]
            if column in LIST_COLUMNS:
                params.append(json.dumps(list(value), ensure_ascii=False))
            elif column == "notice_until":
                params.append(value or None)
            else:
                params.append(str(value))
        assignments = ", ".join(f"{column} = ?" for column in columns)
        await self._db.execute(
            f"UPDATE centers SET {assignments}, updated_at = ? WHERE id = ?",
            (*params, self._db.clock.now_iso(), center_id),
        )

    async def audit(self, actor_id: int, action: str, detail: str) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (actor_id, request_id, action, detail, created_at) VALUES (?, NULL, ?, ?, ?)",
            (actor_id, action, detail, self._db.clock.now_iso()),
        )
