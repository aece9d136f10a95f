"""Filters shared by the handlers: a menu button in any language, and who someone is (admin, staff)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject, User
from aiogram.utils.i18n import I18n

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.requests.desk import Helpdesk


class ButtonText(Filter):
    """A reply-keyboard button in any language: a keyboard sent before a language switch still works."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    async def __call__(self, message: Message, i18n: I18n) -> bool:
        if not message.text:
            return False
        return any(message.text == i18n.gettext(self.msgid, locale=locale) for locale in i18n.available_locales)


class IsAdmin(Filter):
    """An administrator named in ADMIN_IDS, checked on every update (never from a chat's or a button's claim)."""

    async def __call__(self, _event: TelegramObject, settings: Settings, event_from_user: User | None = None) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class IsStaff(Filter):
    """Staff of at least one center, or an administrator. The handler gets `staff_centers`: the centers this
    person acts for, or None for an administrator, who acts for all."""

    async def __call__(
        self, _event: TelegramObject, settings: Settings, helpdesk: Helpdesk, event_from_user: User | None = None
    ) -> bool | dict[str, set[int] | None]:
        if event_from_user is None:
            return False
        if event_from_user.id in settings.admin_ids:
            return {"staff_centers": None}
        centers = await helpdesk.centers_of(event_from_user.id)
        return {"staff_centers": centers} if centers else False
