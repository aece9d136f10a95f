"""The catch-all: a typed place name still finds centers, then a question finds articles; anything else gets a
hint and the menu."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards, texts
from bot.core.clock import Clock
from bot.faq.desk import FaqDesk
from bot.settings import Settings
from handlers.centers import answer_place_search
from handlers.common import ask_language
from handlers.faq import answer_question
from handlers.requests import writing_request
from storage.centers import CenterRepository
from storage.users import User

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


@router.message(F.text)
async def free_text(
    message: Message,
    user: User,
    centers: CenterRepository,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
    faq: FaqDesk,
    state: FSMContext,
) -> None:
    assert message.text is not None
    if await answer_place_search(message, message.text, centers, i18n.current_locale, clock.local(settings.zone)):
        return
    if user.locale is None:
        await ask_language(message, i18n)
        return
    in_request = await writing_request(state)  # typed at a step that wants a tap: the request stays the way on
    if await answer_question(message, message.text, faq, i18n.current_locale, in_request):
        return
    await message.answer(texts.not_understood(), reply_markup=keyboards.main_menu())


@router.message()
async def anything_else(message: Message) -> None:
    await message.answer(texts.not_understood(), reply_markup=keyboards.main_menu())


@router.callback_query()
async def stale_button(query: CallbackQuery) -> None:
    """A button from an old message, or data nobody should have sent."""
    await query.answer(texts.button_gone(), show_alert=True)
