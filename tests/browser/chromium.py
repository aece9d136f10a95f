"""Headless Chromium for the browser tests (Debian's package, driven by Playwright), and the skip where none can
be had."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

try:
    from playwright.async_api import Page, async_playwright, expect
except ImportError:  # pragma: no cover - the test extras install it
    Page = expect = async_playwright = None  # type: ignore[assignment, misc]

__all__ = ["CHROMIUM", "FLAGS", "Page", "chromium", "expect", "needs_chromium", "screenshot_on_failure"]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or async_playwright is None,
    reason="no Chromium here (Debian's chromium package; dev.py test installs it where it can)",
)

# Without the background-networking flags Chromium keeps trying to reach Google, which this machine refuses.
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """A headless browser, closed afterwards."""
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def screenshot_on_failure(page: Any, folder: Path) -> AsyncIterator[None]:
    """What the page showed when an assertion failed, saved in `folder`, and the failure raised on."""
    try:
        yield
    except Exception:
        shot = folder / "failure.png"
        await page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
        raise
