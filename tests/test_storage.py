"""Migrations, repositories and the persisted dialog state, on a temporary SQLite file."""

from __future__ import annotations

from dataclasses import replace

import aiosqlite
import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.services.finder import CenterFinder
from storage.bootstrap import load_sample_centers
from storage.centers import CenterRepository
from storage.database import available_migrations, connect, migrate
from storage.fsm import SQLiteStorage
from storage.users import UserRepository


async def test_migrations_are_applied_once(db: aiosqlite.Connection) -> None:
    assert await migrate(db) == []
    async with db.execute("SELECT count(*) FROM schema_migrations") as cursor:
        assert (await cursor.fetchone())[0] == len(available_migrations())
    async with db.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone())[0] == "wal"
    async with db.execute("PRAGMA foreign_keys") as cursor:
        assert (await cursor.fetchone())[0] == 1


async def test_users_store_the_language(db: aiosqlite.Connection) -> None:
    users = UserRepository(db)
    assert (await users.touch(42)).locale is None
    await users.set_locale(42, "ru")
    assert (await users.touch(42)).locale == "ru"


async def test_upsert_inserts_then_updates(db: aiosqlite.Connection) -> None:
    assert await load_sample_centers(db) == 28
    centers = CenterRepository(db)
    original = await centers.by_slug("astana-zhanuya")
    assert original is not None
    summary = await centers.upsert_many([replace(original, hours_ru="Круглосуточно")])
    assert (summary.inserted, summary.updated) == (0, 1)
    updated = await centers.by_slug("astana-zhanuya")
    assert updated is not None and updated.hours_ru == "Круглосуточно" and updated.id == original.id
    assert await centers.count() == 28


async def test_upsert_is_all_or_nothing(db: aiosqlite.Connection) -> None:
    await load_sample_centers(db)
    centers = CenterRepository(db)
    good = replace((await centers.all())[0], slug="brand-new")
    broken = replace(good, slug="broken", name_ru=None)  # type: ignore[arg-type]
    with pytest.raises(aiosqlite.IntegrityError):
        await centers.upsert_many([good, broken])
    assert await centers.by_slug("brand-new") is None


async def test_localities_and_regions(db: aiosqlite.Connection) -> None:
    await load_sample_centers(db)
    centers = CenterRepository(db)
    almaty_region = await centers.localities("almaty-region")
    assert len(almaty_region) == 7
    astana = await centers.localities("astana")
    assert len(astana) == 1 and astana[0].center_count == 2
    assert len(await centers.in_locality(astana[0].id)) == 2


async def test_finder_by_place_and_location(db: aiosqlite.Connection) -> None:
    await load_sample_centers(db)
    finder = CenterFinder(CenterRepository(db))
    near = await finder.near(51.16, 71.47)
    assert near[0][0].slug == "astana-zhanuya" and near[0][1] < 2
    result = await finder.by_place_name("Талгар")
    assert result is not None and result.centers[0][0].slug == "almreg-talgar"
    region = await finder.by_place_name("Алматинская область")
    assert region is not None and {c.region for c, _ in region.centers} == {"almaty-region"}
    assert len(region.centers) == 7
    assert await finder.by_place_name("Гдетотам") is None


async def test_dialog_state_survives_a_new_connection(tmp_path) -> None:
    path = tmp_path / "fsm.db"
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    first = await connect(path)
    await migrate(first)
    storage = SQLiteStorage(first)
    await storage.set_state(key, "CenterSearch:waiting_place")
    await storage.set_data(key, {"after_language": "c_x", "n": 1})
    await first.close()

    second = await connect(path)
    storage = SQLiteStorage(second)
    assert await storage.get_state(key) == "CenterSearch:waiting_place"
    assert await storage.get_data(key) == {"after_language": "c_x", "n": 1}
    with pytest.raises(TypeError):
        await storage.set_data(key, {"bad": object()})  # what cannot be stored fails at once
    await second.close()
