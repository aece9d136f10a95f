"""The staff's side of a help request: take, answer, note, transfer, resolve or close as spam; the queue;
binding a staff group; and the admins' invites and numbers.

Rights are checked against the database on every press: the callback data names a request, never a right.
"""

from __future__ import annotations

import math
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ChatMemberUpdated, ForceReply, Message

from bot import keyboards
from bot import request_views as rv
from bot.callbacks import (
    BlockCb,
    NoteCb,
    QueueOpenCb,
    QueuePageCb,
    ResolveCb,
    SavedReplyCb,
    SpamCb,
    StaffReplyCb,
    TakeCb,
    TransferCb,
    TransferToCb,
    UnblockCb,
)
from bot.helpdesk import Helpdesk, Target
from bot.services.finder import CenterFinder
from bot.services.requests import HelpRequest, RuleError
from bot.services.stats import summarize
from bot.settings import Settings
from storage.stats import StatsRepository

router = Router(name=__name__)

QUEUE_PAGE = 5
TRANSFER_CHOICES = 6
INVITE_VALID_FOR = timedelta(days=3)


class StaffInput(StatesGroup):
    answer = State()
    note = State()


def _name(query: CallbackQuery | Message) -> str:
    return query.from_user.first_name if query.from_user else ""


async def _request_for_staff(query: CallbackQuery, request_id: int, helpdesk: Helpdesk) -> HelpRequest | None:
    request = await helpdesk.requests.get(request_id)
    if request is None or not await helpdesk.allowed(query.from_user.id, request):
        await query.answer(rv.not_allowed(), show_alert=True)
        return None
    return request


async def _open_request_for_staff(query: CallbackQuery, request_id: int, helpdesk: Helpdesk) -> HelpRequest | None:
    request = await _request_for_staff(query, request_id, helpdesk)
    if request is not None and not request.is_open:
        await query.answer(rv.request_closed(), show_alert=True)
        return None
    return request


async def _prompt(query: CallbackQuery, text: str, markup=None) -> None:  # type: ignore[no-untyped-def]
    """Asks the staff member for text where they pressed; in a group, as a forced reply so the bot sees it."""
    message = query.message
    if isinstance(message, Message) and message.chat.type != "private":
        await message.answer(text, reply_markup=ForceReply(selective=True))
        if markup is not None:
            await message.answer(rv.saved_replies_hint(), reply_markup=markup)
        return
    assert query.bot is not None
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


