"""Filters shared by the handlers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message
from aiogram.utils.i18n import I18n


class ButtonText(Filter):
    """A reply-keyboard button in any language: a keyboard sent before a language switch still works."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    async def __call__(self, message: Message, i18n: I18n) -> bool:
        if not message.text:
            return False
        return any(message.text == i18n.gettext(self.msgid, locale=locale) for locale in i18n.available_locales)
