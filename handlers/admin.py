"""The administrators' commands: staff invites, the numbers, and the senders blocked by staff.

Each command is open to the ADMIN_IDS only (the IsAdmin filter, checked on every update); anyone else who sends
one is told so, by the handlers registered last.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link

from bot.core.callbacks import UnblockCb
from bot.core.filters import IsAdmin
from bot.faq import views as fv
from bot.faq.desk import FaqDesk
from bot.requests import views as rv
from bot.requests.desk import Helpdesk
from bot.settings import Settings

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

INVITE_VALID_FOR = timedelta(days=3)
STATS_LIMIT = 4000  # one message while the numbers fit in it


@router.message(Command("blocked"), IsAdmin())
async def blocked(message: Message, helpdesk: Helpdesk, settings: Settings) -> None:
    assert message.from_user is not None
    locale = await helpdesk.locale_of(message.from_user.id)
    text, markup = rv.blocked_list(await helpdesk.blocked_senders(), settings.zone, locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(UnblockCb.filter(), IsAdmin())
async def unblock(query: CallbackQuery, callback_data: UnblockCb, helpdesk: Helpdesk) -> None:
    await helpdesk.unblock(callback_data.user, query.from_user.id)
    await query.answer(rv.unblocked(), show_alert=True)


@router.message(Command("invite"), IsAdmin())
async def invite(message: Message, command: CommandObject, helpdesk: Helpdesk, bot: Bot) -> None:
    assert message.from_user is not None
    center = await helpdesk.center_by_slug((command.args or "").strip())
    if center is None:
        await message.answer(rv.invite_usage())
        return
    token = await helpdesk.create_invite(center.id, message.from_user.id, INVITE_VALID_FOR)
    link = await create_start_link(bot, f"s_{token}")
    await message.answer(
        rv.invite_created(center, link, INVITE_VALID_FOR, await helpdesk.locale_of(message.from_user.id))
    )


@router.message(Command("stats"), IsAdmin())
async def stats(message: Message, helpdesk: Helpdesk, faq: FaqDesk) -> None:
    assert message.from_user is not None
    locale = await helpdesk.locale_of(message.from_user.id)
    summary = await helpdesk.summary()
    text = rv.stats(summary, await helpdesk.all_centers(), locale)
    answers = fv.stats(await faq.counts(), faq.library, locale)  # whether the articles helped, per article
    if len(text) + len(answers) < STATS_LIMIT:
        await message.answer(f"{text}\n\n{answers}")
    else:
        await message.answer(text)
        await message.answer(answers)


@router.message(Command("invite", "stats", "blocked"))
async def admins_only(message: Message) -> None:
    await message.answer(rv.admins_only())


@router.callback_query(UnblockCb.filter())
async def admins_only_button(query: CallbackQuery) -> None:
    await query.answer(rv.admins_only(), show_alert=True)
