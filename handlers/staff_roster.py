"""The admins' staff list (/staff): pick a center (by region, or /staff CENTER_ID), see who works there, invite
someone, or remove someone who left (after a confirmation; their taken requests go back to the queue).

Admins only (ADMIN_IDS, checked on every update); anyone else is told so. The buttons name a center and a person,
never a right: the removal reads both again in its own transaction, so a stale or forged button changes nothing.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.deep_linking import create_start_link

from bot.core import texts
from bot.core.filters import IsAdmin
from bot.directory.regions import REGIONS_BY_SLUG
from bot.requests import views as rv
from bot.requests.models import RuleError
from bot.settings import Settings
from bot.staff_roster import keyboards as kb
from bot.staff_roster import views
from bot.staff_roster.callbacks import (
    ROSTER_CALLBACKS,
    RosterCenterCb,
    RosterConfirmCb,
    RosterInviteCb,
    RosterPageCb,
    RosterRegionCb,
    RosterRegionsCb,
    RosterRemoveCb,
)
from bot.staff_roster.desk import INVITE_VALID_FOR, RosterDesk
from bot.staff_roster.rules import CITIZEN
from bot.telegram.commands import refresh_chat_commands, register_admin_commands

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
log = logging.getLogger(__name__)
_menus: set[asyncio.Task[int]] = set()  # the start-up's menu calls, kept until done


@router.startup()
async def admin_menus(bot: Bot, staff_roster: RosterDesk) -> None:
    """The admins' command menus, set in the background (one call per admin) so the start does not wait."""

    async def register() -> int:
        return await register_admin_commands(bot, staff_roster.helpdesk.i18n, await staff_roster.admin_menus())

    task = asyncio.create_task(register(), name="admin-menus")
    _menus.add(task)
    task.add_done_callback(_menus.discard)


def _locale(roster: RosterDesk) -> str:
    return roster.helpdesk.i18n.current_locale


async def _show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """In place of the message the button was on."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:  # the same page pressed twice: nothing to change
            if "not modified" not in error.message:
                raise


@router.message(Command("staff"), IsAdmin())
async def staff(
    message: Message, command: CommandObject, state: FSMContext, staff_roster: RosterDesk, settings: Settings
) -> None:
    await state.clear()
    locale = _locale(staff_roster)
    slug = (command.args or "").strip()
    if not slug:
        await message.answer(views.choose_region(), reply_markup=kb.regions(locale))
        return
    found = await staff_roster.of_slug(slug)
    if found is None:
        await message.answer(views.unknown_center(slug[:64]), reply_markup=kb.regions(locale))
        return
    page = views.roster(found, settings.zone, locale)
    await message.answer(page.text, reply_markup=kb.roster(found.center, page))


@router.callback_query(RosterRegionsCb.filter(), IsAdmin())
async def regions(query: CallbackQuery, staff_roster: RosterDesk) -> None:
    await query.answer()
    await _show(query, views.choose_region(), kb.regions(_locale(staff_roster)))


@router.callback_query(RosterRegionCb.filter(), IsAdmin())
async def region(query: CallbackQuery, callback_data: RosterRegionCb, staff_roster: RosterDesk) -> None:
    chosen = REGIONS_BY_SLUG.get(callback_data.slug)
    if chosen is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await query.answer()
    locale = _locale(staff_roster)
    found = await staff_roster.centers_in(chosen.slug)
    heading = views.choose_center(chosen.name(locale)) if found else views.no_centers()
    await _show(query, heading, kb.centers(found, locale))


@router.callback_query(RosterCenterCb.filter(), IsAdmin())
async def center(
    query: CallbackQuery, callback_data: RosterCenterCb, staff_roster: RosterDesk, settings: Settings
) -> None:
    found = await staff_roster.of_center(callback_data.center)
    if found is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await query.answer()
    page = views.roster(found, settings.zone, _locale(staff_roster))
    await _show(query, page.text, kb.roster(found.center, page))


@router.callback_query(RosterPageCb.filter(), IsAdmin())
async def turn(query: CallbackQuery, callback_data: RosterPageCb, staff_roster: RosterDesk, settings: Settings) -> None:
    found = await staff_roster.of_center(callback_data.center)
    if found is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await query.answer()
    page = views.roster(found, settings.zone, _locale(staff_roster), callback_data.at)
    await _show(query, page.text, kb.roster(found.center, page))


@router.callback_query(RosterInviteCb.filter(), IsAdmin())
async def invite(query: CallbackQuery, callback_data: RosterInviteCb, staff_roster: RosterDesk, bot: Bot) -> None:
    made = await staff_roster.invite(callback_data.center, query.from_user.id)
    if made is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    center, token = made
    await query.answer()
    link = await create_start_link(bot, f"s_{token}")
    await bot.send_message(query.from_user.id, rv.invite_created(center, link, INVITE_VALID_FOR, _locale(staff_roster)))


@router.callback_query(RosterRemoveCb.filter(), IsAdmin())
async def remove(query: CallbackQuery, callback_data: RosterRemoveCb, staff_roster: RosterDesk) -> None:
    question = await staff_roster.removal_question(callback_data.center, callback_data.user)
    if question is None:
        await query.answer(views.not_on_staff(), show_alert=True)
        return
    await query.answer()
    text = views.confirm_removal(question, _locale(staff_roster))
    await _show(query, text, kb.confirm(question.center.id, question.entry.user_id, callback_data.at))


@router.callback_query(RosterConfirmCb.filter(), IsAdmin())
async def confirmed(
    query: CallbackQuery, callback_data: RosterConfirmCb, staff_roster: RosterDesk, settings: Settings, bot: Bot
) -> None:
    locale = _locale(staff_roster)
    if not callback_data.ok:
        found = await staff_roster.of_center(callback_data.center)
        entry = next((e for e in found.entries if e.user_id == callback_data.user), None) if found else None
        await query.answer()
        if found is not None and entry is not None:
            page = views.kept(found, views.name_of(entry), settings.zone, locale, callback_data.at)
            await _show(query, page.text, kb.roster(found.center, page))
        return
    try:
        removal = await staff_roster.remove(callback_data.center, callback_data.user, query.from_user.id)
    except RuleError:
        await query.answer(views.not_on_staff(), show_alert=True)
        return
    await query.answer("✅")
    found = await staff_roster.of_center(removal.center.id)
    if found is not None:
        name = views.name_of(removal.entry)
        page = views.removed(found, name, removal.returned, settings.zone, locale, callback_data.at)
        await _show(query, page.text, kb.roster(found.center, page))
    if removal.menu == CITIZEN:  # their menu loses the staff's commands
        await refresh_chat_commands(bot, staff_roster.helpdesk.i18n, removal.entry.user_id, removal.locale, CITIZEN)


@router.message(Command("staff"))
async def admins_only(message: Message) -> None:
    await message.answer(rv.admins_only())


def _roster_button(query: CallbackQuery) -> bool:
    data = query.data or ""
    return any(data == cb.__prefix__ or data.startswith(f"{cb.__prefix__}:") for cb in ROSTER_CALLBACKS)


@router.callback_query(_roster_button, ~IsAdmin())
async def admins_only_button(query: CallbackQuery) -> None:
    await query.answer(rv.admins_only(), show_alert=True)
