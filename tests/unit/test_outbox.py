"""The outbox worker against a Telegram that refuses a staff group (the bot was removed from it): the center's
open requests reach its staff privately instead of waiting in a group nobody can read."""

from __future__ import annotations

import time
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Message

from bot.core.i18n import create_i18n
from bot.requests.desk import Helpdesk
from bot.requests.models import NewRequest
from bot.telegram.outbox import OutboxWorker
from storage.bootstrap import load_sample_centers
from storage.database import Database

GROUP = -100700001


class GroupRefusingSession(BaseSession):
    """Delivers to people; a group answers 403, as Telegram does once the bot is no longer a member."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[SendMessage] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:  # noqa: ARG002, ASYNC109 -- aiogram's session interface
        chat_id = int(getattr(method, "chat_id", 0) or 0)
        if chat_id < 0:
            raise TelegramForbiddenError(method, "Forbidden: bot was kicked from the supergroup chat")
        assert isinstance(method, SendMessage)
        self.delivered.append(method)
        chat = {"id": chat_id, "type": "private"}
        message = {"message_id": len(self.delivered), "date": int(time.time()), "chat": chat, "text": "…"}
        return Message.model_validate(message, context={"bot": bot})

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG002
        raise AssertionError("no network")

    async def close(self) -> None:
        """Nothing to close."""


async def test_a_group_that_refuses_the_bot_hands_its_requests_to_the_staff_privately(db: Database) -> None:
    await load_sample_centers(db)
    session = GroupRefusingSession()
    bot = Bot("123456:OUTBOX-TEST", session=session)
    worker = OutboxWorker(bot, db)
    desk = Helpdesk(db, create_i18n("kk"), admin_ids=(), worker=worker)
    worker.on_refused = desk.recipient_refused
    center = await desk.center_by_slug("astana-zhanuya")
    assert center is not None
    await desk.staff.add(41, center.id)
    await desk.bind_group(center.id, GROUP, is_forum=False, bound_by=41)
    request = await desk.submit(NewRequest(7, center.id, "other", False, "anonymous", None, None, "ru", "Помогите"))

    await worker.deliver_due()  # the group refuses: the group is let go, the request announced privately
    await worker.deliver_due()

    assert await desk.group_of_chat(GROUP) is None
    assert [message.chat_id for message in session.delivered] == [41]
    assert request.number in str(session.delivered[0].text)