@router.callback_query(TakeCb.filter())
async def take(query: CallbackQuery, callback_data: TakeCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    try:
        await helpdesk.take(request, query.from_user.id, _name(query))
    except RuleError as error:
        await query.answer(rv.request_closed() if error.code == "closed" else rv.already_taken(), show_alert=True)
        return
    await query.answer("🙋")


@router.callback_query(ResolveCb.filter())
@router.callback_query(SpamCb.filter())
async def close(query: CallbackQuery, callback_data: ResolveCb | SpamCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    try:
        if isinstance(callback_data, SpamCb):
            await helpdesk.close_as_spam(request, query.from_user.id, _name(query))
        else:
            await helpdesk.resolve(request, query.from_user.id, _name(query))
    except RuleError:
        await query.answer(rv.request_closed(), show_alert=True)
        return
    await query.answer("🚫" if isinstance(callback_data, SpamCb) else "✅")


@router.callback_query(StaffReplyCb.filter())
async def reply(query: CallbackQuery, callback_data: StaffReplyCb, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await query.answer()
    await state.set_state(StaffInput.answer)
    await state.update_data(request_id=request.id)
    replies = await helpdesk.saved_replies.for_center(request.center_id, request.locale)
    await _prompt(query, rv.write_answer(request), rv.saved_reply_choices(request, replies))


@router.callback_query(NoteCb.filter())
async def note(query: CallbackQuery, callback_data: NoteCb, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await query.answer()
    await state.set_state(StaffInput.note)
    await state.update_data(request_id=request.id)
    await _prompt(query, rv.write_note(request))


@router.message(StaffInput.answer, F.text)
@router.message(StaffInput.note, F.text)
async def staff_text(message: Message, state: FSMContext, helpdesk: Helpdesk) -> None:
    assert message.from_user is not None
    kind = await state.get_state()
    request = await helpdesk.requests.get(int((await state.get_data()).get("request_id", 0)))
    await state.clear()
    # Checked again: the right may have been withdrawn between the button and the text.
    if request is None or not await helpdesk.allowed(message.from_user.id, request):
        await message.answer(rv.not_allowed())
        return
    private = message.chat.type == "private"
    menu = keyboards.main_menu() if private else None
    if kind == StaffInput.note.state:
        await helpdesk.add_note(request, message.from_user.id, _name(message), message.text or "")
        await message.answer(rv.note_saved(), reply_markup=menu)
        return
    try:
        await helpdesk.staff_answer(request, message.from_user.id, _name(message), message.text or "")
    except RuleError:
        await message.answer(rv.request_closed(), reply_markup=menu)
        return
    await message.answer(rv.answer_sent(), reply_markup=menu)


@router.callback_query(SavedReplyCb.filter())
async def saved_reply(query: CallbackQuery, callback_data: SavedReplyCb, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    saved = await helpdesk.saved_replies.get(callback_data.reply)
    if saved is None or saved.center_id != request.center_id:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    await state.clear()
    await helpdesk.staff_answer(request, query.from_user.id, _name(query), saved.text)
    await query.answer(rv.answer_sent())


@router.callback_query(TransferCb.filter())
async def transfer(query: CallbackQuery, callback_data: TransferCb, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await query.answer()
    locale = await helpdesk.locale_of(query.from_user.id)
    current = await helpdesk.centers.get(request.center_id)
    assert current is not None
    nearby = [center for center, _ in await CenterFinder(helpdesk.centers).near_center(current, TRANSFER_CHOICES)]
    await _prompt(query, rv.choose_transfer(request), rv.transfer_choices(request, nearby, locale))


@router.callback_query(TransferToCb.filter())
async def transfer_to(query: CallbackQuery, callback_data: TransferToCb, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    target = await helpdesk.centers.get(callback_data.to)
    if target is None:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    try:
        await helpdesk.transfer(request, query.from_user.id, target)
    except RuleError:
        await query.answer(rv.request_closed(), show_alert=True)
        return
    locale = await helpdesk.locale_of(query.from_user.id)
    await query.answer(rv.transferred_done(target, locale)[:190])
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


@router.callback_query(BlockCb.filter())
async def block(query: CallbackQuery, callback_data: BlockCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await helpdesk.block_sender(request, query.from_user.id, _name(query))
    await query.answer(rv.blocked_done(), show_alert=True)


@router.message(Command("blocked"), F.chat.type == "private")
async def blocked(message: Message, helpdesk: Helpdesk, settings: Settings) -> None:
    assert message.from_user is not None
    if message.from_user.id not in settings.admin_ids:
        await message.answer(rv.admins_only())
        return
    locale = await helpdesk.locale_of(message.from_user.id)
    text, markup = rv.blocked_list(await helpdesk.blocks.all(), settings.zone, locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(UnblockCb.filter())
async def unblock(query: CallbackQuery, callback_data: UnblockCb, helpdesk: Helpdesk, settings: Settings) -> None:
    if query.from_user.id not in settings.admin_ids:
        await query.answer(rv.admins_only(), show_alert=True)
        return
    await helpdesk.unblock(callback_data.user, query.from_user.id)
    await query.answer(rv.unblocked(), show_alert=True)


@router.message(Command("queue"))
async def queue(message: Message, state: FSMContext, helpdesk: Helpdesk, settings: Settings) -> None:
    await state.clear()
    assert message.from_user is not None
    await _show_queue(message, message.from_user.id, 1, helpdesk, settings, edit=False)


@router.callback_query(QueuePageCb.filter())
async def queue_page(query: CallbackQuery, callback_data: QueuePageCb, helpdesk: Helpdesk, settings: Settings) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _show_queue(query.message, query.from_user.id, callback_data.page, helpdesk, settings, edit=True)


@router.callback_query(QueueOpenCb.filter())
async def queue_open(query: CallbackQuery, callback_data: QueueOpenCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await query.answer()
    target = Target(query.from_user.id, await helpdesk.locale_of(query.from_user.id))
    await helpdesk.resend_notice(request, target)


async def _show_queue(
    message: Message, user_id: int, page: int, helpdesk: Helpdesk, settings: Settings, edit: bool
) -> None:
    centers = None if user_id in settings.admin_ids else await helpdesk.staff.centers_of(user_id)
    if centers is not None and not centers:
        await message.answer(rv.staff_only())
        return
    requests, total = await helpdesk.requests.open_in(centers, QUEUE_PAGE, (page - 1) * QUEUE_PAGE)
    pages = max(1, math.ceil(total / QUEUE_PAGE))
    text = rv.queue(requests, total, page, pages)
    markup = rv.queue_buttons(requests, page, pages) if requests else None
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


@router.my_chat_member(F.chat.type == "private")
async def blocked_or_back(update: ChatMemberUpdated, helpdesk: Helpdesk) -> None:
    """Telegram tells the bot when a person blocks or unblocks it; for staff, notices follow that."""
    await helpdesk.set_reachable(update.from_user.id, update.new_chat_member.status != "kicked")


@router.message(Command("bind"), F.chat.type.in_({"group", "supergroup"}))
async def bind(message: Message, command: CommandObject, helpdesk: Helpdesk) -> None:
    """A staff member binds this group to their center: notices go here, in a forum one topic a request."""
    assert message.from_user is not None
    centers = await helpdesk.staff.centers_of(message.from_user.id)
    if command.args:
        chosen = await helpdesk.centers.by_slug(command.args.strip())
        centers = {chosen.id} & centers if chosen else set()
    if len(centers) != 1:
        await message.answer(rv.bind_refused())
        return
    center = await helpdesk.bind_group(next(iter(centers)), message.chat.id, bool(message.chat.is_forum),
                                       message.from_user.id)  # fmt: skip
    await message.answer(rv.bound(center, helpdesk.i18n.default_locale, bool(message.chat.is_forum)))


@router.message(Command("invite"), F.chat.type == "private")
async def invite(message: Message, command: CommandObject, helpdesk: Helpdesk, settings: Settings, bot: Bot) -> None:
    assert message.from_user is not None
    if message.from_user.id not in settings.admin_ids:
        await message.answer(rv.admins_only())
        return
    center = await helpdesk.centers.by_slug((command.args or "").strip())
    if center is None:
        await message.answer(rv.invite_usage())
        return
    token = await helpdesk.create_invite(center.id, message.from_user.id, INVITE_VALID_FOR)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=s_{token}"
    await message.answer(
        rv.invite_created(center, link, INVITE_VALID_FOR, await helpdesk.locale_of(message.from_user.id))
    )


@router.message(Command("stats"), F.chat.type == "private")
async def stats(message: Message, helpdesk: Helpdesk, settings: Settings) -> None:
    assert message.from_user is not None
    if message.from_user.id not in settings.admin_ids:
        await message.answer(rv.admins_only())
        return
    locale = await helpdesk.locale_of(message.from_user.id)
    summary = summarize(await StatsRepository(helpdesk.connection).rows())
    await message.answer(rv.stats(summary, await helpdesk.centers.all(), locale))
