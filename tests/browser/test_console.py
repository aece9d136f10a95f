"""The coordinators' console in a real browser, served by the real bot process: the admin asks the bot for a link
with /console, headless Chromium opens it, sees the network and a chart, downloads a CSV and signs out; a second
use of the link, an expired link and a forged one are refused, and no page answers without a session. Skipped,
with the reason, where no browser can be had (as the playground's test)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.console import rules
from bot.localapi.people import LocalUser, message_text
from bot.localapi.server import LocalBotApi
from tests.browser.chromium import chromium, needs_chromium, screenshot_on_failure
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import make_admin, send_request
from tests.servers import free_port

pytestmark = needs_chromium

ADMIN_ID = 910_001
PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID), "CONSOLE_PORT": str(PORT), "CONSOLE_URL": BASE}
SECRET = "Нужна консультация психолога, пишу тайно от мужа"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/signin\?token=[A-Za-z0-9_-]{43})")


async def ask_for_link(admin: LocalUser) -> str:
    await admin.send("/console")
    found = LINK.search(message_text(await admin.reply_with("консоль координаторов")))
    assert found is not None
    return found.group(1)


def expire(bot: BotProcess, link: str) -> None:
    """The link's ten minutes are over (the bot's clock is real: the stored expiry is moved instead)."""
    token = link.split("token=")[1]
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat(timespec="seconds")
    with sqlite3.connect(bot.database) as db:
        changed = db.execute(
            "UPDATE console_tokens SET expires_at = ? WHERE token_hash = ?", (past, rules.digest(token))
        ).rowcount
    assert changed == 1


async def test_the_console_in_the_browser(
    running_bot: BotProcess, api: LocalBotApi, person: PersonFactory, tmp_path: Path
) -> None:
    admin = await make_admin(api, ADMIN_ID)  # first: a center with no staff sends its notices to the admins
    citizen = person("ru")
    await choose_language(citizen, "ru")
    await send_request(citizen, "astana-zhanuya", SECRET, "Психологическая помощь")
    link = await ask_for_link(admin)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = await context.new_page()
        async with screenshot_on_failure(page, tmp_path):
            # No page without a session.
            for path in ("/", "/network", "/requests", "/courses", "/downloads", "/downloads/requests.csv"):
                response = await page.goto(BASE + path)
                assert response is not None and response.status == 401, path
                assert "Войдите через /console в боте" in await page.content()
                assert "Жанұя" not in await page.content()

            # Sign in by the link: the token does not stay in the address.
            await page.goto(link)
            assert page.url == f"{BASE}/network"
            assert "Сеть" in await page.title()
            zhanuya = page.locator("tr[data-center='astana-zhanuya']")
            assert await zhanuya.count() == 1
            assert "нет сотрудников" in await zhanuya.inner_text()  # a center with no staff stands out
            assert await zhanuya.get_attribute("class") == "alert"
            assert await zhanuya.locator("td.num").nth(1).inner_text() == "1"  # its open request
            cookies = {cookie["name"]: cookie for cookie in await context.cookies()}
            session = cookies[rules.COOKIE]
            assert session["httpOnly"] and session["sameSite"] == "Strict"

            # Sort by a column.
            await page.click("th a:has-text('Сотрудники')")
            assert "sort=staff" in page.url

            # A chart with the numbers beside it.
            await page.click("header nav a:has-text('Обращения')")
            assert page.url == f"{BASE}/requests"
            assert await page.locator("svg.chart").count() == 5  # weeks, topics, regions, times, ratings
            assert await page.locator("svg.chart").first.is_visible()
            assert await page.locator("table").count() == 5
            assert "🧠 Психологическая помощь" in await page.locator("table").nth(1).inner_text()

            # The language switch.
            await page.click("header a:has-text('Қазақша')")
            assert page.url == f"{BASE}/requests"
            assert await page.locator("html").get_attribute("lang") == "kk"
            await page.click("header a:has-text('Русский')")

            # A CSV download.
            await page.click("header nav a:has-text('Выгрузки')")
            async with page.expect_download() as waiting:
                await page.click("a[href='/downloads/requests.csv']")
            download = await waiting.value
            saved = tmp_path / "requests.csv"
            await download.save_as(saved)
            lines = saved.read_text(encoding="utf-8").splitlines()
            assert lines[0] == (
                "number,center,category,status,urgent,contact_method,created_at,taken_at,resolved_at,rating"
            )
            assert lines[1].split(",")[1:4] == ["astana-zhanuya", "psychological", "new"]
            assert SECRET not in saved.read_text(encoding="utf-8")

            # A second use of the link opens nothing, even in a clean browser.
            stranger = await browser.new_context()
            other = await stranger.new_page()
            response = await other.goto(link)
            assert response is not None and response.status == 403
            assert "Эта ссылка для входа уже использована." in await other.content()
            assert (await other.goto(f"{BASE}/network")).status == 401  # type: ignore[union-attr]

            # An expired link and a forged one.
            late = await ask_for_link(admin)
            expire(running_bot, late)
            response = await other.goto(late)
            assert response is not None and response.status == 403
            assert "Срок действия этой ссылки для входа истёк." in await other.content()
            response = await other.goto(f"{BASE}/signin?token={rules.new_secret()}")
            assert response is not None and response.status == 403
            assert "Эта ссылка для входа недействительна." in await other.content()
            assert (await other.goto(f"{BASE}/requests")).status == 401  # type: ignore[union-attr]
            assert not await stranger.cookies()
            await stranger.close()

            # Sign out: the session is over.
            await page.click("header button:has-text('Выйти')")
            assert page.url == f"{BASE}/signed-out"
            assert "Вы вышли из консоли" in await page.content()
            response = await page.goto(f"{BASE}/network")
            assert response is not None and response.status == 401
