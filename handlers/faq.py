"""Questions and answers: /faq and the menu's button (topics, then the articles), an article with «Did this
help?», and a typed question answered with the articles it names (the catch-all asks here after place names).

An article on a child's safety (bot.programmes.rules.CHILD_TOPICS) also shows the commissioner for children's
rights of the person's region, with 111 and 150. While a help request is being written, an article's way to a
person is that request: its buttons take it up again where it was, never start it over."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards, texts
from bot.core.filters import ButtonText
from bot.faq import keyboards as fk
from bot.faq import views
from bot.faq.callbacks import FaqArticleCb, FaqAskCb, FaqTopicCb, FaqTopicsCb, FaqVoteCb
from bot.faq.desk import FaqDesk
from bot.faq.models import TOPICS
from bot.programmes.desk import ProgrammeDesk
from bot.programmes.models import Commissioner
from bot.programmes.rules import is_child_topic
from bot.programmes.views import child_rights_block
from bot.requests.desk import Helpdesk
from bot.requests.rules import signals_danger
from bot.settings import Settings
from handlers.requests import resume_request, start_request, writing_request
from storage.centers import CenterRepository

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


@router.message(Command("faq"))
@router.message(ButtonText(keyboards.FAQ))
async def faq_command(message: Message, state: FSMContext, faq: FaqDesk) -> None:
    await state.clear()
    if not len(faq.library):
        await message.answer(views.no_articles(), reply_markup=keyboards.main_menu())
        return
    await message.answer(views.intro(), reply_markup=fk.topics(faq.library))


@router.callback_query(FaqTopicsCb.filter())
async def topics(query: CallbackQuery, faq: FaqDesk) -> None:
    await keyboards.edit_or_send(query, views.intro(), fk.topics(faq.library))


@router.callback_query(FaqTopicCb.filter(F.topic.in_(TOPICS)))
async def topic(query: CallbackQuery, callback_data: FaqTopicCb, faq: FaqDesk, i18n: I18n) -> None:
    articles = faq.library.in_topic(callback_data.topic)
    if not articles:
        await query.answer(views.no_articles(), show_alert=True)
        return
    heading = views.topic_heading(callback_data.topic, len(articles))
    markup = fk.topic_articles(articles, i18n.current_locale)
    await keyboards.edit_or_send(query, heading, markup, edit=not callback_data.new)


@router.callback_query(FaqArticleCb.filter())
async def open_article(
    query: CallbackQuery,
    callback_data: FaqArticleCb,
    faq: FaqDesk,
    state: FSMContext,
    helpdesk: Helpdesk,
    programmes: ProgrammeDesk,
    i18n: I18n,
    bot: Bot,
) -> None:
    item = faq.library.by_key(callback_data.key)
    if item is None:  # an article taken out since the button was sent
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await query.answer()
    locale = i18n.current_locale
    in_request = await writing_request(state)
    child_rights = None
    if is_child_topic(item.topic):
        commissioner = await _commissioner(query.from_user.id, state, helpdesk, programmes)
        child_rights = child_rights_block(commissioner, locale)
    first, *more = views.article_messages(item, locale, in_request, child_rights)
    await bot.send_message(query.from_user.id, first, reply_markup=fk.article(item, in_request))
    for text in more:
        await bot.send_message(query.from_user.id, text)


@router.callback_query(FaqVoteCb.filter())
async def vote(query: CallbackQuery, callback_data: FaqVoteCb, faq: FaqDesk, state: FSMContext, bot: Bot) -> None:
    item = faq.library.by_key(callback_data.key)
    if item is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    counted = await faq.answer(query.from_user.id, item, callback_data.helped)
    in_request = await writing_request(state)
    if isinstance(query.message, Message):  # the question is answered: its buttons go, the way to a person stays
        await keyboards.remove_inline_buttons(query.message, keep=fk.article(item, in_request, answered=True))
    if not counted:
        await query.answer(views.already_answered())
    elif callback_data.helped:
        await query.answer(views.thanks_helped())
    else:
        await query.answer()
        text = views.thanks_not_helped(in_request)
        await bot.send_message(query.from_user.id, text, reply_markup=fk.ask_or_go_on(in_request))


@router.callback_query(FaqAskCb.filter())
async def ask_center(
    query: CallbackQuery,
    state: FSMContext,
    helpdesk: Helpdesk,
    centers: CenterRepository,
    settings: Settings,
    i18n: I18n,
) -> None:
    """A help request; a button sent before the one being written was begun takes that one up again instead."""
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if await writing_request(state):
        await resume_request(query.message, state, centers, i18n.current_locale)
    else:
        await start_request(query.message, state, helpdesk, settings, query.from_user.id)


async def answer_question(message: Message, text: str, desk: FaqDesk, locale: str, in_request: bool = False) -> bool:
    """A typed question: the emergency numbers first if it speaks of danger, then the articles it names (with the
    way to a person, unless a help request is being written). False when there was nothing to say (the caller
    gives its hint)."""
    found = desk.articles_for(text)
    danger = signals_danger(text)
    if danger:
        await message.answer(texts.emergency(), reply_markup=keyboards.main_menu())
    if found:
        await message.answer(views.found_heading(), reply_markup=fk.found(found, locale, in_request))
    return danger or bool(found)


async def _commissioner(
    user_id: int, state: FSMContext, helpdesk: Helpdesk, programmes: ProgrammeDesk
) -> Commissioner | None:
    """The commissioner of the region of the center the person chose last: the one of the dialog under way (a help
    request's draft), else the one of their newest request; None when no center is known."""
    center_id = (await state.get_data()).get("center_id")
    if center_id is None:
        sent = await helpdesk.requests_of(user_id)  # the newest first
        center_id = sent[0].center_id if sent else None
    return await programmes.commissioner_for_center(int(center_id) if center_id is not None else None)
