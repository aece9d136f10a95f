"""The command menu shown by Telegram, registered for each language and for a chat's chosen language; staff and
admins see their own commands too, in their chat's menu."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.core.keyboards import N_
from bot.settings import SUPPORTED_LOCALES
from bot.staff_roster.rules import ADMIN, CITIZEN, STAFF

log = logging.getLogger(__name__)

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

# What a center's staff member sees first in their menu; an admin sees these and ADMIN_COMMANDS.
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("queue", N_("Open help requests of my center")),
    ("center", N_("My center's card: hours, phones, address")),
    ("groups", N_("My center's course groups")),
    ("roster", N_("Who is signed up for the course groups")),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("staff", N_("Centers' staff: list, invite, remove")),
    ("invite", N_("A one-time staff invite link")),
    ("stats", N_("The numbers: requests, times, ratings")),
    ("console", N_("The coordinators' web console")),
)
ROLE_COMMANDS: dict[str, tuple[tuple[str, str], ...]] = {
    CITIZEN: (),
    STAFF: STAFF_COMMANDS,
    ADMIN: STAFF_COMMANDS + ADMIN_COMMANDS,
}

DESCRIPTION = N_(
    "Family Support Centers of Kazakhstan: find the nearest center, its address, hours and phones. "
    "Emergency numbers 112, 102, 111 and 150 are always one tap away."
)
SHORT_DESCRIPTION = N_("Find your Family Support Center. In danger, call 112.")


def command_list(i18n: I18n, locale: str, role: str = CITIZEN) -> list[BotCommand]:
    """Everyone's commands; for staff and admins their own first."""
    return [
        BotCommand(command=name, description=i18n.gettext(text, locale=locale))
        for name, text in ROLE_COMMANDS.get(role, ()) + COMMANDS
    ]


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


async def set_chat_commands(bot: Bot, i18n: I18n, chat_id: int, locale: str, role: str = CITIZEN) -> None:
    await bot.set_my_commands(command_list(i18n, locale, role), scope=BotCommandScopeChat(chat_id=chat_id))


async def refresh_chat_commands(bot: Bot, i18n: I18n, chat_id: int, locale: str, role: str) -> bool:
    """The chat's menu for the person's role (a staff member who joined or left); a convenience, so a refusal
    (a chat Telegram does not know yet) is logged and nothing more. One Bot API call."""
    try:
        await set_chat_commands(bot, i18n, chat_id, locale, role)
    except TelegramAPIError as error:
        log.warning("could not set a chat's command menu: %s", error.message)
        return False
    return True


async def register_admin_commands(bot: Bot, i18n: I18n, admins: Mapping[int, str]) -> int:
    """At start-up: each admin's chat gets the admins' menu in their language (one call per admin). Returns how
    many Telegram accepted."""
    done = 0
    for chat_id, locale in admins.items():
        done += await refresh_chat_commands(bot, i18n, chat_id, locale, ADMIN)
    return done
