"""The help desk: submitting requests, staff actions and answers, each committed together with its outbox rows.

The help desk writes through a connection of its own and one transaction at a time: on a connection shared
with other handlers, another update's commit could otherwise publish half of a request without its notices.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiosqlite
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot import request_views as rv
from bot.outbox import OutboxWorker
from bot.services.centers import Center
from bot.services.requests import HelpRequest, RuleError, check_transition, may_act
from storage.centers import CenterRepository
from storage.outbox import OutboxRepository
from storage.requests import NewRequest, RequestRepository
from storage.staff import StaffRepository
from storage.users import UserRepository

CHUNK = 4000


@dataclass
class Helpdesk:
    connection: aiosqlite.Connection
    i18n: I18n
    admin_ids: tuple[int, ...]
    worker: OutboxWorker | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def __post_init__(self) -> None:
        self.requests = RequestRepository(self.connection)
        self.staff = StaffRepository(self.connection)
        self.outbox = OutboxRepository(self.connection)
        self.centers = CenterRepository(self.connection)
        self.users = UserRepository(self.connection)

    # ---- the person ----

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One unit of work: committed whole (and the outbox woken), or rolled back whole."""
        async with self._lock:
            try:
                yield
                await self.requests.commit()
            except BaseException:
                await self.requests.rollback()
                raise
        if self.worker is not None:
            self.worker.wake()

    async def submit(self, new: NewRequest) -> HelpRequest:
        """The request and every notice about it are committed at once, before anything is sent."""
        async with self.transaction():
            request_id = await self.requests.create(new)
            request = await self._get(request_id)
            await self._notify_staff(request, new.text, new.file_id, new.file_kind)
        return request

    async def person_answer(self, request: HelpRequest, text: str) -> None:
        async with self.transaction():
            await self.requests.add_message(request.id, "person", text)
            recipients = [request.assignee_id] if request.assignee_id else await self._staff_chats(request.center_id)
            for chat_id in recipients:
                with self.i18n.use_locale(await self._locale_of(chat_id)):
                    await self._enqueue(chat_id, rv.person_wrote(request, text), rv.staff_actions(request), request)

    async def rate(self, request: HelpRequest, score: int) -> None:
        async with self.transaction():
            await self.requests.rate(request.id, score)

    async def comment_rating(self, request_id: int, comment: str) -> None:
        async with self.transaction():
            await self.requests.comment_rating(request_id, comment)

    # ---- staff ----

    async def allowed(self, user_id: int, request: HelpRequest) -> bool:
        return may_act(user_id, request.center_id, await self.staff.centers_of(user_id), self.admin_ids)

    async def take(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        async with self.transaction():
            return await self._change_status(request.id, "in_progress", actor_id, actor_name)

    async def resolve(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        async with self.transaction():
            return await self._change_status(request.id, "resolved", actor_id, actor_name)

    async def staff_answer(self, request: HelpRequest, actor_id: int, actor_name: str, text: str) -> None:
        async with self.transaction():
            request = await self._get(request.id)  # as it is now, not as it was when the button was pressed
            if not request.is_open:
                raise RuleError("closed")
            await self.requests.add_message(request.id, "staff", text, staff_id=actor_id)
            await self.requests.audit(actor_id, request.id, "answer")
            if request.status == "new":  # answering is taking
                await self._change_status(request.id, "in_progress", actor_id, actor_name)
            if request.user_id is not None:
                center = await self._center(request)
                with self.i18n.use_locale(request.locale):
                    answer = rv.staff_answer(center, request, text, request.locale)
                    await self._enqueue(request.user_id, answer, rv.person_reply_button(request.id), request)

    # ---- inside (called within a transaction) ----

    async def _change_status(self, request_id: int, status: str, actor_id: int, actor_name: str) -> HelpRequest:
        """Checked against the stored status, so two staff pressing at once cannot both take it."""
        current = await self._get(request_id)
        check_transition(current.status, status)
        await self.requests.set_status(request_id, status, actor_id)
        await self.requests.audit(actor_id, request_id, status)
        request = await self._get(request_id)
        await self._refresh_notices(request, actor_name)
        if request.user_id is not None:
            with self.i18n.use_locale(request.locale):
                if request.status == "resolved":
                    await self._enqueue(request.user_id, rv.ask_rating(request), rv.rating_buttons(request.id), request)
                else:
                    await self._enqueue(request.user_id, rv.status_changed(request), None, request)
        return request

    async def _notify_staff(self, request: HelpRequest, text: str, file_id: str | None, kind: str | None) -> None:
        center = await self._center(request)
        for chat_id in await self._staff_chats(request.center_id):
            locale = await self._locale_of(chat_id)
            with self.i18n.use_locale(locale):
                notice = rv.staff_notice(request, center, text, None, locale)
                await self._enqueue(chat_id, notice, rv.staff_actions(request), request, notice=True)
            if len(text) > rv.EXCERPT:
                for start in range(0, len(text), CHUNK):
                    await self.outbox.enqueue(
                        chat_id, "sendMessage", {"chat_id": chat_id, "text": text[start : start + CHUNK]}, request.id
                    )
            if file_id and kind:
                method, field = ("sendPhoto", "photo") if kind == "photo" else ("sendDocument", "document")
                await self.outbox.enqueue(
                    chat_id, method, {"chat_id": chat_id, field: file_id, "caption": request.number}, request.id
                )

    async def _refresh_notices(self, request: HelpRequest, actor_name: str) -> None:
        center = await self._center(request)
        thread = await self.requests.thread(request.id)
        first_text = next((message.text for message in thread if message.author == "person" and message.text), "")
        for chat_id, message_id in await self.requests.notices(request.id):
            locale = await self._locale_of(chat_id)
            with self.i18n.use_locale(locale):
                text = rv.staff_notice(request, center, first_text, actor_name, locale)
                await self._enqueue(chat_id, text, rv.staff_actions(request), request, edit=message_id)

    async def _staff_chats(self, center_id: int) -> list[int]:
        """Staff of the center who can be reached; a center without staff sends to the admins."""
        members = [member.user_id for member in await self.staff.of_center(center_id) if not member.blocked_bot]
        return members or list(self.admin_ids)

    async def _enqueue(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        request: HelpRequest,
        notice: bool = False,
        edit: int | None = None,
    ) -> None:
        """An HTML message to send, or with `edit` the new text of that message."""
        params: dict[str, object] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
        if markup is not None:
            params["reply_markup"] = markup.model_dump(exclude_none=True)
        if edit is not None:
            params["message_id"] = edit
        method = "sendMessage" if edit is None else "editMessageText"
        await self.outbox.enqueue(chat_id, method, params, request.id, notice=notice)

    async def _locale_of(self, user_id: int) -> str:
        user = await self.users.get(user_id)
        return user.locale if user and user.locale else self.i18n.default_locale

    async def _center(self, request: HelpRequest) -> Center:
        center = await self.centers.get(request.center_id)
        assert center is not None
        return center

    async def _get(self, request_id: int) -> HelpRequest:
        request = await self.requests.get(request_id)
        assert request is not None
        return request
