"""Dialog state (aiogram FSM) kept in the database (SQLite or PostgreSQL), so a dialog survives a restart of the
bot; with REDIS_URL, aiogram's RedisStorage is used instead (bot/telegram/redis_state.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey

from storage.database import Database, Row


class DatabaseStorage(BaseStorage):
    def __init__(self, connection: Database, key_builder: KeyBuilder | None = None) -> None:
        self._db = connection
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._db.execute(
            "INSERT INTO fsm_states (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state",
            (self._keys.build(key), value),
        )

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._row(key)
        return row["state"] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        # json.dumps fails loudly on anything that could not be restored after a restart.
        encoded = json.dumps(dict(data), ensure_ascii=False)
        await self._db.execute(
            "INSERT INTO fsm_states (key, data) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data",
            (self._keys.build(key), encoded),
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._row(key)
        return json.loads(row["data"]) if row else {}

    async def close(self) -> None:
        """The connection belongs to the application, which closes it."""

    async def _row(self, key: StorageKey) -> Row | None:
        return await self._db.fetch_one("SELECT state, data FROM fsm_states WHERE key = ?", (self._keys.build(key),))
