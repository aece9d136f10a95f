"""The inline keyboards of questions and answers."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.core.keyboards import N_
from bot.faq.callbacks import FaqArticleCb, FaqAskCb, FaqGoOnCb, FaqTopicCb, FaqTopicsCb, FaqVoteCb
from bot.faq.library import Library
from bot.faq.models import Article
from bot.faq.views import button_title, topic_name

ASK_CENTER = N_("✍️ Ask a center")
GO_ON = N_("➡️ Go on with my request")


def topics(library: Library) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for topic in library.topics():
        builder.button(text=topic_name(topic), callback_data=FaqTopicCb(topic=topic))
    builder.adjust(1)
    return builder.as_markup()


def topic_articles(articles: list[Article], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in articles:
        builder.button(text=button_title(item, locale), callback_data=FaqArticleCb(key=item.key))
    builder.button(text=_("⬅️ All topics"), callback_data=FaqTopicsCb())
    builder.adjust(1)
    return builder.as_markup()


def found(articles: list[Article], locale: str, in_request: bool = False, way_on: bool = True) -> InlineKeyboardMarkup:
    """What a question found, then the way to a person in one tap: «Ask a center», or inside a help request «Go on
    with my request» (`way_on=False` where the request's next question comes right below); the list of topics
    outside a request only. Inside a request the articles lead back to it."""
    builder = InlineKeyboardBuilder()
    for item in articles:
        builder.button(text=button_title(item, locale), callback_data=FaqArticleCb(key=item.key, go=in_request))
    if way_on:
        _ask_or_go_on(builder, in_request)
    if not in_request:
        builder.button(text=_("❓ All questions and answers"), callback_data=FaqTopicsCb())
    builder.adjust(1)
    return builder.as_markup()


def article(item: Article, in_request: bool, answered: bool = False) -> InlineKeyboardMarkup:
    """«Did this help?» (until answered on this message), then the way to a person: «Ask a center», or inside a
    help request «Go on with my request»; then the other answers of the topic."""
    builder = InlineKeyboardBuilder()
    sizes = []
    if not answered:
        builder.button(text=_("👍 Yes"), callback_data=FaqVoteCb(key=item.key, helped=True, go=in_request))
        builder.button(text=_("👎 No"), callback_data=FaqVoteCb(key=item.key, helped=False, go=in_request))
        sizes.append(2)
    _ask_or_go_on(builder, in_request)
    sizes.append(1)
    if not in_request:
        builder.button(text=_("📚 More on this topic"), callback_data=FaqTopicCb(topic=item.topic, new=True))
        sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def ask_or_go_on(in_request: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _ask_or_go_on(builder, in_request)
    return builder.as_markup()


def _ask_or_go_on(builder: InlineKeyboardBuilder, in_request: bool) -> None:
    if in_request:
        builder.button(text=_(GO_ON), callback_data=FaqGoOnCb())
    else:
        builder.button(text=_(ASK_CENTER), callback_data=FaqAskCb())
