"""/console: an administrator asks for a one-time sign-in link to the coordinators' web console.

Open to the ADMIN_IDS only (checked on every update); anyone else is told the command is for administrators.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.console import rules
from bot.console import views as cv
from bot.console.desk import ConsoleDesk
from bot.core.filters import IsAdmin
from bot.requests import views as rv
from bot.settings import Settings

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


@router.message(Command("console"), IsAdmin())
async def console(message: Message, console: ConsoleDesk, settings: Settings) -> None:
    assert message.from_user is not None
    if settings.console_port == 0 or settings.console_url is None:
        await message.answer(cv.console_off())
        return
    token = await console.issue_link(message.from_user.id)
    if token is None:  # no longer an admin (the filter and the desk both check)
        await message.answer(rv.admins_only())
        return
    await message.answer(cv.sign_in_link(rules.sign_in_link(settings.console_url, token)))


@router.message(Command("console"))
async def admins_only(message: Message) -> None:
    await message.answer(rv.admins_only())
