"""Assembling the bot: database, dispatcher with its middlewares and routers, and the polling loop."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.utils.i18n import I18n

from bot.center_card.desk import CenterCardDesk
from bot.console.desk import ConsoleDesk
from bot.console.server import start_console_server, stop_console_server
from bot.core.i18n import LocaleMiddleware, create_i18n
from bot.course_groups.desk import CourseGroupDesk
from bot.courses.desk import CourseDesk
from bot.faq.desk import FaqDesk
from bot.faq.library import articles_dir, served_library
from bot.jobs import run_jobs, timed_jobs
from bot.ops.health import start_health_server, stop_health_server
from bot.ops.metrics import Metrics
from bot.privacy.desk import PrivacyDesk
from bot.programmes.desk import ProgrammeDesk
from bot.requests.desk import Helpdesk
from bot.settings import ConfigError, Settings
from bot.staff_roster.desk import RosterDesk
from bot.telegram.commands import register_bot_profile
from bot.telegram.message_log import MessageLogMiddleware
from bot.telegram.middlewares import RepositoryMiddleware, StaffMenuMiddleware, ThrottleMiddleware
from bot.telegram.outbox import SEND_TIMEOUT, OutboxWorker
from bot.telegram.pacing import SendCounter, build_pacer
from bot.telegram.redis_state import RedisDialogStorage, redis_throttle
from bot.telegram.retry import RetryMiddleware
from bot.telegram.speed import KeepResponseTypes, run_sync_filters_inline
from bot.telegram.throttle import RateLimit, Throttle
from bot.telegram.webhook import run_webhook
from handlers import get_routers
from storage.bootstrap import ensure_centers, ensure_courses, open_database
from storage.chat_log import ChatLog
from storage.commissioners import CommissionerRepository
from storage.crisis import CrisisRepository
from storage.database import Database
from storage.fsm import DatabaseStorage
from storage.jobs import JobLeases

log = logging.getLogger(__name__)


def require_token(settings: Settings) -> str:
    if settings.bot_token is None:
        raise ConfigError("Configuration error: BOT_TOKEN: not set (put it in the environment or .env)")
    return settings.bot_token.get_secret_value()


def build_bot(
    settings: Settings, retry: bool = True, chat_log: ChatLog | None = None, metrics: Metrics | None = None
) -> Bot:
    """`retry=False` for the outbox worker, which schedules its own retries instead of waiting in line;
    `chat_log` records what is sent into private chats, for the quick exit; `metrics` counts every call."""
    token = require_token(settings)
    # The outbox's calls end well within the claim on their rows (storage.outbox.CLAIM_LEASE), so that no other
    # instance takes a row while its send may still be on its way.
    timeout = 60.0 if retry else SEND_TIMEOUT
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url), timeout=timeout)
    session.middleware(KeepResponseTypes())
    if retry:
        session.middleware(RetryMiddleware())
    if chat_log is not None:
        session.middleware(MessageLogMiddleware(chat_log))
    if metrics is not None:  # the last, nearest the network: each retry is counted as a call
        session.middleware(metrics.session_middleware())
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_dispatcher(
    db: Database, settings: Settings, i18n: I18n, helpdesk: Helpdesk, metrics: Metrics | None = None
) -> Dispatcher:
    courses = CourseDesk(helpdesk, settings.zone)
    # With REDIS_URL, dialog state and the rate limit are shared by every instance; /forget erases the state there.
    storage = RedisDialogStorage.from_settings(settings) if settings.redis_url else None
    privacy = PrivacyDesk(helpdesk, courses, forget_dialogs=storage.forget if storage is not None else None)
    dispatcher = Dispatcher(
        storage=storage if storage is not None else DatabaseStorage(db),
        clock=db.clock,
        settings=settings,
        helpdesk=helpdesk,
        courses=courses,
        privacy=privacy,
        programmes=ProgrammeDesk(db),
        center_cards=CenterCardDesk(helpdesk, settings.zone),
        console=ConsoleDesk.from_settings(db, settings),
        staff_roster=RosterDesk(helpdesk),
        course_groups=CourseGroupDesk(courses),
        # a test may put in its own: dispatcher["faq"]
        faq=FaqDesk(db, served_library(articles_dir(settings)), settings.zone),
    )
    if metrics is not None:  # the first, so it counts and times every update, throttled ones too
        dispatcher.update.outer_middleware(metrics.update_middleware())
    throttle: RateLimit = (
        redis_throttle(storage, settings)
        if storage is not None
        else Throttle(burst=settings.message_burst, per_second=settings.messages_per_minute / 60)
    )
    dispatcher.update.outer_middleware(ThrottleMiddleware(throttle, i18n))
    dispatcher.update.outer_middleware(RepositoryMiddleware(db))
    dispatcher.update.outer_middleware(StaffMenuMiddleware(helpdesk))  # the main menu's staff row, for staff only
    LocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_routers(*get_routers())
    run_sync_filters_inline(dispatcher)

    jobs: list[asyncio.Task[None]] = []

    async def on_startup(bot: Bot) -> None:
        await register_bot_profile(bot, i18n)
        me = await bot.get_me()
        if helpdesk.worker is not None:
            helpdesk.worker.start()
        chat_log = ChatLog(db)
        work = timed_jobs(helpdesk, courses, privacy, chat_log, settings)
        holder = f"{socket.gethostname()}:{os.getpid()}"  # which instance holds a job's lease, for an operator
        running = run_jobs(work, settings.jobs_interval_seconds, JobLeases(db), holder)
        jobs.append(asyncio.create_task(running, name="jobs"))
        log.info("bot @%s is up", me.username)

    async def on_shutdown() -> None:
        for task in jobs:
            task.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        if helpdesk.worker is not None:
            await helpdesk.worker.stop()

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return dispatcher


async def run_bot(settings: Settings) -> None:
    """One database for handlers, the help desk and the outbox worker; every write goes through its single
    write path (storage.database), so no one's commit can publish another's unfinished work."""
    require_token(settings)  # a missing token stops the start before anything is opened
    i18n = create_i18n(settings.default_locale)
    db = await open_database(settings)
    metrics = Metrics(with_process=True)  # one per process
    outbox_bot: Bot | None = None
    health = None
    console_site = None
    try:
        health = await start_health_server(settings, db, metrics)
        console_site = await start_console_server(settings, db, i18n)  # None when CONSOLE_PORT is 0
        await ensure_centers(db)
        await ensure_courses(db, settings.zone)
        await CrisisRepository(db).load_sample_if_empty()
        await CommissionerRepository(db).load_sample_if_empty()
        bot = build_bot(settings, retry=True, chat_log=ChatLog(db), metrics=metrics)
        outbox_bot = build_bot(settings, retry=False, chat_log=ChatLog(db), metrics=metrics)
        pacer = build_pacer(settings)  # Telegram's sending limits: the outbox keeps to them ...
        bot.session.middleware(SendCounter(pacer))  # ... leaving room for what the handlers send at once
        worker = OutboxWorker(outbox_bot, db, pacer=pacer)
        helpdesk = Helpdesk(db, i18n, settings.admin_ids, worker)
        worker.on_notice = helpdesk.notice_recorded
        worker.on_refused = helpdesk.recipient_refused
        dispatcher = build_dispatcher(db, settings, i18n, helpdesk, metrics)
        if settings.webhook_url:
            await run_webhook(dispatcher, bot, settings)  # until SIGTERM/SIGINT; closes the bot's session
        else:
            await dispatcher.start_polling(
                bot, polling_timeout=settings.polling_timeout, handle_signals=True, close_bot_session=True
            )
    finally:
        await stop_console_server(console_site)
        await stop_health_server(health)
        if outbox_bot is not None:
            await outbox_bot.session.close()
        await db.close()
