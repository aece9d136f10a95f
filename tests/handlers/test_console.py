"""/console through the dispatcher: an admin gets a one-time sign-in link in their language; anyone else is told the
command is for administrators; with the console off, the admin is told so."""

from __future__ import annotations

import re

from bot.console import rules
from bot.console.desk import ConsoleDesk
from bot.console.models import SignIn
from tests.handlers.conftest import ADMIN_ID, Person, World, texts

CONSOLE_URL = "https://console.example.kz"
LINK = re.compile(r'<a href="https://console\.example\.kz/signin\?token=([A-Za-z0-9_-]{43})">')


def console_on(world: World) -> None:
    world.dispatcher["settings"] = world.settings.model_copy(update={"console_port": 8090, "console_url": CONSOLE_URL})


async def admin(world: World, locale: str) -> Person:
    await world.helpdesk.users.touch(ADMIN_ID)
    await world.helpdesk.users.set_locale(ADMIN_ID, locale)
    boss = world.person(ADMIN_ID, locale, "Admin")
    boss.new_calls()  # what was sent before this person came is not theirs to read
    return boss


async def tokens(world: World) -> list[tuple[str, int]]:
    return [tuple(row) for row in await world.db.fetch_all("SELECT token_hash, admin_id FROM console_tokens")]


async def test_an_admin_gets_a_one_time_link_in_kazakh(world: World) -> None:
    console_on(world)
    boss = await admin(world, "kk")
    text = texts(await boss.send("/console"))
    assert text.startswith("🔐 Үйлестірушілер консоліне кіру сілтемеңіз. Ол бір рет, 10 минут ішінде")
    found = LINK.search(text)
    assert found is not None
    token = found.group(1)
    assert await tokens(world) == [(rules.digest(token), ADMIN_ID)]  # only the hash is kept
    desk: ConsoleDesk = world.dispatcher["console"]
    signed = await desk.sign_in(token)
    assert isinstance(signed, SignIn) and signed.admin_id == ADMIN_ID
    assert await desk.sign_in(token) == "used"


async def test_an_admin_gets_a_new_link_each_time_in_russian(world: World) -> None:
    console_on(world)
    boss = await admin(world, "ru")
    first = texts(await boss.send("/console"))
    second = texts(await boss.send("/console"))
    assert first.startswith("🔐 Ваша ссылка для входа в консоль координаторов. Она действует один раз, 10 минут")
    assert "не пересылайте её" in first
    one, two = LINK.search(first), LINK.search(second)
    assert one is not None and two is not None and one.group(1) != two.group(1)
    assert len(await tokens(world)) == 2


async def test_anyone_else_is_refused(world: World) -> None:
    console_on(world)
    stranger = world.person(5551, "ru")
    await world.helpdesk.users.touch(5551)
    await world.helpdesk.users.set_locale(5551, "ru")
    assert texts(await stranger.send("/console")) == "Эта команда для администраторов."
    kazakh = world.person(5552, "kk")
    kazakh.new_calls()
    await world.helpdesk.users.touch(5552)
    await world.helpdesk.users.set_locale(5552, "kk")
    assert texts(await kazakh.send("/console")) == "Бұл команда әкімшілерге арналған."
    await world.helpdesk.staff.add(5551, 1)  # staff of a center are not admins either
    stranger.new_calls()
    assert texts(await stranger.send("/console")) == "Эта команда для администраторов."
    assert await tokens(world) == []


async def test_the_console_off_is_said_politely(world: World) -> None:
    boss = await admin(world, "ru")
    assert texts(await boss.send("/console")) == (
        "Веб-консоль для этого бота не включена. Оператор включает её настройками CONSOLE_PORT и CONSOLE_URL."
    )
    boss_kk = await admin(world, "kk")
    assert texts(await boss_kk.send("/console")).startswith("Бұл ботта веб-консоль қосылмаған.")
    assert await tokens(world) == []
