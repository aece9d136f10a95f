"""Assembling the bot: database, dispatcher with its middlewares and routers, and the polling loop."""

from __future__ import annotations

import logging

import aiosqlite
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.utils.i18n import I18n

from bot.commands import register_bot_profile
from bot.i18n import LocaleMiddleware, create_i18n
from bot.middlewares import RepositoryMiddleware
from bot.retry import RetryMiddleware
from bot.services.centers import SAMPLE_CSV, parse_centers_csv
from bot.settings import ConfigError, Settings
from handlers import get_routers
from storage.centers import CenterRepository
from storage.database import connect, migrate
from storage.fsm import SQLiteStorage

log = logging.getLogger(__name__)


async def open_database(settings: Settings) -> aiosqlite.Connection:
    connection = await connect(settings.database_path)
    await migrate(connection)
    return connection


async def load_sample_centers(connection: aiosqlite.Connection) -> int:
    parsed = parse_centers_csv(SAMPLE_CSV.read_text(encoding="utf-8"))
    if parsed.errors:
        raise RuntimeError(f"the sample directory is invalid: {parsed.errors[0]}")
    await CenterRepository(connection).upsert_many(parsed.centers)
    return len(parsed.centers)


async def ensure_centers(connection: aiosqlite.Connection) -> None:
    """An empty directory gets the SAMPLE centers, so a fresh install can be tried at once."""
    if await CenterRepository(connection).count() == 0:
        loaded = await load_sample_centers(connection)
        log.warning(
            "The center directory was empty: loaded %d SAMPLE centers (not real contacts). "
            "Import the real registry with: python -m bot centers import FILE",
            loaded,
        )


def build_bot(settings: Settings) -> Bot:
    if settings.bot_token is None:
        raise ConfigError("Configuration error: BOT_TOKEN: not set (put it in the environment or .env)")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryMiddleware())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_dispatcher(connection: aiosqlite.Connection, settings: Settings, i18n: I18n) -> Dispatcher:
    dispatcher = Dispatcher(storage=SQLiteStorage(connection), settings=settings)
    dispatcher.update.outer_middleware(RepositoryMiddleware(connection))
    LocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_routers(*get_routers())

    async def on_startup(bot: Bot) -> None:
        await register_bot_profile(bot, i18n)
        me = await bot.get_me()
        log.info("bot @%s is up", me.username)

    dispatcher.startup.register(on_startup)
    return dispatcher


async def run_bot(settings: Settings) -> None:
    bot = build_bot(settings)
    i18n = create_i18n(settings.default_locale)
    connection = await open_database(settings)
    try:
        await ensure_centers(connection)
        dispatcher = build_dispatcher(connection, settings, i18n)
        await dispatcher.start_polling(
            bot, polling_timeout=settings.polling_timeout, handle_signals=True, close_bot_session=True
        )
    finally:
        await connection.close()
