"""The command menu shown by Telegram, registered for each language and for a chat's chosen language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.core.keyboards import N_
from bot.settings import SUPPORTED_LOCALES

# Only the commands that work today; later features add theirs here.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("centers", N_("Find a Family Support Center")),
    ("request", N_("Ask a center for help")),
    ("academy", N_("Parents Academy: sign up for a group")),
    ("premarital", N_("Pre-marital course for couples")),
    ("programs", N_("Programmes for families")),
    ("faq", N_("Questions and answers")),
    ("my", N_("My requests and sign-ups")),
    ("sos", N_("Emergency numbers")),
    ("menu", N_("Main menu")),
    ("lang", N_("Тіл / Язык")),
    ("help", N_("What this bot can do")),
    ("cancel", N_("Stop the current action")),
    ("mydata", N_("What the bot holds about me")),
    ("forget", N_("Erase my data")),
    ("start", N_("Start again")),
)

DESCRIPTION = N_(
    "Family Support Centers of Kazakhstan: find the nearest center, its address, hours and phones. "
    "Emergency numbers 112, 102, 111 and 150 are always one tap away."
)
SHORT_DESCRIPTION = N_("Find your Family Support Center. In danger, call 112.")


def command_list(i18n: I18n, locale: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=i18n.gettext(text, locale=locale)) for name, text in COMMANDS]


async def register_bot_profile(bot: Bot, i18n: I18n) -> None:
    """Commands and descriptions for kk and ru users, and the default language for everyone else."""
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(command_list(i18n, locale), language_code=locale)
        await bot.set_my_description(i18n.gettext(DESCRIPTION, locale=locale), language_code=locale)
        await bot.set_my_short_description(i18n.gettext(SHORT_DESCRIPTION, locale=locale), language_code=locale)
    default = i18n.default_locale
    await bot.set_my_commands(command_list(i18n, default), scope=BotCommandScopeDefault())
    await bot.set_my_description(i18n.gettext(DESCRIPTION, locale=default))
    await bot.set_my_short_description(i18n.gettext(SHORT_DESCRIPTION, locale=default))


async def set_chat_commands(bot: Bot, i18n: I18n, chat_id: int, locale: str) -> None:
    await bot.set_my_commands(command_list(i18n, locale), scope=BotCommandScopeChat(chat_id=chat_id))
