"""A bare aiogram echo bot, the benchmark's yardstick: `python -m bot.bench.echo`.

It long-polls TELEGRAM_API_URL with BOT_TOKEN (POLLING_TIMEOUT seconds a poll), answers every message with its
own text and every button press with an empty answerCallbackQuery: no database, no middlewares, no dialog state.
Stops on SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

from bot.ops import loop


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or message.caption or "…")

    @dispatcher.callback_query()
    async def answer(query: CallbackQuery) -> None:
        await query.answer()

    return dispatcher


async def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper())
    api = TelegramAPIServer.from_base(os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"))
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    await build_dispatcher().start_polling(
        bot, polling_timeout=int(os.environ.get("POLLING_TIMEOUT", "10")), handle_signals=True, close_bot_session=True
    )


if __name__ == "__main__":
    loop.run(main())  # the bot's own loop, so that the two are compared on the same footing
