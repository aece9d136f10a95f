"""The staff's side of a help request: take it, answer the person through the bot, resolve it.

Rights are checked against the database on every press: the callback data names a request, never a right.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot import request_views as rv
from bot.callbacks import ResolveCb, StaffReplyCb, TakeCb
from bot.helpdesk import Helpdesk
from bot.services.requests import HelpRequest, RuleError

router = Router(name=__name__)


class StaffAnswer(StatesGroup):
    text = State()


async def _request_for_staff(query: CallbackQuery, request_id: int, helpdesk: Helpdesk) -> HelpRequest | None:
    request = await helpdesk.requests.get(request_id)
    if request is None or not await helpdesk.allowed(query.from_user.id, request):
        await query.answer(rv.not_allowed(), show_alert=True)
        return None
    return request


@router.callback_query(TakeCb.filter())
async def take(query: CallbackQuery, callback_data: TakeCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    try:
        await helpdesk.take(request, query.from_user.id, query.from_user.first_name)
    except RuleError as error:
        await query.answer(rv.request_closed() if error.code == "closed" else rv.already_taken(), show_alert=True)
        return
    await query.answer("🙋")


@router.callback_query(ResolveCb.filter())
async def resolve(query: CallbackQuery, callback_data: ResolveCb, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    try:
        await helpdesk.resolve(request, query.from_user.id, query.from_user.first_name)
    except RuleError:
        await query.answer(rv.request_closed(), show_alert=True)
        return
    await query.answer("✅")


@router.callback_query(StaffReplyCb.filter())
async def reply(query: CallbackQuery, callback_data: StaffReplyCb, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await _request_for_staff(query, callback_data.id, helpdesk)
    if request is None:
        return
    if not request.is_open:
        await query.answer(rv.request_closed(), show_alert=True)
        return
    await query.answer()
    await state.set_state(StaffAnswer.text)
    await state.update_data(request_id=request.id)
    await query.bot.send_message(query.from_user.id, rv.write_answer(request))  # type: ignore[union-attr]


@router.message(StaffAnswer.text, F.text, F.chat.type == "private")
async def answer_text(message: Message, state: FSMContext, helpdesk: Helpdesk) -> None:
    assert message.from_user is not None
    request = await helpdesk.requests.get(int((await state.get_data()).get("request_id", 0)))
    await state.clear()
    # Checked again: the right may have been withdrawn between the button and the text.
    if request is None or not await helpdesk.allowed(message.from_user.id, request):
        await message.answer(rv.not_allowed())
        return
    try:
        await helpdesk.staff_answer(request, message.from_user.id, message.from_user.first_name, message.text or "")
    except RuleError:
        await message.answer(rv.request_closed(), reply_markup=keyboards.main_menu())
        return
    await message.answer(rv.answer_sent(), reply_markup=keyboards.main_menu())
