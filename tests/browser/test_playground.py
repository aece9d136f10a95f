"""The playground in a real browser: headless Chromium drives the page as a person would, on both sides of a
help request. Skipped, with the reason, where no browser can be had."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.browser.chromium import Page, chromium, expect, needs_chromium, screenshot_on_failure
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_chromium


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
    env.update(PYTHONPATH=str(ROOT), MESSAGE_BURST="500")
    log = (tmp_path / "playground.log").open("wb")
    process = subprocess.Popen(  # noqa: ASYNC220 -- the playground lives on beside the test
        [sys.executable, "-m", "bot"], cwd=tmp_path, env={**env, "PLAYGROUND_PORT": str(port)},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    log.close()
    try:
        for _ in range(600):
            if "Playground ready" in (tmp_path / "playground.log").read_text(errors="replace"):
                break
            assert process.poll() is None, (tmp_path / "playground.log").read_text(errors="replace")
            await asyncio.sleep(0.05)
        first_line = (tmp_path / "playground.log").read_text().splitlines()[0]
        assert first_line.startswith("No BOT_TOKEN set: starting the playground")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


async def pane(page: Page, person: str):  # type: ignore[no-untyped-def]
    await page.click(f"nav button[data-person='{person}']")
    return page.locator(f".pane[data-person='{person}']")


async def share_astana(chat) -> None:  # type: ignore[no-untyped-def]
    await chat.locator(".keyboard button", has_text="геопозицию").click()
    await chat.locator("select.city").select_option(label="Астана / Астана")
    await chat.locator(".send-city").click()


async def test_a_request_from_both_sides_in_the_browser(playground: str, tmp_path: Path) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        async with screenshot_on_failure(page, tmp_path):
            await page.goto(playground)
            parent = await pane(page, "parent")
            await parent.locator(".text").fill("/start")
            await parent.locator(".send").click()
            await parent.locator(".inline button", has_text="Русский").click()
            await expect(parent.locator(".messages")).to_contain_text("Добро пожаловать")

            # Find a center by location.
            await parent.locator(".keyboard button", has_text="Найти центр").click()
            await share_astana(parent)
            await expect(parent.locator(".messages")).to_contain_text("3 ближайших центра")
            await expect(parent.locator(".msg").last).to_contain_text("Жанұя")

            # Ask for help.
            await parent.locator(".keyboard button", has_text="Главное меню").click()
            await parent.locator(".keyboard button", has_text="Попросить помощи").click()
            await expect(parent.locator(".msg").last).to_contain_text("О чём ваше обращение")
            await parent.locator(".msg").last.locator("button", has_text="Другое").click()
            await share_astana(parent)
            await expect(parent.locator(".msg").last).to_contain_text("Выберите центр")
            await parent.locator(".msg").last.locator("button", has_text="Жанұя").click()
            await expect(parent.locator(".messages")).to_contain_text("Опишите ситуацию")
            await parent.locator(".text").fill("Нужна консультация психолога для подростка")
            await parent.locator(".send").click()
            await expect(parent.locator(".msg").last).to_contain_text("Как центру связаться")
            await parent.locator(".msg").last.locator("button", has_text="Остаться анонимным").click()
            await expect(parent.locator(".msg").last).to_contain_text("Проверьте ваше обращение")
            await parent.locator(".msg").last.locator("button", has_text="Отправить").click()
            await expect(parent.locator(".messages")).to_contain_text("отправлено в")

            # The staff group takes it and answers.
            group = await pane(page, "group")
            notice = group.locator(".msg", has_text="консультация психолога")
            await expect(notice).to_be_visible()
            await notice.locator(".inline button", has_text="Алу").click()
            await expect(group.locator(".messages")).to_contain_text("Алған")
            await (
                group.locator(".msg", has_text="консультация психолога")
                .locator("button", has_text="Жауап беру")
                .click()
            )
            await expect(group.locator(".messages")).to_contain_text("бір хабарламамен")
            await group.locator(".text").fill("Сізді сейсенбі күні 15:00-де күтеміз")
            await group.locator(".send").click()
            await expect(group.locator(".messages")).to_contain_text("Жіберілді")

            # The parent sees the answer, signed by the center.
            parent = await pane(page, "parent")
            await expect(parent.locator(".messages")).to_contain_text("Сізді сейсенбі күні 15:00-де күтеміз")
            await page.set_viewport_size({"width": 390, "height": 800})  # phone width
            await page.screenshot(path=str(tmp_path / "phone.png"))
