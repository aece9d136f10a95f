"""Questions and answers: /faq and the menu's button (topics, then the articles), an article with «Did this
help?», and a typed question answered with the articles it names (the catch-all asks here after place names)."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards, texts
from bot.core.filters import ButtonText
from bot.faq import keyboards as fk
from bot.faq import views
from bot.faq.callbacks import FaqArticleCb, FaqAskCb, FaqTopicCb, FaqTopicsCb, FaqVoteCb
from bot.faq.desk import FaqDesk, faq_desk
from bot.faq.models import TOPICS
from bot.requests.desk import Helpdesk
from bot.requests.rules import signals_danger
from bot.settings import Settings
from handlers.requests import RequestForm, start_request

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

FOUND_LIMIT = 3


@router.message(Command("faq"))
@router.message(ButtonText(keyboards.FAQ))
async def faq_command(message: Message, state: FSMContext, dispatcher: Dispatcher) -> None:
    await state.clear()
    desk = faq_desk(dispatcher)
    if not len(desk.library):
        await message.answer(views.no_articles(), reply_markup=keyboards.main_menu())
        return
    await message.answer(views.intro(), reply_markup=fk.topics(desk.library))


@router.callback_query(FaqTopicsCb.filter())
async def topics(query: CallbackQuery, dispatcher: Dispatcher) -> None:
    desk = faq_desk(dispatcher)
    await _edit_or_send(query, views.intro(), fk.topics(desk.library))


@router.callback_query(FaqTopicCb.filter(F.topic.in_(TOPICS)))
async def topic(query: CallbackQuery, callback_data: FaqTopicCb, dispatcher: Dispatcher, i18n: I18n) -> None:
    articles = faq_desk(dispatcher).library.in_topic(callback_data.topic)
    if not articles:
        await query.answer(views.no_articles(), show_alert=True)
        return
    heading = views.topic_heading(callback_data.topic, len(articles))
    await _edit_or_send(query, heading, fk.topic_articles(articles, i18n.current_locale), edit=not callback_data.new)


@router.callback_query(FaqArticleCb.filter())
async def open_article(
    query: CallbackQuery, callback_data: FaqArticleCb, dispatcher: Dispatcher, state: FSMContext, i18n: I18n, bot: Bot
) -> None:
    item = faq_desk(dispatcher).library.by_key(callback_data.key)
    if item is None:  # an article taken out since the button was sent
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await query.answer()
    in_request = callback_data.go and await _writing_request(state)
    text = views.article(item, i18n.current_locale, in_request)
    await bot.send_message(query.from_user.id, text, reply_markup=fk.article(item, in_request))


@router.callback_query(FaqVoteCb.filter())
async def vote(
    query: CallbackQuery, callback_data: FaqVoteCb, dispatcher: Dispatcher, state: FSMContext, bot: Bot
) -> None:
    desk = faq_desk(dispatcher)
    item = desk.library.by_key(callback_data.key)
    if item is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    counted = await desk.answer(query.from_user.id, item, callback_data.helped)
    in_request = callback_data.go and await _writing_request(state)
    if isinstance(query.message, Message):  # the question is answered: its buttons go, the way to a person stays
        try:
            await query.message.edit_reply_markup(reply_markup=fk.article(item, in_request, answered=True))
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                raise
    if not counted:
        await query.answer(views.already_answered())
    elif callback_data.helped:
        await query.answer(views.thanks_helped())
    else:
        await query.answer()
        text = views.thanks_not_helped(in_request)
        await bot.send_message(query.from_user.id, text, reply_markup=fk.ask_or_go_on(in_request))


@router.callback_query(FaqAskCb.filter())
async def ask_center(query: CallbackQuery, state: FSMContext, helpdesk: Helpdesk, settings: Settings) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await start_request(query.message, state, helpdesk, settings, query.from_user.id)


async def answer_question(message: Message, text: str, desk: FaqDesk, locale: str) -> bool:
    """A typed question: the emergency numbers first if it speaks of danger, then the articles it names.
    False when there was nothing to say (the caller gives its hint)."""
    found = desk.library.search(text, FOUND_LIMIT)
    danger = signals_danger(text)
    if danger:
        await message.answer(texts.emergency(), reply_markup=keyboards.main_menu())
    if found:
        articles = [match.article for match in found]
        await message.answer(views.found_heading(), reply_markup=fk.found(articles, locale))
    return danger or bool(found)


async def _writing_request(state: FSMContext) -> bool:
    """Whether a help request is still being written: an article offered in it then leads back to it, never to a
    new one (which would start the dialog over)."""
    return await state.get_state() in RequestForm.__all_states_names__


async def _edit_or_send(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup, edit: bool = True) -> None:
    """Edit the message the button sits on; a message too old to edit gets a fresh one instead."""
    await query.answer()
    message = query.message
    if edit and isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return
    if query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
