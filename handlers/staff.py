"""The staff's side of a help request: take, answer, note, transfer, resolve or close as spam; the queue;
binding a staff group; and the admins' invites and numbers.

Rights are checked against the database on every press: the callback data names a request, never a right.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ChatMemberUpdated, ForceReply, InlineKeyboardMarkup, Message

from bot.core import keyboards
from bot.core.callbacks import (
    BlockCb,
    GroupBindCb,
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
)
from bot.core.filters import IsStaff
from bot.directory.finder import CenterFinder
from bot.directory.models import Center
from bot.requests import views as rv
from bot.requests.desk import Helpdesk, Target
from bot.requests.models import HelpRequest, RuleError
from bot.requests.rules import clamp_page, page_count
from bot.settings import Settings

router = Router(name=__name__)

QUEUE_PAGE = 5
TRANSFER_CHOICES = 6
GROUP_CHATS = {"group", "supergroup"}


class StaffInput(StatesGroup):
    answer = State()
    note = State()


def _name(query: CallbackQuery | Message) -> str:
    return query.from_user.first_name if query.from_user else ""


def _refusal(error: RuleError, otherwise: str) -> str:
    """What a refused action is answered: the right withdrawn meanwhile (read in the action's transaction), or
    `otherwise`."""
    return rv.not_allowed() if error.code == "not_allowed" else otherwise


async def _request_for_staff(query: CallbackQuery, request_id: int, helpdesk: Helpdesk) -> HelpRequest | None:
    request = await helpdesk.request(request_id)
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


def _in_group(query: CallbackQuery) -> Message | None:
    """The group message the staff member pressed a button on; None in a private chat."""
    message = query.message
    return message if isinstance(message, Message) and message.chat.type != "private" else None


async def _prompt(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Asks the staff member for text where they pressed. A bot in privacy mode gets from a group only replies to
    its messages (and commands), so there the question mentions them and carries a ForceReply for them alone:
    their app opens the reply box, and what they type comes back as a reply. The question also says so, for apps
    that show no reply box. The saved replies, if any, follow in a message of their own."""
    group = _in_group(query)
    if group is None:
        await _offer(query, text, markup)
        return
    user = query.from_user
    await group.answer(rv.group_prompt(user.id, user.first_name, text), reply_markup=ForceReply(selective=True))
    if markup is not None:
        await group.answer(rv.saved_replies_hint(), reply_markup=markup)


async def _offer(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """A message where the staff member pressed (nothing to type: no forced reply)."""
    group = _in_group(query)
    if group is not None:
        await group.answer(text, reply_markup=markup)
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
        closed = error.code == "closed"
        await query.answer(_refusal(error, rv.request_closed() if closed else rv.already_taken()), show_alert=True)
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
    except RuleError as error:
        await query.answer(_refusal(error, rv.request_closed()), show_alert=True)
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
    replies = await helpdesk.saved_replies_of(request.center_id, request.locale)
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


@router.message(StaffInput.answer, F.text, ~F.text.startswith("/"))
@router.message(StaffInput.note, F.text, ~F.text.startswith("/"))
async def staff_text(message: Message, state: FSMContext, helpdesk: Helpdesk) -> None:
    assert message.from_user is not None
    kind = await state.get_state()
    request = await helpdesk.request(int((await state.get_data()).get("request_id", 0)))
    await state.clear()
    # Checked again: the right may have been withdrawn between the button and the text.
    if request is None or not await helpdesk.allowed(message.from_user.id, request):
        await message.answer(rv.not_allowed())
        return
    private = message.chat.type == "private"
    menu = keyboards.main_menu() if private else None
    try:
        if kind == StaffInput.note.state:
            await helpdesk.add_note(request, message.from_user.id, _name(message), message.text or "")
            await message.answer(rv.note_saved(), reply_markup=menu)
            return
        await helpdesk.staff_answer(request, message.from_user.id, _name(message), message.text or "")
    except RuleError as error:
        await message.answer(_refusal(error, rv.request_closed()), reply_markup=menu)
        return
    await message.answer(rv.answer_sent(), reply_markup=menu)


@router.callback_query(SavedReplyCb.filter())
async def saved_reply(query: CallbackQuery, callback_data: SavedReplyCb, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    saved = await helpdesk.saved_reply(callback_data.reply)
    if saved is None or saved.center_id != request.center_id:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    await state.clear()
    try:
        await helpdesk.staff_answer(request, query.from_user.id, _name(query), saved.text)
    except RuleError as error:
        await query.answer(_refusal(error, rv.request_closed()), show_alert=True)
        return
    await query.answer(rv.answer_sent())


@router.callback_query(TransferCb.filter())
async def transfer(query: CallbackQuery, callback_data: TransferCb, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await query.answer()
    locale = await helpdesk.locale_of(query.from_user.id)
    current = await helpdesk.center(request.center_id)
    assert current is not None
    nearby = [center for center, _ in await CenterFinder(helpdesk.centers).near_center(current, TRANSFER_CHOICES)]
    await _offer(query, rv.choose_transfer(request), rv.transfer_choices(request, nearby, locale))


@router.callback_query(TransferToCb.filter())
async def transfer_to(query: CallbackQuery, callback_data: TransferToCb, helpdesk: Helpdesk) -> None:
    request = await _open_request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    target = await helpdesk.center(callback_data.to)
    if target is None:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    try:
        await helpdesk.transfer(request, query.from_user.id, target)
    except RuleError as error:
        await query.answer(_refusal(error, rv.request_closed()), show_alert=True)
        return
    locale = await helpdesk.locale_of(query.from_user.id)
    await query.answer(rv.transferred_done(target, locale)[:190])
    if isinstance(query.message, Message):
        await keyboards.remove_inline_buttons(query.message)


@router.callback_query(BlockCb.filter())
async def block(query: CallbackQuery, callback_data: BlockCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    try:
        await helpdesk.block_sender(request, query.from_user.id, _name(query))
    except RuleError as error:
        await query.answer(_refusal(error, rv.request_closed()), show_alert=True)
        return
    await query.answer(rv.blocked_done(), show_alert=True)


@router.message(Command("queue"), IsStaff())
async def queue(message: Message, state: FSMContext, helpdesk: Helpdesk, staff_centers: set[int] | None) -> None:
    await state.clear()
    await _show_queue(message, staff_centers, 1, helpdesk, edit=False)


@router.message(Command("queue"))
async def queue_refused(message: Message) -> None:
    await message.answer(rv.staff_only())


@router.callback_query(QueuePageCb.filter(), IsStaff())
async def queue_page(
    query: CallbackQuery, callback_data: QueuePageCb, helpdesk: Helpdesk, staff_centers: set[int] | None
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _show_queue(query.message, staff_centers, callback_data.page, helpdesk, edit=True)


@router.callback_query(QueueOpenCb.filter())
async def queue_open(query: CallbackQuery, callback_data: QueueOpenCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    await query.answer()
    target = Target(query.from_user.id, await helpdesk.locale_of(query.from_user.id))
    await helpdesk.resend_notice(request, target)


async def _show_queue(message: Message, centers: set[int] | None, page: int, helpdesk: Helpdesk, edit: bool) -> None:
    """A page of the open requests of these centers (None: every center)."""
    page = clamp_page(page)
    requests, total = await helpdesk.open_requests(centers, QUEUE_PAGE, (page - 1) * QUEUE_PAGE)
    pages = page_count(total, QUEUE_PAGE)
    if page > pages:  # a stale arrow after requests were closed: the last page there is
        page = pages
        requests, total = await helpdesk.open_requests(centers, QUEUE_PAGE, (page - 1) * QUEUE_PAGE)
    text = rv.queue(requests, total, page, pages)
    markup = rv.queue_buttons(requests, page, pages) if requests else None
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


@router.my_chat_member(F.chat.type.in_(GROUP_CHATS), F.new_chat_member.status.in_({"left", "kicked"}))
async def removed_from_group(update: ChatMemberUpdated, helpdesk: Helpdesk) -> None:
    """The bot was removed from a group: if it was a center's staff group, notices go to the staff privately."""
    await helpdesk.group_lost(update.chat.id)


@router.my_chat_member(F.chat.type == "private")
async def blocked_or_back(update: ChatMemberUpdated, helpdesk: Helpdesk) -> None:
    """Telegram tells the bot when a person blocks or unblocks it; for staff, notices follow that."""
    await helpdesk.set_reachable(update.from_user.id, update.new_chat_member.status != "kicked")


async def _may_manage(user_id: int, center_id: int, helpdesk: Helpdesk, settings: Settings) -> bool:
    """Who may send a center's notices to a group, or take them away from one: its staff, and the admins."""
    return user_id in settings.admin_ids or center_id in await helpdesk.centers_of(user_id)


async def _bound_center(chat_id: int, helpdesk: Helpdesk) -> Center | None:
    group = await helpdesk.group_of_chat(chat_id)
    return await helpdesk.center(group.center_id) if group is not None else None


@router.message(Command("bind"), F.chat.type.in_(GROUP_CHATS))
async def bind(message: Message, command: CommandObject, helpdesk: Helpdesk, settings: Settings) -> None:
    """A staff member binds this group to their center (an admin, to the center named): notices go here, in a forum
    one topic a request. A group bound to another center moves only for that center's staff or an admin, and only
    after they confirm: otherwise anyone's staff could take over a group and its notices."""
    assert message.from_user is not None
    user_id = message.from_user.id
    centers = await helpdesk.centers_of(user_id)
    if command.args:
        chosen = await helpdesk.center_by_slug(command.args.strip())
        allowed = chosen is not None and (chosen.id in centers or user_id in settings.admin_ids)
        centers = {chosen.id} if chosen is not None and allowed else set()
    if len(centers) != 1:
        await message.answer(rv.bind_refused())
        return
    target = next(iter(centers))
    current = await _bound_center(message.chat.id, helpdesk)
    if current is not None and current.id != target:
        locale = helpdesk.i18n.current_locale
        if not await _may_manage(user_id, current.id, helpdesk, settings):
            await message.answer(rv.group_taken(current, locale))
            return
        new = await helpdesk.center(target)
        assert new is not None
        text, markup = rv.rebind_question(current, new, locale)
        await message.answer(text, reply_markup=markup)
        return
    center = await helpdesk.bind_group(target, message.chat.id, bool(message.chat.is_forum), user_id)
    await message.answer(rv.bound(center, helpdesk.i18n.default_locale, bool(message.chat.is_forum)))


@router.callback_query(GroupBindCb.filter())
async def bind_confirmed(
    query: CallbackQuery, callback_data: GroupBindCb, helpdesk: Helpdesk, settings: Settings
) -> None:
    """The answer to the rebind question. Anyone in the group can press, and the data can be forged: both rights
    are checked again, and the group must still belong to the center the question was about."""
    message = query.message
    if not isinstance(message, Message) or message.chat.type not in GROUP_CHATS:
        await query.answer(rv.binding_changed(), show_alert=True)
        return
    user_id, locale = query.from_user.id, helpdesk.i18n.current_locale
    current = await _bound_center(message.chat.id, helpdesk)
    new = await helpdesk.center(callback_data.to)
    if current is None or current.id != callback_data.was or new is None:
        await query.answer(rv.binding_changed(), show_alert=True)
        return
    if not await _may_manage(user_id, current.id, helpdesk, settings):
        await query.answer(rv.group_taken(current, locale)[:200], show_alert=True)
        return
    if not await _may_manage(user_id, new.id, helpdesk, settings):
        await query.answer(rv.bind_refused()[:200], show_alert=True)
        return
    if not callback_data.ok:
        await query.answer()
        await message.edit_text(rv.rebind_kept(current, locale))
        return
    await helpdesk.bind_group(new.id, message.chat.id, bool(message.chat.is_forum), user_id)
    await query.answer("✅")
    await keyboards.remove_inline_buttons(message)
    await message.answer(rv.rebound(current, new, locale))


@router.message(Command("unbind"), F.chat.type.in_(GROUP_CHATS))
async def unbind(message: Message, helpdesk: Helpdesk, settings: Settings) -> None:
    """Notices stop coming to this group (they go to the center's staff privately); for the center's staff or an
    admin only."""
    assert message.from_user is not None
    current = await _bound_center(message.chat.id, helpdesk)
    if current is None:
        await message.answer(rv.group_not_bound())
        return
    locale = helpdesk.i18n.current_locale
    if not await _may_manage(message.from_user.id, current.id, helpdesk, settings):
        await message.answer(rv.group_taken(current, locale))
        return
    await helpdesk.unbind_group(message.chat.id, message.from_user.id)
    await message.answer(rv.unbound(current, locale))


# Registered last, so that the commands above keep working while a staff member's text is awaited.
@router.message(StaffInput.answer, Command("cancel"))
@router.message(StaffInput.note, Command("cancel"))
async def cancel_staff_input(message: Message, state: FSMContext) -> None:
    """/cancel in a group (in a private chat the general /cancel comes first and does the same)."""
    await state.clear()
    await message.answer(rv.staff_input_cancelled())


@router.message(StaffInput.answer, F.chat.type.in_(GROUP_CHATS))
@router.message(StaffInput.note, F.chat.type.in_(GROUP_CHATS))
async def still_waiting(message: Message, state: FSMContext, helpdesk: Helpdesk) -> None:
    """In a group, something of the staff member's that is not their text reached the bot (another command, a
    photo) while their answer or note is awaited. The wait goes on, and a new forced reply, answering their
    message, opens their reply box again: the first one was used up by what they just sent."""
    request = await helpdesk.request(int((await state.get_data()).get("request_id", 0)))
    if request is None:
        await state.clear()
        return
    await message.reply(rv.still_waiting(request.number), reply_markup=ForceReply(selective=True))
