"""The help desk: submitting requests, staff actions and answers, each committed together with its outbox rows."""

from __future__ import annotations

from dataclasses import dataclass

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

    def __post_init__(self) -> None:
        self.requests = RequestRepository(self.connection)
        self.staff = StaffRepository(self.connection)
        self.outbox = OutboxRepository(self.connection)
        self.centers = CenterRepository(self.connection)
        self.users = UserRepository(self.connection)

    # ---- the person ----

    async def submit(self, new: NewRequest) -> HelpRequest:
        """The request and every notice about it are committed at once, before anything is sent."""
        try:
            request_id = await self.requests.create(new)
            request = await self.requests.get(request_id)
            assert request is not None
            await self._notify_staff(request, new.text, new.file_id, new.file_kind)
            await self.requests.commit()
        except Exception:
            await self.requests.rollback()
            raise
        self._wake()
        return request

    async def person_answer(self, request: HelpRequest, text: str) -> None:
        await self.requests.add_message(request.id, "person", text)
        recipients = [request.assignee_id] if request.assignee_id else await self._staff_chats(request.center_id)
        for chat_id in recipients:
            locale = await self._locale_of(chat_id)
            with self.i18n.use_locale(locale):
                await self._enqueue_text(chat_id, rv.person_wrote(request, text), rv.staff_actions(request), request)
        await self._commit()

    async def rate(self, request: HelpRequest, score: int) -> None:
        await self.requests.rate(request.id, score)

    # ---- staff ----

    async def allowed(self, user_id: int, request: HelpRequest) -> bool:
        return may_act(user_id, request.center_id, await self.staff.centers_of(user_id), self.admin_ids)

    async def take(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        check_transition(request.status, "in_progress")
        await self.requests.set_status(request.id, "in_progress", actor_id)
        await self.requests.audit(actor_id, request.id, "take")
        return await self._after_status_change(request.id, actor_name)

    async def resolve(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        check_transition(request.status, "resolved")
        await self.requests.set_status(request.id, "resolved", actor_id)
        await self.requests.audit(actor_id, request.id, "resolve")
        return await self._after_status_change(request.id, actor_name)

    async def staff_answer(self, request: HelpRequest, actor_id: int, actor_name: str, text: str) -> None:
        if not request.is_open:
            raise RuleError("closed")
        await self.requests.add_message(request.id, "staff", text, staff_id=actor_id)
        await self.requests.audit(actor_id, request.id, "answer")
        if request.status == "new":  # answering is taking
            await self.requests.set_status(request.id, "in_progress", actor_id)
            await self.requests.audit(actor_id, request.id, "take")
            await self._after_status_change(request.id, actor_name, commit=False)
        center = await self._center(request)
        if request.user_id is not None:
            with self.i18n.use_locale(request.locale):
                await self._enqueue_text(
                    request.user_id,
                    rv.staff_answer(center, request, text, request.locale),
                    rv.person_reply_button(request.id),
                    request,
                )
        await self._commit()

    # ---- inside ----

    async def _after_status_change(self, request_id: int, actor_name: str, commit: bool = True) -> HelpRequest:
        request = await self.requests.get(request_id)
        assert request is not None
        await self._refresh_notices(request, actor_name)
        if request.user_id is not None:
            with self.i18n.use_locale(request.locale):
                if request.status == "resolved":
                    text, markup = rv.ask_rating(request), rv.rating_buttons(request.id)
                else:
                    text, markup = rv.status_changed(request), None
                await self._enqueue_text(request.user_id, text, markup, request)
        if commit:
            await self._commit()
        return request

    async def _notify_staff(self, request: HelpRequest, text: str, file_id: str | None, kind: str | None) -> None:
        center = await self._center(request)
        for chat_id in await self._staff_chats(request.center_id):
            locale = await self._locale_of(chat_id)
            with self.i18n.use_locale(locale):
                notice = rv.staff_notice(request, center, text, None, locale)
                await self._enqueue_text(chat_id, notice, rv.staff_actions(request), request, notice=True)
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
                markup = rv.staff_actions(request)
            params = {"chat_id": chat_id, "message_id": message_id, "text": text, "parse_mode": "HTML"}
            if markup is not None:
                params["reply_markup"] = markup.model_dump(exclude_none=True)
            await self.outbox.enqueue(chat_id, "editMessageText", params, request.id)

    async def _staff_chats(self, center_id: int) -> list[int]:
        """Staff of the center who can be reached; a center without staff sends to the admins."""
        members = [member.user_id for member in await self.staff.of_center(center_id) if not member.blocked_bot]
        return members or list(self.admin_ids)

    async def _enqueue_text(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None, request: HelpRequest, notice: bool = False
    ) -> None:
        params: dict[str, object] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
        if markup is not None:
            params["reply_markup"] = markup.model_dump(exclude_none=True)
        await self.outbox.enqueue(chat_id, "sendMessage", params, request.id, notice=notice)

    async def _locale_of(self, user_id: int) -> str:
        user = await self.users.get(user_id)
        return user.locale if user and user.locale else self.i18n.default_locale

    async def _center(self, request: HelpRequest) -> Center:
        center = await self.centers.get(request.center_id)
        assert center is not None
        return center

    async def _commit(self) -> None:
        await self.requests.commit()
        self._wake()

    def _wake(self) -> None:
        if self.worker is not None:
            self.worker.wake()
